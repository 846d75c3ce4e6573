// Redelegations (SDK x/staking/keeper/delegation.go, the redelegation half): records indexed by
// source and by destination validator, BeginRedelegation (the power moves at once, an entry stays
// slashable until the source's unbonding completes) and CompleteRedelegation.

import { type Redelegation, Redelegation as RedelegationProto } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Context } from "../../../chain/baseapp/context.ts";
import { type Dec, decToProtoString } from "../../../chain/baseapp/dec.ts";
import { iteratePrefix } from "../../../chain/baseapp/pagination.ts";
import { bytesEqual } from "../../../chain/types/bytes.ts";
import {
  ErrBadRedelegationDst,
  ErrBadRedelegationSrc,
  ErrMaxRedelegationEntries,
  ErrNoRedelegation,
  ErrSelfRedelegation,
  ErrTinyRedelegationAmount,
  ErrTransitiveRedelegation,
} from "../errors.ts";
import {
  RedelegationKey,
  readLengthPrefixed,
  redByValDstIndexKey,
  redByValSrcIndexKey,
  redKey,
  redsByDelegatorPrefix,
  redsByDstDelegatorPrefix,
  redsBySrcPrefix,
} from "../keys.ts";
import {
  accAddrFromString,
  accAddrToString,
  isBonded,
  isUnbonded,
  msToTimestamp,
  timestampToMs,
  valAddrFromString,
  valAddrToString,
} from "../types.ts";
import type { KeeperCore } from "./core.ts";
import { delegate, unbond } from "./delegation.ts";
import { getParams, unbondingMs } from "./params.ts";
import { insertRedelegationQueue } from "./queues.ts";
import { nextUnbondingId } from "./unbonding-id.ts";
import { getValidator } from "./validator.ts";

export async function getRedelegation(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  src: Uint8Array,
  dst: Uint8Array,
): Promise<Redelegation | undefined> {
  const b = await k.store(ctx).get(redKey(del, src, dst));
  return b ? RedelegationProto.decode(b) : undefined;
}

export function setRedelegation(k: KeeperCore, ctx: Context, r: Redelegation): void {
  const del = accAddrFromString(r.delegatorAddress);
  const src = valAddrFromString(r.validatorSrcAddress);
  const dst = valAddrFromString(r.validatorDstAddress);
  const s = k.store(ctx);
  s.set(redKey(del, src, dst), RedelegationProto.encode(r).finish());
  s.set(redByValSrcIndexKey(del, src, dst), new Uint8Array());
  s.set(redByValDstIndexKey(del, src, dst), new Uint8Array());
}

export function removeRedelegation(k: KeeperCore, ctx: Context, r: Redelegation): void {
  const del = accAddrFromString(r.delegatorAddress);
  const src = valAddrFromString(r.validatorSrcAddress);
  const dst = valAddrFromString(r.validatorDstAddress);
  const s = k.store(ctx);
  s.delete(redKey(del, src, dst));
  s.delete(redByValSrcIndexKey(del, src, dst));
  s.delete(redByValDstIndexKey(del, src, dst));
}

export async function delegatorRedelegations(
  k: KeeperCore,
  ctx: Context,
  delegatorBech32: string,
): Promise<Redelegation[]> {
  const out: Redelegation[] = [];
  const prefix = redsByDelegatorPrefix(accAddrFromString(delegatorBech32));
  for await (const [, v] of iteratePrefix(k.store(ctx), prefix)) out.push(RedelegationProto.decode(v));
  return out;
}

export async function redelegationsFromSrcValidator(
  k: KeeperCore,
  ctx: Context,
  operatorBech32: string,
): Promise<Redelegation[]> {
  const src = valAddrFromString(operatorBech32);
  const keys: { del: Uint8Array; dst: Uint8Array }[] = [];
  for await (const [key] of iteratePrefix(k.store(ctx), redsBySrcPrefix(src))) {
    const d = readLengthPrefixed(key, 0);
    keys.push({ del: Uint8Array.from(d.addr), dst: Uint8Array.from(readLengthPrefixed(key, d.next).addr) });
  }
  const out: Redelegation[] = [];
  for (const { del, dst } of keys) {
    const r = await getRedelegation(k, ctx, del, src, dst);
    if (r) out.push(r);
  }
  return out;
}

export async function getAllRedelegations(k: KeeperCore, ctx: Context): Promise<Redelegation[]> {
  const out: Redelegation[] = [];
  for await (const [, v] of iteratePrefix(k.store(ctx), RedelegationKey)) out.push(RedelegationProto.decode(v));
  return out;
}

/** A redelegation by `del` into `dst` is still maturing (transitive redelegations are refused). */
export async function hasReceivingRedelegation(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  dst: Uint8Array,
): Promise<boolean> {
  for await (const _ of iteratePrefix(k.store(ctx), redsByDstDelegatorPrefix(dst, del))) return true;
  return false;
}

/** getBeginInfo: when a redelegation from `src` completes (now = no record needed). */
async function beginInfo(
  k: KeeperCore,
  ctx: Context,
  src: Uint8Array,
): Promise<{ completionMs: number; height: bigint; completeNow: boolean }> {
  const v = await getValidator(k, ctx, src);
  const params = await getParams(k, ctx);
  if (!v || isBonded(v)) {
    return { completionMs: ctx.timeMs + unbondingMs(params), height: BigInt(ctx.height), completeNow: false };
  }
  if (isUnbonded(v)) return { completionMs: 0, height: 0n, completeNow: true };
  return { completionMs: timestampToMs(v.unbondingTime), height: v.unbondingHeight, completeNow: false };
}

/** BeginRedelegation: moves shares from `src` to `dst`; returns the completion time (ms). */
export async function beginRedelegation(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  src: Uint8Array,
  dst: Uint8Array,
  shares: Dec,
): Promise<{ completionMs: number; amount: bigint }> {
  if (bytesEqual(src, dst)) throw ErrSelfRedelegation.wrap("");
  const dstV = await getValidator(k, ctx, dst);
  if (!dstV) throw ErrBadRedelegationDst.wrap("");
  const srcV = await getValidator(k, ctx, src);
  if (!srcV) throw ErrBadRedelegationSrc.wrap("");
  if (await hasReceivingRedelegation(k, ctx, del, src)) throw ErrTransitiveRedelegation.wrap("");
  const params = await getParams(k, ctx);
  const existing = await getRedelegation(k, ctx, del, src, dst);
  if (existing && existing.entries.length >= params.maxEntries) throw ErrMaxRedelegationEntries.wrap("");
  const amount = await unbond(k, ctx, del, src, shares);
  if (amount === 0n) throw ErrTinyRedelegationAmount.wrap("");
  // the destination may have changed (same validator object re-read after unbond)
  const dstNow = (await getValidator(k, ctx, dst)) ?? dstV;
  const sharesCreated = await delegate(k, ctx, del, amount, srcV.status, dstNow, false);
  const info = await beginInfo(k, ctx, src);
  if (info.completeNow) return { completionMs: info.completionMs, amount };
  const red = existing ?? {
    delegatorAddress: accAddrToString(del),
    validatorSrcAddress: valAddrToString(src),
    validatorDstAddress: valAddrToString(dst),
    entries: [],
  };
  red.entries.push({
    creationHeight: info.height,
    completionTime: msToTimestamp(info.completionMs),
    initialBalance: amount.toString(),
    sharesDst: decToProtoString(sharesCreated),
    unbondingId: await nextUnbondingId(k, ctx),
    unbondingOnHoldRefCount: 0n,
  });
  setRedelegation(k, ctx, red);
  await insertRedelegationQueue(k, ctx, red, info.completionMs);
  return { completionMs: info.completionMs, amount };
}

/** CompleteRedelegation: drops the mature entries; returns their initial balance. */
export async function completeRedelegation(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  src: Uint8Array,
  dst: Uint8Array,
): Promise<bigint> {
  const red = await getRedelegation(k, ctx, del, src, dst);
  if (!red) throw ErrNoRedelegation.wrap("");
  let total = 0n;
  const keep = [];
  for (const e of red.entries) {
    if (timestampToMs(e.completionTime) <= ctx.timeMs) total += BigInt(e.initialBalance);
    else keep.push(e);
  }
  red.entries = keep;
  if (keep.length === 0) removeRedelegation(k, ctx, red);
  else setRedelegation(k, ctx, red);
  return total;
}
