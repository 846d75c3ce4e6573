// Keeper-level staking test environment: auth + bank + staking keepers over in-memory stores, the
// staking msg router, a context whose block height/time the test moves, and the pool invariants.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import pino from "pino";
import { MODULE_ACCOUNT_PERMISSIONS } from "../../app/app.ts";
import { Context } from "../../chain/baseapp/context.ts";
import { Router } from "../../chain/baseapp/module.ts";
import { InfiniteGasMeter } from "../../chain/baseapp/store-deps.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { ed25519PubKeyAny } from "../../chain/types/pubkey.ts";
import { AccountKeeper } from "../../modules/auth/keeper.ts";
import { GovModuleName } from "../../modules/auth/keys.ts";
import { BankKeeper } from "../../modules/bank/keeper.ts";
import { stakingInvariants } from "../../modules/staking/invariants.ts";
import { StakingKeeper } from "../../modules/staking/keeper.ts";
import { registerMsgServer } from "../../modules/staking/msg-server.ts";
import { paramsFromJson } from "../../modules/staking/params.ts";
import { accAddrToString, valAddrToString } from "../../modules/staking/types.ts";
import { MemCacheMultiStore, MemKV } from "../app/memory-store.ts";

export const AUTHORITY = moduleAddress(GovModuleName);
export const T0 = 1_700_000_000_000;

export function consKey(name: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(`cons-${name}`).digest());
}

export function account(name: string): { acc: string; val: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(createHash("sha256").update(`acc-${name}`).digest().subarray(0, 20));
  return { acc: accAddrToString(bytes), val: valAddrToString(bytes), bytes };
}

export function env(params: { unbonding_time?: string; max_validators?: number; max_entries?: number } = {}) {
  const stores = new Map([
    ["acc", new MemKV()],
    ["bank", new MemKV()],
    ["staking", new MemKV()],
  ]);
  const ms = new MemCacheMultiStore({ getStore: (n: string) => stores.get(n) as MemKV });
  const ak = new AccountKeeper({ permissions: MODULE_ACCOUNT_PERMISSIONS });
  const bk = new BankKeeper({ blockedAddresses: [] }, { accountKeeper: ak });
  const sk = new StakingKeeper({}, { accountKeeper: ak, bankKeeper: bk });
  const router = new Router();
  registerMsgServer(router, sk, AUTHORITY);
  const logger = pino({ level: "silent" });
  let height = 1;
  let timeMs = T0;
  let ctx = new Context(ms, { height, timeMs, chainId: "t" }, new InfiniteGasMeter(), "finalize", logger);
  const e = {
    ms,
    ak,
    bk,
    sk,
    router,
    get ctx() {
      return ctx;
    },
    /** the next block: height + 1, time + dtMs */
    next(dtMs = 5000) {
      height += 1;
      timeMs += dtMs;
      ctx = new Context(ms, { height, timeMs, chainId: "t" }, new InfiniteGasMeter(), "finalize", logger);
      return ctx;
    },
    async fund(addr: string, amount: bigint) {
      await bk.mintCoins(ctx, "mint", [{ denom: "udgrid", amount }]);
      await bk.sendCoinsFromModuleToAccount(ctx, "mint", addr, [{ denom: "udgrid", amount }]);
    },
    async run(typeUrl: string, msg: unknown) {
      const r = router.msg(typeUrl);
      if (!r) throw new Error(`no handler ${typeUrl}`);
      const branch = ms.branch();
      const res = await r.handler(ctx.with({ multiStore: branch }), msg);
      (branch as MemCacheMultiStore).write();
      return res;
    },
    async createValidator(name: string, amount: bigint, opts: { rate?: string; minSelf?: string } = {}) {
      const a = account(name);
      await e.fund(a.acc, amount + 1_000_000_000n);
      await e.run("/cosmos.staking.v1beta1.MsgCreateValidator", {
        description: { moniker: name, identity: "", website: "", securityContact: "", details: "" },
        commission: {
          rate: opts.rate ?? "100000000000000000",
          maxRate: "200000000000000000",
          maxChangeRate: "10000000000000000",
        },
        minSelfDelegation: opts.minSelf ?? "1",
        delegatorAddress: "",
        validatorAddress: a.val,
        pubkey: ed25519PubKeyAny(consKey(name)),
        value: { denom: "udgrid", amount: amount.toString() },
      });
      return a;
    },
    async delegate(del: string, val: string, amount: bigint) {
      return e.run("/cosmos.staking.v1beta1.MsgDelegate", {
        delegatorAddress: del,
        validatorAddress: val,
        amount: { denom: "udgrid", amount: amount.toString() },
      });
    },
    async undelegate(del: string, val: string, amount: bigint) {
      return e.run("/cosmos.staking.v1beta1.MsgUndelegate", {
        delegatorAddress: del,
        validatorAddress: val,
        amount: { denom: "udgrid", amount: amount.toString() },
      });
    },
    async redelegate(del: string, src: string, dst: string, amount: bigint) {
      return e.run("/cosmos.staking.v1beta1.MsgBeginRedelegate", {
        delegatorAddress: del,
        validatorSrcAddress: src,
        validatorDstAddress: dst,
        amount: { denom: "udgrid", amount: amount.toString() },
      });
    },
    async endBlock(): Promise<ValidatorUpdate[]> {
      return sk.endBlocker(ctx);
    },
    async balance(addr: string): Promise<bigint> {
      return (await bk.getBalance(ctx, addr, "udgrid")).amount;
    },
    async assertInvariants() {
      for (const r of await stakingInvariants(ctx, sk)) assert.equal(r.broken, false, r.message);
    },
  };
  sk.setParams(ctx, paramsFromJson({ unbonding_time: "100s", max_validators: 100, max_entries: 7, ...params }));
  return e;
}

/** updates as {hex key prefix -> power} for readable assertions */
export function powers(updates: ValidatorUpdate[]): Record<string, bigint> {
  return Object.fromEntries(
    updates.map((u) => [
      Buffer.from(u.pubKey?.ed25519 ?? new Uint8Array())
        .toString("hex")
        .slice(0, 8),
      u.power,
    ]),
  );
}

export function keyId(name: string): string {
  return Buffer.from(consKey(name)).toString("hex").slice(0, 8);
}
