// x/slashing events as SDK v0.50 emits them (x/slashing/types/events.go, keeper/keeper.go,
// keeper/infractions.go): `slash` and `liveness`.
import { newEvent, type SdkEvent } from "../../chain/baseapp/events.ts";

export const EventTypeSlash = "slash";
export const EventTypeLiveness = "liveness";

export const AttributeKeyAddress = "address";
export const AttributeKeyHeight = "height";
export const AttributeKeyPower = "power";
export const AttributeKeyReason = "reason";
export const AttributeKeyJailed = "jailed";
export const AttributeKeyMissedBlocks = "missed_blocks";
export const AttributeKeyBurnedCoins = "burned_coins";

export const AttributeValueUnspecified = "unspecified";
export const AttributeValueDoubleSign = "double_sign";
export const AttributeValueMissingSignature = "missing_signature";

/** a validator missed a block (HandleValidatorSignature) */
export function liveness(consAddr: string, missedBlocks: bigint, height: number): SdkEvent {
  return newEvent(EventTypeLiveness, [
    [AttributeKeyAddress, consAddr],
    [AttributeKeyMissedBlocks, missedBlocks.toString()],
    [AttributeKeyHeight, String(height)],
  ]);
}

/** downtime slash + jail in one event (infractions.go) */
export function slashDowntime(consAddr: string, power: bigint, burned: bigint): SdkEvent {
  return newEvent(EventTypeSlash, [
    [AttributeKeyAddress, consAddr],
    [AttributeKeyPower, power.toString()],
    [AttributeKeyReason, AttributeValueMissingSignature],
    [AttributeKeyJailed, consAddr],
    [AttributeKeyBurnedCoins, burned.toString()],
  ]);
}

/** Keeper.SlashWithInfractionReason (double sign through evidence) */
export function slashWithReason(consAddr: string, power: bigint, reason: string, burned: bigint): SdkEvent {
  return newEvent(EventTypeSlash, [
    [AttributeKeyAddress, consAddr],
    [AttributeKeyPower, power.toString()],
    [AttributeKeyReason, reason],
    [AttributeKeyBurnedCoins, burned.toString()],
  ]);
}

/** Keeper.Jail */
export function jailed(consAddr: string): SdkEvent {
  return newEvent(EventTypeSlash, [[AttributeKeyJailed, consAddr]]);
}
