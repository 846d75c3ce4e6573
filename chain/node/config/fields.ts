// The config schema: every key of NodeConfig with where it lives in the TOML files (CometBFT's
// config.toml sections and snake_case names; the SDK's app.toml kebab-case names, and DGrid's own
// [models] and [inference] there too), its kind, default and a one-line description. A new key is a
// field in NodeConfig and one line here (the type below makes a missing or mistyped line a compile error).
import { INDEX_EVENT_PATTERN } from "../../baseapp/events.ts";
import type { NodeConfig } from "../config.ts";
import { bool, duration, int, type Kind, list, listOf, oneOf, peers, str, uintOrDigits } from "./kinds.ts";

export type ConfigFile = "config.toml" | "app.toml";

export interface Field<V> {
  /** the file and dotted key in the TOML form */
  toml?: { file: ConfigFile; key: string };
  kind: Kind<V>;
  default: V;
  doc: string;
}

type Leaf = string | number | boolean | readonly string[];
/** "rpc.laddr" | "p2p.persistentPeers" | ... : the dotted path of every leaf of NodeConfig. */
export type ConfigKey<T = NodeConfig, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends Leaf ? `${P}${K}` : ConfigKey<T[K], `${P}${K}.`>;
}[keyof T & string];
type ValueAt<T, P extends string> = P extends `${infer H}.${infer R}`
  ? H extends keyof T
    ? ValueAt<T[H], R>
    : never
  : P extends keyof T
    ? T[P]
    : never;

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

const inConfig = <V>(key: string, kind: Kind<V>, def: V, doc: string): Field<V> => ({
  toml: { file: "config.toml", key },
  kind,
  default: def,
  doc,
});
const inApp = <V>(key: string, kind: Kind<V>, def: V, doc: string): Field<V> => ({
  toml: { file: "app.toml", key },
  kind,
  default: def,
  doc,
});

/** Every key, in the order the TOML files list them. */
export const FIELDS: { [P in ConfigKey]: Field<ValueAt<NodeConfig, P>> } = {
  moniker: inConfig("moniker", str, "dgrid-node", "A human-readable name for this node"),
  logLevel: inConfig("log_level", oneOf(LOG_LEVELS), "info", "Log level (the --log-level flag overrides it)"),
  logFormat: inConfig(
    "log_format",
    oneOf(["auto", "plain", "json"]),
    "auto",
    "Log format: plain lines, json, or auto (plain on a terminal, json otherwise; --log-format overrides it)",
  ),

  "rpc.laddr": inConfig("rpc.laddr", str, "tcp://127.0.0.1:26657", "TCP address the RPC server listens on"),
  // holds the largest mempool.max_tx_bytes tx hex-encoded (abci_query /Simulate) + the JSON envelope (../limits.ts)
  "rpc.maxBodyBytes": inConfig(
    "rpc.max_body_bytes",
    int(1),
    2_250_000,
    "Largest request body, in bytes (txs travel hex-encoded to /Simulate: at least 2 x mempool.max_tx_bytes + 1 KiB)",
  ),
  "rpc.maxSubscriptionsPerClient": inConfig(
    "rpc.max_subscriptions_per_client",
    int(),
    5,
    "Most event queries one client can /subscribe to",
  ),
  "rpc.timeoutBroadcastTxCommitMs": inConfig(
    "rpc.timeout_broadcast_tx_commit",
    duration,
    10_000,
    "How long /broadcast_tx_commit waits for the tx to be committed",
  ),
  "rpc.corsAllowedOrigins": inConfig(
    "rpc.cors_allowed_origins",
    list,
    [],
    'Origins a browser page may call the RPC from ("*" for any; one "*" wildcard per origin, e.g. "http://127.0.0.1:*"); [] = no CORS',
  ),
  "rpc.corsAllowedMethods": inConfig(
    "rpc.cors_allowed_methods",
    list,
    ["HEAD", "GET", "POST"],
    "Methods a cross-origin request may use",
  ),
  "rpc.corsAllowedHeaders": inConfig(
    "rpc.cors_allowed_headers",
    list,
    ["Origin", "Accept", "Content-Type", "X-Requested-With", "X-Server-Time"],
    "Headers a cross-origin request may send",
  ),

  "p2p.laddr": inConfig("p2p.laddr", str, "tcp://0.0.0.0:26656", "Address for incoming peer connections"),
  "p2p.persistentPeers": inConfig(
    "p2p.persistent_peers",
    peers,
    [],
    "Comma-separated id@host:port of nodes to keep connected to",
  ),
  "p2p.seeds": inConfig("p2p.seeds", peers, [], "Comma-separated id@host:port of seed nodes"),
  "p2p.maxPeers": inConfig("p2p.max_num_peers", int(), 50, "Most peers connected at once (DGrid's own key)"),
  "p2p.maxMsgBytes": inConfig(
    "p2p.max_msg_bytes",
    int(1),
    32 << 20,
    "Largest message accepted from a peer, in bytes (DGrid's own key)",
  ),
  "p2p.blockSyncWaitMs": inConfig(
    "p2p.block_sync_wait",
    duration,
    5_000,
    "How long a starting node waits for a first peer before it runs consensus alone (DGrid's own key)",
  ),

  "mempool.size": inConfig("mempool.size", int(1), 10_000, "Most transactions in the mempool"),
  "mempool.maxTxsBytes": inConfig(
    "mempool.max_txs_bytes",
    int(1),
    1_073_741_824,
    "Most bytes of all transactions in the mempool",
  ),
  // the inference param max_input_bytes (1 MiB) + 64 KiB for the rest of a request's tx
  "mempool.maxTxBytes": inConfig(
    "mempool.max_tx_bytes",
    int(1),
    1_114_112,
    "Largest single transaction, in bytes (at least the inference max_input_bytes + 64 KiB)",
  ),
  "mempool.cacheSize": inConfig("mempool.cache_size", int(), 20_000, "Transactions remembered to filter repeats"),
  "mempool.recheck": inConfig("mempool.recheck", bool, true, "Re-check the mempool's transactions after each block"),

  "consensus.timeoutProposeMs": inConfig(
    "consensus.timeout_propose",
    duration,
    3000,
    "How long to wait for a proposal before prevoting nil",
  ),
  "consensus.timeoutProposeDeltaMs": inConfig(
    "consensus.timeout_propose_delta",
    duration,
    500,
    "How much timeout_propose grows each round",
  ),
  "consensus.timeoutPrevoteMs": inConfig(
    "consensus.timeout_prevote",
    duration,
    1000,
    "How long to wait after +2/3 prevotes for anything",
  ),
  "consensus.timeoutPrevoteDeltaMs": inConfig(
    "consensus.timeout_prevote_delta",
    duration,
    500,
    "How much timeout_prevote grows each round",
  ),
  "consensus.timeoutPrecommitMs": inConfig(
    "consensus.timeout_precommit",
    duration,
    1000,
    "How long to wait after +2/3 precommits for anything",
  ),
  "consensus.timeoutPrecommitDeltaMs": inConfig(
    "consensus.timeout_precommit_delta",
    duration,
    500,
    "How much timeout_precommit grows each round",
  ),
  // ~1 s blocks on a local network: 900 ms after a commit plus the round's own latency.
  "consensus.timeoutCommitMs": inConfig(
    "consensus.timeout_commit",
    duration,
    900,
    "Pause after a commit before the next height",
  ),
  "consensus.skipTimeoutCommit": inConfig(
    "consensus.skip_timeout_commit",
    bool,
    false,
    "Start the next height as soon as all precommits are in",
  ),
  "consensus.createEmptyBlocks": inConfig(
    "consensus.create_empty_blocks",
    bool,
    true,
    "Make blocks when there are no transactions",
  ),

  proxyApp: inConfig(
    "proxy_app",
    str,
    "",
    'The app in another process over the ABCI socket (tcp://127.0.0.1:26658 or unix:///path.sock); "" = in this process',
  ),
  "abci.laddr": inConfig(
    "abci.laddr",
    str,
    "",
    'When set, `dgrid start` runs the app alone and serves it here for an engine in another process; "" = off',
  ),

  "txIndex.indexer": inConfig(
    "tx_index.indexer",
    oneOf(["kv", "null"]),
    "kv",
    'What indexes txs and block events: "kv" (tx, tx_search, block_search answer) or "null" (nothing is indexed; they answer an error)',
  ),

  "instrumentation.prometheus": inConfig(
    "instrumentation.prometheus",
    bool,
    true,
    "Serve Prometheus metrics under /metrics",
  ),
  "instrumentation.prometheusLaddr": inConfig(
    "instrumentation.prometheus_listen_addr",
    str,
    "tcp://127.0.0.1:26660",
    "Address the metrics endpoint listens on",
  ),

  "app.minimumGasPrices": inApp(
    "minimum-gas-prices",
    str,
    "0.0025udgrid",
    "Lowest gas prices a transaction's fee must meet (e.g. 0.0025udgrid)",
  ),
  "app.pruningKeepRecent": inApp("pruning-keep-recent", uintOrDigits, 0, "Store versions to keep (0 = keep all)"),
  "app.haltHeight": inApp("halt-height", int(), 0, "Make no state after this height (0 = never)"),
  "app.indexEvents": inApp(
    "index-events",
    listOf(INDEX_EVENT_PATTERN, '"type.key" event attributes'),
    [],
    'Event attributes ("type.key", e.g. "transfer.recipient") the tx indexer stores for tx_search and block_search; [] = all',
  ),

  "grpc.enable": inApp(
    "grpc.enable",
    bool,
    false,
    "Serve the query services over gRPC with server reflection (the --grpc.laddr flag turns it on)",
  ),
  "grpc.address": inApp("grpc.address", str, "127.0.0.1:9090", "Address the gRPC server listens on (host:port)"),
  "grpc.maxRecvMsgSize": inApp(
    "grpc.max-recv-msg-size",
    uintOrDigits,
    10 * 1024 * 1024,
    "Largest message the gRPC server receives, in bytes",
  ),
  "grpc.maxSendMsgSize": inApp(
    "grpc.max-send-msg-size",
    uintOrDigits,
    2 ** 31 - 1,
    "Largest message the gRPC server sends, in bytes",
  ),

  "api.enable": inApp("api.enable", bool, false, "Serve the REST (LCD) gateway (the --api.laddr flag turns it on)"),
  "api.swagger": inApp(
    "api.swagger",
    bool,
    true,
    "Serve Swagger UI at /swagger and the OpenAPI document at /swagger/openapi.json",
  ),
  "api.explorer": inApp(
    "api.explorer",
    bool,
    false,
    "Serve the app's explorer (a static web front-end on the RPC and REST) at /ui (on for the devnet and localnet)",
  ),
  "api.address": inApp("api.address", str, "tcp://127.0.0.1:1317", "Address the REST gateway listens on"),
  "api.maxOpenConnections": inApp(
    "api.max-open-connections",
    int(),
    1000,
    "Most simultaneous REST connections (0 = no limit)",
  ),
  "api.readTimeoutMs": inApp("api.rpc-read-timeout", duration, 10_000, "Time allowed to receive a whole REST request"),
  // the largest mempool.max_tx_bytes tx base64-encoded in POST /cosmos/tx/v1beta1/txs + its JSON
  "api.maxBodyBytes": inApp(
    "api.rpc-max-body-bytes",
    int(1),
    2_250_000,
    "Largest REST request body, in bytes (a tx travels base64-encoded: at least 4/3 x mempool.max_tx_bytes + 1 KiB)",
  ),
  "api.enabledUnsafeCors": inApp(
    "api.enabled-unsafe-cors",
    bool,
    false,
    "Let a browser page of any origin call the REST gateway (CORS)",
  ),

  "models.laddr": inApp(
    "models.laddr",
    str,
    "tcp://127.0.0.1:26659",
    'Address of the model endpoint (GET/HEAD for peers, PUT from loopback); "" = none',
  ),
  "models.maxModelBytes": inApp("models.max-model-bytes", int(1), 256 * 1024 * 1024, "Largest model file, in bytes"),
  "models.peers": inApp(
    "models.peers",
    list,
    [],
    "Base URLs of peers' model endpoints to fetch registered models from (http://10.0.0.2:26659)",
  ),
  "models.import": inApp("models.import", list, [], "ONNX files put into the model store at start"),

  "blobs.maxBytes": inApp(
    "blobs.max-bytes",
    int(1),
    16 * 1024 * 1024,
    "Largest inference input blob the model endpoint accepts (PUT /blobs/<sha256>), in bytes (--blobs.max-bytes)",
  ),
  "blobs.maxTotalBytes": inApp(
    "blobs.max-total-bytes",
    int(1),
    1024 * 1024 * 1024,
    "Bytes the blob store keeps in all",
  ),
  "blobs.retentionMs": inApp("blobs.retention", duration, 3_600_000, "How long a blob is kept after it arrived"),
  "blobs.settledGraceMs": inApp(
    "blobs.settled-grace",
    duration,
    300_000,
    "How long after its last upload or fetch a blob that no pending request names is kept (its requests settled)",
  ),
  "blobs.fetchWaitMs": inApp(
    "blobs.fetch-wait",
    duration,
    2_000,
    "How long an executor tries to obtain a request's input blobs before it reports them unavailable",
  ),

  "outputs.maxTotalBytes": inApp(
    "outputs.max-total-bytes",
    int(1),
    4 * 1024 * 1024 * 1024,
    "Bytes the output store (outputs revealed by hash, served on GET /outputs/<sha256>) keeps in all; the oldest go first",
  ),
  "outputs.retentionMs": inApp(
    "outputs.retention",
    duration,
    86_400_000,
    "How long this node keeps and serves the outputs it revealed by hash",
  ),

  "inference.enabled": inApp("inference.enabled", bool, true, "Run inference (model store, executor, duties)"),
  "inference.executionProvider": inApp(
    "inference.execution-provider",
    oneOf(["cpu", "cuda"]),
    "cpu",
    "onnxruntime execution provider (the --execution-provider flag overrides it)",
  ),
  "inference.workers": inApp("inference.workers", int(1), 1, "onnxruntime sandbox processes"),
  "inference.timeoutMs": inApp("inference.timeout", duration, 30_000, "Timeout of one inference run"),
  "inference.operatorKey": inApp(
    "inference.operator-key",
    str,
    "",
    'Keyring key (name or address) of the validator operator that sends MsgServeModel; "" = never send',
  ),
  "inference.keyringBackend": inApp(
    "inference.keyring-backend",
    oneOf(["file", "test"]),
    "file",
    "Keyring backend of operator-key (file: passphrase from env DGRID_KEYRING_PASSPHRASE)",
  ),
  "inference.syncIntervalMs": inApp(
    "inference.sync-interval",
    duration,
    5_000,
    "How often registered models are fetched, checked and served",
  ),
};

/** A one-line comment above each [section] of the TOML files. */
export const SECTION_DOCS: Record<ConfigFile, Record<string, string>> = {
  "config.toml": {
    rpc: "RPC server (CometBFT's JSON-RPC over HTTP and WebSocket)",
    p2p: "Peer-to-peer networking",
    mempool: "Mempool",
    consensus: "Consensus timeouts (each also grows by its _delta per round)",
    instrumentation: "Prometheus metrics",
  },
  "app.toml": {
    grpc: "gRPC server (the query services and server reflection)",
    api: "The REST (LCD) gateway: the Cosmos SDK's grpc-gateway routes, Swagger UI at /swagger",
    models: "The model store (<home>/data/models) and its HTTP endpoint (DGrid)",
    inference: "Inference execution and model serving (DGrid)",
  },
};

/** [path, field] for every key. */
export function fieldEntries(): [ConfigKey, Field<unknown>][] {
  return Object.entries(FIELDS) as [ConfigKey, Field<unknown>][];
}
