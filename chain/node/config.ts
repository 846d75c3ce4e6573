// The node's configuration: `<home>/config/config.toml` (CometBFT's sections and key names) and
// `<home>/config/app.toml` (the SDK's, and DGrid's [models] and [inference]), or in homes written
// before those the JSON form `<home>/config/config.json` (this file's NodeConfig shape). Every key has
// a default (config/fields.ts, the schema); a file only needs what differs; unknown keys and wrong
// types are refused, each named by its dotted key.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { FIELDS, fieldEntries } from "./config/fields.ts";
import {
  ConfigError,
  type ConfigIssue,
  checkForm,
  type Form,
  formSchema,
  jsonForm,
  readForm,
  tomlForm,
} from "./config/form.ts";
import { configToToml } from "./config/write-toml.ts";

export { LOG_LEVELS } from "./config/fields.ts";
export { ConfigError, type ConfigIssue } from "./config/form.ts";

export interface NodeConfig {
  moniker: string;
  logLevel: string;
  /** "plain" (human-readable lines), "json", or "auto": plain on a terminal, JSON otherwise */
  logFormat: "auto" | "plain" | "json";
  rpc: {
    laddr: string;
    maxBodyBytes: number;
    maxSubscriptionsPerClient: number;
    timeoutBroadcastTxCommitMs: number;
    /** origins a browser page may call the RPC from: "*" or origins with at most one "*" wildcard; [] = no CORS */
    corsAllowedOrigins: string[];
    corsAllowedMethods: string[];
    corsAllowedHeaders: string[];
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
  app: {
    minimumGasPrices: string;
    pruningKeepRecent: number;
    haltHeight: number;
    /** "type.key" event attributes the tx indexer stores; [] = all (app.toml index-events, the SDK's) */
    indexEvents: string[];
  };
  /** config.toml [tx_index]: "kv" indexes txs and block events for tx/tx_search/block_search; "null" none */
  txIndex: { indexer: "kv" | "null" };
  /** the REST (LCD) gateway, chain/api (app.toml [api], the SDK's keys) */
  api: {
    enable: boolean;
    /** serve Swagger UI at /swagger and the OpenAPI document at /swagger/openapi.json */
    swagger: boolean;
    /** serve the app's explorer build (AppServices.explorer) at /ui */
    explorer: boolean;
    /** tcp://host:port. Flag `--api.laddr` (which also enables it). */
    address: string;
    maxOpenConnections: number;
    readTimeoutMs: number;
    maxBodyBytes: number;
    /** any origin may call the API from a browser */
    enabledUnsafeCors: boolean;
  };
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
  /**
   * the blob store (<home>/data/blobs): inference inputs sent by content hash, served on the model
   * endpoint (PUT/GET/HEAD /blobs/<sha256>; PUT from anyone, up to maxBytes) and fetched from models.peers
   */
  blobs: {
    /** largest blob the endpoint accepts (a larger upload: 413) */
    maxBytes: number;
    /** bytes kept in all; the oldest blobs go first */
    maxTotalBytes: number;
    /** blobs older than this are pruned (well after their requests settle) */
    retentionMs: number;
    /** a blob no pending request names is pruned this long after its last upload or fetch */
    settledGraceMs: number;
    /** how long an executor keeps trying to obtain a request's blobs before it reports them unavailable */
    fetchWaitMs: number;
  };
  /**
   * the output store (<home>/data/outputs): the canonical bytes of outputs this node's executor
   * revealed by hash (modules/inference/README.md#large-outputs), served on GET /outputs/<sha256>
   */
  outputs: {
    /** bytes kept in all; the oldest outputs go first */
    maxTotalBytes: number;
    /** outputs older than this are pruned: clients fetch them within this window */
    retentionMs: number;
  };
  /** the gRPC server (chain/grpc): the query services, reflection; app.toml [grpc] as the SDK's */
  grpc: {
    enable: boolean;
    /** "127.0.0.1:9090" (or tcp://...); flag `--grpc.laddr` */
    address: string;
    maxRecvMsgSize: number;
    maxSendMsgSize: number;
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
     * MsgServeModel / MsgReportConformance after golden-vector checks; "" = never send them
     */
    operatorKey: string;
    keyringBackend: "file" | "test";
    /** how often registered models are synced (fetched, checked, served) */
    syncIntervalMs: number;
  };
}

/** Every key at its default (config/fields.ts). */
export function defaultConfig(moniker: string = FIELDS.moniker.default): NodeConfig {
  const config: Record<string, any> = {};
  for (const [path, field] of fieldEntries()) {
    const parts = path.split(".");
    let node = config;
    for (const p of parts.slice(0, -1)) node = node[p] ??= {};
    const v = field.default;
    node[parts[parts.length - 1]] = Array.isArray(v) ? [...v] : v;
  }
  config.moniker = moniker;
  return config as NodeConfig;
}

export const configTomlPath = (home: string) => join(home, "config", "config.toml");
export const appTomlPath = (home: string) => join(home, "config", "app.toml");
/** The JSON form, read when neither TOML file is there (homes written before the TOML files). */
export const configJsonPath = (home: string) => join(home, "config", "config.json");
export const genesisPath = (home: string) => join(home, "config", "genesis.json");
export const privValidatorKeyPath = (home: string) => join(home, "config", "priv_validator_key.json");
export const nodeKeyPath = (home: string) => join(home, "config", "node_key.json");
export const privValidatorStatePath = (home: string) => join(home, "data", "priv_validator_state.json");
export const dataDir = (home: string) => join(home, "data");

/** The home's config files that exist (TOML and JSON). */
export function existingConfigFiles(home: string): string[] {
  return [configTomlPath(home), appTomlPath(home), configJsonPath(home)].filter((p) => existsSync(p));
}

/** "toml" or "json": the form the home's config is written in (none yet: "toml"). */
export function configForm(home: string): "toml" | "json" {
  const tomlThere = existsSync(configTomlPath(home)) || existsSync(appTomlPath(home));
  return !tomlThere && existsSync(configJsonPath(home)) ? "json" : "toml";
}

function readFile(form: Form, path: string, config: NodeConfig, parse: (text: string) => unknown): ConfigIssue[] {
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(path, "utf8"));
  } catch (e) {
    return [{ file: path, key: "", message: `cannot parse: ${(e as Error).message}` }];
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    return [{ file: path, key: "", message: `expected ${form.section}` }];
  const issues = checkForm(form, formSchema(form), parsed, path);
  // every key checkForm passed is converted too (a duration's text, say), so one run reports all it can
  const wrong = new Set(issues.map((i) => i.key));
  return wrong.has("") ? issues : [...issues, ...readForm(form, parsed, config, path, wrong)];
}

/**
 * Keys homes written by earlier versions carry that no longer exist: the test-only faults, which
 * are test/support decorators now. They meant nothing on a real chain, so they are dropped rather
 * than refused, and those homes keep starting.
 */
const REMOVED_JSON_KEYS = [
  ["consensus", "testDoubleSign"],
  ["inference", "testCorruptOutputs"],
  ["inference", "testSilentExecutor"],
] as const;

function parseJsonDroppingRemoved(text: string): unknown {
  const parsed = JSON.parse(text) as Record<string, Record<string, unknown> | undefined>;
  if (parsed && typeof parsed === "object")
    for (const [section, key] of REMOVED_JSON_KEYS) {
      const s = parsed[section];
      if (s && typeof s === "object" && !Array.isArray(s)) delete s[key];
    }
  return parsed;
}

/**
 * The home's config over the defaults: config.toml and app.toml when either is there, else
 * config.json, else all defaults. Throws a ConfigError naming every unknown or mistyped key.
 */
export function loadConfig(home: string): NodeConfig {
  const config = defaultConfig();
  const files = existingConfigFiles(home);
  if (files.length === 0) return config;
  const issues: ConfigIssue[] = [];
  if (configForm(home) === "json") {
    issues.push(...readFile(jsonForm(), configJsonPath(home), config, parseJsonDroppingRemoved));
  } else {
    if (files.includes(configJsonPath(home)))
      issues.push({
        file: configJsonPath(home),
        key: "",
        message: "the TOML files replace it; move its settings there and remove it (or run `dgrid config migrate`)",
      });
    for (const [file, path] of [
      ["config.toml", configTomlPath(home)],
      ["app.toml", appTomlPath(home)],
    ] as const)
      if (existsSync(path)) issues.push(...readFile(tomlForm(file), path, config, parseToml));
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}

/** Writes `config` in the home's form: config.toml + app.toml, or config.json in a home that has only that. */
export function writeConfig(home: string, config: NodeConfig): void {
  mkdirSync(dirname(configTomlPath(home)), { recursive: true });
  if (configForm(home) === "json") {
    writeFileSync(configJsonPath(home), `${JSON.stringify(config, null, 2)}\n`);
    return;
  }
  writeFileSync(configTomlPath(home), configToToml("config.toml", config));
  writeFileSync(appTomlPath(home), configToToml("app.toml", config));
}

/** "tcp://127.0.0.1:26657" -> { host, port } */
export function parseLaddr(laddr: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?\[?([^\]]*?)\]?:(\d+)$/.exec(laddr.trim());
  if (!m) throw new Error(`invalid listen address "${laddr}" (expected tcp://HOST:PORT)`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`invalid port in "${laddr}"`);
  return { host: m[1] || "0.0.0.0", port };
}
