// Sign bytes per sign mode: SIGN_MODE_DIRECT (SignDoc proto) and SIGN_MODE_LEGACY_AMINO_JSON (the
// sorted-JSON StdSignDoc that Ledger / Keplr amino signers sign, as CosmJS serializes it).
import { type AminoMsg, makeSignDoc as makeAminoSignDoc, type StdFee, serializeSignDoc } from "@cosmjs/amino";
import type { AminoConverters } from "@cosmjs/stargate";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { DecodedTx } from "../../chain/baseapp/tx.ts";
import { ErrInvalidRequest, ErrNotSupported } from "../../chain/errors/errors.ts";

export const SUPPORTED_SIGN_MODES = [SignMode.SIGN_MODE_DIRECT, SignMode.SIGN_MODE_LEGACY_AMINO_JSON];

export interface SignerData {
  chainId: string;
  accountNumber: bigint;
  sequence: bigint;
}

/**
 * The legacy amino JSON {type, value} of one decoded message: the app's converters (CosmJS's
 * AminoConverters map, typeUrl -> {aminoType, toAmino}; the DGrid ones come from client/amino.ts
 * through the app) first, else the message type's own `toAmino`. Throws ErrNotSupported when the
 * message has neither and ErrInvalidRequest when its converter refuses it.
 */
export function aminoJsonOf(m: DecodedTx["msgs"][number], converters: AminoConverters | undefined): AminoMsg {
  const typeUrl = m.type.typeUrl;
  const c = converters && Object.hasOwn(converters, typeUrl) ? converters[typeUrl] : undefined;
  try {
    if (c) return { type: c.aminoType, value: c.toAmino(m.msg) };
    if (m.type.toAmino) return m.type.toAmino(m.msg);
  } catch (e) {
    throw ErrInvalidRequest.wrap(`${typeUrl} has no amino JSON form: ${e instanceof Error ? e.message : String(e)}`);
  }
  throw ErrNotSupported.wrap(`${typeUrl} cannot be signed with SIGN_MODE_LEGACY_AMINO_JSON: no amino JSON converter`);
}

/**
 * The bytes signer `data` signed under `mode`; undefined when the mode has no encoding. Under
 * SIGN_MODE_LEGACY_AMINO_JSON a message without an amino form throws (see aminoJsonOf).
 */
export function signBytes(
  mode: SignMode | undefined,
  tx: DecodedTx,
  data: SignerData,
  aminoConverters?: AminoConverters,
): Uint8Array | undefined {
  if (mode === SignMode.SIGN_MODE_DIRECT) {
    return SignDoc.encode({
      bodyBytes: tx.raw.bodyBytes,
      authInfoBytes: tx.raw.authInfoBytes,
      chainId: data.chainId,
      accountNumber: data.accountNumber,
    }).finish();
  }
  if (mode === SignMode.SIGN_MODE_LEGACY_AMINO_JSON) {
    const msgs = tx.msgs.map((m) => aminoJsonOf(m, aminoConverters));
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
