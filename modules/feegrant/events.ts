// x/feegrant events, as SDK v0.50 emits them (x/feegrant/events.go, keeper.go, msg_server.go).
import { newEvent, type SdkEvent } from "../../chain/baseapp/events.ts";

export const EventTypeSetFeeGrant = "set_feegrant";
export const EventTypeUpdateFeeGrant = "update_feegrant";
export const EventTypeRevokeFeeGrant = "revoke_feegrant";
export const EventTypeUseFeeGrant = "use_feegrant";
export const EventTypePruneFeeGrant = "prune_feegrant";

export function grantEvent(type: string, granter: string, grantee: string): SdkEvent {
  return newEvent(type, [
    ["granter", granter],
    ["grantee", grantee],
  ]);
}

export function pruneEvent(pruner: string): SdkEvent {
  return newEvent(EventTypePruneFeeGrant, [["pruner", pruner]]);
}
