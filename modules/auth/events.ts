// Events of the ante handler (x/auth/ante), all of type "tx" as in the SDK.
import { newEvent, type SdkEvent } from "../../chain/baseapp/events.ts";

export const EventTypeTx = "tx";
export const AttributeKeyFee = "fee";
export const AttributeKeyFeePayer = "fee_payer";
export const AttributeKeyAccountSequence = "acc_seq";
export const AttributeKeySignature = "signature";

export function feeEvent(fee: string, payer: string): SdkEvent {
  return newEvent(EventTypeTx, [
    [AttributeKeyFee, fee],
    [AttributeKeyFeePayer, payer],
  ]);
}

export function accSeqEvent(address: string, sequence: bigint): SdkEvent {
  return newEvent(EventTypeTx, [[AttributeKeyAccountSequence, `${address}/${sequence}`]]);
}

export function signatureEvent(sigBase64: string): SdkEvent {
  return newEvent(EventTypeTx, [[AttributeKeySignature, sigBase64]]);
}
