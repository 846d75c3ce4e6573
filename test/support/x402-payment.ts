// x402 payments for gateway tests against a live node: the unpaid 402's requirements, and a payment
// signed to them (or to a deliberately wrong variant: another message, chain id, sequence, fee) with
// the signer's real account number, so every check but the altered one passes; and offline, without
// a chain (account number 3, sequence 7 on OFFLINE_CHAIN_ID unless told otherwise).
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { toBase64 } from "@cosmjs/encoding";
import {
  DirectSecp256k1HdWallet,
  encodePubkey,
  makeAuthInfoBytes,
  makeSignDoc,
  type OfflineDirectSigner,
} from "@cosmjs/proto-signing";
import { SigningStargateClient } from "@cosmjs/stargate";
import { decodePaymentRequiredHeader } from "@x402/core/http";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { DEVNET_MNEMONIC } from "../../app/devnet.ts";
import { dgridRegistry, signingOptions } from "../../client/config.ts";
import { dgridMsgTypes } from "../../client/dgrid-types.ts";
import { dgridExtra, paymentMessage, requestForTerms } from "../../client/x402-terms.ts";
import type { MsgRequestInference } from "../../proto/gen/dgrid/inference/v1/tx.ts";

/** POSTs `body` unpaid and returns the one requirement of the 402 (throws on any other answer). */
export async function offeredTerms(url: string, body: unknown): Promise<PaymentRequirements> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 402) throw new Error(`expected 402 from ${url}, got ${res.status}: ${await res.text()}`);
  return decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED") ?? "").accepts[0];
}

export interface SignOverrides {
  /** pay from this granter's InferenceAuthorization (the signer signs a MsgExec) */
  granter?: string;
  mutate?: (m: MsgRequestInference) => void;
  chainId?: string;
  sequence?: number;
  /** tx fee in udgrid */
  fee?: string;
  feeGranter?: string;
}

/** A PaymentPayload whose transaction is signed by `signer` to `req` (altered by `o`). */
export async function signPayment(
  rpcUrl: string,
  signer: OfflineDirectSigner,
  req: PaymentRequirements,
  o: SignOverrides = {},
): Promise<PaymentPayload> {
  const [acct] = await signer.getAccounts();
  const extra = dgridExtra(req);
  const request = requestForTerms(o.granter ?? acct.address, extra);
  o.mutate?.(request);
  const client = await SigningStargateClient.connectWithSigner(
    rpcUrl,
    signer,
    signingOptions({ extraTypes: dgridMsgTypes }),
  );
  try {
    const account = await client.getAccount(acct.address);
    const chainId = await client.getChainId();
    const raw = await client.sign(
      acct.address,
      [paymentMessage(request, o.granter ? acct.address : undefined)],
      {
        amount: [{ denom: "udgrid", amount: o.fee ?? extra.txFee }],
        gas: String(extra.gasLimit),
        ...(o.feeGranter ? { granter: o.feeGranter } : {}),
      },
      "",
      {
        accountNumber: account?.accountNumber ?? 0n,
        sequence: o.sequence ?? account?.sequence ?? 0,
        chainId: o.chainId ?? chainId,
      },
    );
    return {
      x402Version: 2,
      accepted: req,
      payload: { transaction: Buffer.from(TxRaw.encode(raw).finish()).toString("base64") },
    };
  } finally {
    client.disconnect();
  }
}

export const OFFLINE_CHAIN_ID = "dgrid-test-1";

/** A payment signed without a node by the devnet mnemonic's first key (granter: a MsgExec for a fixed granter). */
export async function signPaymentOffline(
  req: PaymentRequirements,
  o: {
    chainId?: string;
    sequence?: number;
    accountNumber?: number;
    granter?: boolean;
    mutate?: (m: MsgRequestInference) => void;
    fee?: string;
    gas?: number;
    feeGranter?: string;
  } = {},
): Promise<PaymentPayload> {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, { prefix: "dgrid" });
  const [acct] = await wallet.getAccounts();
  const extra = dgridExtra(req);
  const granter = "dgrid1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqn4q8jp";
  const request = requestForTerms(o.granter ? granter : acct.address, extra);
  o.mutate?.(request);
  const msg = paymentMessage(request, o.granter ? acct.address : undefined);
  const bodyBytes = TxBody.encode(
    TxBody.fromPartial({ messages: [dgridRegistry(dgridMsgTypes).encodeAsAny(msg)] }),
  ).finish();
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(acct.pubkey)), sequence: o.sequence ?? 7 }],
    [{ denom: "udgrid", amount: o.fee ?? extra.txFee }],
    o.gas ?? extra.gasLimit,
    o.feeGranter,
    undefined,
  );
  const { signature } = await wallet.signDirect(
    acct.address,
    makeSignDoc(bodyBytes, authInfoBytes, o.chainId ?? OFFLINE_CHAIN_ID, o.accountNumber ?? 3),
  );
  const tx = TxRaw.fromPartial({ bodyBytes, authInfoBytes, signatures: [Buffer.from(signature.signature, "base64")] });
  return { x402Version: 2, accepted: req, payload: { transaction: toBase64(TxRaw.encode(tx).finish()) } };
}
