// Ed25519 primitives for the engine through node:crypto (raw 32-byte keys, as CometBFT stores them).
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";

const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

const pubCache = new Map<string, KeyObject>();

function publicKeyObject(pub: Uint8Array): KeyObject {
  const id = Buffer.from(pub).toString("hex");
  let key = pubCache.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pub]), format: "der", type: "spki" });
    if (pubCache.size > 10_000) pubCache.clear();
    pubCache.set(id, key);
  }
  return key;
}

/** Verifies an ed25519 signature; malformed keys or signatures verify as false, never throw. */
export function ed25519Verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pub.length !== 32 || sig.length !== 64) return false;
  try {
    return verify(null, msg, publicKeyObject(pub), sig);
  } catch {
    return false;
  }
}

/** CometBFT address of an ed25519 key: first 20 bytes of sha256(pubkey). */
export function pubKeyAddress(pub: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(pub).digest().subarray(0, 20));
}

/** What the engine needs from a validator key. */
export interface Signer {
  readonly pubKey: Uint8Array;
  readonly address: Uint8Array;
  sign(msg: Uint8Array): Uint8Array;
}

/** An ed25519 signer from a 32-byte seed. */
export function ed25519Signer(seed: Uint8Array): Signer {
  if (seed.length !== 32) throw new Error("ed25519 seed must be 32 bytes");
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(priv).export({ format: "der", type: "spki" });
  const pubKey = new Uint8Array(spki.subarray(spki.length - 32));
  return {
    pubKey,
    address: pubKeyAddress(pubKey),
    sign: (msg) => new Uint8Array(sign(null, msg, priv)),
  };
}

export function bytesEqual(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b) return (a?.length ?? 0) === 0 && (b?.length ?? 0) === 0;
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();
