// `dgrid localnet`: N validator homes on this machine with one shared genesis (the devnet's funded
// development account, each validator's own key), distinct 127.0.0.1 ports and persistent peers
// among them. The genesis is built by one function (`buildLocalnetGenesis`) so it can later be made
// from gentxs instead. `<dir>/localnet.json` records the layout, so a second run resumes.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addGenesisAccount, defaultAppState } from "../cli/app-genesis.ts";
import { parseCoins } from "../cli/args.ts";
import { initHome } from "../cli/init.ts";
import { defaultConsensusParamsJson, type GenesisDoc, genesisToJson, validateGenesis } from "../types/genesis.ts";
import { loadNodeKey, loadPrivValidatorKey, nodeId, pubKeyToJson } from "../types/keys.ts";
import { genesisPath, loadConfig, nodeKeyPath, privValidatorKeyPath, writeConfig } from "./config.ts";
import { DEVNET_ACCOUNT_COINS, devnetAccountAddress } from "./devnet.ts";

export const LOCALNET_CHAIN_ID = "dgrid-localnet-1";

export interface LocalnetNode {
  name: string;
  home: string;
  nodeId: string;
  validator: boolean;
  rpcPort: number;
  p2pPort: number;
  metricsPort: number;
}

export interface Localnet {
  chainId: string;
  nodes: LocalnetNode[];
}

export interface LocalnetOptions {
  dir: string;
  validators: number;
  /** extra full nodes (not in the validator set) */
  fullNodes?: number;
  chainId?: string;
  /** node i listens on p2p base+10i+6, rpc base+10i+7, metrics base+10i+9 (default base 26650: node 0 on 26656/26657/26659) */
  basePort?: number;
  /** explicit ports per node (tests pick free ones) */
  ports?: (i: number) => { rpc: number; p2p: number; metrics: number };
  timeoutCommitMs?: number;
  /** consensus timeouts for fast tests (propose, prevote, precommit base values) */
  timeoutProposeMs?: number;
  timeoutVoteMs?: number;
  genesisTime?: string;
}

export const manifestPath = (dir: string) => join(dir, "localnet.json");

export interface GenesisValidatorEntry {
  name: string;
  pubKey: Uint8Array;
  address: Uint8Array;
  power: bigint;
}

/**
 * The localnet genesis: the devnet's funded development account and the given validators.
 * (The staking module's gentx / collect-gentxs flow can replace this one function.)
 */
export async function buildLocalnetGenesis(
  chainId: string,
  validators: GenesisValidatorEntry[],
  genesisTime = new Date().toISOString(),
): Promise<GenesisDoc> {
  const appState = addGenesisAccount(defaultAppState(), await devnetAccountAddress(), parseCoins(DEVNET_ACCOUNT_COINS));
  const doc: GenesisDoc = {
    genesis_time: genesisTime,
    chain_id: chainId,
    initial_height: "1",
    consensus_params: defaultConsensusParamsJson(),
    validators: validators.map((v) => ({
      address: Buffer.from(v.address).toString("hex").toUpperCase(),
      pub_key: pubKeyToJson(v.pubKey),
      power: v.power.toString(),
      name: v.name,
    })),
    app_hash: "",
    app_state: appState,
  };
  validateGenesis(doc);
  return doc;
}

/** Reads an existing localnet layout, or undefined when `dir` holds none. */
export function loadLocalnet(dir: string): Localnet | undefined {
  const p = manifestPath(dir);
  if (!existsSync(p)) return undefined;
  return JSON.parse(readFileSync(p, "utf8")) as Localnet;
}

/** Writes the homes, genesis and configs of a new localnet under `dir` (which must not hold one). */
export async function initLocalnet(opts: LocalnetOptions): Promise<Localnet> {
  if (opts.validators < 1) throw new Error("a localnet needs at least one validator");
  if (loadLocalnet(opts.dir)) throw new Error(`${opts.dir} already holds a localnet`);
  const chainId = opts.chainId ?? LOCALNET_CHAIN_ID;
  const base = opts.basePort ?? 26650;
  const total = opts.validators + (opts.fullNodes ?? 0);
  mkdirSync(opts.dir, { recursive: true });
  const nodes: LocalnetNode[] = [];
  const vals: GenesisValidatorEntry[] = [];
  for (let i = 0; i < total; i++) {
    const validator = i < opts.validators;
    const name = validator ? `validator${i}` : `node${i}`;
    const home = join(opts.dir, name);
    initHome({ home, chainId, moniker: name, overwrite: true });
    const ports = opts.ports?.(i) ?? { p2p: base + 10 * i + 6, rpc: base + 10 * i + 7, metrics: base + 10 * i + 9 };
    nodes.push({
      name,
      home,
      nodeId: nodeId(loadNodeKey(nodeKeyPath(home))),
      validator,
      rpcPort: ports.rpc,
      p2pPort: ports.p2p,
      metricsPort: ports.metrics,
    });
    if (validator) {
      const key = loadPrivValidatorKey(privValidatorKeyPath(home));
      vals.push({ name, pubKey: key.pubKey, address: key.address, power: 10n });
    }
  }
  const genesis = genesisToJson(await buildLocalnetGenesis(chainId, vals, opts.genesisTime));
  for (const n of nodes) {
    writeFileSync(genesisPath(n.home), genesis);
    const cfg = loadConfig(n.home);
    cfg.moniker = n.name;
    cfg.rpc.laddr = `tcp://127.0.0.1:${n.rpcPort}`;
    cfg.p2p.laddr = `tcp://127.0.0.1:${n.p2pPort}`;
    cfg.p2p.persistentPeers = nodes.filter((m) => m !== n).map((m) => `${m.nodeId}@127.0.0.1:${m.p2pPort}`);
    cfg.instrumentation = { prometheus: true, prometheusLaddr: `tcp://127.0.0.1:${n.metricsPort}` };
    cfg.consensus.timeoutCommitMs = opts.timeoutCommitMs ?? 1000;
    if (opts.timeoutProposeMs !== undefined) cfg.consensus.timeoutProposeMs = opts.timeoutProposeMs;
    if (opts.timeoutVoteMs !== undefined) {
      cfg.consensus.timeoutPrevoteMs = opts.timeoutVoteMs;
      cfg.consensus.timeoutPrecommitMs = opts.timeoutVoteMs;
    }
    writeConfig(n.home, cfg);
  }
  const net: Localnet = { chainId, nodes };
  // written last and atomically: its presence means the localnet is complete
  writeFileSync(`${manifestPath(opts.dir)}.tmp`, `${JSON.stringify(net, null, 2)}\n`);
  renameSync(`${manifestPath(opts.dir)}.tmp`, manifestPath(opts.dir));
  return net;
}
