// `dgrid localnet`: N validator homes on this machine with one shared genesis made from gentxs (the
// devnet's funded development account; each validator an operator account with a self-delegation and
// its own consensus key; the set comes from staking at InitChain), localnet-friendly module params,
// distinct 127.0.0.1 ports and persistent peers among them. Each validator's operator key is kept in
// its home's test keyring (`<home>/keyring-test/validator.info.json`, key name `validator`), so
// `--from validator --keyring-backend test` (or `Keyring.signer`) can sign MsgUnjail, MsgEditValidator...
// `<dir>/localnet.json` records the layout, so a second run resumes.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OfflineDirectSigner } from "@cosmjs/proto-signing";
import { Keyring } from "../chain/keyring/keyring.ts";
import { genesisPath, loadConfig, nodeKeyPath, privValidatorKeyPath, writeConfig } from "../chain/node/config.ts";
import { type GenesisDoc, genesisToJson, validateGenesis } from "../chain/types/genesis.ts";
import { loadNodeKey, loadPrivValidatorKey, nodeId } from "../chain/types/keys.ts";
import { snakeKeys } from "../chain/types/proto-json.ts";
import { DEMO_MODEL_PATH, demoModel } from "../models/demo.ts";
import type { ParamsJson as GovParamsJson } from "../modules/gov/params.ts";
import { defaultGenesis as defaultInferenceGenesis } from "../modules/inference/genesis.ts";
import { defaultGenesis as defaultReputationGenesis } from "../modules/reputation/genesis.ts";
import { defaultGenesis as defaultSlashingGenesis } from "../modules/slashing/genesis.ts";
import type { ParamsJson as SlashingParamsJson } from "../modules/slashing/params.ts";
import type { ParamsJson as StakingParamsJson } from "../modules/staking/params.ts";
import { GenesisState as RegistryGenesis } from "../proto/gen/dgrid/registry/v1/registry.ts";
import { parseCoins } from "./cli/args.ts";
import { buildGenesisWithGentxs } from "./cli/gentx.ts";
import { initHome } from "./cli/init.ts";
import { allowLocalOrigins, DEVNET_ACCOUNT_COINS, devnetAccountAddress, devnetAddress } from "./devnet.ts";
import { govPeriods, LOCALNET_VOTING_PERIOD_S } from "./gov-periods.ts";

export const LOCALNET_CHAIN_ID = "dgrid-localnet-1";
/** name of each validator's operator key in its home's test keyring */
export const LOCALNET_OPERATOR_KEY = "validator";
/** operator account balance and self-delegation (power 100 at the default power reduction 10^6) */
export const LOCALNET_OPERATOR_COINS = "1000000000udgrid";
export const LOCALNET_SELF_DELEGATION = 100_000_000n;

export interface LocalnetNode {
  name: string;
  home: string;
  nodeId: string;
  validator: boolean;
  rpcPort: number;
  p2pPort: number;
  metricsPort: number;
  /** model endpoint port (0 = none) */
  modelsPort?: number;
  /** REST (LCD) gateway port (0 or absent = none) */
  apiPort?: number;
  /** gRPC port (0 = none) */
  grpcPort?: number;
  /** validators: the operator's account address (dgrid1...); its key is `validator` in the home's test keyring */
  operatorAddress?: string;
}

export interface Localnet {
  chainId: string;
  nodes: LocalnetNode[];
}

/** Module params of a localnet genesis (merged over `localnetGenesisParams()`). */
export interface LocalnetGenesisParams {
  slashing?: Partial<SlashingParamsJson>;
  staking?: Partial<StakingParamsJson>;
  gov?: Partial<GovParamsJson>;
  /** dgrid.inference.v1.Params fields in genesis JSON form (snake_case), e.g. { default_redundancy: 2 } */
  inference?: Record<string, string | number>;
  /** dgrid.reputation.v1.Params fields in genesis JSON form, e.g. { score_sample_interval_blocks: 5 } */
  reputation?: Record<string, string | number>;
  /** consensus_params.abci.vote_extensions_enable_height ("0" = off) */
  voteExtensionsEnableHeight?: string;
}

/**
 * Localnet defaults: a 20-block signed-blocks window (half must be signed), 10 s downtime jail,
 * 60 s unbonding, 60 s gov voting and deposit periods (30 s expedited: long enough for people to
 * vote by hand), vote extensions (the inference module's commit/reveal) from height 2.
 */
export function localnetGenesisParams(): Required<LocalnetGenesisParams> {
  return {
    slashing: {
      signed_blocks_window: "20",
      min_signed_per_window: "0.500000000000000000",
      downtime_jail_duration: "10s",
    },
    staking: { unbonding_time: "60s" },
    gov: govPeriods(LOCALNET_VOTING_PERIOD_S),
    inference: {},
    reputation: { score_sample_interval_blocks: "10" },
    voteExtensionsEnableHeight: "2",
  };
}

export interface LocalnetOptions {
  dir: string;
  validators: number;
  /** extra full nodes (not in the validator set) */
  fullNodes?: number;
  chainId?: string;
  /**
   * node i listens on p2p base+10i+6, rpc base+10i+7, model endpoint base+10i+8, metrics base+10i+9
   * (default base 26650: node 0 on 26656/26657/26658/26659)
   */
  basePort?: number;
  /** explicit ports per node (tests pick free ones) */
  ports?: (i: number) => { rpc: number; p2p: number; metrics: number; models?: number; api?: number; grpc?: number };
  timeoutCommitMs?: number;
  /** consensus timeouts for fast tests (propose, prevote, precommit base values) */
  timeoutProposeMs?: number;
  timeoutVoteMs?: number;
  genesisTime?: string;
  /** overrides of the localnet genesis params */
  params?: LocalnetGenesisParams;
  /** every node's config log_level (default: the config default, info) */
  logLevel?: string;
}

export const manifestPath = (dir: string) => join(dir, "localnet.json");

export interface GenesisValidatorEntry {
  name: string;
  /** ed25519 consensus public key (priv_validator_key.json) */
  pubKey: Uint8Array;
  /** the operator's account key: signs the gentx (MsgCreateValidator with the self-delegation) */
  operator: OfflineDirectSigner;
  /** "<node id>@<host>:<port>" (the gentx memo) */
  memo?: string;
  /** default LOCALNET_SELF_DELEGATION */
  selfDelegation?: bigint;
}

/**
 * The localnet genesis: the devnet's funded development account, and one gentx per validator (its
 * operator account funded with LOCALNET_OPERATOR_COINS, self-delegating `selfDelegation`), so the
 * validator set comes from staking at InitChain (genesis.json `validators` is empty). Module params
 * are `localnetGenesisParams()` with `params` merged over them.
 */
export async function buildLocalnetGenesis(
  chainId: string,
  validators: GenesisValidatorEntry[],
  genesisTime = new Date().toISOString(),
  params: LocalnetGenesisParams = {},
): Promise<GenesisDoc> {
  const d = localnetGenesisParams();
  const { genesis: doc } = await buildGenesisWithGentxs({
    chainId,
    genesisTime,
    accounts: [{ address: await devnetAccountAddress(), coins: parseCoins(DEVNET_ACCOUNT_COINS) }],
    validators: validators.map((v) => ({
      signer: v.operator,
      consensusPubKey: v.pubKey,
      moniker: v.name,
      balance: parseCoins(LOCALNET_OPERATOR_COINS),
      selfDelegation: v.selfDelegation ?? LOCALNET_SELF_DELEGATION,
      memo: v.memo,
    })),
    stakingParams: { ...d.staking, ...params.staking },
  });
  const appState = doc.app_state as Record<string, any>;
  const slashing = defaultSlashingGenesis();
  slashing.params = { ...slashing.params, ...d.slashing, ...params.slashing };
  appState.slashing = slashing;
  appState.gov.params = { ...appState.gov.params, ...d.gov, ...params.gov };
  const inference = { ...d.inference, ...params.inference };
  if (Object.keys(inference).length > 0) {
    const g = (appState.inference ?? defaultInferenceGenesis()) as { params: Record<string, unknown> };
    appState.inference = { ...g, params: { ...g.params, ...inference } };
  }
  const reputation = { ...d.reputation, ...params.reputation };
  const rep = (appState.reputation ?? defaultReputationGenesis()) as { params: Record<string, unknown> };
  appState.reputation = { ...rep, params: { ...rep.params, ...reputation } };
  // the demo model, registered with no servers: each validator's node checks its golden vectors and
  // then sends MsgServeModel with its operator key (config inference.operatorKey)
  const model = demoModel(await devnetAddress("creator"));
  appState.registry = snakeKeys(
    RegistryGenesis.toJSON({
      params: undefined,
      models: [model],
      servers: [],
      conformanceFailures: [],
      modelStats: [],
      creatorEarnings: [],
    }),
  );
  doc.consensus_params.abci.vote_extensions_enable_height =
    params.voteExtensionsEnableHeight ?? d.voteExtensionsEnableHeight;
  validateGenesis(doc);
  return doc;
}

/** The gov params of a localnet's genesis (its periods, for the start banner). */
export function loadLocalnetGenesisGov(net: Localnet): GovParamsJson {
  const doc = JSON.parse(readFileSync(genesisPath(net.nodes[0].home), "utf8")) as {
    app_state: { gov: { params: GovParamsJson } };
  };
  return doc.app_state.gov.params;
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
    const ports = opts.ports?.(i) ?? {
      p2p: base + 10 * i + 6,
      rpc: base + 10 * i + 7,
      models: base + 10 * i + 8,
      metrics: base + 10 * i + 9,
      api: base + 10 * i + 5,
      grpc: base + 10 * i + 4,
    };
    nodes.push({
      name,
      home,
      nodeId: nodeId(loadNodeKey(nodeKeyPath(home))),
      validator,
      rpcPort: ports.rpc,
      p2pPort: ports.p2p,
      metricsPort: ports.metrics,
      modelsPort: ports.models ?? 0,
      apiPort: ports.api ?? 0,
      grpcPort: ports.grpc ?? 0,
    });
    if (validator) {
      const key = loadPrivValidatorKey(privValidatorKeyPath(home));
      const ring = new Keyring({ backend: "test", dir: home });
      const { info } = await ring.add(LOCALNET_OPERATOR_KEY);
      const node = nodes[nodes.length - 1];
      node.operatorAddress = info.address;
      vals.push({
        name,
        pubKey: key.pubKey,
        operator: await ring.signer(LOCALNET_OPERATOR_KEY),
        memo: `${node.nodeId}@127.0.0.1:${node.p2pPort}`,
      });
    }
  }
  const genesis = genesisToJson(await buildLocalnetGenesis(chainId, vals, opts.genesisTime, opts.params));
  for (const n of nodes) {
    writeFileSync(genesisPath(n.home), genesis);
    const cfg = loadConfig(n.home);
    cfg.moniker = n.name;
    if (opts.logLevel !== undefined) cfg.logLevel = opts.logLevel;
    cfg.rpc.laddr = `tcp://127.0.0.1:${n.rpcPort}`;
    cfg.p2p.laddr = `tcp://127.0.0.1:${n.p2pPort}`;
    cfg.p2p.persistentPeers = nodes.filter((m) => m !== n).map((m) => `${m.nodeId}@127.0.0.1:${m.p2pPort}`);
    cfg.instrumentation = { prometheus: true, prometheusLaddr: `tcp://127.0.0.1:${n.metricsPort}` };
    // model endpoints: each node its own port (0 = none), fetching registered models from the others
    cfg.models.laddr = n.modelsPort ? `tcp://127.0.0.1:${n.modelsPort}` : "";
    cfg.models.peers = nodes.filter((m) => m !== n && m.modelsPort).map((m) => `http://127.0.0.1:${m.modelsPort}`);
    cfg.models.import = [DEMO_MODEL_PATH];
    // the REST gateway, and CORS for pages served from this machine (examples/browser)
    cfg.api.enable = Boolean(n.apiPort);
    cfg.api.address = n.apiPort ? `tcp://127.0.0.1:${n.apiPort}` : cfg.api.address;
    cfg.api.explorer = true;
    allowLocalOrigins(cfg);
    cfg.grpc.enable = Boolean(n.grpcPort);
    cfg.grpc.address = n.grpcPort ? `127.0.0.1:${n.grpcPort}` : cfg.grpc.address;
    if (n.validator) {
      cfg.inference.operatorKey = LOCALNET_OPERATOR_KEY;
      cfg.inference.keyringBackend = "test";
    }
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
