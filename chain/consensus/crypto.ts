// The engine's view of ed25519 keys: the implementation is chain/types/keys.ts (node:crypto, cached
// public key objects); this file names what consensus needs from it.
import { address, Ed25519Key } from "../types/keys.ts";

/** Verifies an ed25519 signature; malformed keys or signatures verify as false, never throw. */
export const ed25519Verify = (pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean =>
  Ed25519Key.verify(pub, msg, sig);

/** CometBFT address of an ed25519 key: first 20 bytes of sha256(pubkey). */
export const pubKeyAddress = (pub: Uint8Array): Uint8Array => address(pub);

/** What the engine needs from a validator key. */
export interface Signer {
  readonly pubKey: Uint8Array;
  readonly address: Uint8Array;
  sign(msg: Uint8Array): Uint8Array;
}

/** An ed25519 signer from a 32-byte seed. */
export function ed25519Signer(seed: Uint8Array): Signer {
  return Ed25519Key.fromSeed(seed);
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();
