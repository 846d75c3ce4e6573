// Encoded x/authz messages for the tests.
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { MsgExec, MsgGrant, MsgRevoke } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { SendAuthorization } from "cosmjs-types/cosmos/bank/v1beta1/authz";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { nsToTimestamp } from "../../../chain/baseapp/time.ts";
import { InferenceAuthorization } from "../../../proto/gen/dgrid/inference/v1/authz.ts";
import { MsgRequestInference } from "../../../proto/gen/dgrid/inference/v1/tx.ts";

export type AnyMsg = { typeUrl: string; value: Uint8Array };
const ud = (n: bigint | number) => [{ denom: "udgrid", amount: String(n) }];

export function generic(msg: string): AnyMsg {
  return { typeUrl: GenericAuthorization.typeUrl, value: GenericAuthorization.encode({ msg }).finish() };
}

export function sendAuth(limit: bigint, allowList: string[] = []): AnyMsg {
  return {
    typeUrl: SendAuthorization.typeUrl,
    value: SendAuthorization.encode({ spendLimit: ud(limit), allowList }).finish(),
  };
}

export function inferenceAuth(a: Partial<InferenceAuthorization>): AnyMsg {
  return {
    typeUrl: "/dgrid.inference.v1.InferenceAuthorization",
    value: InferenceAuthorization.encode(InferenceAuthorization.fromPartial(a)).finish(),
  };
}

export function grant(granter: string, grantee: string, authorization: AnyMsg, expirationMs?: number): AnyMsg {
  const expiration = expirationMs === undefined ? undefined : nsToTimestamp(BigInt(expirationMs) * 1_000_000n);
  return {
    typeUrl: MsgGrant.typeUrl,
    value: MsgGrant.encode({ granter, grantee, grant: { authorization, expiration } }).finish(),
  };
}

export function revoke(granter: string, grantee: string, msgTypeUrl: string): AnyMsg {
  return { typeUrl: MsgRevoke.typeUrl, value: MsgRevoke.encode({ granter, grantee, msgTypeUrl }).finish() };
}

export function send(from: string, to: string, amount: bigint): AnyMsg {
  return {
    typeUrl: MsgSend.typeUrl,
    value: MsgSend.encode({ fromAddress: from, toAddress: to, amount: ud(amount) }).finish(),
  };
}

export function requestInference(requester: string, modelId: string): AnyMsg {
  return {
    typeUrl: "/dgrid.inference.v1.MsgRequestInference",
    value: MsgRequestInference.encode({
      requester,
      modelId,
      inputs: [],
      maxFee: { denom: "udgrid", amount: "1000000" },
      redundancy: 0,
      items: [],
      inputBlobs: [],
    }).finish(),
  };
}

export function exec(grantee: string, msgs: AnyMsg[]): AnyMsg {
  return { typeUrl: MsgExec.typeUrl, value: MsgExec.encode({ grantee, msgs }).finish() };
}
