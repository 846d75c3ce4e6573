// The shape of CometBFT's crypto/merkle tree (RFC 6962): split at the largest power of two strictly
// below n, leaves and inner nodes hashed by the caller's hasher. Pure (no `node:` import), so the node
// (chain/types/merkle.ts, node:crypto) and the browser client (chain/tensor/batch-merkle.ts) build and
// check the same trees with one definition of the shape.

/** How a tree hashes: RFC 6962 uses sha256(0x00 | x) for leaves and sha256(0x01 | l | r) inside. */
export interface MerkleHasher {
  leaf(item: Uint8Array): Uint8Array;
  inner(left: Uint8Array, right: Uint8Array): Uint8Array;
  /** the root of no items */
  empty(): Uint8Array;
}

/** Inclusion proof of one item, as CometBFT merkle.Proof (aunts ordered from the leaf up). */
export interface MerkleProof {
  total: number;
  index: number;
  leafHash: Uint8Array;
  aunts: Uint8Array[];
}

/** Largest power of two strictly less than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The root over `items` (CometBFT merkle.HashFromByteSlices). */
export function merkleRoot(items: readonly Uint8Array[], h: MerkleHasher): Uint8Array {
  const range = (from: number, to: number): Uint8Array => {
    const n = to - from;
    if (n === 0) return h.empty();
    if (n === 1) return h.leaf(items[from] as Uint8Array);
    const k = splitPoint(n);
    return h.inner(range(from, from + k), range(from + k, to));
  };
  return range(0, items.length);
}

/** Root hash and one proof per item (CometBFT merkle.ProofsFromByteSlices). */
export function merkleProofs(
  items: readonly Uint8Array[],
  h: MerkleHasher,
): { root: Uint8Array; proofs: MerkleProof[] } {
  const total = items.length;
  const proofs: MerkleProof[] = items.map((item, index) => ({ total, index, leafHash: h.leaf(item), aunts: [] }));
  // Builds the tree bottom-up recursively; every leaf under a subtree gets the sibling subtree's hash.
  const build = (from: number, to: number): Uint8Array => {
    const n = to - from;
    if (n === 0) return h.empty();
    if (n === 1) return (proofs[from] as MerkleProof).leafHash;
    const k = splitPoint(n);
    const left = build(from, from + k);
    const right = build(from + k, to);
    for (let i = from; i < from + k; i++) (proofs[i] as MerkleProof).aunts.push(right);
    for (let i = from + k; i < to; i++) (proofs[i] as MerkleProof).aunts.push(left);
    return h.inner(left, right);
  };
  const root = build(0, total);
  return { root, proofs };
}

/** Recomputes the root from a leaf hash and its aunts; undefined if the proof's shape is invalid. */
export function rootFromAunts(
  index: number,
  total: number,
  leaf: Uint8Array,
  aunts: readonly Uint8Array[],
  h: MerkleHasher,
): Uint8Array | undefined {
  if (index >= total || index < 0 || total <= 0) return undefined;
  if (total === 1) return aunts.length === 0 ? leaf : undefined;
  if (aunts.length === 0) return undefined;
  const k = splitPoint(total);
  const last = aunts[aunts.length - 1] as Uint8Array;
  const rest = aunts.slice(0, -1);
  if (index < k) {
    const left = rootFromAunts(index, k, leaf, rest, h);
    return left ? h.inner(left, last) : undefined;
  }
  const right = rootFromAunts(index - k, total - k, leaf, rest, h);
  return right ? h.inner(last, right) : undefined;
}
