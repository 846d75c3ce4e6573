// Tx decoding as the SDK's default TxDecoder: TxRaw -> TxBody + AuthInfo, in their canonical encoding
// only (canonical-tx.ts, ADR-027), each message resolved through the msg router by type URL; signers
// are the messages' signer fields, de-duplicated in order.
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { ErrInvalidRequest, ErrTxDecode } from "../errors/errors.ts";
import { PUBKEY_CODECS } from "../types/pubkey.ts";
import { checkCanonicalTx } from "./canonical-tx.ts";
import type { MsgType, Router } from "./module.ts";

export interface DecodedMsg {
  typeUrl: string;
  msg: unknown;
  type: MsgType<unknown>;
}

export interface DecodedTx {
  bytes: Uint8Array;
  raw: TxRaw;
  body: TxBody;
  authInfo: AuthInfo;
  msgs: DecodedMsg[];
  /** unique signer addresses (bech32) in message order: GetSigners() */
  signers: string[];
}

function decodeOr<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw ErrTxDecode.wrap(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function decodeTx(bytes: Uint8Array, router: Router): DecodedTx {
  if (bytes.length === 0) throw ErrTxDecode.wrap("tx bytes are empty");
  const raw = decodeOr("decode TxRaw", () => TxRaw.decode(bytes));
  const body = decodeOr("decode TxBody", () => TxBody.decode(raw.bodyBytes));
  const authInfo = decodeOr("decode AuthInfo", () => AuthInfo.decode(raw.authInfoBytes));
  // one encoding per tx (ADR-027): nobody relaying it can give it a second hash
  const checked = checkCanonicalTx(
    bytes,
    raw,
    body,
    authInfo,
    (typeUrl) => router.msg(typeUrl)?.type ?? PUBKEY_CODECS[typeUrl],
  );
  const msgs: DecodedMsg[] = body.messages.map((any, i) => {
    const reg = router.msg(any.typeUrl);
    if (!reg) throw ErrTxDecode.wrap(`unable to resolve type URL ${any.typeUrl}`);
    // the canonical check decoded every routable message already
    const msg = checked[i] ?? decodeOr(`decode ${any.typeUrl}`, () => reg.type.decode(any.value));
    return { typeUrl: any.typeUrl, msg, type: reg.type };
  });
  const signers: string[] = [];
  for (const m of msgs) {
    for (const s of m.type.signers(m.msg)) if (!signers.includes(s)) signers.push(s);
  }
  // an explicit fee payer must sign too (SDK v0.50 appends it to the signers)
  const payer = authInfo.fee?.payer ?? "";
  if (payer !== "" && !signers.includes(payer)) signers.push(payer);
  return { bytes, raw, body, authInfo, msgs, signers };
}

/** baseapp validateBasicTxMsgs: at least one message, each message's ValidateBasic. */
export function validateBasicMsgs(tx: DecodedTx): void {
  if (tx.msgs.length === 0) throw ErrInvalidRequest.wrap("must contain at least one message");
  for (const m of tx.msgs) m.type.validateBasic?.(m.msg);
}
