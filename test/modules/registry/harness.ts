// The registry module over an in-memory store: messages run as a tx runs them (ValidateBasic, then
// the handler), queries through the router, and contexts at any height.
import { createHash } from "node:crypto";
import pino from "pino";
import { Context } from "../../../chain/baseapp/context.ts";
import { Router } from "../../../chain/baseapp/module.ts";
import { InfiniteGasMeter } from "../../../chain/baseapp/store-deps.ts";
import { CodedError } from "../../../chain/errors/errors.ts";
import type { CacheMultiStore } from "../../../chain/store/types.ts";
import { addressToString, moduleAddress } from "../../../chain/types/address.ts";
import { demoModel } from "../../../models/demo.ts";
import { RegistryKeeper } from "../../../modules/registry/keeper.ts";
import { RegistryModule } from "../../../modules/registry/module.ts";
import { QueryDiscoverModelsRequest, QueryDiscoverModelsResponse } from "../../../proto/gen/dgrid/registry/v1/query.ts";
import type { ModelCard } from "../../../proto/gen/dgrid/registry/v1/registry.ts";
import type { MsgRegisterModel } from "../../../proto/gen/dgrid/registry/v1/tx.ts";
import { MemCacheMultiStore, MemKV } from "../../app/memory-store.ts";

export const AUTHORITY = moduleAddress("gov");

/** A bech32 account address from a small number. */
export function account(n: number): string {
  return addressToString(Uint8Array.from({ length: 20 }, (_, i) => (i === 19 ? n : 7)));
}

/** A model id (64 hex) from a small number. */
export function modelId(n: number): string {
  return createHash("sha256").update(`model-${n}`).digest("hex");
}

export function card(over: Partial<ModelCard> = {}): ModelCard {
  return {
    task: "ocr",
    description: "",
    license: "",
    tags: [],
    sourceUri: "",
    inputDoc: "",
    outputDoc: "",
    supersedes: "",
    ...over,
  };
}

export function setup() {
  const store = new MemKV();
  const ms = new MemCacheMultiStore({ getStore: () => store });
  const keeper = new RegistryKeeper({ stakingKeeper: { validator: async () => undefined } });
  const module = new RegistryModule(keeper, AUTHORITY);
  const router = new Router();
  module.registerServices(router);
  const logger = pino({ level: "silent" });
  const ctx = (height = 1, multiStore: CacheMultiStore = ms) =>
    new Context(
      multiStore,
      { height, timeMs: 1_700_000_000_000 + height * 5000, chainId: "t" },
      new InfiniteGasMeter(),
      "finalize",
      logger,
    );

  /** Runs a message as a tx would (ValidateBasic, then the handler); returns "codespace:code" or "ok". */
  async function deliver(typeUrl: string, msg: unknown, height = 1): Promise<string> {
    const reg = router.msg(`/dgrid.registry.v1.${typeUrl}`);
    if (!reg) throw new Error(`no handler for ${typeUrl}`);
    const branch = ms.branch(); // a failed message leaves no writes, as in a tx
    try {
      reg.type.validateBasic?.(msg);
      await reg.handler(ctx(height, branch), msg);
      branch.write();
      return "ok";
    } catch (e) {
      if (e instanceof CodedError) return `${e.codespace}:${e.code}`;
      throw e;
    }
  }

  function registration(o: {
    id: string;
    creator: string;
    price?: bigint;
    denom?: string;
    card?: ModelCard;
  }): MsgRegisterModel {
    const m = demoModel(o.creator);
    return {
      creator: o.creator,
      id: o.id,
      name: m.name,
      version: m.version,
      inputs: m.inputs,
      outputs: m.outputs,
      sessionOptions: m.sessionOptions,
      policy: m.policy,
      pricePerCall: { denom: o.denom ?? "udgrid", amount: String(o.price ?? 1000n) },
      creatorSharePpm: m.creatorSharePpm,
      goldenVectors: m.goldenVectors,
      sizeBytes: m.sizeBytes,
      card: o.card,
    };
  }

  const register = (o: Parameters<typeof registration>[0], height = 1) =>
    deliver("MsgRegisterModel", registration(o), height);
  const updateCard = (creator: string, id: string, c: ModelCard) =>
    deliver("MsgUpdateModelCard", { creator, modelId: id, card: c });
  const delist = (id: string) => deliver("MsgDelistModel", { authority: AUTHORITY, modelId: id });

  async function query<Req, Res>(
    path: string,
    req: { encode(m: Req): { finish(): Uint8Array }; fromPartial(o: object): Req },
    res: { decode(b: Uint8Array): Res },
    value: object,
  ): Promise<Res> {
    const h = router.query(`/dgrid.registry.v1.Query/${path}`);
    if (!h) throw new Error(`no query ${path}`);
    return res.decode(await h(ctx(), req.encode(req.fromPartial(value)).finish()));
  }

  /** Every page of a discovery query, `limit` at a time through next_key; the model ids in order. */
  async function discoverAll(
    filters: { task?: string; tag?: string; creator?: string; sort?: string },
    reverse = false,
    limit = 3,
  ) {
    const ids: string[] = [];
    let key: Uint8Array = new Uint8Array();
    for (;;) {
      const r = await query("DiscoverModels", QueryDiscoverModelsRequest, QueryDiscoverModelsResponse, {
        ...filters,
        pagination: { key, limit: BigInt(limit), reverse },
      });
      ids.push(...r.models.map((m) => m.model!.id));
      if (!r.pagination || r.pagination.nextKey.length === 0) return ids;
      key = r.pagination.nextKey;
    }
  }

  return {
    store,
    ms,
    keeper,
    module,
    router,
    ctx,
    deliver,
    registration,
    register,
    updateCard,
    delist,
    query,
    discoverAll,
  };
}

export type Env = ReturnType<typeof setup>;
