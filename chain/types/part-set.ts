// Block parts (cometbft types/part_set.go): the proto-encoded block split into 64 KiB parts, each with a
// Merkle proof against the PartSetHeader hash. Gossip sends parts; the block id carries the header.
import type { Proof } from "cosmjs-types/tendermint/crypto/proof";
import type { Part, PartSetHeader } from "cosmjs-types/tendermint/types/types";
import { bytesEqual } from "./bytes.ts";
import { computeRootFromAunts, leafHash, proofsFromByteSlices } from "./merkle.ts";

export const BLOCK_PART_SIZE_BYTES = 65536;

export interface PartSet {
  header: PartSetHeader;
  parts: Part[];
}

export function makePartSet(blockBytes: Uint8Array, partSize = BLOCK_PART_SIZE_BYTES): PartSet {
  if (!Number.isInteger(partSize) || partSize <= 0) throw new RangeError(`invalid part size ${partSize}`);
  const chunks: Uint8Array[] = [];
  for (let off = 0; off < blockBytes.length || chunks.length === 0; off += partSize) {
    chunks.push(blockBytes.slice(off, Math.min(off + partSize, blockBytes.length)));
  }
  const { root, proofs } = proofsFromByteSlices(chunks);
  const parts: Part[] = chunks.map((bytes, index) => {
    const p = proofs[index];
    const proof: Proof = {
      total: BigInt(chunks.length),
      index: BigInt(index),
      leafHash: p ? p.leafHash : new Uint8Array(0),
      aunts: p ? p.aunts : [],
    };
    return { index, bytes, proof };
  });
  return { header: { total: chunks.length, hash: root }, parts };
}

/** Checks a received part against the part set header (index range, leaf hash, Merkle path). */
export function verifyPart(header: PartSetHeader, part: Part): boolean {
  if (part.index < 0 || part.index >= header.total) return false;
  if (part.proof.index !== BigInt(part.index) || part.proof.total !== BigInt(header.total)) return false;
  const lh = leafHash(part.bytes);
  if (!bytesEqual(lh, part.proof.leafHash)) return false;
  const root = computeRootFromAunts(part.index, header.total, lh, part.proof.aunts);
  return root !== undefined && bytesEqual(root, header.hash);
}

/** Reassembles block bytes from a complete, ordered set of parts. */
export function joinParts(parts: readonly Part[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.bytes.length;
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p.bytes, off);
    off += p.bytes.length;
  }
  return out;
}
