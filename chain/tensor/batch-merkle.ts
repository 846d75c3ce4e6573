// The Merkle tree of a batched inference request (pure, no `node:` import: the client verifies with
// it too). A binary sha256 tree over per-item hashes, the RFC 6962 shape CometBFT's crypto/merkle uses
// (chain/types/merkle-shape.ts, shared with the block hashes):
//
//   leaf(x)     = sha256(0x00 | x)          x: the item's 32-byte outcome hash (empty: an item refunded)
//   node(l, r)  = sha256(0x01 | l | r)
//   root([x])   = leaf(x)
//   root(xs)    = node(root(xs[..k]), root(xs[k..]))   k: the largest power of two below xs.length
//
// The 0x00 / 0x01 prefixes keep a leaf from ever passing for an inner node (second-preimage attacks).
// A path is the sibling hashes from the leaf up; with the item's index and the item count it
// recomputes the root. A batch has at least one item, so the empty tree is never needed.
import { sha256 } from "@cosmjs/crypto";
import { type MerkleHasher, type MerkleProof, merkleProofs, merkleRoot, rootFromAunts } from "../types/merkle-shape.ts";

const LEAF = 0x00;
const NODE = 0x01;

function hashWith(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  const buf = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  buf[0] = prefix;
  let off = 1;
  for (const p of parts) {
    buf.set(p, off);
    off += p.length;
  }
  return sha256(buf);
}

export function merkleLeaf(itemHash: Uint8Array): Uint8Array {
  return hashWith(LEAF, itemHash);
}

export function merkleNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  return hashWith(NODE, left, right);
}

/** RFC 6962 hashing with a pure-JS sha256, for the shape CometBFT's blocks use (merkle-shape.ts). */
const BATCH_HASHER: MerkleHasher = {
  leaf: merkleLeaf,
  inner: merkleNode,
  empty: () => {
    throw new Error("a batch Merkle tree needs at least one item");
  },
};

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error("a batch Merkle tree needs at least one item");
}

/** The root over the items' hashes, in item order. */
export function batchRoot(itemHashes: readonly Uint8Array[]): Uint8Array {
  checkCount(itemHashes.length);
  return merkleRoot(itemHashes, BATCH_HASHER);
}

/** The path of item `index`: sibling hashes from its leaf up to the root. */
export function batchProof(itemHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  checkCount(itemHashes.length);
  if (!Number.isInteger(index) || index < 0 || index >= itemHashes.length)
    throw new Error(`item ${index} outside 0..${itemHashes.length - 1}`);
  return (merkleProofs(itemHashes, BATCH_HASHER).proofs[index] as MerkleProof).aunts;
}

/** The root that item `index` of `count` with hash `itemHash` and path `path` leads to; undefined if the path has the wrong length. */
export function rootFromPath(
  itemHash: Uint8Array,
  index: number,
  count: number,
  path: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!Number.isInteger(count) || !Number.isInteger(index)) return undefined;
  return rootFromAunts(index, count, BATCH_HASHER.leaf(itemHash), path, BATCH_HASHER);
}

/** Whether item `index` of `count` with hash `itemHash` is in the tree of `root` by `path`. */
export function verifyBatchProof(
  root: Uint8Array,
  itemHash: Uint8Array,
  index: number,
  count: number,
  path: readonly Uint8Array[],
): boolean {
  const got = rootFromPath(itemHash, index, count, path);
  if (!got || got.length !== root.length) return false;
  let diff = 0;
  for (let j = 0; j < got.length; j++) diff |= got[j] ^ root[j];
  return diff === 0;
}
