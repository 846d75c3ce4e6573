// How a validator runs one batched request (modules/inference/README.md#batches): as ONE session.run
// along the model's batch dimension when its specs declare one (every input and output with a
// symbolic first dim; the items concatenated along dim 0 and the outputs split back by each item's
// rows), else item by item: up to `concurrency` items (default ITEM_CONCURRENCY) submitted at once, so
// the executor sends them to its sandbox in one message (maxDispatchJobs) instead of one IPC round trip
// per item. When the batched run fails on the input (the executor's bad-input or
// runtime error classes) or its outputs cannot be split back, the items run one by one, so that each
// item gets the outcome every executor reaches for it alone (one bad item never fails the others).
// A failure of this node (timeout, crashed sandbox, missing model) propagates: no commitment.
import type { Outcome } from "../modules/inference/outcome.ts";
import type { Tensor } from "./executor/types.ts";
import { concatRows, type ModelMeta, splitRows } from "./onnx/tensor.ts";

/** items of one batch in the executor at once when they run one by one (its default dispatch group) */
export const ITEM_CONCURRENCY = 32;

export interface BatchRunDeps {
  /** runs one set of inputs on the executor (errors as the executor's CodedErrors) */
  execute(inputs: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  /** one item's outcome on its own (the single-request path: error classes, output size limit) */
  itemOutcome(inputs: Record<string, Tensor>): Promise<Outcome>;
  /** the outcome of outputs already computed (the output size limits; outputs by hash are stored) */
  outputsOutcome(outputs: Record<string, Tensor>): Outcome | Promise<Outcome>;
  /** whether an executor error is the input's fault (an error class) rather than this node's */
  isInputError(e: unknown): boolean;
}

/** The items' outcomes, in item order; `batchable`: the model's specs declare a batch dimension. */
export async function runBatch(
  items: Record<string, Tensor>[],
  batchable: boolean,
  deps: BatchRunDeps,
  concurrency = ITEM_CONCURRENCY,
): Promise<{ outcomes: Outcome[]; runs: number }> {
  const names = Object.keys(items[0] ?? {}).sort();
  // rows of an item: the same first dim on every input (else the inputs cannot be stacked alike)
  const sameRows = names.every(
    (n) => items[0][n].shape.length > 0 && items[0][n].shape[0] === items[0][names[0]].shape[0],
  );
  if (batchable && items.length > 1 && names.length > 0 && sameRows) {
    const meta: ModelMeta = { inputs: names.map((name) => ({ name, type: "", shape: [] })), outputs: [] };
    const { inputs, rows } = concatRows(meta, items);
    let outputs: Record<string, Tensor> | undefined;
    try {
      outputs = await deps.execute(inputs);
    } catch (e) {
      if (!deps.isInputError(e)) throw e;
    }
    let split: Record<string, Tensor>[] | undefined;
    if (outputs) {
      try {
        split = splitRows(outputs, rows);
      } catch {
        // outputs whose first dim is not the batch's: run the items one by one
      }
    }
    if (split) return { outcomes: await Promise.all(split.map((o) => deps.outputsOutcome(o))), runs: 1 };
  }
  const outcomes: Outcome[] = new Array(items.length);
  let next = 0;
  let failed = false; // a failure of this node: the other lanes stop taking items
  const lane = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        outcomes[i] = await deps.itemOutcome(items[i]);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  return { outcomes, runs: items.length };
}
