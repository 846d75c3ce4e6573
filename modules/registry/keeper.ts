// RegistryKeeper: models, the validators that serve them, and the validators whose golden-vector
// runs failed (ConformanceFailure, one per model and validator).
import type { Context } from "../../chain/baseapp/context.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { ConformanceFailure, Model, ModelServer } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { ErrModelNotFound } from "./errors.ts";
import type { StakingKeeperI } from "./expected-keepers.ts";
import {
  FailuresPrefix,
  failureKey,
  failuresPrefix,
  modelKey,
  ParamsKey,
  StoreKey,
  serverKey,
  serversPrefix,
} from "./keys.ts";
import { decodeParams, defaultParams, encodeParams, type RegistryParams } from "./params.ts";

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

  async mustGetModel(ctx: Context, id: string): Promise<Model> {
    const m = await this.getModel(ctx, id);
    if (!m) throw ErrModelNotFound.wrap(`model ${id}`);
    return m;
  }

  setModel(ctx: Context, m: Model): void {
    ctx.kvStore(StoreKey).set(modelKey(m.id), Model.encode(m).finish());
  }

  async allModels(ctx: Context): Promise<Model[]> {
    const out: Model[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), new Uint8Array([0x01]))) out.push(Model.decode(v));
    return out;
  }

  async getServer(ctx: Context, modelId: string, validator: string): Promise<ModelServer | undefined> {
    const b = await ctx.kvStore(StoreKey).get(serverKey(modelId, validator));
    return b ? ModelServer.decode(b) : undefined;
  }

  setServer(ctx: Context, s: ModelServer): void {
    ctx.kvStore(StoreKey).set(serverKey(s.modelId, s.validator), ModelServer.encode(s).finish());
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
    ctx.kvStore(StoreKey).set(failureKey(f.modelId, f.validator), ConformanceFailure.encode(f).finish());
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
