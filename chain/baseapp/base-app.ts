// BaseApp: the ABCI 2.0 application with Cosmos SDK baseapp semantics (baseapp/abci.go, baseapp.go):
// a check state reset at every commit, a finalize state branched per block, each tx on its own
// branch (ante writes kept when messages fail), the app hash from the store's working hash. It knows
// no module: an application (app/app.ts) builds its keepers and hands BaseApp its modules, ante
// handler, consensus-param store and invariants, as SimApp does with the SDK's BaseApp.
import { createHash } from "node:crypto";
import type { AbstractLevel } from "abstract-level";
import {
  CheckTxType,
  type ExecTxResult,
  type RequestCheckTx,
  type RequestCommit,
  type RequestExtendVote,
  type RequestFinalizeBlock,
  type RequestInfo,
  type RequestInitChain,
  type RequestPrepareProposal,
  type RequestProcessProposal,
  type RequestQuery,
  type RequestVerifyVoteExtension,
  type ResponseCheckTx,
  type ResponseCommit,
  type ResponseExtendVote,
  type ResponseFinalizeBlock,
  type ResponseInfo,
  type ResponseInitChain,
  type ResponsePrepareProposal,
  type ResponseProcessProposal,
  ResponseProcessProposal_ProposalStatus,
  type ResponseQuery,
  type ResponseVerifyVoteExtension,
  ResponseVerifyVoteExtension_VerifyStatus,
  type ValidatorUpdate,
} from "cosmjs-types/tendermint/abci/types";
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { Logger } from "pino";
import type { Application } from "../abci/application.ts";
import { abciInfo, ErrInvalidHeight, ErrInvalidRequest, ErrNotSupported, ErrUnknownRequest } from "../errors/errors.ts";
import type { CacheMultiStore, CommitId, MultiStore, StoreQueryResult } from "../store/types.ts";
import "../types/binary-writer.ts";
import type { AnteHandler } from "./ante-handler.ts";
import { parseDecCoins } from "./coins.ts";
import { type BlockInfo, Context, type ExecMode } from "./context.ts";
import { INDEX_EVENT_PATTERN, toAbciEvents, withAttribute } from "./events.ts";
import type { AppModule, Invariant, InvariantRegistry } from "./module.ts";
import { Router } from "./module.ts";
import { type QueryBackend, queryApp } from "./query.ts";
import { runTx, type TxRunner } from "./run-tx.ts";
import { CommitMultiStore, InfiniteGasMeter } from "./store-deps.ts";
import { type DecodedTx, decodeTx } from "./tx.ts";

export interface BaseAppOptions {
  /** the app's name and version as ABCI Info reports them */
  name: string;
  version: string;
  chainId?: string;
  /** validator min gas prices for CheckTx, e.g. "0.025udgrid" */
  minGasPrices: string;
  /** stop producing state after this height (0 / undefined = never) */
  haltHeight?: number;
  /** store versions to keep (0 = all) */
  keepRecent?: number;
  /**
   * app.toml index-events: the "type.key" event attributes the node's indexer stores (tx_search and
   * block_search find only these, plus tx.hash, tx.height and block.height); empty or absent = all
   */
  indexEvents?: readonly string[];
}

export interface BaseAppDeps {
  db: AbstractLevel<any, Uint8Array, Uint8Array>;
  logger: Logger;
  /** the committed state; default: chain/store's CommitMultiStore over `db` (tests may pass a memory store) */
  store?: AppCommitStore;
}

/** What the app needs of chain/store's CommitMultiStore (CONTRACTS.md). */
export interface AppCommitStore {
  load(): Promise<void>;
  lastCommitId(): CommitId;
  branch(): CacheMultiStore;
  workingHash(changes: CacheMultiStore): Promise<Uint8Array>;
  commit(): Promise<CommitId>;
  readAt(version: number): Promise<MultiStore>;
  query(storeName: string, key: Uint8Array, version: number, prove: boolean): Promise<StoreQueryResult>;
  /** makes a committed version the latest again (`dgrid rollback`, on a stopped node) */
  rollbackTo?(version: number): Promise<CommitId>;
}

/** Where InitChain keeps the consensus params consensus starts with (SDK: baseapp's ParamStore, x/consensus). */
export interface ConsensusParamStore {
  setParams(ctx: Context, params: ConsensusParams): void;
}

/** A signature check started ahead of CheckTx on a worker (the ante then finds it cached). */
export type SigVerifyAhead = (ctx: Context, tx: DecodedTx) => Promise<void>;

function timeToMs(t: { seconds: bigint; nanos: number } | undefined): number {
  if (!t) return 0;
  return Number(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000);
}

export class BaseApp implements Application, TxRunner, QueryBackend {
  readonly logger: Logger;
  readonly router = new Router();
  readonly name: string;
  readonly version: string;
  modules: readonly AppModule[] = [];
  anteHandler: AnteHandler = async () => {};
  store!: AppCommitStore;

  private chainId: string;
  private readonly minGasPrices: string;
  private readonly haltHeight: number;
  private readonly keepRecent: number;
  readonly indexEvents: ReadonlySet<string>;
  private readonly db: AbstractLevel<any, Uint8Array, Uint8Array>;
  private loading?: Promise<void>;
  private paramStore?: ConsensusParamStore;
  private sigVerifyAhead?: SigVerifyAhead;
  private readonly invariants: { module: string; route: string; check: Invariant }[] = [];

  /** state for CheckTx / simulation, branched from the last commit */
  private checkState?: CacheMultiStore;
  private checkBlock: BlockInfo = { height: 0, timeMs: 0, chainId: "" };
  /** genesis writes waiting for the first block (SDK: InitChain does not commit) */
  private genesisState?: CacheMultiStore;
  /** the block being finalized, until Commit */
  private finalizeState?: CacheMultiStore;
  private finalizeBlockInfo?: BlockInfo;
  private initialHeight = 1;
  private checkQueue: Promise<unknown> = Promise.resolve();
  /** verifications started by prepareCheckTx, by tx bytes object, until its CheckTx takes them */
  private readonly aheadByTx = new WeakMap<Uint8Array, Promise<DecodedTx | undefined>>();
  /**
   * Txs that passed CheckTx, decoded, by bytes object: recheck reuses the decode, and proposal checks
   * (which only need "it decodes") skip it. The ante handler never changes a DecodedTx.
   */
  private readonly checkedTxs = new WeakMap<Uint8Array, DecodedTx>();

  constructor(options: BaseAppOptions, deps: BaseAppDeps) {
    this.logger = deps.logger.child({ module: "app" });
    this.name = options.name;
    this.version = options.version;
    this.chainId = options.chainId ?? "";
    this.minGasPrices = options.minGasPrices ?? "";
    parseDecCoins(this.minGasPrices); // fail early on a bad app.toml value
    this.haltHeight = options.haltHeight ?? 0;
    this.keepRecent = options.keepRecent ?? 0;
    this.indexEvents = new Set(options.indexEvents ?? []);
    for (const e of this.indexEvents)
      if (!new RegExp(INDEX_EVENT_PATTERN).test(e))
        throw new Error(
          `index-events: "${e}" is not an event type and attribute key ("type.key", e.g. "transfer.recipient")`,
        );
    this.db = deps.db;
    if (deps.store) this.store = deps.store;
  }

  /**
   * The modules in their order (genesis, begin/end block, hooks), their services registered, and
   * the stores they name mounted (SDK: ModuleManager + MountKVStores). Called once, before load().
   */
  setModules(modules: AppModule[]): void {
    if (this.modules.length > 0) throw new Error("modules already set");
    this.modules = modules;
    for (const m of modules) m.registerServices(this.router);
    if (modules.filter((m) => m.abci?.extendVote || m.abci?.verifyVoteExtension).length > 1) {
      throw new Error("at most one module may implement vote extensions");
    }
    const registry: InvariantRegistry = {
      register: (module, route, check) => this.invariants.push({ module, route, check }),
    };
    for (const m of modules) m.registerInvariants?.(registry);
    this.store ??= new CommitMultiStore(
      { storeNames: modules.map((m) => m.storeKey).filter((k) => k !== ""), keepRecent: this.keepRecent },
      { db: this.db, logger: this.logger },
    );
  }

  /** SDK SetAnteHandler; `ahead` optionally verifies signatures on a worker before CheckTx's turn. */
  setAnteHandler(ante: AnteHandler, ahead?: SigVerifyAhead): void {
    this.anteHandler = ante;
    this.sigVerifyAhead = ahead;
  }

  /** SDK SetParamStore: where InitChain stores the genesis consensus params. */
  setParamStore(store: ConsensusParamStore): void {
    this.paramStore = store;
  }

  /** The registered invariants' names, `module/route`, in registration order. */
  invariantRoutes(): string[] {
    return this.invariants.map((i) => `${i.module}/${i.route}`);
  }

  /** Loads the latest committed state; idempotent, awaited by every ABCI method. */
  load(): Promise<void> {
    if (!this.loading) {
      this.loading = (async () => {
        await this.store.load();
        const { version } = this.store.lastCommitId();
        this.resetCheckState({ height: version, timeMs: 0, chainId: this.chainId });
      })();
    }
    return this.loading;
  }

  /**
   * Rolls the committed state back to `height` (SDK `rollback`: CommitMultiStore().RollbackToVersion),
   * so the next start re-executes the blocks above it. For a stopped node only.
   */
  async rollbackTo(height: number): Promise<CommitId> {
    await this.load();
    if (!this.store.rollbackTo) throw ErrNotSupported.wrap("this app's store cannot roll back");
    const last = await this.store.rollbackTo(height);
    this.resetCheckState({ height: last.version, timeMs: 0, chainId: this.chainId });
    return last;
  }

  private resetCheckState(block: BlockInfo): void {
    this.checkState = this.store.branch();
    this.checkBlock = block;
  }

  newContext(ms: MultiStore, block: BlockInfo, mode: ExecMode, txBytes?: Uint8Array): Context {
    return new Context(ms, block, new InfiniteGasMeter(), mode, this.logger, txBytes, this.minGasPrices);
  }

  // ---- ABCI: info / init ----

  async info(_req: RequestInfo): Promise<ResponseInfo> {
    await this.load();
    const last = this.store.lastCommitId();
    return {
      data: this.name,
      version: this.version,
      appVersion: 0n,
      lastBlockHeight: BigInt(last.version),
      lastBlockAppHash: last.hash,
    };
  }

  async initChain(req: RequestInitChain): Promise<ResponseInitChain> {
    await this.load();
    if (this.chainId !== "" && req.chainId !== this.chainId) {
      throw ErrInvalidRequest.wrap(`invalid chain-id on InitChain; expected: ${this.chainId}, got: ${req.chainId}`);
    }
    this.chainId = req.chainId;
    this.initialHeight = req.initialHeight > 0n ? Number(req.initialHeight) : 1;
    // store versions are block heights and chain/store starts at version 1
    if (this.initialHeight !== 1) {
      throw ErrInvalidRequest.wrap(`initial_height ${this.initialHeight} is not supported (must be 1)`);
    }
    const block: BlockInfo = { height: this.initialHeight, timeMs: timeToMs(req.time), chainId: req.chainId };
    const state = this.store.branch();
    const ctx = this.newContext(state, block, "genesis");
    let appState: Record<string, unknown> = {};
    if (req.appStateBytes.length > 0) {
      try {
        appState = JSON.parse(new TextDecoder().decode(req.appStateBytes)) as Record<string, unknown>;
      } catch (e) {
        throw ErrInvalidRequest.wrap(`invalid app_state JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    let validators: ValidatorUpdate[] = req.validators;
    for (const m of this.modules) {
      const updates = await m.initGenesis(ctx, appState[m.name] ?? m.defaultGenesis());
      // the staking module's genesis set replaces the one in genesis.json (SDK InitChain)
      if (updates && updates.length > 0) validators = updates;
    }
    // x/consensus keeps the params consensus starts with (SDK InitChain: StoreConsensusParams)
    if (req.consensusParams) this.paramStore?.setParams(ctx, req.consensusParams);
    this.genesisState = state;
    // CheckTx before the first block sees the genesis state (SDK sets checkState from the init header)
    this.checkState = state.branch();
    this.checkBlock = block;
    return {
      consensusParams: req.consensusParams,
      validators,
      appHash: this.genesisAppHash(),
    };
  }

  /** SDK InitChain: sha256("") for a new chain (nothing committed yet), else the last commit's hash. */
  private genesisAppHash(): Uint8Array {
    const last = this.store.lastCommitId();
    return last.version === 0 ? new Uint8Array(createHash("sha256").digest()) : last.hash;
  }

  /** The app_state JSON of the latest committed state (or pending genesis before block 1). */
  async exportAppState(): Promise<Record<string, unknown>> {
    await this.load();
    const ms = this.genesisState ?? this.store.branch();
    const { version } = this.store.lastCommitId();
    const ctx = this.newContext(ms, { height: version, timeMs: 0, chainId: this.chainId }, "query");
    const out: Record<string, unknown> = {};
    for (const m of this.modules) out[m.name] = await m.exportGenesis(ctx);
    return out;
  }

  /** Runs every registered invariant on the latest committed state; returns the broken ones' messages. */
  async checkInvariants(ms?: MultiStore): Promise<string[]> {
    await this.load();
    const ctx = this.newContext(ms ?? this.store.branch(), this.checkBlock, "query");
    const broken: string[] = [];
    for (const inv of this.invariants) {
      const r = await inv.check(ctx);
      for (const x of Array.isArray(r) ? r : [r]) if (x.broken) broken.push(x.message);
    }
    return broken;
  }

  // ---- ABCI: mempool ----

  async checkTx(req: RequestCheckTx): Promise<ResponseCheckTx> {
    // signatures are verified on a worker meanwhile (the ante then finds them in the cache)
    const ahead = req.type === CheckTxType.RECHECK ? undefined : this.takeAhead(req.tx);
    // one at a time: each CheckTx reads and then writes the shared check state (sequences, fees)
    const run = this.checkQueue.then(async () =>
      this.checkTxNow(req, ahead ? await ahead : this.checkedTxs.get(req.tx)),
    );
    this.checkQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Mempool hint: a new tx will be checked soon. Starts verifying its signatures on the worker thread
   * now, while it waits for its CheckTx turn; CheckTx then waits for that (and finds them cached).
   */
  prepareCheckTx(tx: Uint8Array): void {
    if (!this.aheadByTx.has(tx))
      this.aheadByTx.set(
        tx,
        this.verifyAhead(tx).catch(() => undefined),
      );
  }

  /** The tx decoded by its pre-verification (undefined if it does not decode). */
  private takeAhead(tx: Uint8Array): Promise<DecodedTx | undefined> {
    const p = this.aheadByTx.get(tx);
    if (!p) return this.verifyAhead(tx).catch(() => undefined);
    this.aheadByTx.delete(tx);
    return p;
  }

  private async verifyAhead(txBytes: Uint8Array): Promise<DecodedTx | undefined> {
    await this.load();
    let tx: DecodedTx;
    try {
      tx = decodeTx(txBytes, this.router);
    } catch {
      return undefined;
    }
    const ctx = this.newContext(this.checkState ?? this.store.branch(), this.checkBlock, "check", txBytes);
    await this.sigVerifyAhead?.(ctx, tx);
    return tx;
  }

  private async checkTxNow(req: RequestCheckTx, decoded?: DecodedTx): Promise<ResponseCheckTx> {
    await this.load();
    const mode: ExecMode = req.type === CheckTxType.RECHECK ? "recheck" : "check";
    const state = this.checkState ?? this.store.branch();
    const r = await runTx(this, mode, req.tx, state, this.checkBlock, decoded);
    if (r.code === 0 && r.tx) this.checkedTxs.set(req.tx, r.tx);
    return {
      code: r.code,
      data: new Uint8Array(),
      log: r.log,
      info: "",
      gasWanted: r.gasWanted,
      gasUsed: r.gasUsed,
      events: r.code === 0 ? r.events : [],
      codespace: r.codespace,
    };
  }

  // ---- ABCI: proposals and votes ----

  async prepareProposal(req: RequestPrepareProposal): Promise<ResponsePrepareProposal> {
    await this.load();
    const txs: Uint8Array[] = [];
    let total = 0n;
    const ctx = this.proposalContext(req.height, req.time);
    for (const m of this.modules) {
      if (!m.abci?.prepareProposal) continue;
      for (const tx of await m.abci.prepareProposal(ctx, req)) {
        txs.push(tx);
        total += BigInt(protoTxSize(tx.length));
      }
    }
    for (const tx of req.txs) {
      if (this.isInjectedTx(tx)) continue; // only the proposer's own injection, never one from the mempool
      try {
        if (!this.checkedTxs.has(tx)) decodeTx(tx, this.router);
      } catch {
        continue; // undecodable txs are dropped, as the SDK's default proposal handler does
      }
      const size = BigInt(protoTxSize(tx.length));
      if (req.maxTxBytes > 0n && total + size > req.maxTxBytes) break;
      total += size;
      txs.push(tx);
    }
    return { txs };
  }

  async processProposal(req: RequestProcessProposal): Promise<ResponseProcessProposal> {
    await this.load();
    const reject = { status: ResponseProcessProposal_ProposalStatus.REJECT };
    for (const tx of req.txs) {
      if (this.isInjectedTx(tx)) continue;
      try {
        if (!this.checkedTxs.has(tx)) decodeTx(tx, this.router);
      } catch {
        return reject;
      }
    }
    const ctx = this.proposalContext(req.height, req.time);
    for (const m of this.modules) {
      if (!m.abci?.processProposal) continue;
      try {
        if (!(await m.abci.processProposal(ctx, req))) return reject;
      } catch (e) {
        this.logger.warn({ err: e, module: m.name, height: Number(req.height) }, "proposal rejected");
        return reject;
      }
    }
    return { status: ResponseProcessProposal_ProposalStatus.ACCEPT };
  }

  async extendVote(req: RequestExtendVote): Promise<ResponseExtendVote> {
    await this.load();
    const m = this.voteExtensionModule();
    if (!m?.abci?.extendVote) return { voteExtension: new Uint8Array() };
    try {
      return { voteExtension: await m.abci.extendVote(this.proposalContext(req.height, req.time), req) };
    } catch (e) {
      // an oracle-style failure sends an empty extension; it never halts the chain
      this.logger.error({ err: e, module: m.name, height: Number(req.height) }, "extendVote failed");
      return { voteExtension: new Uint8Array() };
    }
  }

  async verifyVoteExtension(req: RequestVerifyVoteExtension): Promise<ResponseVerifyVoteExtension> {
    await this.load();
    const m = this.voteExtensionModule();
    const accept = { status: ResponseVerifyVoteExtension_VerifyStatus.ACCEPT };
    if (!m?.abci?.verifyVoteExtension) return accept;
    try {
      const ok = await m.abci.verifyVoteExtension(this.proposalContext(req.height), req);
      return ok ? accept : { status: ResponseVerifyVoteExtension_VerifyStatus.REJECT };
    } catch (e) {
      this.logger.warn({ err: e, module: m.name, height: Number(req.height) }, "vote extension rejected");
      return { status: ResponseVerifyVoteExtension_VerifyStatus.REJECT };
    }
  }

  /** Txs a module injects into proposals (not Cosmos txs: never decoded, run or charged as one). */
  isInjectedTx(tx: Uint8Array): boolean {
    for (const m of this.modules) if (m.abci?.isInjectedTx?.(tx)) return true;
    return false;
  }

  private voteExtensionModule(): AppModule | undefined {
    return this.modules.find((m) => m.abci?.extendVote || m.abci?.verifyVoteExtension);
  }

  /** A read-only context on the last committed state, for proposal and vote-extension hooks. */
  private proposalContext(height: bigint, time?: { seconds: bigint; nanos: number }): Context {
    return this.newContext(
      this.store.branch(),
      { height: Number(height), timeMs: timeToMs(time), chainId: this.chainId },
      "query",
    );
  }

  // ---- ABCI: consensus ----

  async finalizeBlock(req: RequestFinalizeBlock): Promise<ResponseFinalizeBlock> {
    await this.load();
    const height = Number(req.height);
    const last = this.store.lastCommitId().version;
    if (last > 0 && height !== last + 1) {
      throw ErrInvalidHeight.wrap(`invalid height: ${height}; expected: ${last + 1}`);
    }
    if (this.haltHeight > 0 && height > this.haltHeight) {
      throw ErrInvalidHeight.wrap(`halt height ${this.haltHeight} reached`);
    }
    const block: BlockInfo = {
      height,
      timeMs: timeToMs(req.time),
      chainId: this.chainId,
      proposerAddress: req.proposerAddress,
      hash: req.hash,
      lastCommit: req.decidedLastCommit,
      misbehavior: req.misbehavior,
    };
    const state = this.genesisState && height === this.initialHeight ? this.genesisState : this.store.branch();
    this.genesisState = undefined;

    const blockEvents = [];
    const beginCtx = this.newContext(state, block, "finalize");
    for (const m of this.modules) if (m.abci?.preBlock) await m.abci.preBlock(beginCtx, req);
    for (const m of this.modules) if (m.beginBlock) await m.beginBlock(beginCtx);
    blockEvents.push(
      ...toAbciEvents(withAttribute(beginCtx.eventManager.events(), "mode", "BeginBlock"), this.indexEvents),
    );

    const txResults: ExecTxResult[] = [];
    for (const tx of req.txs) {
      if (this.isInjectedTx(tx)) {
        // read by its module's preBlock; recorded with an empty result, as Skip Connect's VE tx
        txResults.push({
          code: 0,
          data: new Uint8Array(),
          log: "",
          info: "",
          gasWanted: 0n,
          gasUsed: 0n,
          events: [],
          codespace: "",
        });
        continue;
      }
      const r = await runTx(this, "finalize", tx, state, block, this.checkedTxs.get(tx));
      txResults.push({
        code: r.code,
        data: r.data,
        log: r.log,
        info: "",
        gasWanted: r.gasWanted,
        gasUsed: r.gasUsed,
        events: r.events,
        codespace: r.codespace,
      });
    }

    const endCtx = this.newContext(state, block, "finalize");
    const validatorUpdates: ValidatorUpdate[] = [];
    let consensusParamUpdates: ConsensusParams | undefined;
    for (const m of this.modules) {
      if (!m.endBlock) continue;
      const r = await m.endBlock(endCtx);
      if (r?.validatorUpdates) validatorUpdates.push(...r.validatorUpdates);
      if (r?.consensusParamUpdates) consensusParamUpdates = r.consensusParamUpdates;
    }
    blockEvents.push(
      ...toAbciEvents(withAttribute(endCtx.eventManager.events(), "mode", "EndBlock"), this.indexEvents),
    );

    const appHash = await this.store.workingHash(state);
    this.finalizeState = state;
    this.finalizeBlockInfo = block;
    return { events: blockEvents, txResults, validatorUpdates, consensusParamUpdates, appHash };
  }

  async commit(_req: RequestCommit): Promise<ResponseCommit> {
    await this.load();
    if (!this.finalizeState || !this.finalizeBlockInfo) throw ErrInvalidRequest.wrap("commit without finalized block");
    const id = await this.store.commit();
    this.resetCheckState({ ...this.finalizeBlockInfo, height: id.version });
    this.finalizeState = undefined;
    this.finalizeBlockInfo = undefined;
    return { retainHeight: 0n };
  }

  // ---- ABCI: query ----

  async query(req: RequestQuery): Promise<ResponseQuery> {
    await this.load();
    try {
      return await queryApp(this, req);
    } catch (e) {
      const info = abciInfo(e);
      if (info.code === 1) this.logger.error({ err: e, path: req.path }, "query failed");
      return {
        code: info.code,
        log: info.log,
        info: "",
        index: 0n,
        key: new Uint8Array(),
        value: new Uint8Array(),
        proofOps: undefined,
        height: req.height,
        codespace: info.codespace,
      };
    }
  }

  // ---- QueryBackend ----

  lastHeight(): number {
    return this.store.lastCommitId().version;
  }

  /** A read view at a committed height (latest = a branch of the latest commit). */
  async stateAt(height: number): Promise<MultiStore> {
    const last = this.lastHeight();
    if (height > last) {
      throw ErrInvalidRequest.wrap(`cannot query with height in the future; please provide a valid height`);
    }
    if (height === last) return this.store.branch();
    return this.store.readAt(height);
  }

  simulationState(): { state: CacheMultiStore; block: BlockInfo } {
    return { state: (this.checkState ?? this.store.branch()).branch(), block: this.checkBlock };
  }

  unknownPath(path: string): Error {
    return ErrUnknownRequest.wrap(`unknown query path ${path}`);
  }
}

/** Size of a tx inside the block's Data proto: tag + length varint + bytes (ComputeProtoSizeForTxs). */
export function protoTxSize(n: number): number {
  let v = n;
  let len = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    len++;
  }
  return 1 + len + n;
}
