// CometBFT crypto/merkle: RFC 6962 simple Merkle tree (leaf = sha256(0x00||x), inner = sha256(0x01||l||r),
// empty tree = sha256("")), split at the largest power of two strictly below n. Plus inclusion proofs.
import { hash } from "node:crypto";
import { bytesEqual } from "./bytes.ts";

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

/** Largest power of two strictly less than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function simpleHashFromByteSlices(items: readonly Uint8Array[]): Uint8Array {
  return hashRange(items, 0, items.length);
}

function hashRange(items: readonly Uint8Array[], from: number, to: number): Uint8Array {
  const n = to - from;
  if (n === 0) return EMPTY_HASH.slice();
  if (n === 1) return leafHash(items[from] as Uint8Array);
  const k = splitPoint(n);
  return innerHash(hashRange(items, from, from + k), hashRange(items, from + k, to));
}

/** Inclusion proof of one item, as CometBFT merkle.Proof (aunts ordered from the leaf up). */
export interface MerkleProof {
  total: number;
  index: number;
  leafHash: Uint8Array;
  aunts: Uint8Array[];
}

/** Root hash and one proof per item (CometBFT merkle.ProofsFromByteSlices). */
export function proofsFromByteSlices(items: readonly Uint8Array[]): { root: Uint8Array; proofs: MerkleProof[] } {
  const total = items.length;
  const proofs: MerkleProof[] = items.map((item, index) => ({ total, index, leafHash: leafHash(item), aunts: [] }));
  // Builds the tree bottom-up recursively; every leaf under a subtree gets the sibling subtree's hash.
  const build = (from: number, to: number): Uint8Array => {
    const n = to - from;
    if (n === 0) return EMPTY_HASH.slice();
    if (n === 1) return (proofs[from] as MerkleProof).leafHash;
    const k = splitPoint(n);
    const left = build(from, from + k);
    const right = build(from + k, to);
    for (let i = from; i < from + k; i++) (proofs[i] as MerkleProof).aunts.push(right);
    for (let i = from + k; i < to; i++) (proofs[i] as MerkleProof).aunts.push(left);
    return innerHash(left, right);
  };
  const root = build(0, total);
  return { root, proofs };
}

/** Recomputes the root from a leaf hash and its aunts; undefined if the proof's shape is invalid. */
export function computeRootFromAunts(
  index: number,
  total: number,
  leaf: Uint8Array,
  aunts: readonly Uint8Array[],
): Uint8Array | undefined {
  if (index >= total || index < 0 || total <= 0) return undefined;
  if (total === 1) return aunts.length === 0 ? leaf : undefined;
  if (aunts.length === 0) return undefined;
  const k = splitPoint(total);
  const last = aunts[aunts.length - 1] as Uint8Array;
  const rest = aunts.slice(0, -1);
  if (index < k) {
    const left = computeRootFromAunts(index, k, leaf, rest);
    return left ? innerHash(left, last) : undefined;
  }
  const right = computeRootFromAunts(index - k, total - k, leaf, rest);
  return right ? innerHash(last, right) : undefined;
}

export function verifyProof(proof: MerkleProof, root: Uint8Array, item: Uint8Array): boolean {
  const lh = leafHash(item);
  if (!bytesEqual(lh, proof.leafHash)) return false;
  const computed = computeRootFromAunts(proof.index, proof.total, lh, proof.aunts);
  return computed !== undefined && bytesEqual(computed, root);
}
