// Delegations (SDK x/staking/keeper/delegation.go, the delegation half): records indexed by delegator
// and by validator, Delegate (tokens in, shares issued) and Unbond (shares out, tokens owed), which
// undelegations and redelegations build on.

import {
  type Delegation,
  Delegation as DelegationProto,
  type Validator,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Context } from "../../../chain/baseapp/context.ts";
import { type Dec, decFromProtoString, decToProtoString, decTruncateInt } from "../../../chain/baseapp/dec.ts";
import { iteratePrefix } from "../../../chain/baseapp/pagination.ts";
import { ErrInvalidRequest } from "../../../chain/errors/errors.ts";
import { bytesEqual } from "../../../chain/types/bytes.ts";
import {
  ErrDelegatorShareExRateInvalid,
  ErrNoDelegation,
  ErrNoDelegatorForAddress,
  ErrNotEnoughDelegationShares,
  ErrNoValidatorFound,
} from "../errors.ts";
import {
  BondedPoolName,
  DelegationKey,
  delegationByValIndexKey,
  delegationKey,
  delegationsByDelegatorPrefix,
  delegationsByValidatorPrefix,
  NotBondedPoolName,
  readLengthPrefixed,
} from "../keys.ts";
import {
  accAddrFromString,
  accAddrToString,
  BondStatus,
  invalidExRate,
  isBonded,
  isUnbonded,
  sharesFromTokens,
  sharesFromTokensTruncated,
  sharesOf,
  tokensFromShares,
  valAddrFromString,
  valAddrToString,
} from "../types.ts";
import type { KeeperCore } from "./core.ts";
import { runHook } from "./hooks.ts";
import { bondedTokensToNotBonded, coins, notBondedTokensToBonded } from "./pool.ts";
import { jailValidator } from "./val-state-change.ts";
import {
  addValidatorTokensAndShares,
  getValidator,
  mustGetValidator,
  removeValidator,
  removeValidatorTokensAndShares,
} from "./validator.ts";

export async function getDelegation(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  val: Uint8Array,
): Promise<Delegation | undefined> {
  const b = await k.store(ctx).get(delegationKey(del, val));
  return b ? DelegationProto.decode(b) : undefined;
}

/** The delegation of `delegatorBech32` to `operatorBech32`, or undefined. */
export async function delegationByBech32(
  k: KeeperCore,
  ctx: Context,
  delegatorBech32: string,
  operatorBech32: string,
): Promise<Delegation | undefined> {
  return getDelegation(k, ctx, accAddrFromString(delegatorBech32), valAddrFromString(operatorBech32));
}

/** All delegations of a delegator, by validator address. */
export async function delegatorDelegations(
  k: KeeperCore,
  ctx: Context,
  delegatorBech32: string,
): Promise<Delegation[]> {
  const out: Delegation[] = [];
  const prefix = delegationsByDelegatorPrefix(accAddrFromString(delegatorBech32));
  for await (const [, v] of iteratePrefix(k.store(ctx), prefix)) out.push(DelegationProto.decode(v));
  return out;
}

/** All delegations to a validator, by delegator address (SDK GetValidatorDelegations). */
export async function validatorDelegations(k: KeeperCore, ctx: Context, operatorBech32: string): Promise<Delegation[]> {
  const val = valAddrFromString(operatorBech32);
  const dels: Uint8Array[] = [];
  for await (const [key] of iteratePrefix(k.store(ctx), delegationsByValidatorPrefix(val))) {
    dels.push(Uint8Array.from(readLengthPrefixed(key, 0).addr));
  }
  const out: Delegation[] = [];
  for (const d of dels) {
    const x = await getDelegation(k, ctx, d, val);
    if (x) out.push(x);
  }
  return out;
}

export async function getAllDelegations(k: KeeperCore, ctx: Context): Promise<Delegation[]> {
  const out: Delegation[] = [];
  for await (const [, v] of iteratePrefix(k.store(ctx), DelegationKey)) out.push(DelegationProto.decode(v));
  return out;
}

export function setDelegation(k: KeeperCore, ctx: Context, d: Delegation): void {
  const del = accAddrFromString(d.delegatorAddress);
  const val = valAddrFromString(d.validatorAddress);
  const s = k.store(ctx);
  s.set(delegationKey(del, val), DelegationProto.encode(d).finish());
  s.set(delegationByValIndexKey(val, del), new Uint8Array());
}

export async function removeDelegation(k: KeeperCore, ctx: Context, d: Delegation): Promise<void> {
  await runHook(k, "beforeDelegationRemoved", (f) => f(ctx, d.delegatorAddress, d.validatorAddress));
  const del = accAddrFromString(d.delegatorAddress);
  const val = valAddrFromString(d.validatorAddress);
  const s = k.store(ctx);
  s.delete(delegationKey(del, val));
  s.delete(delegationByValIndexKey(val, del));
}

/**
 * Delegate: bonds `amount` tokens from `del` to `v`. With `subtractAccount` the tokens come from the
 * delegator's account (`tokenSrc` must not be bonded); otherwise they are already in a pool (a
 * redelegation or cancelled unbonding) and move between pools as the statuses require.
 */
export async function delegate(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  amount: bigint,
  tokenSrc: BondStatus,
  v: Validator,
  subtractAccount: boolean,
): Promise<Dec> {
  if (invalidExRate(v)) throw ErrDelegatorShareExRateInvalid.wrap("validator has no tokens but has shares");
  const val = valAddrFromString(v.operatorAddress);
  const delStr = accAddrToString(del);
  let d = await getDelegation(k, ctx, del, val);
  if (d) await runHook(k, "beforeDelegationSharesModified", (f) => f(ctx, delStr, v.operatorAddress));
  else {
    d = { delegatorAddress: delStr, validatorAddress: v.operatorAddress, shares: "0" };
    await runHook(k, "beforeDelegationCreated", (f) => f(ctx, delStr, v.operatorAddress));
  }
  if (subtractAccount) {
    if (tokenSrc === BondStatus.BOND_STATUS_BONDED) throw new Error("delegation token source cannot be bonded");
    const pool = isBonded(v) ? BondedPoolName : NotBondedPoolName;
    await k.deps.bankKeeper.sendCoinsFromAccountToModule(ctx, delStr, pool, await coins(k, ctx, amount));
  } else {
    const srcBonded = tokenSrc === BondStatus.BOND_STATUS_BONDED;
    if (!srcBonded && isBonded(v)) await notBondedTokensToBonded(k, ctx, amount);
    else if (srcBonded && !isBonded(v)) await bondedTokensToNotBonded(k, ctx, amount);
  }
  const newShares = addValidatorTokensAndShares(k, ctx, v, amount);
  d.shares = decToProtoString(decFromProtoString(d.shares) + newShares);
  setDelegation(k, ctx, d);
  await runHook(k, "afterDelegationModified", (f) => f(ctx, delStr, v.operatorAddress));
  return newShares;
}

/** Unbond: removes shares from a delegation; returns the tokens they were worth. */
export async function unbond(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  val: Uint8Array,
  shares: Dec,
): Promise<bigint> {
  const d = await getDelegation(k, ctx, del, val);
  if (!d) throw ErrNoDelegatorForAddress.wrap("no delegation for this (address, validator) tuple");
  const delShares = decFromProtoString(d.shares);
  if (delShares < shares) throw ErrNotEnoughDelegationShares.wrap(`${d.shares} < ${decToProtoString(shares)}`);
  await runHook(k, "beforeDelegationSharesModified", (f) => f(ctx, d.delegatorAddress, d.validatorAddress));
  let v = await getValidator(k, ctx, val);
  if (!v) throw ErrNoValidatorFound.wrap(`validator ${valAddrToString(val)} does not exist`);
  const left = delShares - shares;
  d.shares = decToProtoString(left);
  // an operator whose self-delegation falls under the minimum is jailed
  if (bytesEqual(del, val) && !v.jailed) {
    const selfTokens = decTruncateInt(tokensFromShares(v, left));
    if (selfTokens < BigInt(v.minSelfDelegation || "0")) {
      await jailValidator(k, ctx, v);
      v = await mustGetValidator(k, ctx, val);
    }
  }
  if (left === 0n) await removeDelegation(k, ctx, d);
  else {
    setDelegation(k, ctx, d);
    await runHook(k, "afterDelegationModified", (f) => f(ctx, d.delegatorAddress, d.validatorAddress));
  }
  const amount = removeValidatorTokensAndShares(k, ctx, v, shares);
  if (sharesOf(v) === 0n && isUnbonded(v)) await removeValidator(k, ctx, val);
  return amount;
}

/** ValidateUnbondAmount: the shares worth `amount` tokens, capped at the delegation's shares. */
export async function validateUnbondAmount(
  k: KeeperCore,
  ctx: Context,
  del: Uint8Array,
  val: Uint8Array,
  amount: bigint,
): Promise<Dec> {
  const v = await getValidator(k, ctx, val);
  if (!v) throw ErrNoValidatorFound.wrap(`validator ${valAddrToString(val)} does not exist`);
  const d = await getDelegation(k, ctx, del, val);
  if (!d) throw ErrNoDelegation.wrap(`no delegation of ${accAddrToString(del)} to ${v.operatorAddress}`);
  let shares = sharesFromTokens(v, amount);
  const truncated = sharesFromTokensTruncated(v, amount);
  const delShares = decFromProtoString(d.shares);
  if (truncated > delShares) throw ErrInvalidRequest.wrap("invalid shares amount");
  if (shares > delShares) shares = delShares;
  return shares;
}
