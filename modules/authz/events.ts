// x/authz events: the SDK's typed events (EmitTypedEvent: type = the proto name, attribute values
// are JSON), and DGrid's credit of a refunded inference fee.
import { newEvent, type SdkEvent } from "../../chain/baseapp/events.ts";

function typed(name: string, msgTypeUrl: string, granter: string, grantee: string): SdkEvent {
  return newEvent(`cosmos.authz.v1beta1.${name}`, [
    ["grantee", JSON.stringify(grantee)],
    ["granter", JSON.stringify(granter)],
    ["msg_type_url", JSON.stringify(msgTypeUrl)],
  ]);
}

export function grant(msgTypeUrl: string, granter: string, grantee: string): SdkEvent {
  return typed("EventGrant", msgTypeUrl, granter, grantee);
}

export function revoke(msgTypeUrl: string, granter: string, grantee: string): SdkEvent {
  return typed("EventRevoke", msgTypeUrl, granter, grantee);
}

/** a refunded request's fee went back into the InferenceAuthorization that paid it */
export function inferenceCredit(requestId: bigint, granter: string, grantee: string, amount: string): SdkEvent {
  return newEvent("inference_authorization_credited", [
    ["request_id", requestId.toString()],
    ["granter", granter],
    ["grantee", grantee],
    ["amount", amount],
  ]);
}
