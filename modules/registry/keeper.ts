// RegistryKeeper: models (with their cards), the validators that serve them, the validators whose
// golden-vector runs failed (ConformanceFailure, one per model and validator), the stats settlement
// records per model and creator, and the discovery indexes kept in step with models and stats.
import type { Context } from "../../chain/baseapp/context.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { bytesEqual, toHex } from "../../chain/types/bytes.ts";
import { encodeMessage } from "../../chain/types/proto-encode.ts";
import {
  ConformanceFailure,
  CreatorEarnings,
  Model,
  ModelServer,
  ModelStats,
} from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { ErrModelNotFound } from "./errors.ts";
import type { StakingKeeperI } from "./expected-keepers.ts";
import { changedStatsSorts, indexKeys } from "./indexes.ts";
import {
  CreatorModelsPrefix,
  creatorModelKey,
  DiscoveryPrefix,
  EarningsPrefix,
  earningsKey,
  FailuresPrefix,
  failureKey,
  failuresPrefix,
  ModelsPrefix,
  modelKey,
  ParamsKey,
  StatsPrefix,
  StoreKey,
  serverKey,
  serversPrefix,
  statsKey,
} from "./keys.ts";
import { decodeModelHead } from "./model-head.ts";
import { decodeParams, defaultParams, encodeParams, type RegistryParams } from "./params.ts";
import { applyEarnings, applySettlement, emptyStats, type SettlementRecord } from "./stats.ts";

const PRESENT = new Uint8Array([0x01]);
const textDecoder = new TextDecoder();

export class RegistryKeeper {
  readonly storeKey = StoreKey;

  constructor(readonly deps: { stakingKeeper: StakingKeeperI }) {}

  async getParams(ctx: Context): Promise<RegistryParams> {
    const b = await ctx.kvStore(StoreKey).get(ParamsKey);
    return b ? decodeParams(b) : defaultParams();
  }

  setParams(ctx: Context, p: RegistryParams): void {
    ctx.kvStore(StoreKey).set(ParamsKey, encodeParams(p));
  }

  async getModel(ctx: Context, id: string): Promise<Model | undefined> {
    const b = await ctx.kvStore(StoreKey).get(modelKey(id));
    return b ? Model.decode(b) : undefined;
  }

  /**
   * The model without its golden vectors (`goldenVectors` empty): what the per-request paths read
   * (model-head.ts). Undefined for an unknown model.
   */
  async getModelHead(ctx: Context, id: string): Promise<Model | undefined> {
    const b = await ctx.kvStore(StoreKey).get(modelKey(id));
    return b ? decodeModelHead(b) : undefined;
  }

  async hasModel(ctx: Context, id: string): Promise<boolean> {
    return ctx.kvStore(StoreKey).has(modelKey(id));
  }

  async mustGetModel(ctx: Context, id: string): Promise<Model> {
    const m = await this.getModel(ctx, id);
    if (!m) throw ErrModelNotFound.wrap(`model ${id}`);
    return m;
  }

  /** Stores a model and moves its discovery index entries to where the new record belongs. */
  async setModel(ctx: Context, m: Model): Promise<void> {
    const store = ctx.kvStore(StoreKey);
    const prev = await this.getModel(ctx, m.id);
    const stats = await this.getStats(ctx, m.id);
    store.set(modelKey(m.id), encodeMessage(Model, m));
    this.moveIndex(ctx, prev ? indexKeys(prev, stats) : [], indexKeys(m, stats));
    if (!prev) store.set(creatorModelKey(m.creator, m.id), PRESENT);
  }

  /**
   * Deletes the keys only in `before`, sets those only in `after` (an unchanged entry is not
   * rewritten). A few dozen keys at most (scopes x sorts): compared pairwise, without allocating.
   */
  private moveIndex(ctx: Context, before: Uint8Array[], after: Uint8Array[]): void {
    const store = ctx.kvStore(StoreKey);
    for (const k of before) if (!after.some((a) => bytesEqual(a, k))) store.delete(k);
    for (const k of after) if (!before.some((b) => bytesEqual(b, k))) store.set(k, PRESENT);
  }

  /** The stats settlement recorded for a model (undefined: nothing settled yet). */
  async getStats(ctx: Context, modelId: string): Promise<ModelStats | undefined> {
    const b = await ctx.kvStore(StoreKey).get(statsKey(modelId));
    return b ? ModelStats.decode(b) : undefined;
  }

  async getEarnings(ctx: Context, creator: string): Promise<CreatorEarnings> {
    const b = await ctx.kvStore(StoreKey).get(earningsKey(creator));
    return b ? CreatorEarnings.decode(b) : { creator, fees: [], requestsFinalized: 0n };
  }

  /**
   * The inference module reports each settled request here (SettlementRecorderI): the model's stats
   * and its creator's earnings are updated, and the model's usage / agreement / latency index
   * entries move with them. Throws ErrModelNotFound for an unknown model.
   */
  async recordSettlement(ctx: Context, modelId: string, record: SettlementRecord): Promise<ModelStats> {
    const model = await this.getModelHead(ctx, modelId);
    if (!model) throw ErrModelNotFound.wrap(`model ${modelId}`);
    const prev = await this.getStats(ctx, modelId);
    const next = applySettlement(prev ?? emptyStats(modelId), record, ctx.height);
    const store = ctx.kvStore(StoreKey);
    store.set(statsKey(modelId), encodeMessage(ModelStats, next));
    // only the sorts whose values changed move (usage at every finalized request; the others seldom)
    const moved = changedStatsSorts(model, prev, next);
    if (moved.length > 0) this.moveIndex(ctx, indexKeys(model, prev, moved), indexKeys(model, next, moved));
    const earnings = applyEarnings(await this.getEarnings(ctx, model.creator), record);
    store.set(earningsKey(model.creator), encodeMessage(CreatorEarnings, earnings));
    return next;
  }

  /** Genesis: a stats record as exported (the indexes are rebuilt by rebuildIndexes). */
  setStatsRaw(ctx: Context, s: ModelStats): void {
    ctx.kvStore(StoreKey).set(statsKey(s.modelId), encodeMessage(ModelStats, s));
  }

  setEarnings(ctx: Context, e: CreatorEarnings): void {
    ctx.kvStore(StoreKey).set(earningsKey(e.creator), encodeMessage(CreatorEarnings, e));
  }

  async allStats(ctx: Context): Promise<ModelStats[]> {
    const out: ModelStats[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), StatsPrefix)) out.push(ModelStats.decode(v));
    return out;
  }

  async allEarnings(ctx: Context): Promise<CreatorEarnings[]> {
    const out: CreatorEarnings[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), EarningsPrefix)) out.push(CreatorEarnings.decode(v));
    return out;
  }

  /** The index keys (discovery and creator) the models and stats call for, sorted. */
  async expectedIndexKeys(ctx: Context): Promise<Uint8Array[]> {
    const keys: Uint8Array[] = [];
    for (const m of await this.allModels(ctx)) {
      keys.push(...indexKeys(m, await this.getStats(ctx, m.id)), creatorModelKey(m.creator, m.id));
    }
    return keys.sort((a, b) => (toHex(a) < toHex(b) ? -1 : toHex(a) > toHex(b) ? 1 : 0));
  }

  /** The index keys in the store, in store order. */
  async storedIndexKeys(ctx: Context): Promise<Uint8Array[]> {
    const keys: Uint8Array[] = [];
    for (const prefix of [DiscoveryPrefix, CreatorModelsPrefix]) {
      for await (const [k] of iteratePrefix(ctx.kvStore(StoreKey), prefix))
        keys.push(Uint8Array.from([...prefix, ...k]));
    }
    return keys;
  }

  /** Drops every index entry and writes them again from the models and stats (genesis, migration). */
  async rebuildIndexes(ctx: Context): Promise<void> {
    const store = ctx.kvStore(StoreKey);
    for (const k of await this.storedIndexKeys(ctx)) store.delete(k);
    for (const k of await this.expectedIndexKeys(ctx)) store.set(k, PRESENT);
  }

  async allModels(ctx: Context): Promise<Model[]> {
    const out: Model[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), ModelsPrefix)) out.push(Model.decode(v));
    return out;
  }

  async getServer(ctx: Context, modelId: string, validator: string): Promise<ModelServer | undefined> {
    const b = await ctx.kvStore(StoreKey).get(serverKey(modelId, validator));
    return b ? ModelServer.decode(b) : undefined;
  }

  setServer(ctx: Context, s: ModelServer): void {
    ctx.kvStore(StoreKey).set(serverKey(s.modelId, s.validator), encodeMessage(ModelServer, s));
  }

  deleteServer(ctx: Context, modelId: string, validator: string): void {
    ctx.kvStore(StoreKey).delete(serverKey(modelId, validator));
  }

  /** The validators serving a model, sorted by valoper address (store order). */
  async serversOf(ctx: Context, modelId: string): Promise<ModelServer[]> {
    const out: ModelServer[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), serversPrefix(modelId)))
      out.push(ModelServer.decode(v));
    return out;
  }

  /** The valoper addresses of serversOf, in the same order, from the keys alone (a caller may stop early). */
  async *serverValidators(ctx: Context, modelId: string): AsyncIterable<string> {
    for await (const [k] of iteratePrefix(ctx.kvStore(StoreKey), serversPrefix(modelId))) yield textDecoder.decode(k);
  }

  /** How many validators serve a model (executors serving it; bounded by the validator set). */
  async serverCount(ctx: Context, modelId: string): Promise<number> {
    let n = 0;
    for await (const _ of iteratePrefix(ctx.kvStore(StoreKey), serversPrefix(modelId))) n++;
    return n;
  }

  async allServers(ctx: Context): Promise<ModelServer[]> {
    const out: ModelServer[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), new Uint8Array([0x02])))
      out.push(ModelServer.decode(v));
    return out;
  }

  async getFailure(ctx: Context, modelId: string, validator: string): Promise<ConformanceFailure | undefined> {
    const b = await ctx.kvStore(StoreKey).get(failureKey(modelId, validator));
    return b ? ConformanceFailure.decode(b) : undefined;
  }

  setFailure(ctx: Context, f: ConformanceFailure): void {
    ctx.kvStore(StoreKey).set(failureKey(f.modelId, f.validator), encodeMessage(ConformanceFailure, f));
  }

  deleteFailure(ctx: Context, modelId: string, validator: string): void {
    ctx.kvStore(StoreKey).delete(failureKey(modelId, validator));
  }

  /** The validators whose golden-vector runs of a model failed, sorted by valoper address. */
  async failuresOf(ctx: Context, modelId: string): Promise<ConformanceFailure[]> {
    const out: ConformanceFailure[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), failuresPrefix(modelId)))
      out.push(ConformanceFailure.decode(v));
    return out;
  }

  async allFailures(ctx: Context): Promise<ConformanceFailure[]> {
    const out: ConformanceFailure[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), FailuresPrefix))
      out.push(ConformanceFailure.decode(v));
    return out;
  }
}
