// A keeper-level x/authz harness: auth + bank + authz over the in-memory store, the real msg router
// with bank's and authz's msg servers, and a stand-in inference module (a fixed fee per request,
// escrowed to a module account, refunded on demand through authz's hooks).
import pino from "pino";
import type { Coin } from "../../../chain/baseapp/coins.ts";
import { Context } from "../../../chain/baseapp/context.ts";
import { type MsgType, Router } from "../../../chain/baseapp/module.ts";
import { executeAnyMsg } from "../../../chain/baseapp/run-tx.ts";
import { InfiniteGasMeter } from "../../../chain/baseapp/store-deps.ts";
import { moduleAddress } from "../../../chain/types/address.ts";
import { AccountKeeper } from "../../../modules/auth/keeper.ts";
import { inferenceRequestHooks } from "../../../modules/authz/inference-hooks.ts";
import { AuthzKeeper } from "../../../modules/authz/keeper.ts";
import { registerMsgServer as registerAuthz } from "../../../modules/authz/msg-server.ts";
import { registerQueryServer as registerAuthzQueries } from "../../../modules/authz/query-server.ts";
import { BankKeeper } from "../../../modules/bank/keeper.ts";
import { registerMsgServer as registerBank } from "../../../modules/bank/msg-server.ts";
import { MsgRequestInference, MsgRequestInferenceResponse } from "../../../proto/gen/dgrid/inference/v1/tx.ts";
import { MemCacheMultiStore, MemKV } from "../../app/memory-store.ts";

export const ESCROW = "inference_escrow";
export const addr = (name: string) => moduleAddress(`user-${name}`);

export interface FakeInference {
  /** the fee the next request costs (price x redundancy) */
  fee: bigint;
  nextId: bigint;
  /** escrowed fee per open request */
  open: Map<bigint, { requester: string; fee: bigint }>;
}

export function setup(start = { timeMs: 1_700_000_000_000, height: 1 }) {
  const stores = new Map([
    ["acc", new MemKV()],
    ["bank", new MemKV()],
    ["authz", new MemKV()],
  ]);
  const ms = new MemCacheMultiStore({ getStore: (n: string) => stores.get(n) as MemKV });
  const block = { height: start.height, timeMs: start.timeMs, chainId: "t" };
  const mkCtx = () => new Context(ms, { ...block }, new InfiniteGasMeter(), "finalize", pino({ level: "silent" }));
  const ak = new AccountKeeper({ permissions: { mint: ["minter"], [ESCROW]: [] } });
  const bk = new BankKeeper({ blockedAddresses: [moduleAddress(ESCROW)] }, { accountKeeper: ak });
  const router = new Router();
  const inference: FakeInference = { fee: 100n, nextId: 1n, open: new Map() };
  const fee = (): Coin => ({ denom: "udgrid", amount: inference.fee });
  const authz = new AuthzKeeper({
    accountKeeper: ak,
    bankKeeper: bk,
    router,
    inferenceKeeper: { checkRequest: async () => ({ fee: fee() }) },
  });
  const hooks = inferenceRequestHooks(authz);
  registerBank(router, bk, moduleAddress("gov"));
  registerAuthz(router, authz);
  const requestType: MsgType<MsgRequestInference> = {
    typeUrl: "/dgrid.inference.v1.MsgRequestInference",
    decode: (b) => MsgRequestInference.decode(b),
    encode: (m) => MsgRequestInference.encode(m).finish(),
    signers: (m) => [m.requester],
  };
  router.registerMsg(requestType, async (ctx, msg) => {
    const f = fee();
    if (f.amount > 0n) await bk.sendCoinsFromAccountToModule(ctx, msg.requester, ESCROW, [f]);
    const id = inference.nextId++;
    inference.open.set(id, { requester: msg.requester, fee: f.amount });
    return {
      typeUrl: "/dgrid.inference.v1.MsgRequestInferenceResponse",
      value: MsgRequestInferenceResponse.encode({ requestId: id }).finish(),
    };
  });
  const queries = new Router();
  registerAuthzQueries(queries, authz);

  const env = {
    ak,
    bk,
    authz,
    router,
    queries,
    inference,
    block,
    ctx: mkCtx(),
    /** a new context at a later block time (ms) */
    advance(ms: number) {
      block.timeMs += ms;
      block.height++;
      env.ctx = mkCtx();
    },
    async fund(address: string, amount: bigint) {
      await bk.mintCoins(env.ctx, "mint", [{ denom: "udgrid", amount }]);
      await bk.sendCoinsFromModuleToAccount(env.ctx, "mint", address, [{ denom: "udgrid", amount }]);
    },
    /** runs one message on a branch kept only when it succeeds (a tx of one message) */
    async deliver(typeUrl: string, encoded: Uint8Array) {
      const branch = ms.branch();
      const ctx = env.ctx.with({ multiStore: branch });
      const res = await executeAnyMsg(router, ctx, { typeUrl, value: encoded });
      branch.write();
      env.ctx.eventManager.emitMany(ctx.eventManager.events());
      return res;
    },
    /** the fake inference refunds part or all of a request's fee, as modules/inference does */
    async refund(id: bigint, amount?: bigint, close = true) {
      const r = inference.open.get(id);
      if (!r) throw new Error(`no request ${id}`);
      const back = amount ?? r.fee;
      await bk.sendCoinsFromModuleToAccount(env.ctx, ESCROW, r.requester, [{ denom: "udgrid", amount: back }]);
      r.fee -= back;
      await hooks.afterFeeRefunded(env.ctx, id, { denom: "udgrid", amount: back });
      if (close) {
        inference.open.delete(id);
        await hooks.afterRequestClosed(env.ctx, id);
      }
    },
    async settle(id: bigint) {
      inference.open.delete(id);
      await hooks.afterRequestClosed(env.ctx, id);
    },
  };
  return env;
}

export type Env = ReturnType<typeof setup>;
