// Batched requests (README.md#batches): a MsgRequestInference carries one input set in `inputs` (a
// single request, exactly as before batching) or 1..max_batch input sets in `items` (a batch).
// Pure helpers shared by the keeper, the ante and the validator's duties:
//
// - the items of a message or request, and the checks of their count and shapes;
// - what an executor commits to for a batch: the canonical batch outcome
//       0xba | u32be(item count) | root
//   where root is the batch Merkle tree (chain/tensor/batch-merkle.ts) over the items' outcome
//   hashes sha256(canonical outcome) (outcome.ts). Its first byte differs from an output's (0x01)
//   and an error's (0xee), so no single outcome shares a batch's commitment;
// - whether a model can run a batch as one session.run: every input and output spec has a
//   symbolic first dimension (the batch dimension); otherwise executors run it item by item.
import { batchRoot } from "../../chain/tensor/batch-merkle.ts";
import { u32be } from "../../chain/types/bytes.ts";
import { sha256 } from "../../chain/types/merkle.ts";
import type { InferenceItem } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import type { Model, NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { ErrInvalidBatch } from "./errors.ts";

const BATCH_TAG = 0xba;

/** A message or request: single (inputs) or batch (items). */
export interface ItemsCarrier {
  inputs: NamedTensor[];
  items: InferenceItem[];
}

export function isBatch(r: ItemsCarrier): boolean {
  return r.items.length > 0;
}

/** The input sets of a request: one for a single request, one per item for a batch. */
export function itemInputs(r: ItemsCarrier): NamedTensor[][] {
  return r.items.length > 0 ? r.items.map((i) => i.inputs) : [r.inputs];
}

/** Items charged for: 1 for a single request. */
export function itemCount(r: ItemsCarrier): number {
  return Math.max(1, r.items.length);
}

/**
 * The input sets of a message, after the checks of its form: exactly one of inputs and items, at
 * most max_batch items. Throws ErrInvalidBatch.
 */
export function checkedItems(msg: ItemsCarrier, maxBatch: number): NamedTensor[][] {
  if (msg.inputs.length > 0 && msg.items.length > 0)
    throw ErrInvalidBatch.wrap("a request carries inputs or items, not both");
  if (msg.inputs.length === 0 && msg.items.length === 0)
    throw ErrInvalidBatch.wrap("no items: a request carries one input set (inputs) or 1..max_batch items");
  if (msg.items.length > maxBatch)
    throw ErrInvalidBatch.wrap(`${msg.items.length} items over the max_batch param (${maxBatch})`);
  return itemInputs(msg);
}

/** The shape signature of one item's inputs: names (sorted), dtypes and shapes. */
function signature(inputs: readonly NamedTensor[]): string {
  return [...inputs]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t) => `${t.name}:${t.dtype}:${t.shape.join("x")}`)
    .join("|");
}

/** Throws ErrInvalidBatch unless every item has the first item's names, dtypes and shapes. */
export function checkSameShapes(items: readonly NamedTensor[][]): void {
  if (items.length < 2) return;
  const first = signature(items[0]);
  for (let i = 1; i < items.length; i++) {
    if (signature(items[i]) !== first)
      throw ErrInvalidBatch.wrap(`item ${i} differs in names, dtypes or shapes from item 0 (items of mixed shapes)`);
  }
}

/** The bytes an executor's commitment hashes for a batch: 0xba | u32be(n) | Merkle root of the item hashes. */
export function canonicalBatch(itemHashes: readonly Uint8Array[]): Uint8Array {
  const root = batchRoot(itemHashes, sha256); // node:crypto (the pure-JS default is for browsers)
  const out = new Uint8Array(5 + root.length);
  out[0] = BATCH_TAG;
  out.set(u32be(itemHashes.length), 1);
  out.set(root, 5);
  return out;
}

/** The Merkle root inside canonicalBatch's bytes. */
export function rootOfCanonicalBatch(canonical: Uint8Array): Uint8Array {
  return canonical.subarray(5);
}

/** Whether the model's specs declare a batch dimension: a symbolic first dim on every input and output. */
export function hasBatchDimension(model: Pick<Model, "inputs" | "outputs">): boolean {
  const all = [...model.inputs, ...model.outputs];
  return all.length > 0 && all.every((s) => s.shape.length > 0 && s.shape[0].symbol !== "");
}
