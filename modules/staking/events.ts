// x/staking events, as SDK v0.50 emits them (x/staking/types/events.go, keeper/msg_server.go, abci.go).
import { newEvent, type SdkEvent } from "../../chain/baseapp/events.ts";

export const EventTypeCompleteUnbonding = "complete_unbonding";
export const EventTypeCompleteRedelegation = "complete_redelegation";
export const EventTypeCreateValidator = "create_validator";
export const EventTypeEditValidator = "edit_validator";
export const EventTypeDelegate = "delegate";
export const EventTypeUnbond = "unbond";
export const EventTypeCancelUnbondingDelegation = "cancel_unbonding_delegation";
export const EventTypeRedelegate = "redelegate";

/** RFC 3339 as Go's time.Time.String()-free format the SDK uses (time.RFC3339). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function createValidator(validator: string, amount: string): SdkEvent {
  return newEvent(EventTypeCreateValidator, [
    ["validator", validator],
    ["amount", amount],
  ]);
}

export function editValidator(commissionRate: string, minSelfDelegation: string): SdkEvent {
  return newEvent(EventTypeEditValidator, [
    ["commission_rate", commissionRate],
    ["min_self_delegation", minSelfDelegation],
  ]);
}

export function delegate(validator: string, delegator: string, amount: string, newShares: string): SdkEvent {
  return newEvent(EventTypeDelegate, [
    ["validator", validator],
    ["delegator", delegator],
    ["amount", amount],
    ["new_shares", newShares],
  ]);
}

export function unbond(validator: string, delegator: string, amount: string, completionMs: number): SdkEvent {
  return newEvent(EventTypeUnbond, [
    ["validator", validator],
    ["delegator", delegator],
    ["amount", amount],
    ["completion_time", rfc3339(completionMs)],
  ]);
}

export function redelegate(src: string, dst: string, delegator: string, amount: string, completionMs: number) {
  return newEvent(EventTypeRedelegate, [
    ["source_validator", src],
    ["destination_validator", dst],
    ["delegator", delegator],
    ["amount", amount],
    ["completion_time", rfc3339(completionMs)],
  ]);
}

export function cancelUnbonding(validator: string, delegator: string, amount: string, creationHeight: bigint) {
  return newEvent(EventTypeCancelUnbondingDelegation, [
    ["amount", amount],
    ["validator", validator],
    ["delegator", delegator],
    ["creation_height", creationHeight.toString()],
  ]);
}

export function completeUnbonding(amount: string, validator: string, delegator: string): SdkEvent {
  return newEvent(EventTypeCompleteUnbonding, [
    ["amount", amount],
    ["validator", validator],
    ["delegator", delegator],
  ]);
}

export function completeRedelegation(amount: string, delegator: string, src: string, dst: string): SdkEvent {
  return newEvent(EventTypeCompleteRedelegation, [
    ["amount", amount],
    ["delegator", delegator],
    ["source_validator", src],
    ["destination_validator", dst],
  ]);
}
