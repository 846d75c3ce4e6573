// secp256k1 signature verification through node:crypto, as Cosmos secp256k1.PubKey.VerifySignature:
// sha256 of the sign bytes, 64-byte r||s signature, high-S rejected (malleability).
import { createPublicKey, type KeyObject, verify } from "node:crypto";

// SPKI DER header for an EC secp256k1 public key with a 33-byte compressed point
const SPKI_PREFIX = Buffer.from("3036301006072a8648ce3d020106052b8104000a032200", "hex");
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;

const MAX_CACHE = 10_000;
const cache = new Map<string, KeyObject | null>();

function keyObject(pubkey: Uint8Array): KeyObject | null {
  const id = Buffer.from(pubkey).toString("hex");
  const hit = cache.get(id);
  if (hit !== undefined) return hit;
  let ko: KeyObject | null = null;
  try {
    ko = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pubkey]), format: "der", type: "spki" });
  } catch {
    ko = null; // not a point on the curve
  }
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
  cache.set(id, ko);
  return ko;
}

export function verifySecp256k1(pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pubkey.length !== 33 || sig.length !== 64) return false;
  const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString("hex")}`);
  if (s === 0n || s > HALF_N) return false;
  const ko = keyObject(pubkey);
  if (!ko) return false;
  try {
    return verify("sha256", msg, { key: ko, dsaEncoding: "ieee-p1363" }, sig);
  } catch {
    return false;
  }
}
