// Validator records and their indexes (SDK x/staking/keeper/validator.go): the validator by
// operator, by consensus address, and the power index the bonded set is chosen from; token and
// share changes that keep the power index in step; removal of an unbonded, empty validator.

import { type Validator, Validator as ValidatorProto } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Context } from "../../../chain/baseapp/context.ts";
import type { Dec } from "../../../chain/baseapp/dec.ts";
import { iteratePrefix } from "../../../chain/baseapp/pagination.ts";
import { ErrNoValidatorFound } from "../errors.ts";
import {
  ValidatorsByPowerIndexKey,
  ValidatorsKey,
  validatorByConsAddrKey,
  validatorKey,
  validatorPowerIndexKey,
} from "../keys.ts";
import {
  addTokensFromDel,
  consAddress,
  isBonded,
  isUnbonded,
  potentialConsensusPower,
  removeDelShares,
  setTokens,
  tokensOf,
  valAddrFromString,
  valAddrToString,
} from "../types.ts";
import type { KeeperCore } from "./core.ts";
import { runHook } from "./hooks.ts";
import { getParams } from "./params.ts";

export async function getValidator(k: KeeperCore, ctx: Context, operator: Uint8Array): Promise<Validator | undefined> {
  const b = await k.store(ctx).get(validatorKey(operator));
  return b ? ValidatorProto.decode(b) : undefined;
}

/** The validator by its bech32 operator address (`dgridvaloper...`), or undefined. */
export async function validatorByBech32(
  k: KeeperCore,
  ctx: Context,
  operatorBech32: string,
): Promise<Validator | undefined> {
  return getValidator(k, ctx, valAddrFromString(operatorBech32));
}

/** The validator by its 20-byte consensus (CometBFT) address, or undefined. */
export async function validatorByConsAddr(
  k: KeeperCore,
  ctx: Context,
  consAddr: Uint8Array,
): Promise<Validator | undefined> {
  const op = await k.store(ctx).get(validatorByConsAddrKey(consAddr));
  return op ? getValidator(k, ctx, op) : undefined;
}

export async function mustGetValidator(k: KeeperCore, ctx: Context, operator: Uint8Array): Promise<Validator> {
  const v = await getValidator(k, ctx, operator);
  if (!v) throw ErrNoValidatorFound.wrap(`validator ${valAddrToString(operator)} does not exist`);
  return v;
}

export function setValidator(k: KeeperCore, ctx: Context, v: Validator): void {
  k.store(ctx).set(validatorKey(valAddrFromString(v.operatorAddress)), ValidatorProto.encode(v).finish());
}

export function setValidatorByConsAddr(k: KeeperCore, ctx: Context, v: Validator): void {
  k.store(ctx).set(validatorByConsAddrKey(consAddress(v)), valAddrFromString(v.operatorAddress));
}

/** Jailed validators are not kept in the power index. */
export function setValidatorByPowerIndex(k: KeeperCore, ctx: Context, v: Validator): void {
  if (v.jailed) return;
  setNewValidatorByPowerIndex(k, ctx, v);
}

export function setNewValidatorByPowerIndex(k: KeeperCore, ctx: Context, v: Validator): void {
  const op = valAddrFromString(v.operatorAddress);
  k.store(ctx).set(validatorPowerIndexKey(potentialConsensusPower(v, k.powerReduction), op), op);
}

export function deleteValidatorByPowerIndex(k: KeeperCore, ctx: Context, v: Validator): void {
  const op = valAddrFromString(v.operatorAddress);
  k.store(ctx).delete(validatorPowerIndexKey(potentialConsensusPower(v, k.powerReduction), op));
}

export async function getAllValidators(k: KeeperCore, ctx: Context): Promise<Validator[]> {
  const out: Validator[] = [];
  for await (const [, v] of iteratePrefix(k.store(ctx), ValidatorsKey)) out.push(ValidatorProto.decode(v));
  return out;
}

/** Operator addresses in power-index order (highest power first, then lowest address). */
export async function validatorsByPowerIndex(k: KeeperCore, ctx: Context): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const [, v] of iteratePrefix(k.store(ctx), ValidatorsByPowerIndexKey, true)) out.push(v);
  return out;
}

/** GetBondedValidatorsByPower: the bonded validators, highest power first, at most max_validators. */
export async function bondedValidatorsByPower(k: KeeperCore, ctx: Context): Promise<Validator[]> {
  const max = (await getParams(k, ctx)).maxValidators;
  const out: Validator[] = [];
  for (const op of await validatorsByPowerIndex(k, ctx)) {
    if (out.length >= max) break;
    const v = await mustGetValidator(k, ctx, op);
    if (isBonded(v)) out.push(v);
  }
  return out;
}

/** AddValidatorTokensAndShares: re-indexes by power; returns the shares issued. */
export function addValidatorTokensAndShares(k: KeeperCore, ctx: Context, v: Validator, amount: bigint): Dec {
  deleteValidatorByPowerIndex(k, ctx, v);
  const issued = addTokensFromDel(v, amount);
  setValidator(k, ctx, v);
  setValidatorByPowerIndex(k, ctx, v);
  return issued;
}

/** RemoveValidatorTokensAndShares: returns the tokens the shares were worth. */
export function removeValidatorTokensAndShares(k: KeeperCore, ctx: Context, v: Validator, shares: Dec): bigint {
  deleteValidatorByPowerIndex(k, ctx, v);
  const tokens = removeDelShares(v, shares);
  setValidator(k, ctx, v);
  setValidatorByPowerIndex(k, ctx, v);
  return tokens;
}

/** RemoveValidatorTokens (slashing): tokens leave without their shares. */
export function removeValidatorTokens(k: KeeperCore, ctx: Context, v: Validator, tokens: bigint): void {
  deleteValidatorByPowerIndex(k, ctx, v);
  const left = tokensOf(v) - tokens;
  if (left < 0n) throw new Error("attempting to remove more tokens than available in validator");
  setTokens(v, left);
  setValidator(k, ctx, v);
  setValidatorByPowerIndex(k, ctx, v);
}

/** RemoveValidator: only an unbonded validator without tokens. */
export async function removeValidator(k: KeeperCore, ctx: Context, operator: Uint8Array): Promise<void> {
  const v = await getValidator(k, ctx, operator);
  if (!v) return;
  if (!isUnbonded(v)) throw new Error("cannot call RemoveValidator on bonded or unbonding validators");
  if (tokensOf(v) > 0n) throw new Error("attempting to remove a validator which still contains tokens");
  const cons = consAddress(v);
  const s = k.store(ctx);
  s.delete(validatorKey(operator));
  s.delete(validatorByConsAddrKey(cons));
  s.delete(validatorPowerIndexKey(potentialConsensusPower(v, k.powerReduction), operator));
  await runHook(k, "afterValidatorRemoved", (f) => f(ctx, cons, v.operatorAddress));
}
