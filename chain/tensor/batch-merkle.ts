// The Merkle tree of a batched inference request (pure, no `node:` import: the client verifies with
// it too). A binary sha256 tree over per-item hashes, the RFC 6962 shape CometBFT's crypto/merkle uses:
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

/** Largest power of two strictly below n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error("a batch Merkle tree needs at least one item");
}

function rootOfLeaves(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0];
  const k = split(leaves.length);
  return merkleNode(rootOfLeaves(leaves.slice(0, k)), rootOfLeaves(leaves.slice(k)));
}

/** The root over the items' hashes, in item order. */
export function batchRoot(itemHashes: readonly Uint8Array[]): Uint8Array {
  checkCount(itemHashes.length);
  return rootOfLeaves(itemHashes.map(merkleLeaf));
}

/** The path of item `index`: sibling hashes from its leaf up to the root. */
export function batchProof(itemHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  checkCount(itemHashes.length);
  if (!Number.isInteger(index) || index < 0 || index >= itemHashes.length)
    throw new Error(`item ${index} outside 0..${itemHashes.length - 1}`);
  const path: Uint8Array[] = [];
  const walk = (leaves: Uint8Array[], i: number): void => {
    if (leaves.length === 1) return;
    const k = split(leaves.length);
    if (i < k) {
      walk(leaves.slice(0, k), i);
      path.push(rootOfLeaves(leaves.slice(k)));
    } else {
      walk(leaves.slice(k), i - k);
      path.push(rootOfLeaves(leaves.slice(0, k)));
    }
  };
  walk(itemHashes.map(merkleLeaf), index);
  return path;
}

/** The root that item `index` of `count` with hash `itemHash` and path `path` leads to; undefined if the path has the wrong length. */
export function rootFromPath(
  itemHash: Uint8Array,
  index: number,
  count: number,
  path: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count)
    return undefined;
  // the sides from the root down, then hashed from the leaf up
  const sides: boolean[] = []; // true: this subtree is the right child
  let n = count;
  let i = index;
  while (n > 1) {
    const k = split(n);
    if (i < k) {
      sides.push(false);
      n = k;
    } else {
      sides.push(true);
      i -= k;
      n -= k;
    }
  }
  if (sides.length !== path.length) return undefined;
  let h = merkleLeaf(itemHash);
  for (let j = 0; j < path.length; j++) {
    const right = sides[sides.length - 1 - j];
    h = right ? merkleNode(path[j], h) : merkleNode(h, path[j]);
  }
  return h;
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
