// Node wiring: opens the database, builds every component with its (options, dependencies), runs the
// ABCI handshake, and starts consensus and the RPC server. Owns the start/stop order; owns no logic.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AbstractLevel } from "abstract-level";
import { ClassicLevel } from "classic-level";
import { RequestQuery } from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import { NodeInference } from "../../validator/node-inference.ts";
import { DGridApp } from "../app/app.ts";
import { BlockStore } from "../blockstore/block-store.ts";
import { ConsensusState } from "../consensus/consensus-state.ts";
import { handshake } from "../consensus/handshake.ts";
import { FilePV } from "../consensus/privval.ts";
import { genesisStateFromDoc, StateStore } from "../consensus/state.ts";
import { LoopbackTransport } from "../consensus/transport.ts";
import { FileWal } from "../consensus/wal.ts";
import { EventBus } from "../events/event-bus.ts";
import { Mempool } from "../mempool/mempool.ts";
import { RpcServer } from "../rpc/server.ts";
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
import { NodeMetrics } from "./metrics.ts";
import { NodeRpcBackend } from "./rpc-backend.ts";

export const COMETBFT_VERSION = "0.38.17";

export interface NodeOptions {
  home: string;
  /** defaults to `<home>/config/config.json` over the defaults */
  config?: NodeConfig;
}

export interface NodeDeps {
  logger: Logger;
}

type Db = ClassicLevel<Uint8Array, Uint8Array>;

export class DGridNode {
  readonly config: NodeConfig;
  readonly genesis: GenesisDoc;
  private readonly log: Logger;
  private db?: Db;
  private consensus?: ConsensusState;
  private wal?: FileWal;
  private metrics?: NodeMetrics;
  metricsUrl = "";
  private rpc?: RpcServer;
  /** model store, executor, duties and model sync (config inference.enabled) */
  inference?: NodeInference;
  private stopping?: Promise<void>;
  rpcUrl = "";

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
    mkdirSync(dataDir(home), { recursive: true });
    const db: Db = new ClassicLevel(join(dataDir(home), "dgrid.db"), { keyEncoding: "view", valueEncoding: "view" });
    await db.open();
    this.db = db;
    // Each component gets its own key prefix (a sublevel) of the one database.
    const sub = (name: string) =>
      db.sublevel<Uint8Array, Uint8Array>(name, {
        keyEncoding: "view",
        valueEncoding: "view",
      }) as unknown as AbstractLevel<any, Uint8Array, Uint8Array>;

    const valKey = loadPrivValidatorKey(privValidatorKeyPath(home));
    // one prom-client registry per node: inference metrics register into it before NodeMetrics exists
    const metricsRegistry = cfg.instrumentation.prometheus ? new Registry() : undefined;
    if (cfg.inference.enabled) {
      // every node keeps models and an executor; the duties only ever get work when this node's
      // key is an assigned validator
      this.inference = new NodeInference(
        { home, consAddress: valKey.address, models: cfg.models, inference: cfg.inference },
        { logger, metricsRegistry, keyringPassphrase: process.env.DGRID_KEYRING_PASSPHRASE },
      );
      await this.inference.start();
    }
    const app = new DGridApp(
      {
        chainId: this.genesis.chain_id,
        minGasPrices: cfg.app.minimumGasPrices,
        haltHeight: cfg.app.haltHeight,
        keepRecent: cfg.app.pruningKeepRecent,
      },
      { db: sub("state"), logger, inferenceDuties: this.inference?.duties },
    );
    const blockStore = new BlockStore({}, { db: sub("blocks") });
    await blockStore.load();
    const txIndexer = new TxIndexer({}, { db: sub("txindex") });
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
    const privValidator = new FilePV(valKey, privValidatorStatePath(home));
    const wal = new FileWal({ path: join(dataDir(home), "cs.wal") });

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
        // TEST ONLY (slashing e2e): refused by ConsensusState unless the chain id is a test chain id.
        testDoubleSign: cfg.consensus.testDoubleSign || process.env.DGRID_TEST_DOUBLE_SIGN === "1",
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
        transport: new LoopbackTransport(),
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
    });

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
      { app, blockStore, stateStore, txIndexer, mempool, consensus, privValidator },
    );
    this.rpc = new RpcServer(
      {
        laddr: cfg.rpc.laddr,
        maxBodyBytes: cfg.rpc.maxBodyBytes,
        maxSubscriptionsPerClient: cfg.rpc.maxSubscriptionsPerClient,
        timeoutBroadcastTxCommitMs: cfg.rpc.timeoutBroadcastTxCommitMs,
      },
      { backend, eventBus, logger },
    );
    if (cfg.instrumentation.prometheus) {
      const metrics = new NodeMetrics({ chainId: this.genesis.chain_id }, { mempool, registry: metricsRegistry });
      consensus.onCommit((e) => metrics.observeBlock(e.block));
      this.metrics = metrics;
      this.metricsUrl = await metrics.listen(cfg.instrumentation.prometheusLaddr);
    }
    await consensus.start(state);
    await this.rpc.start();
    this.rpcUrl = this.rpc.url;
    this.inference?.startSync({
      rpcUrl: this.rpcUrl,
      query: async (path, data) => {
        const res = await app.query(RequestQuery.fromPartial({ path, data, height: 0n, prove: false }));
        if (res.code !== 0) throw new Error(`query ${path} failed with code ${res.code}: ${res.log}`);
        return res.value;
      },
    });
    this.log.info(
      {
        height: Number(state.lastBlockHeight),
        rpc: this.rpcUrl,
        validator: Buffer.from(valKey.address).toString("hex"),
        models: this.inference?.modelsUrl,
        executionProvider: this.inference?.executor?.provider,
      },
      "node started",
    );
  }

  /** Stops accepting requests, lets consensus finish its current step, then closes the database. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.rpc?.close();
      await this.metrics?.close();
      await this.consensus?.stop();
      await this.inference?.close();
      this.wal?.close();
      await this.db?.close();
      this.log.info("node stopped");
    })();
    return this.stopping;
  }
}
