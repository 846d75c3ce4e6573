// Slashing and jailing (SDK x/staking/keeper/slash.go), called by x/slashing: Slash burns a fraction
// of the stake a validator had at an infraction height, from its unbonding delegations and
// redelegations first and then from its tokens; Jail / Unjail take it out of / back into the power
// index (the set changes at the next EndBlock).

import type { Redelegation, UnbondingDelegation } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Context } from "../../../chain/baseapp/context.ts";
import {
  DEC_ONE,
  type Dec,
  decFromInt,
  decFromProtoString,
  decMul,
  decMulIntTruncate,
} from "../../../chain/baseapp/dec.ts";
import { accAddrFromString, isBonded, isUnbonded, timestampToMs, tokensOf, valAddrFromString } from "../types.ts";
import type { KeeperCore } from "./core.ts";
import { getDelegation, unbond } from "./delegation.ts";
import { runHook } from "./hooks.ts";
import { burnBondedTokens, burnNotBondedTokens } from "./pool.ts";
import { tokensFromConsensusPower } from "./power-reduction.ts";
import { redelegationsFromSrcValidator } from "./redelegation.ts";
import { setUnbondingDelegation, unbondingDelegationsFromValidator } from "./unbonding-delegation.ts";
import { jailValidator, unjailValidator } from "./val-state-change.ts";
import { getValidator, removeValidatorTokens, validatorByConsAddr } from "./validator.ts";

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/**
 * Slash (SDK v0.50 keeper/slash.go): burns `slashFraction` of the tokens the validator had at
 * `infractionHeight` (`power` x power reduction) from the validator's tokens and from unbonding
 * delegations and redelegations that started at or after that height. Returns the tokens burned
 * from the validator itself (as the SDK).
 */
export async function slash(
  k: KeeperCore,
  ctx: Context,
  consAddr: Uint8Array,
  infractionHeight: number,
  power: bigint,
  slashFraction: Dec,
): Promise<bigint> {
  if (slashFraction < 0n) throw new Error(`attempted to slash with a negative slash factor: ${slashFraction}`);
  const amount = tokensFromConsensusPower(k, power);
  const slashAmount = decMulIntTruncate(slashFraction, amount);
  const v = await validatorByConsAddr(k, ctx, consAddr);
  if (!v) {
    ctx.logger.info({ module: "staking" }, "WARNING: ignored attempt to slash a nonexistent validator");
    return 0n;
  }
  if (isUnbonded(v)) throw new Error(`should not be slashing unbonded validator: ${v.operatorAddress}`);
  await runHook(k, "beforeValidatorModified", (f) => f(ctx, v.operatorAddress));
  let remaining = slashAmount;
  if (infractionHeight > ctx.height) {
    throw new Error(
      `impossible attempt to slash future infraction at height ${infractionHeight} but we are at height ${ctx.height}`,
    );
  }
  if (infractionHeight < ctx.height) {
    for (const ubd of await unbondingDelegationsFromValidator(k, ctx, v.operatorAddress)) {
      remaining -= await slashUnbondingDelegation(k, ctx, ubd, infractionHeight, slashFraction);
    }
    for (const red of await redelegationsFromSrcValidator(k, ctx, v.operatorAddress)) {
      remaining -= await slashRedelegation(k, ctx, red, infractionHeight, slashFraction);
    }
  }
  // re-read: slashing redelegations may have unbonded from other validators only, but be safe
  const val = (await validatorByConsAddr(k, ctx, consAddr)) ?? v;
  let toBurn = minBig(remaining, tokensOf(val));
  if (toBurn < 0n) toBurn = 0n;
  if (toBurn === 0n) return 0n;
  const tokens = tokensOf(val);
  if (tokens > 0n) {
    let effective = (decFromInt(toBurn) * DEC_ONE + decFromInt(tokens) - 1n) / decFromInt(tokens); // QuoRoundUp
    if (effective > DEC_ONE) effective = DEC_ONE;
    await runHook(k, "beforeValidatorSlashed", (f) => f(ctx, val.operatorAddress, effective));
  }
  removeValidatorTokens(k, ctx, val, toBurn);
  if (isBonded(val)) await burnBondedTokens(k, ctx, toBurn);
  else await burnNotBondedTokens(k, ctx, toBurn);
  ctx.logger.info(
    { module: "staking", validator: val.operatorAddress, burned: toBurn.toString() },
    "validator slashed by slash factor",
  );
  return toBurn;
}

/** SlashUnbondingDelegation: returns the amount that should have been slashed (burns what is left). */
export async function slashUnbondingDelegation(
  k: KeeperCore,
  ctx: Context,
  ubd: UnbondingDelegation,
  infractionHeight: number,
  fraction: Dec,
): Promise<bigint> {
  let total = 0n;
  let burned = 0n;
  let changed = false;
  for (const e of ubd.entries) {
    if (e.creationHeight < BigInt(infractionHeight)) continue;
    if (timestampToMs(e.completionTime) <= ctx.timeMs && e.unbondingOnHoldRefCount === 0n) continue;
    const slashAmount = decMulIntTruncate(fraction, BigInt(e.initialBalance));
    total += slashAmount;
    const cut = minBig(slashAmount, BigInt(e.balance));
    if (cut === 0n) continue;
    burned += cut;
    e.balance = (BigInt(e.balance) - cut).toString();
    changed = true;
  }
  if (changed) setUnbondingDelegation(k, ctx, ubd);
  await burnNotBondedTokens(k, ctx, burned);
  return total;
}

/** SlashRedelegation: unbonds the slashed share of each entry from the destination and burns it. */
export async function slashRedelegation(
  k: KeeperCore,
  ctx: Context,
  red: Redelegation,
  infractionHeight: number,
  fraction: Dec,
): Promise<bigint> {
  let total = 0n;
  let bondedBurned = 0n;
  let notBondedBurned = 0n;
  const del = accAddrFromString(red.delegatorAddress);
  const dst = valAddrFromString(red.validatorDstAddress);
  for (const e of red.entries) {
    if (e.creationHeight < BigInt(infractionHeight)) continue;
    if (timestampToMs(e.completionTime) <= ctx.timeMs && e.unbondingOnHoldRefCount === 0n) continue;
    total += decMulIntTruncate(fraction, BigInt(e.initialBalance));
    let shares = decMul(fraction, decFromProtoString(e.sharesDst));
    if (shares === 0n) continue;
    const d = await getDelegation(k, ctx, del, dst);
    if (!d) continue;
    const dShares = decFromProtoString(d.shares);
    if (shares > dShares) shares = dShares;
    const tokens = await unbond(k, ctx, del, dst, shares);
    const dstV = await getValidator(k, ctx, dst);
    if (dstV && isBonded(dstV)) bondedBurned += tokens;
    else notBondedBurned += tokens;
  }
  await burnBondedTokens(k, ctx, bondedBurned);
  await burnNotBondedTokens(k, ctx, notBondedBurned);
  return total;
}

/** Jails the validator with this consensus address (no-op if unknown or already jailed). */
export async function jail(k: KeeperCore, ctx: Context, consAddr: Uint8Array): Promise<void> {
  const v = await validatorByConsAddr(k, ctx, consAddr);
  if (!v || v.jailed) return;
  await jailValidator(k, ctx, v);
  ctx.logger.info({ module: "staking", validator: v.operatorAddress }, "validator jailed");
}

/** Unjails the validator with this consensus address (no-op if unknown or not jailed). */
export async function unjail(k: KeeperCore, ctx: Context, consAddr: Uint8Array): Promise<void> {
  const v = await validatorByConsAddr(k, ctx, consAddr);
  if (!v?.jailed) return;
  unjailValidator(k, ctx, v);
  ctx.logger.info({ module: "staking", validator: v.operatorAddress }, "validator un-jailed");
}
