// Checking one item of a batched request without the others: Query/Result with `item` answers the
// item, its Merkle path and the item count; the result's items_root is the root of the batch
// Merkle tree (chain/tensor/batch-merkle.ts) over every item's outcome hash. verifyResultItem
// recomputes the item's hash from its outputs (its reference to outputs by hash, or its error class)
// and walks the path to the root.
import { sha256 } from "@cosmjs/crypto";
import { verifyBatchProof } from "../chain/tensor/batch-merkle.ts";
import { canonicalErrorCode, canonicalOutput, tensorsFromNamed } from "../chain/tensor/canonical.ts";
import { canonicalRef } from "../chain/tensor/digest.ts";
import { type ItemResult, RequestStatus } from "../proto/gen/dgrid/inference/v1/inference.ts";
import type { QueryResultResponse } from "../proto/gen/dgrid/inference/v1/query.ts";

/** The outcome hash a settled item stands for in the tree: empty for a refunded item. */
export function itemOutcomeHash(item: ItemResult): Uint8Array {
  switch (item.status) {
    case RequestStatus.REQUEST_STATUS_FINALIZED:
      // outputs by hash: the item stands for its reference (fetch and check the bytes: output-fetch.ts)
      if (item.outputRef) return sha256(canonicalRef(item.outputRef));
      return sha256(canonicalOutput(tensorsFromNamed(item.outputs)));
    case RequestStatus.REQUEST_STATUS_FAILED:
      return sha256(canonicalErrorCode(item.error));
    default:
      return new Uint8Array();
  }
}

/**
 * Whether item `index` of a Query/Result answer (asked with `item = index`) is in its batch: its
 * outputs hash to its output_hash and its path leads to result.items_root. False on any mismatch.
 */
export function verifyResultItem(res: QueryResultResponse, index: number): boolean {
  const root = res.result?.itemsRoot;
  if (!res.item || !root || root.length === 0) return false;
  let hash: Uint8Array;
  try {
    hash = itemOutcomeHash(res.item);
  } catch {
    return false; // outputs that cannot be encoded canonically
  }
  if (hash.length !== res.item.outputHash.length || hash.some((b, i) => b !== res.item!.outputHash[i])) return false;
  return verifyBatchProof(root, hash, index, res.itemCount, res.itemProof);
}
