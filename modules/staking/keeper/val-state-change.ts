// Validator-set changes (SDK x/staking/keeper/val_state_change.go): the EndBlock walk of the power
// index that bonds the top max_validators and returns the changes for CometBFT, the status
// transitions (bond, begin unbonding, complete unbonding) and jailing.

import { ValAddresses, type Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "../../../chain/baseapp/context.ts";
import { compareBytes } from "../../../chain/types/bytes.ts";
import { inclusiveEnd, parseValidatorQueueKey, ValidatorQueueKey, validatorQueueKey } from "../keys.ts";
import {
  abciValidatorUpdate,
  BondStatus,
  consAddress,
  consensusPower,
  isBonded,
  isUnbonded,
  isUnbonding,
  msToTimestamp,
  potentialConsensusPower,
  sharesOf,
  tokensOf,
  valAddrFromString,
} from "../types.ts";
import type { KeeperCore } from "./core.ts";
import { runHook } from "./hooks.ts";
import {
  deleteLastValidatorPower,
  getLastValidatorPowers,
  setLastTotalPower,
  setLastValidatorPower,
  setValidatorUpdates,
} from "./last-power.ts";
import { getParams, unbondingMs } from "./params.ts";
import { bondedTokensToNotBonded, notBondedTokensToBonded } from "./pool.ts";
import { deleteValidatorQueue, insertUnbondingValidatorQueue } from "./queues.ts";
import {
  deleteValidatorByPowerIndex,
  getValidator,
  mustGetValidator,
  removeValidator,
  setValidator,
  setValidatorByPowerIndex,
  validatorsByPowerIndex,
} from "./validator.ts";

/**
 * ApplyAndReturnValidatorSetUpdates: the top max_validators non-jailed validators by power become
 * bonded; returns only the changes against the last set (power 0 for removed validators).
 */
export async function applyAndReturnValidatorSetUpdates(k: KeeperCore, ctx: Context): Promise<ValidatorUpdate[]> {
  const params = await getParams(k, ctx);
  const last = new Map<string, { operator: Uint8Array; power: bigint }>();
  for (const lv of await getLastValidatorPowers(k, ctx)) last.set(Buffer.from(lv.operator).toString("hex"), lv);
  const updates: ValidatorUpdate[] = [];
  let totalPower = 0n;
  let toBonded = 0n;
  let toNotBonded = 0n;
  let count = 0;
  for (const op of await validatorsByPowerIndex(k, ctx)) {
    if (count >= params.maxValidators) break;
    let v = await mustGetValidator(k, ctx, op);
    if (v.jailed) throw new Error("should never retrieve a jailed validator from the power store");
    if (potentialConsensusPower(v, k.powerReduction) === 0n) break;
    if (isUnbonded(v) || isUnbonding(v)) {
      v = await bondValidator(k, ctx, v);
      toBonded += tokensOf(v);
    }
    const hex = Buffer.from(op).toString("hex");
    const old = last.get(hex);
    const power = consensusPower(v, k.powerReduction);
    if (!old || old.power !== power) {
      updates.push(abciValidatorUpdate(v, power));
      setLastValidatorPower(k, ctx, op, power);
    }
    last.delete(hex);
    count++;
    totalPower += power;
  }
  const noLongerBonded = [...last.values()].sort((a, b) => compareBytes(a.operator, b.operator));
  for (const { operator } of noLongerBonded) {
    let v = await mustGetValidator(k, ctx, operator);
    v = await beginUnbondingValidator(k, ctx, v);
    toNotBonded += tokensOf(v);
    deleteLastValidatorPower(k, ctx, operator);
    updates.push(abciValidatorUpdate(v, 0n));
  }
  if (toBonded > toNotBonded) await notBondedTokensToBonded(k, ctx, toBonded - toNotBonded);
  else if (toBonded < toNotBonded) await bondedTokensToNotBonded(k, ctx, toNotBonded - toBonded);
  if (updates.length > 0) setLastTotalPower(k, ctx, totalPower);
  setValidatorUpdates(k, ctx, updates);
  return updates;
}

/** UnbondAllMatureValidators: unbonding validators whose time and height have come become unbonded. */
export async function unbondAllMatureValidators(k: KeeperCore, ctx: Context): Promise<void> {
  const s = k.store(ctx);
  const end = inclusiveEnd(validatorQueueKey(ctx.timeMs, BigInt(ctx.height)));
  const found: [Uint8Array, Uint8Array][] = [];
  for await (const [key, v] of s.iterate({ start: ValidatorQueueKey, end })) {
    found.push([Uint8Array.from(key), Uint8Array.from(v)]);
  }
  for (const [key, b] of found) {
    const { timeMs, height } = parseValidatorQueueKey(key);
    if (!(height <= BigInt(ctx.height) && timeMs <= ctx.timeMs)) continue;
    for (const addr of ValAddresses.decode(b).addresses) {
      const op = valAddrFromString(addr);
      const v = await getValidator(k, ctx, op);
      if (!v) throw new Error("validator in the unbonding queue was not found");
      if (!isUnbonding(v)) throw new Error("unexpected validator in unbonding queue; status was not unbonding");
      if (v.unbondingOnHoldRefCount !== 0n) continue;
      v.unbondingIds = [];
      completeUnbondingValidator(k, ctx, v);
      if (sharesOf(v) === 0n) await removeValidator(k, ctx, op);
      await deleteValidatorQueue(k, ctx, v);
    }
  }
}

async function bondValidator(k: KeeperCore, ctx: Context, v: Validator): Promise<Validator> {
  deleteValidatorByPowerIndex(k, ctx, v);
  v.status = BondStatus.BOND_STATUS_BONDED;
  setValidator(k, ctx, v);
  setValidatorByPowerIndex(k, ctx, v);
  await deleteValidatorQueue(k, ctx, v);
  await runHook(k, "afterValidatorBonded", (f) => f(ctx, consAddress(v), v.operatorAddress));
  return v;
}

async function beginUnbondingValidator(k: KeeperCore, ctx: Context, v: Validator): Promise<Validator> {
  const params = await getParams(k, ctx);
  deleteValidatorByPowerIndex(k, ctx, v);
  if (!isBonded(v)) throw new Error(`should not already be unbonded or unbonding, validator: ${v.operatorAddress}`);
  v.status = BondStatus.BOND_STATUS_UNBONDING;
  v.unbondingTime = msToTimestamp(ctx.timeMs + unbondingMs(params));
  v.unbondingHeight = BigInt(ctx.height);
  setValidator(k, ctx, v);
  setValidatorByPowerIndex(k, ctx, v);
  await insertUnbondingValidatorQueue(k, ctx, v);
  await runHook(k, "afterValidatorBeginUnbonding", (f) => f(ctx, consAddress(v), v.operatorAddress));
  return v;
}

function completeUnbondingValidator(k: KeeperCore, ctx: Context, v: Validator): Validator {
  v.status = BondStatus.BOND_STATUS_UNBONDED;
  setValidator(k, ctx, v);
  return v;
}

export async function jailValidator(k: KeeperCore, ctx: Context, v: Validator): Promise<void> {
  if (v.jailed) throw new Error(`cannot jail already jailed validator, validator: ${v.operatorAddress}`);
  v.jailed = true;
  setValidator(k, ctx, v);
  deleteValidatorByPowerIndex(k, ctx, v);
}

export function unjailValidator(k: KeeperCore, ctx: Context, v: Validator): void {
  if (!v.jailed) throw new Error(`cannot unjail already unjailed validator, validator: ${v.operatorAddress}`);
  v.jailed = false;
  setValidator(k, ctx, v);
  setValidatorByPowerIndex(k, ctx, v);
}
