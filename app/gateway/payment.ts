// A DGrid x402 payment: `payload.transaction` is a base64 TxRaw signed by the payer, carrying one
// MsgRequestInference or one MsgExec (grantee = signer) of one. decodePayment reads it; checkTerms
// holds it to the requirements the gateway offered; checkSignature verifies the signature against the
// chain id and the signer's account number and sequence (so a wrong chain, a forged or a stale tx is
// refused before it is broadcast). Failures are PaymentErrors with an x402 invalidReason.
import { pubkeyToAddress } from "@cosmjs/amino";
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { fromBase64, toBase64, toHex } from "@cosmjs/encoding";
import { makeSignBytes } from "@cosmjs/proto-signing";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { MsgExec } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { DGRID_PREFIX } from "../../client/config.ts";
import {
  DGRID_ASSET,
  dgridExtra,
  inputHash,
  MSG_EXEC_TYPE_URL,
  MSG_REQUEST_INFERENCE_TYPE_URL,
} from "../../client/x402-terms.ts";
import { MsgRequestInference } from "../../proto/gen/dgrid/inference/v1/tx.ts";

export class PaymentError extends Error {
  constructor(
    /** x402 invalidReason */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "PaymentError";
  }
}

export interface DecodedPayment {
  txBytes: Uint8Array;
  /** uppercase hex sha256 of the tx bytes (CometBFT's tx hash) */
  txHash: string;
  raw: TxRaw;
  authInfo: AuthInfo;
  /** the account that signed the tx */
  signer: string;
  signerPubkey: Uint8Array;
  sequence: bigint;
  /** the account that pays the inference fee: the request's requester (the granter under MsgExec) */
  payer: string;
  request: MsgRequestInference;
  viaExec: boolean;
}

const fail = (reason: string, message: string): never => {
  throw new PaymentError(reason, message);
};

/** Decodes the signed tx of a payment payload; throws a PaymentError on anything malformed. */
export function decodePayment(payload: Pick<PaymentPayload, "payload">): DecodedPayment {
  const b64 = payload.payload?.transaction;
  if (typeof b64 !== "string" || b64 === "") fail("invalid_payload", "payload.transaction (a base64 TxRaw) is missing");
  let raw: TxRaw;
  let body: TxBody;
  let authInfo: AuthInfo;
  let txBytes: Uint8Array;
  try {
    txBytes = fromBase64(b64 as string);
    raw = TxRaw.decode(txBytes);
    body = TxBody.decode(raw.bodyBytes);
    authInfo = AuthInfo.decode(raw.authInfoBytes);
  } catch (e) {
    return fail("invalid_payload", `payload.transaction is not a base64 TxRaw: ${(e as Error).message}`);
  }
  if (body.messages.length !== 1)
    fail("invalid_payload", `the tx carries ${body.messages.length} messages; a payment carries exactly one`);
  if (authInfo.signerInfos.length !== 1 || raw.signatures.length !== 1)
    fail("invalid_payload", "a payment tx has exactly one signer and one signature");
  const info = authInfo.signerInfos[0];
  if (info.publicKey?.typeUrl !== "/cosmos.crypto.secp256k1.PubKey")
    fail("invalid_payload", "the signer's public key must be a secp256k1 key carried in the tx");
  const signerPubkey = PubKey.decode(info.publicKey?.value ?? new Uint8Array()).key;
  const signer = pubkeyToAddress({ type: "tendermint/PubKeySecp256k1", value: toBase64(signerPubkey) }, DGRID_PREFIX);
  const msg = body.messages[0];
  let request: MsgRequestInference;
  let viaExec = false;
  try {
    if (msg.typeUrl === MSG_REQUEST_INFERENCE_TYPE_URL) {
      request = MsgRequestInference.decode(msg.value);
      if (request.requester !== signer)
        fail("invalid_payload", `the request's requester ${request.requester} is not the tx signer ${signer}`);
    } else if (msg.typeUrl === MSG_EXEC_TYPE_URL) {
      const exec = MsgExec.decode(msg.value);
      if (exec.grantee !== signer)
        fail("invalid_payload", `MsgExec grantee ${exec.grantee} is not the tx signer ${signer}`);
      if (exec.msgs.length !== 1 || exec.msgs[0].typeUrl !== MSG_REQUEST_INFERENCE_TYPE_URL)
        fail("invalid_payload", "the MsgExec must carry exactly one MsgRequestInference");
      request = MsgRequestInference.decode(exec.msgs[0].value);
      viaExec = true;
    } else {
      return fail("invalid_payload", `message ${msg.typeUrl} is not a MsgRequestInference or a MsgExec of one`);
    }
  } catch (e) {
    if (e instanceof PaymentError) throw e;
    return fail("invalid_payload", `the message does not decode: ${(e as Error).message}`);
  }
  return {
    txBytes,
    txHash: toHex(sha256(txBytes)).toUpperCase(),
    raw,
    authInfo,
    signer,
    signerPubkey,
    sequence: info.sequence,
    payer: request.requester,
    request,
    viaExec,
  };
}

/** The tx does what the requirements say: model, inputs, redundancy, inference fee, tx fee and gas. */
export function checkTerms(p: DecodedPayment, req: PaymentRequirements): void {
  let extra: ReturnType<typeof dgridExtra>;
  try {
    extra = dgridExtra(req);
  } catch (e) {
    throw new PaymentError("invalid_payment_requirements", (e as Error).message);
  }
  const r = p.request;
  if (r.modelId !== extra.modelId) fail("invalid_payload", `the tx requests model ${r.modelId}, not ${extra.modelId}`);
  if (r.redundancy !== extra.redundancy)
    fail("invalid_payload", `the tx asks for redundancy ${r.redundancy}, the terms ${extra.redundancy}`);
  let hash: string;
  try {
    hash = inputHash(r.inputs);
  } catch (e) {
    throw new PaymentError("invalid_payload", `the tx's inputs are malformed: ${(e as Error).message}`);
  }
  if (hash !== extra.inputHash)
    fail("invalid_payload", `the tx's inputs hash to ${hash}, the request body's to ${extra.inputHash}`);
  if (r.maxFee?.denom !== DGRID_ASSET || r.maxFee.amount !== extra.inferenceFee)
    fail(
      "invalid_payload",
      `the tx's max fee ${r.maxFee?.amount ?? 0}${r.maxFee?.denom ?? ""} is not ${extra.inferenceFee}${DGRID_ASSET}`,
    );
  const fee = p.authInfo.fee;
  const paid = fee?.amount.find((c) => c.denom === DGRID_ASSET)?.amount ?? "0";
  if (fee?.amount.length !== 1 || paid !== extra.txFee)
    fail("invalid_payload", `the tx fee ${JSON.stringify(fee?.amount ?? [])} is not ${extra.txFee}${DGRID_ASSET}`);
  if (fee?.gasLimit !== BigInt(extra.gasLimit))
    fail("invalid_payload", `the tx's gas limit ${fee?.gasLimit} is not ${extra.gasLimit}`);
  if ((BigInt(extra.inferenceFee) + BigInt(extra.txFee)).toString() !== req.amount)
    fail("invalid_payment_requirements", `amount ${req.amount} is not the inference fee plus the tx fee`);
}

export interface SignerAccount {
  accountNumber: number;
  sequence: number;
}

/** The signature is the signer's over (body, auth info, chainId, account number) and the sequence is current. */
export function checkSignature(p: DecodedPayment, chainId: string, account: SignerAccount | null): void {
  if (!account) throw new PaymentError("invalid_payload", `the signer ${p.signer} has no account on ${chainId}`);
  if (p.sequence < BigInt(account.sequence))
    fail(
      "payment_already_used",
      `the tx is signed with sequence ${p.sequence}, the account ${p.signer} is at ${account.sequence}: a replayed or stale payment`,
    );
  // a later sequence could only be included after other txs of the signer: not payable now
  if (p.sequence > BigInt(account.sequence))
    fail(
      "invalid_payload",
      `the tx is signed with sequence ${p.sequence}, ahead of the account ${p.signer}'s ${account.sequence}`,
    );
  const signDoc = SignDoc.fromPartial({
    bodyBytes: p.raw.bodyBytes,
    authInfoBytes: p.raw.authInfoBytes,
    chainId,
    accountNumber: BigInt(account.accountNumber),
  });
  let ok = false;
  try {
    ok = Secp256k1.verifySignature(
      Secp256k1Signature.fromFixedLength(p.raw.signatures[0]),
      sha256(makeSignBytes(signDoc)),
      p.signerPubkey,
    );
  } catch {
    ok = false;
  }
  if (!ok) fail("invalid_signature", `the signature is not ${p.signer}'s over this tx on ${chainId}`);
}
