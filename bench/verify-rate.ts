// This machine's native secp256k1 verification rate (node:crypto / OpenSSL, one core): the bound a
// single-threaded node that verifies every tx signature once can at best approach.
import { createHash, createPublicKey, verify } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";

// DER SubjectPublicKeyInfo prefix for an id-ecPublicKey on secp256k1 with a 33-byte compressed point.
const SPKI_PREFIX = Buffer.from("3036301006072a8648ce3d020106052b8104000a032200", "hex");

/** Verifies one fixed ~200-byte message/signature pair in a loop for `ms`; returns verifications/s. */
export function nativeVerifyRate(ms = 2000): number {
  const priv = createHash("sha256").update("dgrid-bench-verify").digest();
  const msg = createHash("sha512").update("sign doc").digest();
  const doc = Buffer.concat([msg, msg, msg]); // about the size of a MsgSend SignDoc
  const sig = secp256k1.sign(doc, priv); // compact r||s == ieee-p1363
  const key = createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, secp256k1.getPublicKey(priv, true)]),
    format: "der",
    type: "spki",
  });
  const opts = { key, dsaEncoding: "ieee-p1363" as const };
  if (!verify("sha256", doc, opts, sig)) throw new Error("native verify rejected a valid signature");
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 200; i++) verify("sha256", doc, opts, sig);
    n += 200;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}
