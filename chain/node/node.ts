// Node wiring: opens the database, builds every component with its (options, dependencies), runs the
// ABCI handshake, and starts consensus and the RPC server. Owns the start/stop order; owns no logic.
// It knows no application: the composition root (app/node.ts) hands it a factory that builds the
// Application (in process over the node's state database, or a proxy to an app in another
// process) and the services that run beside it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AbstractLevel } from "abstract-level";
import { RequestQuery } from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import type { Application } from "../abci/application.ts";
import { ApiServer } from "../api/server.ts";
import type { StaticSiteOptions } from "../api/static-site.ts";
import { BlockStore } from "../blockstore/block-store.ts";
import { type ConsensusHooks, ConsensusState } from "../consensus/consensus-state.ts";
import { handshake } from "../consensus/handshake.ts";
import { FilePV, type PrivValidator } from "../consensus/privval.ts";
import { genesisStateFromDoc, type State, StateStore } from "../consensus/state.ts";
import { FileWal } from "../consensus/wal.ts";
import { EventBus } from "../events/event-bus.ts";
import { GrpcServer } from "../grpc/server.ts";
import { Mempool } from "../mempool/mempool.ts";
import { parsePeerList } from "../p2p/addr.ts";
import { BlockSync } from "../p2p/block-sync.ts";
import { ConsensusReactor, type Position } from "../p2p/consensus-reactor.ts";
import type { PeerGate } from "../p2p/peer-gate.ts";
import { P2PSwitch } from "../p2p/switch.ts";
import type { PeerInfo } from "../rpc/backend.ts";
import { RpcServer } from "../rpc/server.ts";
import { loadServiceCatalog, type ServiceCatalog } from "../services/catalog.ts";
import { type MethodHandler, ServiceDispatcher } from "../services/dispatcher.ts";
import { nodeServiceHandlers } from "../services/node/index.ts";
import type { ApplicationVersion } from "../services/node/tendermint-service.ts";
import { FILE_DESCRIPTORS_PATH, fileDescriptorsHandler } from "../services/reflection-file-descriptors.ts";
import { TxIndexer } from "../txindex/tx-indexer.ts";
import { type GenesisDoc, loadGenesis } from "../types/genesis.ts";
import { loadNodeKey, loadPrivValidatorKey, nodeId } from "../types/keys.ts";
import {
  dataDir,
  genesisPath,
  loadConfig,
  type NodeConfig,
  nodeKeyPath,
  privValidatorKeyPath,
  privValidatorStatePath,
} from "./config.ts";
import { limitProblems } from "./limits.ts";
import { NodeMetrics } from "./metrics.ts";
import { type NodeDb, openNodeDb, subDb } from "./node-db.ts";
import { NodeRpcBackend } from "./rpc-backend.ts";

export const COMETBFT_VERSION = "0.38.17";

/** where the REST server serves the app's explorer */
export const EXPLORER_PREFIX = "/ui";

export interface NodeOptions {
  home: string;
  /** defaults to loadConfig(home): the home's config files over the defaults */
  config?: NodeConfig;
}

/** What the application factory gets: the node's state database, its config and its metrics registry. */
export interface AppFactoryContext {
  home: string;
  chainId: string;
  config: NodeConfig;
  /** the `state` sublevel of the node's database (unused by an app in another process) */
  db: AbstractLevel<any, Uint8Array, Uint8Array>;
  logger: Logger;
  /** the node's prom-client registry when metrics are on */
  metricsRegistry?: Registry;
  /** this node's consensus (validator) address */
  validatorAddress: Uint8Array;
}

/** Something that runs beside the application for the node's lifetime (e.g. a validator's inference). */
export interface NodeService {
  /** once consensus runs: the node's RPC URL and a query function on the application */
  afterStart?(ctx: { rpcUrl: string; query(path: string, data: Uint8Array): Promise<Uint8Array> }): void;
  /** fields for the "node started" log line */
  startInfo?(): Record<string, unknown>;
  /**
   * fields the RPC `status` adds to `node_info.other`, read on every call (e.g. the URL of an endpoint
   * the service runs, so clients need not guess its port); CometBFT's own keys cannot be replaced
   */
  statusInfo?(): Record<string, string>;
  close(): Promise<void>;
}

export interface BuiltApp {
  app: Application;
  services?: NodeService[];
  /** called after every service is closed (e.g. an ABCI client connection) */
  close?(): Promise<void>;
  /**
   * Registers a listener for the app becoming unusable (an app in another process went away); the
   * node then stops itself rather than run consensus without its app.
   */
  onFailure?(listener: (err: Error) => void): void;
  /**
   * The app's query and tx services for the REST gateway (and the gRPC server): the FileDescriptorSet
   * of its protos (every service with its google.api.http routes) and handlers the node serves itself,
   * by gRPC path; every other method is the app's ABCI query. Absent: no REST gateway.
   */
  grpcServices?: AppServices;
}

export interface AppServices {
  descriptorSet: Uint8Array;
  /** app-served handlers by gRPC path, over the node's own (tx, tendermint, node, reflection) */
  handlers?: ReadonlyMap<string, MethodHandler>;
  /** bech32 prefix of consensus addresses ("dgridvalcons"), for validator sets and sdk_block */
  consensusAddressPrefix: string;
  /** what GetNodeInfo reports as application_version */
  applicationVersion: ApplicationVersion;
  /** the app's explorer: a static build the REST server serves at /ui when api.explorer is on */
  explorer?: AppExplorer;
}

export interface AppExplorer {
  /** folder of the build (index.html and assets/) */
  dir: string;
  /** what the page reads from /ui/config.json besides the node's RPC URL and chain id */
  config?(ctx: { chainId: string }): Record<string, unknown>;
}

export type AppFactory = (ctx: AppFactoryContext) => Promise<BuiltApp>;

/** Test-only wrappers around the engine's production pieces (built by test/support, never by a CLI). */
export interface NodeDecorators {
  privValidator?(pv: PrivValidator): PrivValidator;
  /** behaviour around the consensus engine's own votes and commits (test/support/double-signer.ts) */
  consensusHooks?: ConsensusHooks;
  /** which peers the switch may talk to (a network partition: bench/chaos, chain/p2p/peer-gate.ts) */
  peerGate?: PeerGate;
}

export interface NodeDeps {
  logger: Logger;
  createApp: AppFactory;
  decorators?: NodeDecorators;
  /** called once the node has stopped itself because its app failed (the CLI exits non-zero) */
  onFatal?: (err: Error) => void;
}

type Db = NodeDb;

export class Node {
  readonly config: NodeConfig;
  readonly genesis: GenesisDoc;
  private readonly log: Logger;
  private db?: Db;
  private consensus?: ConsensusState;
  private wal?: FileWal;
  private metrics?: NodeMetrics;
  metricsUrl = "";
  private rpc?: RpcServer;
  private api?: ApiServer;
  private grpc?: GrpcServer;
  /** the gRPC server's bound host:port ("" when it is off) */
  grpcAddress = "";
  /** the REST gateway's URL when it runs (config api.enable) */
  apiUrl = "";
  /** the explorer's URL when the REST server serves it (config api.explorer) */
  explorerUrl = "";
  /** the app's services and the one dispatcher the REST and gRPC doors call (when the app declares services) */
  serviceCatalog?: ServiceCatalog;
  serviceDispatcher?: ServiceDispatcher;
  private sw?: P2PSwitch;
  private reactor?: ConsensusReactor;
  private blockSync?: BlockSync;
  private services: NodeService[] = [];
  private built?: BuiltApp;
  private stopping?: Promise<void>;
  rpcUrl = "";
  /** why the node stopped itself (its app became unusable), if it did */
  fatalError?: Error;

  constructor(
    readonly options: NodeOptions,
    private readonly deps: NodeDeps,
  ) {
    this.config = options.config ?? loadConfig(options.home);
    this.genesis = loadGenesis(genesisPath(options.home));
    this.log = deps.logger.child({ module: "node", chainId: this.genesis.chain_id });
  }

  async start(): Promise<void> {
    const { home } = this.options;
    const cfg = this.config;
    const logger = this.deps.logger;
    const db = await openNodeDb(home);
    this.db = db;
    // Each component gets its own key prefix (a sublevel) of the one database.
    const sub = (name: string) => subDb(db, name);

    const valKey = loadPrivValidatorKey(privValidatorKeyPath(home));
    // one prom-client registry per node: the app's services register into it before NodeMetrics exists
    const metricsRegistry = cfg.instrumentation.prometheus ? new Registry() : undefined;
    const built = await this.deps.createApp({
      home,
      chainId: this.genesis.chain_id,
      config: cfg,
      db: sub("state"),
      logger,
      metricsRegistry,
      validatorAddress: valKey.address,
    });
    this.built = built;
    built.onFailure?.((err) => this.fail(err));
    this.services = built.services ?? [];
    const app = built.app;
    const blockStore = new BlockStore({}, { db: sub("blocks") });
    await blockStore.load();
    // config.toml tx_index.indexer: "null" indexes nothing (a validator that serves no tx queries)
    const txIndexer = cfg.txIndex.indexer === "kv" ? new TxIndexer({}, { db: sub("txindex") }) : undefined;
    const stateStore = new StateStore(sub("consensus"));
    const mempool = new Mempool(
      {
        maxTxs: cfg.mempool.size,
        maxTxsBytes: cfg.mempool.maxTxsBytes,
        maxTxBytes: cfg.mempool.maxTxBytes,
        cacheSize: cfg.mempool.cacheSize,
        recheck: cfg.mempool.recheck,
      },
      { app, logger },
    );
    const eventBus = new EventBus();
    const nodeKey = loadNodeKey(nodeKeyPath(home));
    const filePV = new FilePV(valKey, privValidatorStatePath(home));
    const privValidator = this.deps.decorators?.privValidator?.(filePV) ?? filePV;
    const wal = new FileWal({ path: join(dataDir(home), "cs.wal") });

    // p2p: the switch (libp2p host), the consensus/mempool reactor (the engine's Transport) and block sync.
    const persistentPeers = parsePeerList(cfg.p2p.persistentPeers);
    const seeds = parsePeerList(cfg.p2p.seeds);
    const sw = new P2PSwitch(
      {
        chainId: this.genesis.chain_id,
        moniker: cfg.moniker,
        version: COMETBFT_VERSION,
        laddr: cfg.p2p.laddr,
        rpcLaddr: cfg.rpc.laddr,
        persistentPeers,
        seeds,
        maxPeers: cfg.p2p.maxPeers,
        maxFrameBytes: cfg.p2p.maxMsgBytes,
      },
      { nodeKey, logger, gate: this.deps.decorators?.peerGate },
    );
    this.sw = sw;
    // Until consensus runs, this node's position is the height after its latest block.
    let syncState: State | undefined;
    let consensusRunning = false;
    const reactor: ConsensusReactor = new ConsensusReactor(
      {},
      {
        sw,
        position: (): Position =>
          consensusRunning
            ? { height: consensus.height, round: consensus.round, step: consensus.step }
            : { height: ((this.blockSync?.state ?? syncState)?.lastBlockHeight ?? 0n) + 1n, round: 0, step: 0 },
        blockStore,
        mempool,
        logger,
      },
    );
    this.reactor = reactor;

    const consensus = new ConsensusState(
      {
        chainId: this.genesis.chain_id,
        timeouts: {
          proposeMs: cfg.consensus.timeoutProposeMs,
          proposeDeltaMs: cfg.consensus.timeoutProposeDeltaMs,
          prevoteMs: cfg.consensus.timeoutPrevoteMs,
          prevoteDeltaMs: cfg.consensus.timeoutPrevoteDeltaMs,
          precommitMs: cfg.consensus.timeoutPrecommitMs,
          precommitDeltaMs: cfg.consensus.timeoutPrecommitDeltaMs,
          commitMs: cfg.consensus.timeoutCommitMs,
        },
        createEmptyBlocks: cfg.consensus.createEmptyBlocks,
        skipTimeoutCommit: cfg.consensus.skipTimeoutCommit,
      },
      {
        app,
        blockStore,
        mempool,
        stateStore,
        privValidator,
        wal,
        eventBus,
        txIndexer,
        logger,
        transport: reactor,
        hooks: this.deps.decorators?.consensusHooks,
      },
    );
    this.consensus = consensus;
    this.wal = wal;

    const genesisState = genesisStateFromDoc(this.genesis);
    const initial = (await stateStore.load()) ?? genesisState;
    const appStateBytes = new TextEncoder().encode(JSON.stringify(this.genesis.app_state ?? {}));
    const state = await handshake(app, initial, blockStore, {
      stateStore,
      executor: consensus.executor,
      logger,
      appStateBytes,
      genesis: genesisState,
      home,
    });
    syncState = state;
    // limits that disagree (README "Limits"): said once at start, naming the keys
    for (const problem of limitProblems({
      rpcMaxBodyBytes: cfg.rpc.maxBodyBytes,
      mempoolMaxTxBytes: cfg.mempool.maxTxBytes,
      blockMaxBytes: Number(state.consensusParams.block?.maxBytes ?? -1n),
    }))
      this.log.warn({ limits: true }, problem);
    const blockSync = new BlockSync(
      { chainId: this.genesis.chain_id, waitForPeersMs: cfg.p2p.blockSyncWaitMs },
      { sw, reactor, blockStore, executor: consensus.executor, logger },
    );
    this.blockSync = blockSync;

    const backend = new NodeRpcBackend(
      {
        chainId: this.genesis.chain_id,
        moniker: cfg.moniker,
        version: COMETBFT_VERSION,
        rpcLaddr: cfg.rpc.laddr,
        p2pLaddr: cfg.p2p.laddr,
        nodeId: nodeId(nodeKey),
        genesisJson: readFileSync(genesisPath(home), "utf8"),
      },
      {
        app,
        blockStore,
        stateStore,
        txIndexer,
        mempool,
        consensus,
        privValidator,
        currentState: () => (consensusRunning ? consensus.getState() : (blockSync.state ?? state)),
        otherInfo: () => Object.assign({}, ...this.services.map((svc) => svc.statusInfo?.() ?? {})),
        p2p: {
          peers: () => peerInfos(sw, COMETBFT_VERSION),
          catchingUp: () => blockSync.catchingUp,
          txAccepted: (tx) => reactor.gossipTx(tx),
        },
      },
    );
    this.rpc = new RpcServer(
      {
        laddr: cfg.rpc.laddr,
        maxBodyBytes: cfg.rpc.maxBodyBytes,
        maxSubscriptionsPerClient: cfg.rpc.maxSubscriptionsPerClient,
        timeoutBroadcastTxCommitMs: cfg.rpc.timeoutBroadcastTxCommitMs,
        corsAllowedOrigins: cfg.rpc.corsAllowedOrigins,
        corsAllowedMethods: cfg.rpc.corsAllowedMethods,
        corsAllowedHeaders: cfg.rpc.corsAllowedHeaders,
      },
      { backend, eventBus, logger },
    );
    if (built.grpcServices) {
      const services = built.grpcServices;
      const catalog = loadServiceCatalog(services.descriptorSet);
      const handlers = new Map<string, MethodHandler>([
        ...nodeServiceHandlers(
          {
            consensusAddressPrefix: services.consensusAddressPrefix,
            applicationVersion: services.applicationVersion,
            appConfig: {
              minimumGasPrices: cfg.app.minimumGasPrices,
              pruningKeepRecent: cfg.app.pruningKeepRecent,
              pruningInterval: 0,
              haltHeight: cfg.app.haltHeight,
            },
          },
          { backend },
        ),
        [FILE_DESCRIPTORS_PATH, fileDescriptorsHandler(catalog.fileDescriptorSet)],
        ...(services.handlers ?? []),
      ]);
      this.serviceCatalog = catalog;
      // the same ABCI query path as JSON-RPC abci_query
      this.serviceDispatcher = new ServiceDispatcher({ abciQuery: (req) => backend.abciQuery(req), handlers });
    }
    if (cfg.api.enable) {
      if (!this.serviceCatalog || !this.serviceDispatcher)
        this.log.warn("api.enable is set but the app declares no services: no REST gateway");
      else
        this.api = new ApiServer(
          {
            address: cfg.api.address,
            maxBodyBytes: cfg.api.maxBodyBytes,
            maxOpenConnections: cfg.api.maxOpenConnections,
            readTimeoutMs: cfg.api.readTimeoutMs,
            enabledUnsafeCors: cfg.api.enabledUnsafeCors,
            swagger: cfg.api.swagger,
            site: this.explorerSite(built.grpcServices?.explorer),
          },
          { catalog: this.serviceCatalog, dispatcher: this.serviceDispatcher, logger },
        );
    }
    if (cfg.grpc.enable) {
      if (!this.serviceCatalog || !this.serviceDispatcher)
        this.log.warn("grpc.enable is set but the app declares no services: no gRPC server");
      else
        this.grpc = new GrpcServer(
          {
            laddr: cfg.grpc.address,
            maxRecvMsgSize: cfg.grpc.maxRecvMsgSize,
            maxSendMsgSize: cfg.grpc.maxSendMsgSize,
          },
          { catalog: this.serviceCatalog, dispatcher: this.serviceDispatcher, logger },
        );
    }
    if (cfg.instrumentation.prometheus) {
      const metrics = new NodeMetrics(
        { chainId: this.genesis.chain_id },
        {
          mempool,
          registry: metricsRegistry,
          p2p: { peers: () => sw.peers.size, catchingUp: () => blockSync.catchingUp },
        },
      );
      consensus.onCommit((e) => metrics.observeBlock(e.block));
      this.metrics = metrics;
      this.metricsUrl = await metrics.listen(cfg.instrumentation.prometheusLaddr);
    }
    await sw.start();
    reactor.start();
    await this.rpc.start();
    this.rpcUrl = this.rpc.url;
    if (this.api) {
      await this.api.start();
      this.apiUrl = this.api.url;
      if (this.api.servesSite) this.explorerUrl = `${this.apiUrl}${EXPLORER_PREFIX}/`;
    }
    if (this.grpc) {
      await this.grpc.start();
      this.grpcAddress = this.grpc.address;
    }
    // A node with peers first fetches the blocks it lacks, then runs consensus.
    let startState = state;
    if (persistentPeers.length > 0 || seeds.length > 0) startState = await blockSync.run(state);
    if (this.stopping) return;
    await consensus.start(startState);
    consensusRunning = true;
    const query = async (path: string, data: Uint8Array) => {
      const res = await app.query(RequestQuery.fromPartial({ path, data, height: 0n, prove: false }));
      if (res.code !== 0) throw new Error(`query ${path} failed with code ${res.code}: ${res.log}`);
      return res.value;
    };
    for (const svc of this.services) svc.afterStart?.({ rpcUrl: this.rpcUrl, query });
    this.log.info(
      {
        height: Number(startState.lastBlockHeight),
        nodeId: sw.nodeId,
        p2p: sw.listenAddrs,
        rpc: this.rpcUrl,
        ...(this.apiUrl ? { api: this.apiUrl } : {}),
        ...(this.grpcAddress ? { grpc: this.grpcAddress } : {}),
        validator: Buffer.from(valKey.address).toString("hex"),
        ...Object.assign({}, ...this.services.map((svc) => svc.startInfo?.() ?? {})),
      },
      "node started",
    );
  }

  /**
   * The app is gone: consensus cannot go on without it (CometBFT kills such a node), so this node
   * stops — its WAL, block store and state stay consistent, and a restart with the app reachable
   * again handshakes (replaying the blocks the app lacks) and continues.
   */
  private fail(err: Error): void {
    if (this.fatalError || this.stopping) return;
    this.fatalError = err;
    this.log.fatal({ err: err.message }, "the application is unusable; stopping this node");
    this.stop().then(
      () => this.deps.onFatal?.(err),
      (stopErr) => {
        this.log.error({ err: stopErr }, "error while stopping");
        this.deps.onFatal?.(err);
      },
    );
  }

  /** Stops accepting requests, lets consensus finish its current step, then closes the database. */
  /** The explorer's site when api.explorer is on and the app has a build (else none, with a warning). */
  private explorerSite(explorer: AppExplorer | undefined): StaticSiteOptions | undefined {
    if (!this.config.api.explorer) return undefined;
    if (!explorer || !existsSync(join(explorer.dir, "index.html"))) {
      this.log.warn({ dir: explorer?.dir }, "api.explorer is set but the app has no explorer build: no /ui");
      return undefined;
    }
    const chainId = this.genesis.chain_id;
    return {
      prefix: EXPLORER_PREFIX,
      dir: explorer.dir,
      // the page reaches this node's RPC (the REST server is the page's own origin)
      config: () => ({ rpc: this.rpcUrl, chainId, ...explorer.config?.({ chainId }) }),
    };
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.api?.close();
      await this.grpc?.close(5_000);
      await this.rpc?.close();
      await this.metrics?.close();
      this.blockSync?.stop();
      await this.consensus?.stop();
      for (const svc of this.services) await svc.close();
      await this.built?.close?.();
      this.reactor?.stop();
      await this.sw?.stop().catch((err) => this.log.warn({ err }, "p2p stop failed"));
      this.wal?.close();
      await this.db?.close();
      this.log.info("node stopped");
    })();
    return this.stopping;
  }
}

/** Connected peers as CometBFT's net_info reports them. */
function peerInfos(sw: P2PSwitch, version: string): PeerInfo[] {
  return [...sw.peers.values()].map((p) => ({
    node_info: {
      protocol_version: { p2p: "8", block: "11", app: "0" },
      id: p.id,
      listen_addr: p.info?.listen_addr ?? "",
      network: p.info?.network ?? "",
      version: p.info?.version ?? version,
      channels: "40202122233038606100",
      moniker: p.info?.moniker ?? "",
      other: { tx_index: "on", rpc_address: p.info?.rpc_address ?? "" },
    },
    is_outbound: p.isOutbound,
    connection_status: {
      Duration: String((Date.now() - p.connectedAtMs) * 1_000_000),
      SendMonitor: { Bytes: String(p.sentBytes) },
      RecvMonitor: { Bytes: String(p.recvBytes) },
      Channels: [],
    },
    remote_ip: p.remoteIp,
  }));
}
