// `dgrid init`: a fresh node home, as `simd init` + CometBFT's init: node key, consensus key, empty
// signing state, config files (config.toml, app.toml) and a genesis without validators. The command (not `initHome`, which
// the devnet and localnet use before writing their own genesis) then makes this node the chain's
// validator, unless --no-validator: init-validator.ts.
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
import { Ed25519Key, nodeId, saveNodeKey, savePrivValidatorKey } from "../../chain/types/keys.ts";
import { defaultAppState } from "../genesis.ts";
import { type GovPeriods, govPeriods } from "../gov-periods.ts";
import { parseDurationSeconds } from "./args.ts";
import { CliError, type CliIO, globalsOf, printResult } from "./context.ts";
import { gentxDir } from "./gentx.ts";
import {
  addGenesisValidator,
  type GenesisValidatorResult,
  parseValidatorFunds,
  VALIDATOR_KEY,
  validatorKey,
  validatorText,
} from "./init-validator.ts";
import { addKeyringOptions, openKeyring } from "./keyring-flags.ts";

export interface InitOptions {
  home: string;
  chainId: string;
  moniker: string;
  overwrite?: boolean;
  /** Genesis time (RFC 3339); defaults to now. */
  genesisTime?: string;
  /** gov periods of the new chain (default: the gov module's, a 48 h vote) */
  gov?: GovPeriods;
}

export interface InitResult {
  moniker: string;
  chain_id: string;
  node_id: string;
  /** the consensus key's address (hex, as CometBFT prints it) */
  validator_address: string;
  home: string;
}

/**
 * consensus_params.abci.vote_extensions_enable_height of a new chain: the inference module commits
 * and reveals outputs in vote extensions, so a DGrid chain has them from its second height (as the
 * devnet and the localnet)
 */
export const VOTE_EXTENSIONS_ENABLE_HEIGHT = "2";

const CHAIN_ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,49}$/;

function writeJsonFile(path: string, value: unknown, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode });
}

/** Checks the chain id and moniker, and that the home holds no node unless `overwrite`. */
export function checkInitOptions(opts: InitOptions): void {
  if (!CHAIN_ID_RE.test(opts.chainId)) {
    throw new CliError(`invalid chain id "${opts.chainId}": 1-50 characters of letters, digits, '.', '_' or '-'`);
  }
  if (!opts.moniker.trim()) throw new CliError("moniker must not be empty");
  if (!opts.overwrite) {
    for (const p of [genesisPath(opts.home), privValidatorKeyPath(opts.home), ...existingConfigFiles(opts.home)]) {
      if (existsSync(p)) throw new CliError(`${p} already exists; use --overwrite to replace it`);
    }
  }
}

/**
 * Writes every file of a new home; refuses to replace an existing genesis unless `overwrite`. The
 * genesis has no validators: gentxs add them (`dgrid init` does for this node, `collect-gentxs`
 * for others), or the caller writes its own genesis (devnet, localnet).
 */
export function initHome(opts: InitOptions): InitResult {
  checkInitOptions(opts);
  // gentxs signed for a replaced genesis would be collected again by `collect-gentxs`
  if (opts.overwrite) rmSync(gentxDir(opts.home), { recursive: true, force: true });
  const nodeKey = Ed25519Key.generate();
  const valKey = Ed25519Key.generate();
  saveNodeKey(nodeKeyPath(opts.home), nodeKey);
  savePrivValidatorKey(privValidatorKeyPath(opts.home), valKey);
  writeJsonFile(privValidatorStatePath(opts.home), { height: "0", round: 0, step: 0 }, 0o600);
  // a new home's config is the TOML files, replacing whatever config it had (a config.json too)
  for (const p of existingConfigFiles(opts.home)) rmSync(p);
  writeConfig(opts.home, defaultConfig(opts.moniker));

  const appState = defaultAppState();
  if (opts.gov) {
    const gov = appState.gov as { params: Record<string, unknown> };
    gov.params = { ...gov.params, ...opts.gov };
  }
  const genesis: GenesisDoc = {
    genesis_time: opts.genesisTime ?? new Date().toISOString(),
    chain_id: opts.chainId,
    initial_height: "1",
    consensus_params: {
      ...defaultConsensusParamsJson(),
      abci: { vote_extensions_enable_height: VOTE_EXTENSIONS_ENABLE_HEIGHT },
    },
    validators: [],
    app_hash: "",
    app_state: appState,
  };
  validateGenesis(genesis);
  const gPath = genesisPath(opts.home);
  mkdirSync(dirname(gPath), { recursive: true });
  writeFileSync(gPath, genesisToJson(genesis));
  return {
    moniker: opts.moniker,
    chain_id: opts.chainId,
    node_id: nodeId(nodeKey),
    validator_address: toHex(valKey.address).toUpperCase(),
    home: opts.home,
  };
}

interface InitFlags {
  chainId: string;
  moniker: string;
  overwrite: boolean;
  validator: boolean;
  validatorKey: string;
  validatorBalance: string;
  selfDelegation: string;
  votingPeriod?: string;
}

function initText(r: InitResult & { validator?: GenesisValidatorResult; voting_period: string }): string {
  const lines = [
    `initialized ${r.home}`,
    `  chain id:       ${r.chain_id}`,
    `  moniker:        ${r.moniker}`,
    `  node id:        ${r.node_id}`,
    `  consensus key:  ${r.validator_address} (config/priv_validator_key.json)`,
    `  voting period:  ${r.voting_period}`,
  ];
  if (r.validator) lines.push(...validatorText(r.validator));
  else {
    lines.push(
      "  validators:     none yet (--no-validator): add them with `dgrid genesis gentx` and",
      "                  `dgrid genesis collect-gentxs` before `dgrid start`",
    );
  }
  lines.push(`next: dgrid start --home ${r.home}`);
  return `${lines.join("\n")}\n`;
}

export function registerInitCommand(program: Command, io: CliIO): void {
  addKeyringOptions(
    program
      .command("init")
      .description(
        "initialize a node home (keys, config, genesis) whose node is the chain's validator: creates the " +
          "operator key, funds it in genesis, and collects its gentx (--no-validator: a genesis without validators)",
      )
      .requiredOption("--chain-id <id>", "chain id of the new chain")
      .option("--moniker <name>", "node name", "dgrid-node")
      .option("--overwrite", "replace an existing genesis, keys and config", false)
      .option("--no-validator", "make no validator: add gentxs with `genesis gentx` / `collect-gentxs` later")
      .option(
        "--validator-key <name>",
        "keyring name of the validator's operator key (reused if present)",
        VALIDATOR_KEY,
      )
      .option("--validator-balance <coins>", "the operator account's balance in genesis", "1000000000udgrid")
      .option(
        "--self-delegation <coin>",
        "stake the validator bonds at genesis (10^6 udgrid = power 1)",
        "100000000udgrid",
      )
      .option("--voting-period <duration>", "gov voting period, e.g. 60s (default: the SDK's 172800s)"),
  ).action(async (opts: InitFlags, cmd: Command) => {
    const g = globalsOf(cmd);
    const seconds =
      opts.votingPeriod === undefined ? undefined : parseDurationSeconds(opts.votingPeriod, "--voting-period");
    if (seconds !== undefined && seconds < 2) throw new CliError("--voting-period must be at least 2s");
    const base: InitOptions = {
      home: g.home,
      chainId: opts.chainId,
      moniker: opts.moniker,
      overwrite: opts.overwrite,
      gov: seconds === undefined ? undefined : govPeriods(seconds),
    };
    // every check that can fail comes before the first file is written
    checkInitOptions(base);
    const funds = opts.validator ? parseValidatorFunds(opts.validatorBalance, opts.selfDelegation) : undefined;
    // the key first: a keyring that cannot be used (no passphrase) fails before the home is written
    const key = funds ? await validatorKey(openKeyring(cmd, io), opts.validatorKey) : undefined;
    const res = initHome(base);
    const validator = key && funds ? await addGenesisValidator({ home: g.home, funds }, { key }) : undefined;
    const out = { ...res, voting_period: base.gov?.voting_period ?? "172800s", validator };
    if (validator?.mnemonic && g.output !== "json") {
      io.err(
        `\n**Important** the validator's operator key "${validator.key}" was created; write its mnemonic in a safe place:\n${validator.mnemonic}\n\n`,
      );
    }
    printResult(io, g.output, out, initText);
  });
}
