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
import { sha256 as pureSha256 } from "@cosmjs/crypto";
import { type MerkleHasher, type MerkleProof, merkleProofs, merkleRoot, rootFromAunts } from "../types/merkle-shape.ts";

/** A sha256 implementation: the pure-JS one by default (browsers); the node passes node:crypto's. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

const LEAF = 0x00;
const NODE = 0x01;

function hashWith(sha: Sha256, prefix: number, a: Uint8Array, b?: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + a.length + (b?.length ?? 0));
  buf[0] = prefix;
  buf.set(a, 1);
  if (b) buf.set(b, 1 + a.length);
  return sha(buf);
}

export function merkleLeaf(itemHash: Uint8Array, sha: Sha256 = pureSha256): Uint8Array {
  return hashWith(sha, LEAF, itemHash);
}

export function merkleNode(left: Uint8Array, right: Uint8Array, sha: Sha256 = pureSha256): Uint8Array {
  return hashWith(sha, NODE, left, right);
}

/** RFC 6962 hashing over `sha`, for the shape CometBFT's blocks use (merkle-shape.ts). */
function hasherOf(sha: Sha256): MerkleHasher {
  return {
    leaf: (x) => merkleLeaf(x, sha),
    inner: (l, r) => merkleNode(l, r, sha),
    empty: () => {
      throw new Error("a batch Merkle tree needs at least one item");
    },
  };
}

const PURE_HASHER = hasherOf(pureSha256);
// the node's hasher is made once per sha function (the keeper hashes a tree per batch)
const hashers = new WeakMap<Sha256, MerkleHasher>([[pureSha256, PURE_HASHER]]);
function hasherFor(sha: Sha256): MerkleHasher {
  let h = hashers.get(sha);
  if (!h) {
    h = hasherOf(sha);
    hashers.set(sha, h);
  }
  return h;
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error("a batch Merkle tree needs at least one item");
}

/** The root over the items' hashes, in item order (`sha`: see Sha256; every implementation agrees). */
export function batchRoot(itemHashes: readonly Uint8Array[], sha: Sha256 = pureSha256): Uint8Array {
  checkCount(itemHashes.length);
  return merkleRoot(itemHashes, hasherFor(sha));
}

/** The path of item `index`: sibling hashes from its leaf up to the root. */
export function batchProof(itemHashes: readonly Uint8Array[], index: number, sha: Sha256 = pureSha256): Uint8Array[] {
  checkCount(itemHashes.length);
  if (!Number.isInteger(index) || index < 0 || index >= itemHashes.length)
    throw new Error(`item ${index} outside 0..${itemHashes.length - 1}`);
  return (merkleProofs(itemHashes, hasherFor(sha)).proofs[index] as MerkleProof).aunts;
}

/** The root that item `index` of `count` with hash `itemHash` and path `path` leads to; undefined if the path has the wrong length. */
export function rootFromPath(
  itemHash: Uint8Array,
  index: number,
  count: number,
  path: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!Number.isInteger(count) || !Number.isInteger(index)) return undefined;
  return rootFromAunts(index, count, PURE_HASHER.leaf(itemHash), path, PURE_HASHER);
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
