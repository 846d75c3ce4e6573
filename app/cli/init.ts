// `dgrid init`: a fresh node home, as `simd init` + CometBFT's init: node key, validator key, empty
// signing state, config files (config.toml, app.toml) and a genesis with this node as the only validator (power 10).
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { toHex } from "@cosmjs/encoding";
import type { Command } from "commander";
import {
  defaultConfig,
  existingConfigFiles,
  genesisPath,
  nodeKeyPath,
  privValidatorKeyPath,
  privValidatorStatePath,
  writeConfig,
} from "../../chain/node/config.ts";
import {
  defaultConsensusParamsJson,
  type GenesisDoc,
  genesisToJson,
  validateGenesis,
} from "../../chain/types/genesis.ts";
import { Ed25519Key, nodeId, pubKeyToJson, saveNodeKey, savePrivValidatorKey } from "../../chain/types/keys.ts";
import { defaultAppState } from "../genesis.ts";
import { CliError, type CliIO, globalsOf, printResult } from "./context.ts";

export const GENESIS_VALIDATOR_POWER = "10";

export interface InitOptions {
  home: string;
  chainId: string;
  moniker: string;
  overwrite?: boolean;
  /** Genesis time (RFC 3339); defaults to now. */
  genesisTime?: string;
}

export interface InitResult {
  moniker: string;
  chain_id: string;
  node_id: string;
  validator_address: string;
  home: string;
}

const CHAIN_ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,49}$/;

function writeJsonFile(path: string, value: unknown, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode });
}

/** Writes every file of a new home; refuses to replace an existing genesis unless `overwrite`. */
export function initHome(opts: InitOptions): InitResult {
  if (!CHAIN_ID_RE.test(opts.chainId)) {
    throw new CliError(`invalid chain id "${opts.chainId}": 1-50 characters of letters, digits, '.', '_' or '-'`);
  }
  if (!opts.moniker.trim()) throw new CliError("moniker must not be empty");
  const gPath = genesisPath(opts.home);
  if (!opts.overwrite) {
    for (const p of [gPath, privValidatorKeyPath(opts.home), ...existingConfigFiles(opts.home)]) {
      if (existsSync(p)) throw new CliError(`${p} already exists; use --overwrite to replace it`);
    }
  }
  const nodeKey = Ed25519Key.generate();
  const valKey = Ed25519Key.generate();
  saveNodeKey(nodeKeyPath(opts.home), nodeKey);
  savePrivValidatorKey(privValidatorKeyPath(opts.home), valKey);
  writeJsonFile(privValidatorStatePath(opts.home), { height: "0", round: 0, step: 0 }, 0o600);
  // a new home's config is the TOML files, replacing whatever config it had (a config.json too)
  for (const p of existingConfigFiles(opts.home)) rmSync(p);
  writeConfig(opts.home, defaultConfig(opts.moniker));

  const validatorAddress = toHex(valKey.address).toUpperCase();
  const genesis: GenesisDoc = {
    genesis_time: opts.genesisTime ?? new Date().toISOString(),
    chain_id: opts.chainId,
    initial_height: "1",
    consensus_params: defaultConsensusParamsJson(),
    validators: [
      {
        address: validatorAddress,
        pub_key: pubKeyToJson(valKey.pubKey),
        power: GENESIS_VALIDATOR_POWER,
        name: opts.moniker,
      },
    ],
    app_hash: "",
    app_state: defaultAppState(),
  };
  validateGenesis(genesis);
  mkdirSync(dirname(gPath), { recursive: true });
  writeFileSync(gPath, genesisToJson(genesis));
  return {
    moniker: opts.moniker,
    chain_id: opts.chainId,
    node_id: nodeId(nodeKey),
    validator_address: validatorAddress,
    home: opts.home,
  };
}

export function registerInitCommand(program: Command, io: CliIO): void {
  program
    .command("init")
    .description("initialize a node home: keys, config, and a genesis with this node as the only validator")
    .requiredOption("--chain-id <id>", "chain id of the new chain")
    .option("--moniker <name>", "node name", "dgrid-node")
    .option("--overwrite", "replace an existing genesis, keys and config", false)
    .action((opts: { chainId: string; moniker: string; overwrite: boolean }, cmd: Command) => {
      const g = globalsOf(cmd);
      const res = initHome({ home: g.home, chainId: opts.chainId, moniker: opts.moniker, overwrite: opts.overwrite });
      printResult(
        io,
        g.output,
        res,
        (r: InitResult) =>
          `initialized ${r.home}\n  chain id:  ${r.chain_id}\n  moniker:   ${r.moniker}\n  node id:   ${r.node_id}\n  validator: ${r.validator_address}\n`,
      );
    });
}
