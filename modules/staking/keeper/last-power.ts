// The set CometBFT has (SDK x/staking/keeper/validator.go "last validator power" and keeper.go):
// each bonded validator's power as of the last EndBlock, their total, and that EndBlock's updates.

import { ValidatorUpdates } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "../../../chain/baseapp/context.ts";
import { iteratePrefix } from "../../../chain/baseapp/pagination.ts";
import {
  LastTotalPowerKey,
  LastValidatorPowerKey,
  lastValidatorPowerKey,
  readLengthPrefixed,
  ValidatorUpdatesKey,
} from "../keys.ts";
import { decodeInt, encodeInt, type KeeperCore } from "./core.ts";

export async function getLastValidatorPower(
  k: KeeperCore,
  ctx: Context,
  operator: Uint8Array,
): Promise<bigint | undefined> {
  const b = await k.store(ctx).get(lastValidatorPowerKey(operator));
  return b ? decodeInt(b) : undefined;
}

export function setLastValidatorPower(k: KeeperCore, ctx: Context, operator: Uint8Array, power: bigint): void {
  k.store(ctx).set(lastValidatorPowerKey(operator), encodeInt(power));
}

export function deleteLastValidatorPower(k: KeeperCore, ctx: Context, operator: Uint8Array): void {
  k.store(ctx).delete(lastValidatorPowerKey(operator));
}

/** (operator bytes, power) of the last validator set, in operator-address order. */
export async function getLastValidatorPowers(
  k: KeeperCore,
  ctx: Context,
): Promise<{ operator: Uint8Array; power: bigint }[]> {
  const out: { operator: Uint8Array; power: bigint }[] = [];
  for await (const [key, v] of iteratePrefix(k.store(ctx), LastValidatorPowerKey)) {
    out.push({ operator: Uint8Array.from(readLengthPrefixed(key, 0).addr), power: decodeInt(v) });
  }
  return out;
}

export async function getLastTotalPower(k: KeeperCore, ctx: Context): Promise<bigint> {
  return decodeInt(await k.store(ctx).get(LastTotalPowerKey));
}

export function setLastTotalPower(k: KeeperCore, ctx: Context, power: bigint): void {
  k.store(ctx).set(LastTotalPowerKey, encodeInt(power));
}

/** The validator updates of the last EndBlock. */
export async function getValidatorUpdates(k: KeeperCore, ctx: Context): Promise<ValidatorUpdate[]> {
  const b = await k.store(ctx).get(ValidatorUpdatesKey);
  return b ? ValidatorUpdates.decode(b).updates : [];
}

export function setValidatorUpdates(k: KeeperCore, ctx: Context, updates: ValidatorUpdate[]): void {
  k.store(ctx).set(ValidatorUpdatesKey, ValidatorUpdates.encode({ updates }).finish());
}
