// CometBFT crypto/merkle: RFC 6962 simple Merkle tree (leaf = sha256(0x00||x), inner = sha256(0x01||l||r),
// empty tree = sha256("")), split at the largest power of two strictly below n (merkle-shape.ts). Plus
// inclusion proofs.
import { hash } from "node:crypto";
import { bytesEqual } from "./bytes.ts";
import { type MerkleHasher, type MerkleProof, merkleProofs, merkleRoot, rootFromAunts } from "./merkle-shape.ts";

export type { MerkleProof };

// One-shot crypto.hash over one buffer: about half the cost of a Hash object with several updates.
// Returns a plain Uint8Array view (not a Buffer), as callers and tests compare with Uint8Arrays.
export function sha256(data: Uint8Array): Uint8Array {
  const b = hash("sha256", data, "buffer") as unknown as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

export function leafHash(leaf: Uint8Array): Uint8Array {
  const b = Buffer.allocUnsafe(leaf.length + 1);
  b[0] = 0;
  b.set(leaf, 1);
  return sha256(b);
}

export function innerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const b = Buffer.allocUnsafe(left.length + right.length + 1);
  b[0] = 1;
  b.set(left, 1);
  b.set(right, left.length + 1);
  return sha256(b);
}

export const EMPTY_HASH: Uint8Array = sha256(new Uint8Array(0));

/** The node's RFC 6962 hashing (node:crypto), for the shared tree shape. */
const NODE_HASHER: MerkleHasher = { leaf: leafHash, inner: innerHash, empty: () => EMPTY_HASH.slice() };

export function simpleHashFromByteSlices(items: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(items, NODE_HASHER);
}

/** Root hash and one proof per item (CometBFT merkle.ProofsFromByteSlices). */
export function proofsFromByteSlices(items: readonly Uint8Array[]): { root: Uint8Array; proofs: MerkleProof[] } {
  return merkleProofs(items, NODE_HASHER);
}

/** Recomputes the root from a leaf hash and its aunts; undefined if the proof's shape is invalid. */
export function computeRootFromAunts(
  index: number,
  total: number,
  leaf: Uint8Array,
  aunts: readonly Uint8Array[],
): Uint8Array | undefined {
  return rootFromAunts(index, total, leaf, aunts, NODE_HASHER);
}

export function verifyProof(proof: MerkleProof, root: Uint8Array, item: Uint8Array): boolean {
  const lh = leafHash(item);
  if (!bytesEqual(lh, proof.leafHash)) return false;
  const computed = computeRootFromAunts(proof.index, proof.total, lh, proof.aunts);
  return computed !== undefined && bytesEqual(computed, root);
}
