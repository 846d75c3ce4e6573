// The node's configuration file, `<home>/config/config.json` (the role of CometBFT's config.toml and
// the SDK's app.toml in one file). Every field has a default; the file only needs what differs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface NodeConfig {
  moniker: string;
  logLevel: string;
  rpc: {
    laddr: string;
    maxBodyBytes: number;
    maxSubscriptionsPerClient: number;
    timeoutBroadcastTxCommitMs: number;
  };
  p2p: {
    /** tcp://host:port (or /ip4/host/tcp/port) */
    laddr: string;
    /** "id@host:port" entries (a list, or one comma-separated string as CometBFT writes it) */
    persistentPeers: string[] | string;
    seeds: string[] | string;
    maxPeers: number;
    /** largest message accepted from a peer */
    maxMsgBytes: number;
    /** how long a starting node waits for a first peer before it runs consensus alone */
    blockSyncWaitMs: number;
  };
  mempool: { size: number; maxTxsBytes: number; maxTxBytes: number; cacheSize: number; recheck: boolean };
  consensus: {
    timeoutProposeMs: number;
    timeoutProposeDeltaMs: number;
    timeoutPrevoteMs: number;
    timeoutPrevoteDeltaMs: number;
    timeoutPrecommitMs: number;
    timeoutPrecommitDeltaMs: number;
    /** Pause after a commit before the next height (the other timeouts grow by their delta per round). */
    timeoutCommitMs: number;
    /** Start the next height as soon as all precommits are in (CometBFT skip_timeout_commit). */
    skipTimeoutCommit: boolean;
    createEmptyBlocks: boolean;
  };
  app: { minimumGasPrices: string; pruningKeepRecent: number; haltHeight: number };
  /**
   * The app in another process, reached over CometBFT's ABCI socket protocol ("tcp://127.0.0.1:26658"
   * or "unix:///path.sock"); "" = the app runs in this process. Flag `--proxy-app`.
   */
  proxyApp: string;
  /**
   * ABCI server: when `laddr` is set, `dgrid start` runs the app alone and serves it there for an
   * engine in another process (ours with `proxyApp`, or CometBFT's `--proxy_app`). Flag `--abci`.
   */
  abci: { laddr: string };
  /** Prometheus metrics at http://<prometheusLaddr>/metrics */
  instrumentation: { prometheus: boolean; prometheusLaddr: string };
  /** the model store (<home>/data/models) and its HTTP endpoint (PUT only from loopback clients) */
  models: {
    /** listen address of GET/HEAD/PUT /models ("" = none) */
    laddr: string;
    maxModelBytes: number;
    /** base URLs of peers' model endpoints, e.g. http://10.0.0.2:26659, to fetch registered models from */
    peers: string[];
    /** ONNX files put into the store at start (the devnet's demo model) */
    import: string[];
  };
  /** inference execution (validator/node-inference.ts) */
  inference: {
    enabled: boolean;
    /** "cpu" or "cuda" (a clear startup error where the CUDA provider is missing) */
    executionProvider: "cpu" | "cuda";
    /** onnxruntime sandbox processes */
    workers: number;
    /** per-run timeout */
    timeoutMs: number;
    /**
     * name (or address) of the validator operator's key in the home's keyring, used to send
     * MsgServeModel / MsgWithdrawModel after golden-vector checks; "" = never send them
     */
    operatorKey: string;
    keyringBackend: "file" | "test";
    /** how often registered models are synced (fetched, checked, served) */
    syncIntervalMs: number;
  };
}

export function defaultConfig(moniker = "dgrid-node"): NodeConfig {
  return {
    moniker,
    logLevel: "info",
    rpc: {
      laddr: "tcp://127.0.0.1:26657",
      maxBodyBytes: 1_000_000,
      maxSubscriptionsPerClient: 5,
      timeoutBroadcastTxCommitMs: 10_000,
    },
    p2p: {
      laddr: "tcp://0.0.0.0:26656",
      persistentPeers: [],
      seeds: [],
      maxPeers: 50,
      maxMsgBytes: 32 << 20,
      blockSyncWaitMs: 5_000,
    },
    mempool: { size: 10_000, maxTxsBytes: 1_073_741_824, maxTxBytes: 1_048_576, cacheSize: 20_000, recheck: true },
    consensus: {
      timeoutProposeMs: 3000,
      timeoutProposeDeltaMs: 500,
      timeoutPrevoteMs: 1000,
      timeoutPrevoteDeltaMs: 500,
      timeoutPrecommitMs: 1000,
      timeoutPrecommitDeltaMs: 500,
      // ~1 s blocks on a local network: 900 ms after a commit plus the round's own latency.
      timeoutCommitMs: 900,
      skipTimeoutCommit: false,
      createEmptyBlocks: true,
    },
    app: { minimumGasPrices: "0.0025udgrid", pruningKeepRecent: 0, haltHeight: 0 },
    proxyApp: "",
    abci: { laddr: "" },
    instrumentation: { prometheus: true, prometheusLaddr: "tcp://127.0.0.1:26660" },
    models: { laddr: "tcp://127.0.0.1:26659", maxModelBytes: 256 * 1024 * 1024, peers: [], import: [] },
    inference: {
      enabled: true,
      executionProvider: "cpu",
      workers: 1,
      timeoutMs: 30_000,
      operatorKey: "",
      keyringBackend: "file",
      syncIntervalMs: 5_000,
    },
  };
}

export const configPath = (home: string) => join(home, "config", "config.json");
export const genesisPath = (home: string) => join(home, "config", "genesis.json");
export const privValidatorKeyPath = (home: string) => join(home, "config", "priv_validator_key.json");
export const nodeKeyPath = (home: string) => join(home, "config", "node_key.json");
export const privValidatorStatePath = (home: string) => join(home, "data", "priv_validator_state.json");
export const dataDir = (home: string) => join(home, "data");

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K];
};

function merge<T>(base: T, over: DeepPartial<T> | undefined): T {
  if (!over) return base;
  const out: any = Array.isArray(base) ? [...(base as any)] : { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = (base as any)[k];
    out[k] = b && typeof b === "object" && !Array.isArray(b) && typeof v === "object" ? merge(b, v as any) : v;
  }
  return out;
}

/** Reads `<home>/config/config.json` over the defaults; a missing file means all defaults. */
export function loadConfig(home: string): NodeConfig {
  const path = configPath(home);
  if (!existsSync(path)) return defaultConfig();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`cannot parse ${path}: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object") throw new Error(`${path}: expected a JSON object`);
  return merge(defaultConfig(), parsed as DeepPartial<NodeConfig>);
}

export function writeConfig(home: string, config: NodeConfig): void {
  const path = configPath(home);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
}

/** "tcp://127.0.0.1:26657" -> { host, port } */
export function parseLaddr(laddr: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?\[?([^\]]*?)\]?:(\d+)$/.exec(laddr.trim());
  if (!m) throw new Error(`invalid listen address "${laddr}" (expected tcp://HOST:PORT)`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`invalid port in "${laddr}"`);
  return { host: m[1] || "0.0.0.0", port };
}
