// Simulated accounts (SDK simulation.RandomAccounts): secp256k1 keys derived from the seed, and
// SIGN_MODE_DIRECT signing of any messages with a chosen fee, gas, fee granter and, for the invalid
// operations, a corrupted signature, a wrong sequence or a wrong chain id.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { toBech32 } from "@cosmjs/encoding";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { addressToString, Bech32PrefixValAddr } from "../../chain/types/address.ts";
import type { Rng } from "./rng.ts";

export interface SimAccount {
  priv: Uint8Array;
  /** 33-byte compressed public key */
  pub: Uint8Array;
  address: string;
  /** the operator address, should this account run a validator */
  valoper: string;
}

const sha256 = (b: Uint8Array | string): Uint8Array => new Uint8Array(createHash("sha256").update(b).digest());

/**
 * The `secp256k1` package (libsecp256k1, with its own pure-JS fallback) the node verifies with: its
 * RFC 6979 signatures are byte for byte those of @noble/curves, about 7x faster (signing was a tenth
 * of the simulation's CPU).
 */
interface Libsecp256k1 {
  privateKeyVerify(priv: Uint8Array): boolean;
  publicKeyCreate(priv: Uint8Array, compressed: boolean): Uint8Array;
  ecdsaSign(msg32: Uint8Array, priv: Uint8Array): { signature: Uint8Array };
}
const secp: Libsecp256k1 = createRequire(import.meta.url)("secp256k1");

export function randomAccount(rng: Rng): SimAccount {
  let priv = rng.bytes(32);
  while (!secp.privateKeyVerify(priv)) priv = sha256(priv);
  const pub = secp.publicKeyCreate(priv, true);
  const raw = ripemd160(sha256(pub));
  return { priv, pub, address: toBech32("dgrid", raw), valoper: addressToString(raw, Bech32PrefixValAddr) };
}

export interface SignOptions {
  chainId: string;
  accountNumber: bigint;
  sequence: bigint;
  feeAmount: bigint;
  gasLimit: bigint;
  granter?: string;
  memo?: string;
  /** flip a byte of the signature (the ante refuses it: unauthorized, code 4) */
  corruptSignature?: boolean;
}

/** One tx of `msgs` signed by `from` (SIGN_MODE_DIRECT, low-S r||s as the SDK expects). */
export function signTx(from: SimAccount, msgs: Any[], o: SignOptions): Uint8Array {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages: msgs, memo: o.memo ?? "" })).finish();
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [
        {
          publicKey: { typeUrl: "/cosmos.crypto.secp256k1.PubKey", value: PubKey.encode({ key: from.pub }).finish() },
          modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
          sequence: o.sequence,
        },
      ],
      fee: {
        amount: o.feeAmount > 0n ? [{ denom: "udgrid", amount: o.feeAmount.toString() }] : [],
        gasLimit: o.gasLimit,
        granter: o.granter ?? "",
      },
    }),
  ).finish();
  const signBytes = SignDoc.encode({
    bodyBytes,
    authInfoBytes,
    chainId: o.chainId,
    accountNumber: o.accountNumber,
  }).finish();
  const sig = Uint8Array.from(secp.ecdsaSign(sha256(signBytes), from.priv).signature);
  if (o.corruptSignature) sig[7] ^= 0x5a;
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [sig] }).finish();
}
