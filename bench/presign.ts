// Offline signing for the throughput bench: deterministic secp256k1 keys, SIGN_MODE_DIRECT MsgSend txs
// with known account numbers and sequences, so no RPC round trip is spent before measuring.
import { createHash } from "node:crypto";
import { toBech32 } from "@cosmjs/encoding";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";

export interface BenchAccount {
  priv: Uint8Array;
  pub: Uint8Array; // 33-byte compressed
  address: string;
  accountNumber: bigint;
}

const sha256 = (b: Uint8Array | string): Uint8Array => createHash("sha256").update(b).digest();

/** Account i's key is sha256("dgrid-bench-<i>"): reproducible runs, no keyring. */
export function makeAccounts(n: number, prefix = "dgrid"): BenchAccount[] {
  const out: BenchAccount[] = [];
  for (let i = 0; i < n; i++) {
    const priv = sha256(`dgrid-bench-${i}`);
    const pub = secp256k1.getPublicKey(priv, true);
    out.push({ priv, pub, address: toBech32(prefix, ripemd160(sha256(pub))), accountNumber: BigInt(i) });
  }
  return out;
}

export interface SignedTx {
  bytes: Uint8Array;
  hash: string; // uppercase hex sha256, as CometBFT reports it
}

export interface SendParams {
  chainId: string;
  denom: string;
  feeAmount: string;
  gasLimit: bigint;
}

/** One MsgSend of 1 `denom` from `from` to `to` at `sequence`, signed SIGN_MODE_DIRECT. */
export function signSend(from: BenchAccount, to: string, sequence: bigint, p: SendParams): SignedTx {
  const msg = MsgSend.fromPartial({
    fromAddress: from.address,
    toAddress: to,
    amount: [{ denom: p.denom, amount: "1" }],
  });
  return signTx(from, [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: MsgSend.encode(msg).finish() }], sequence, p);
}

/** A tx of `messages` (encoded Anys) from `from` at `sequence`, signed SIGN_MODE_DIRECT. */
export function signTx(
  from: BenchAccount,
  messages: { typeUrl: string; value: Uint8Array }[],
  sequence: bigint,
  p: SendParams,
): SignedTx {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages })).finish();
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [
        {
          publicKey: {
            typeUrl: "/cosmos.crypto.secp256k1.PubKey",
            value: PubKey.encode({ key: from.pub }).finish(),
          },
          modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
          sequence,
        },
      ],
      fee: { amount: [{ denom: p.denom, amount: p.feeAmount }], gasLimit: p.gasLimit },
    }),
  ).finish();
  const signBytes = SignDoc.encode({
    bodyBytes,
    authInfoBytes,
    chainId: p.chainId,
    accountNumber: from.accountNumber,
  }).finish();
  // noble prehashes with sha256 and returns low-S compact r||s, as the SDK expects.
  const sig = secp256k1.sign(signBytes, from.priv);
  const bytes = TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [sig] }).finish();
  return { bytes, hash: Buffer.from(sha256(bytes)).toString("hex").toUpperCase() };
}
