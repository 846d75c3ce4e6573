// The multistore (app) hash and its ICS-23 proof, as Cosmos SDK store/rootmulti + store/internal/maps:
// leaves are (storeName, sha256(storeRootHash)) pairs sorted by name, each encoded as
// uvarint(len name) name uvarint(32) sha256(root), hashed RFC-6962 style (leaf 0x00, inner 0x01,
// split at the largest power of two below n) as CometBFT crypto/merkle. Proofs use `tendermintSpec`.
import { ics23 } from "@confio/ics23";
import { compareBytes, concat } from "../types/bytes.ts";
import { type Bytes, encodeUvarint, sha256 } from "./bytes.ts";

export interface StoreRoot {
  name: string;
  rootHash: Bytes;
}

const LEAF = Uint8Array.of(0);
const INNER = Uint8Array.of(1);

function leafBytes(name: Bytes, rootHash: Bytes): Bytes {
  const vh = sha256(rootHash);
  return concat(encodeUvarint(name.length), name, encodeUvarint(vh.length), vh);
}

function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rootOf(leafHashes: Bytes[]): Bytes {
  if (leafHashes.length === 0) return sha256(new Uint8Array(0));
  if (leafHashes.length === 1) return leafHashes[0] as Bytes;
  const k = splitPoint(leafHashes.length);
  return sha256(concat(INNER, rootOf(leafHashes.slice(0, k)), rootOf(leafHashes.slice(k))));
}

function sortedLeaves(stores: StoreRoot[]): { names: Buffer[]; hashes: Bytes[] } {
  const entries = stores
    .map((s) => ({ name: Buffer.from(s.name, "utf8"), root: s.rootHash }))
    .sort((a, b) => compareBytes(a.name, b.name));
  return {
    names: entries.map((e) => e.name),
    hashes: entries.map((e) => sha256(concat(LEAF, leafBytes(e.name, e.root)))),
  };
}

export function multistoreHash(stores: StoreRoot[]): Uint8Array {
  return rootOf(sortedLeaves(stores).hashes);
}

/** Inner ops from leaf `index` up to the root (leaf-first, as ICS-23 wants). */
function pathOps(hashes: Bytes[], index: number): ics23.IInnerOp[] {
  if (hashes.length <= 1) return [];
  const k = splitPoint(hashes.length);
  if (index < k) {
    const ops = pathOps(hashes.slice(0, k), index);
    ops.push({ hash: ics23.HashOp.SHA256, prefix: INNER, suffix: rootOf(hashes.slice(k)) });
    return ops;
  }
  const ops = pathOps(hashes.slice(k), index - k);
  ops.push({
    hash: ics23.HashOp.SHA256,
    prefix: concat(INNER, rootOf(hashes.slice(0, k))),
    suffix: new Uint8Array(0),
  });
  return ops;
}

/** CommitmentProof bytes proving (storeName -> rootHash) under the multistore hash. */
export function multistoreProof(stores: StoreRoot[], storeName: string): Uint8Array {
  const { names, hashes } = sortedLeaves(stores);
  const name = Buffer.from(storeName, "utf8");
  const index = names.findIndex((n) => n.equals(name));
  if (index < 0) throw new Error(`store ${storeName} not mounted`);
  const root = stores.find((s) => s.name === storeName)?.rootHash as Bytes;
  const exist: ics23.IExistenceProof = {
    key: Uint8Array.from(name),
    value: Uint8Array.from(root),
    leaf: {
      hash: ics23.HashOp.SHA256,
      prehashKey: ics23.HashOp.NO_HASH,
      prehashValue: ics23.HashOp.SHA256,
      length: ics23.LengthOp.VAR_PROTO,
      prefix: LEAF,
    },
    path: pathOps(hashes, index),
  };
  return ics23.CommitmentProof.encode({ exist }).finish();
}
