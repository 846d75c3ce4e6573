// Sign bytes per sign mode: SIGN_MODE_DIRECT (SignDoc proto) and SIGN_MODE_LEGACY_AMINO_JSON (the
// sorted-JSON StdSignDoc that Ledger / Keplr amino signers sign, as CosmJS serializes it).
import { makeSignDoc as makeAminoSignDoc, type StdFee, serializeSignDoc } from "@cosmjs/amino";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { DecodedTx } from "../../chain/baseapp/tx.ts";

export const SUPPORTED_SIGN_MODES = [SignMode.SIGN_MODE_DIRECT, SignMode.SIGN_MODE_LEGACY_AMINO_JSON];

export interface SignerData {
  chainId: string;
  accountNumber: bigint;
  sequence: bigint;
}

/** The bytes signer `data` signed under `mode`; undefined when the mode (or a message) has no encoding. */
export function signBytes(mode: SignMode | undefined, tx: DecodedTx, data: SignerData): Uint8Array | undefined {
  if (mode === SignMode.SIGN_MODE_DIRECT) {
    return SignDoc.encode({
      bodyBytes: tx.raw.bodyBytes,
      authInfoBytes: tx.raw.authInfoBytes,
      chainId: data.chainId,
      accountNumber: data.accountNumber,
    }).finish();
  }
  if (mode === SignMode.SIGN_MODE_LEGACY_AMINO_JSON) {
    const msgs = [];
    for (const m of tx.msgs) {
      if (!m.type.toAmino) return undefined;
      msgs.push(m.type.toAmino(m.msg));
    }
    const f = tx.authInfo.fee;
    const fee: StdFee = {
      amount: (f?.amount ?? []).map((c) => ({ denom: c.denom, amount: c.amount })),
      gas: (f?.gasLimit ?? 0n).toString(),
      ...(f?.granter ? { granter: f.granter } : {}),
      ...(f?.payer ? { payer: f.payer } : {}),
    };
    const doc = makeAminoSignDoc(
      msgs,
      fee,
      data.chainId,
      tx.body.memo,
      data.accountNumber.toString(),
      data.sequence.toString(),
      tx.body.timeoutHeight,
    );
    return serializeSignDoc(doc);
  }
  return undefined;
}
