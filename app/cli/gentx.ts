// `dgrid genesis gentx` and `dgrid genesis collect-gentxs` (as simd), and `buildGenesisWithGentxs`
// for commands that make a whole multi-validator genesis at once (localnet).
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OfflineDirectSigner } from "@cosmjs/proto-signing";
import type { Command } from "commander";
import type { Coin } from "../../chain/baseapp/coins.ts";
import { genesisPath, loadConfig, nodeKeyPath, privValidatorKeyPath } from "../../chain/node/config.ts";
import {
  defaultConsensusParamsJson,
  type GenesisDoc,
  genesisToJson,
  validateGenesis as validateCometGenesis,
} from "../../chain/types/genesis.ts";
import { loadNodeKey, loadPrivValidatorKey, nodeId } from "../../chain/types/keys.ts";
import { verifySecp256k1 } from "../../modules/auth/sigverify.ts";
import type { SignatureVerifierI } from "../../modules/genutil/expected-keepers.ts";
import { collectGentxs, createGentx } from "../../modules/genutil/gentx.ts";
import type { ParamsJson as StakingParamsJson } from "../../modules/staking/params.ts";
import { addGenesisAccount, defaultAppState, stakingGenesisDefaults, validateAppState } from "../genesis.ts";
import { parseCoins } from "./args.ts";
import { CliError, type CliIO, globalsOf, printResult } from "./context.ts";
import { readGenesis } from "./genesis.ts";
import { addKeyringOptions, openKeyring } from "./keyring-flags.ts";

export const gentxDir = (home: string) => join(home, "config", "gentx");

/** collect-gentxs checks each gentx's signature with x/auth's verification */
/** how collect-gentxs checks a gentx's signature (the auth module's secp256k1 verification) */
export const gentxVerifier: SignatureVerifierI = { verifySecp256k1 };

function writeGenesisFile(home: string, doc: GenesisDoc): void {
  const path = genesisPath(home);
  writeFileSync(`${path}.tmp`, genesisToJson(doc));
  renameSync(`${path}.tmp`, path);
}

function cliErr(e: unknown): CliError {
  return e instanceof CliError ? e : new CliError((e as Error)?.message ?? String(e));
}

/** Writes a gentx where `collect-gentxs` looks for it (or `path`); returns the path. */
export function writeGentxFile(path: string, gentx: unknown): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `${JSON.stringify(gentx)}\n`);
  return path;
}

/** Reads every *.json gentx in `dir`, in file-name order. */
export function readGentxDir(dir: string): unknown[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith(".json"))
      .sort();
  } catch (e) {
    throw new CliError(`cannot read gentx directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return names.map((n) => {
    try {
      return JSON.parse(readFileSync(join(dir, n), "utf8"));
    } catch (e) {
      throw new CliError(`${join(dir, n)}: ${(e as Error).message}`);
    }
  });
}

/** p2p port of the home's config (the gentx memo names it, as simd's "<node id>@<ip>:26656"). */
export function p2pPort(home: string): number {
  const laddr = loadConfig(home).p2p.laddr;
  const m = /\/tcp\/(\d+)/.exec(laddr) ?? /:(\d+)$/.exec(laddr);
  return m ? Number(m[1]) : 26656;
}

export interface GentxValidatorSpec {
  /** the operator's account key */
  signer: OfflineDirectSigner;
  /** ed25519 consensus public key (priv_validator_key.json) */
  consensusPubKey: Uint8Array;
  moniker: string;
  /** coins given to the operator's account in genesis (must cover the self-delegation) */
  balance: Coin[];
  /** bonded at genesis, in the bond denom (udgrid) */
  selfDelegation: bigint;
  /** "<node id>@<host>:<port>" (optional) */
  memo?: string;
  commissionRate?: string;
}

/**
 * A complete genesis whose validator set comes from gentxs: default app state, the given funded
 * accounts, each validator's operator account funded and its gentx collected (CometBFT `validators`
 * left empty: the set comes from InitChain). Returns the document and the gentx memos.
 */
export async function buildGenesisWithGentxs(opts: {
  chainId: string;
  genesisTime?: string;
  accounts?: { address: string; coins: Coin[] }[];
  validators: GentxValidatorSpec[];
  stakingParams?: Partial<StakingParamsJson>;
}): Promise<{ genesis: GenesisDoc; peers: string[] }> {
  let appState = defaultAppState();
  Object.assign(appState, stakingGenesisDefaults());
  const staking = appState.staking as { params: StakingParamsJson };
  staking.params = { ...staking.params, ...(opts.stakingParams ?? {}) };
  for (const a of opts.accounts ?? []) appState = addGenesisAccount(appState, a.address, a.coins);
  const gentxs: unknown[] = [];
  for (const v of opts.validators) {
    const [acc] = await v.signer.getAccounts();
    appState = addGenesisAccount(appState, acc.address, v.balance);
    gentxs.push(
      await createGentx({
        chainId: opts.chainId,
        signer: v.signer,
        consensusPubKey: v.consensusPubKey,
        amount: { denom: staking.params.bond_denom, amount: v.selfDelegation.toString() },
        moniker: v.moniker,
        memo: v.memo,
        commissionRate: v.commissionRate,
      }),
    );
  }
  const doc: GenesisDoc = {
    genesis_time: opts.genesisTime ?? new Date().toISOString(),
    chain_id: opts.chainId,
    initial_height: "1",
    consensus_params: defaultConsensusParamsJson(),
    validators: [],
    app_hash: "",
    app_state: appState,
  };
  const { peers } = collectGentxs(doc, gentxs, gentxVerifier);
  validateAppState(doc.app_state);
  validateCometGenesis(doc);
  return { genesis: doc, peers };
}

interface GentxFlags {
  chainId?: string;
  moniker?: string;
  commissionRate: string;
  commissionMaxRate: string;
  commissionMaxChangeRate: string;
  minSelfDelegation: string;
  details?: string;
  identity?: string;
  website?: string;
  securityContact?: string;
  nodeId?: string;
  ip: string;
  outputDocument?: string;
}

export function registerGentxCommands(genesis: Command, io: CliIO): void {
  addKeyringOptions(
    genesis
      .command("gentx <key_name> <amount>")
      .description(
        "sign a genesis transaction that creates a validator with a self-delegation, e.g. gentx val1 100000000udgrid",
      )
      .option("--chain-id <id>", "chain id (default: genesis.json's; must match it)")
      .option("--moniker <name>", "validator name (default: the config's moniker)")
      .option("--commission-rate <dec>", "initial commission rate", "0.1")
      .option("--commission-max-rate <dec>", "maximum commission rate", "0.2")
      .option("--commission-max-change-rate <dec>", "maximum commission change per day", "0.01")
      .option("--min-self-delegation <int>", "minimum self delegation (udgrid)", "1")
      .option("--details <text>", "validator details")
      .option("--identity <text>", "identity signature (keybase)")
      .option("--website <url>", "website")
      .option("--security-contact <email>", "security contact")
      .option("--node-id <id>", "node id for the memo (default: config/node_key.json's)")
      .option("--ip <host>", "public address of the node for the memo", "127.0.0.1")
      .option("--output-document <file>", "write the gentx here instead of config/gentx/gentx-<node id>.json"),
  ).action(async (keyName: string, amountText: string, opts: GentxFlags, cmd: Command) => {
    const g = globalsOf(cmd);
    const doc = readGenesis(g.home);
    if (opts.chainId !== undefined && opts.chainId !== doc.chain_id) {
      throw new CliError(`--chain-id ${opts.chainId} does not match genesis.json's chain id ${doc.chain_id}`);
    }
    const coins = parseCoins(amountText);
    if (coins.length !== 1) throw new CliError(`amount must be a single coin, got "${amountText}"`);
    const ring = openKeyring(cmd, io);
    const key = ring.get(keyName);
    const signer = await ring.signer(key.name);
    let consKey: Uint8Array;
    let id: string;
    try {
      consKey = loadPrivValidatorKey(privValidatorKeyPath(g.home)).pubKey;
      id = opts.nodeId ?? nodeId(loadNodeKey(nodeKeyPath(g.home)));
    } catch (e) {
      throw new CliError(`cannot read the node's keys in ${g.home}/config: ${(e as Error).message}`);
    }
    let gentx: unknown;
    try {
      gentx = await createGentx({
        chainId: doc.chain_id,
        signer,
        consensusPubKey: consKey,
        amount: { denom: coins[0].denom, amount: coins[0].amount.toString() },
        moniker: opts.moniker ?? loadConfig(g.home).moniker,
        identity: opts.identity,
        website: opts.website,
        securityContact: opts.securityContact,
        details: opts.details,
        commissionRate: opts.commissionRate,
        commissionMaxRate: opts.commissionMaxRate,
        commissionMaxChangeRate: opts.commissionMaxChangeRate,
        minSelfDelegation: opts.minSelfDelegation,
        memo: `${id}@${opts.ip}:${p2pPort(g.home)}`,
      });
      // the same checks collect-gentxs makes: the account is in genesis with enough to stake
      collectGentxs(structuredClone(doc), [gentx], gentxVerifier);
    } catch (e) {
      throw cliErr(e);
    }
    const out = writeGentxFile(opts.outputDocument ?? join(gentxDir(g.home), `gentx-${id}.json`), gentx);
    io.err(`Genesis transaction written to "${out}"\n`);
    if (g.output === "json") io.out(`${JSON.stringify({ file: out, validator: key.address })}\n`);
  });

  genesis
    .command("collect-gentxs")
    .description("put the gentxs of config/gentx/ into genesis.json (app_state.genutil.gen_txs) and check them")
    .option("--gentx-dir <dir>", "directory of gentx files (default: <home>/config/gentx)")
    .action((opts: { gentxDir?: string }, cmd: Command) => {
      const g = globalsOf(cmd);
      const dir = opts.gentxDir ?? gentxDir(g.home);
      const doc = readGenesis(g.home);
      const txs = readGentxDir(dir);
      if (txs.length === 0) throw new CliError(`no gentx files in ${dir}`);
      let peers: string[];
      try {
        peers = collectGentxs(doc, txs, gentxVerifier).peers;
        validateAppState(doc.app_state);
        validateCometGenesis(doc);
      } catch (e) {
        throw cliErr(e);
      }
      writeGenesisFile(g.home, doc);
      printResult(
        io,
        g.output,
        { chain_id: doc.chain_id, gentxs_dir: dir, gentxs: txs.length, persistent_peers: peers.join(",") },
        (r) =>
          `collected ${r.gentxs} gentxs from ${r.gentxs_dir} into ${genesisPath(g.home)}\npersistent peers: ${r.persistent_peers}\n`,
      );
    });
}
