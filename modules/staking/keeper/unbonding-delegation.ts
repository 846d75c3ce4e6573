// Unbonding delegations (SDK x/staking/keeper/delegation.go, the unbonding half): records indexed by
// delegator and by validator, entries merged per (height, completion time), Undelegate (shares out,
// tokens into the not-bonded pool until unbonding_time has passed) and CompleteUnbonding (payout).

import {
  type UnbondingDelegation,
  UnbondingDelegation as UnbondingDelegationProto,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Context } from "../../../chain/baseapp/context.ts";
import type { Dec } from "../../../chain/baseapp/dec.ts";
import { iteratePrefix } from "../../../chain/baseapp/pagination.ts";
import { ErrMaxUnbondingDelegationEntries, ErrNoDelegatorForAddress, ErrNoUnbondingDelegation } from "../errors.ts";
import {
  NotBondedPoolName,
  readLengthPrefixed,
  UnbondingDelegationKey,
  ubdByValIndexKey,
  ubdKey,
  ubdsByDelegatorPrefix,
  ubdsByValidatorPrefix,
} from "../keys.ts";
import {
  accAddrFromString,
  accAddrToString,
  isBonded,
  msToTimestamp,
  timestampToMs,
  valAddrFromString,
  valAddrToString,
} from "../types.ts";
import type { KeeperCore } from "./core.ts";
import { unbond } from "./delegation.ts";
import { getParams, unbondingMs } from "./params.ts";
import { bondedTokensToNotBonded, coins } from "./pool.ts";
import { insertUBDQueue } from "./queues.ts";
import { nextUnbondingId } from "./unbonding-id.ts";
import { getValidator } from "./validator.ts";

export async function getUnbondingDelegation(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  val: Uint8Array,
): Promise<UnbondingDelegation | undefined> {
  const b = await k.store(ctx).get(ubdKey(del, val));
  return b ? UnbondingDelegationProto.decode(b) : undefined;
}

export function setUnbondingDelegation(k: KeeperCore, ctx: Context, u: UnbondingDelegation): void {
  const del = accAddrFromString(u.delegatorAddress);
  const val = valAddrFromString(u.validatorAddress);
  const s = k.store(ctx);
  s.set(ubdKey(del, val), UnbondingDelegationProto.encode(u).finish());
  s.set(ubdByValIndexKey(val, del), new Uint8Array());
}

export function removeUnbondingDelegation(k: KeeperCore, ctx: Context, u: UnbondingDelegation): void {
  const del = accAddrFromString(u.delegatorAddress);
  const val = valAddrFromString(u.validatorAddress);
  const s = k.store(ctx);
  s.delete(ubdKey(del, val));
  s.delete(ubdByValIndexKey(val, del));
}

export async function delegatorUnbondingDelegations(
  k: KeeperCore,
  ctx: Context,
  delegatorBech32: string,
): Promise<UnbondingDelegation[]> {
  const out: UnbondingDelegation[] = [];
  const prefix = ubdsByDelegatorPrefix(accAddrFromString(delegatorBech32));
  for await (const [, v] of iteratePrefix(k.store(ctx), prefix)) out.push(UnbondingDelegationProto.decode(v));
  return out;
}

export async function unbondingDelegationsFromValidator(
  k: KeeperCore,
  ctx: Context,
  operatorBech32: string,
): Promise<UnbondingDelegation[]> {
  const val = valAddrFromString(operatorBech32);
  const dels: Uint8Array[] = [];
  for await (const [key] of iteratePrefix(k.store(ctx), ubdsByValidatorPrefix(val))) {
    dels.push(Uint8Array.from(readLengthPrefixed(key, 0).addr));
  }
  const out: UnbondingDelegation[] = [];
  for (const d of dels) {
    const u = await getUnbondingDelegation(k, ctx, d, val);
    if (u) out.push(u);
  }
  return out;
}

export async function getAllUnbondingDelegations(k: KeeperCore, ctx: Context): Promise<UnbondingDelegation[]> {
  const out: UnbondingDelegation[] = [];
  for await (const [, v] of iteratePrefix(k.store(ctx), UnbondingDelegationKey))
    out.push(UnbondingDelegationProto.decode(v));
  return out;
}

/** SetUnbondingDelegationEntry: merges into an entry of the same height and completion time. */
export async function setUnbondingDelegationEntry(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  val: Uint8Array,
  creationHeight: bigint,
  completionMs: number,
  balance: bigint,
): Promise<UnbondingDelegation> {
  const id = await nextUnbondingId(k, ctx);
  const ubd = (await getUnbondingDelegation(k, ctx, del, val)) ?? {
    delegatorAddress: accAddrToString(del),
    validatorAddress: valAddrToString(val),
    entries: [],
  };
  const same = ubd.entries.find(
    (e) => e.creationHeight === creationHeight && timestampToMs(e.completionTime) === completionMs,
  );
  if (same) {
    same.balance = (BigInt(same.balance) + balance).toString();
    same.initialBalance = (BigInt(same.initialBalance) + balance).toString();
  } else {
    ubd.entries.push({
      creationHeight,
      completionTime: msToTimestamp(completionMs),
      initialBalance: balance.toString(),
      balance: balance.toString(),
      unbondingId: id,
      unbondingOnHoldRefCount: 0n,
    });
  }
  setUnbondingDelegation(k, ctx, ubd);
  return ubd;
}

/** Undelegate: unbonds shares into an unbonding delegation that completes after unbonding_time. */
export async function undelegate(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  val: Uint8Array,
  shares: Dec,
): Promise<{ completionMs: number; amount: bigint }> {
  const v = await getValidator(k, ctx, val);
  if (!v) throw ErrNoDelegatorForAddress.wrap(`validator ${valAddrToString(val)} does not exist`);
  const params = await getParams(k, ctx);
  const ubd = await getUnbondingDelegation(k, ctx, del, val);
  if (ubd && ubd.entries.length >= params.maxEntries) throw ErrMaxUnbondingDelegationEntries.wrap("");
  const amount = await unbond(k, ctx, del, val, shares);
  if (isBonded(v)) await bondedTokensToNotBonded(k, ctx, amount);
  const completionMs = ctx.timeMs + unbondingMs(params);
  const u = await setUnbondingDelegationEntry(k, ctx, del, val, BigInt(ctx.height), completionMs, amount);
  await insertUBDQueue(k, ctx, u, completionMs);
  return { completionMs, amount };
}

/** CompleteUnbonding: pays out the mature entries of an unbonding delegation. */
export async function completeUnbonding(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  val: Uint8Array,
): Promise<bigint> {
  const ubd = await getUnbondingDelegation(k, ctx, del, val);
  if (!ubd) throw ErrNoUnbondingDelegation.wrap("");
  let paid = 0n;
  const keep = [];
  for (const e of ubd.entries) {
    if (timestampToMs(e.completionTime) <= ctx.timeMs) {
      const bal = BigInt(e.balance);
      if (bal > 0n) {
        await k.deps.bankKeeper.sendCoinsFromModuleToAccount(
          ctx,
          NotBondedPoolName,
          ubd.delegatorAddress,
          await coins(k, ctx, bal),
        );
        paid += bal;
      }
    } else keep.push(e);
  }
  ubd.entries = keep;
  if (keep.length === 0) removeUnbondingDelegation(k, ctx, ubd);
  else setUnbondingDelegation(k, ctx, ubd);
  return paid;
}
