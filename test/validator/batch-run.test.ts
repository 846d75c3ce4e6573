// runBatch's item-by-item path (validator/batch-run.ts): items go to the executor up to
// ITEM_CONCURRENCY at once (so its sandbox gets them in one message), the outcomes keep item order
// whatever order the runs end in, and a failure of this node stops the batch without starting the rest.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Outcome } from "../../modules/inference/outcome.ts";
import { ITEM_CONCURRENCY, runBatch } from "../../validator/batch-run.ts";
import type { Tensor } from "../../validator/executor/types.ts";

function item(i: number): Record<string, Tensor> {
  return { x: { dtype: "int32", shape: [1], data: new Uint8Array(new Int32Array([i]).buffer) } };
}
const itemNo = (t: Record<string, Tensor>) => new Int32Array(t.x.data.slice().buffer)[0];

function deps(itemOutcome: (inputs: Record<string, Tensor>) => Promise<Outcome>) {
  return {
    execute: async () => assert.fail("not batchable: no stacked run"),
    itemOutcome,
    outputsOutcome: (outputs: Record<string, Tensor>): Outcome => ({ outputs }),
    isInputError: () => false,
  };
}

describe("runBatch item by item", () => {
  it(`runs up to ${ITEM_CONCURRENCY} items at once and returns outcomes in item order`, async () => {
    let inFlight = 0;
    let most = 0;
    const n = 2 * ITEM_CONCURRENCY + 5;
    const { outcomes, runs } = await runBatch(
      Array.from({ length: n }, (_, i) => item(i)),
      false,
      deps(async (inputs) => {
        inFlight++;
        most = Math.max(most, inFlight);
        // later items end first
        await new Promise((r) => setTimeout(r, (n - itemNo(inputs)) % 7));
        inFlight--;
        return { outputs: inputs };
      }),
    );
    assert.equal(runs, n);
    assert.equal(most, ITEM_CONCURRENCY);
    assert.deepEqual(
      outcomes.map((o) => itemNo(o.outputs!)),
      Array.from({ length: n }, (_, i) => i),
    );
  });

  it("a failure of this node rejects the batch and starts no further item", async () => {
    const started: number[] = [];
    const n = 3 * ITEM_CONCURRENCY;
    await assert.rejects(
      runBatch(
        Array.from({ length: n }, (_, i) => item(i)),
        false,
        deps(async (inputs) => {
          const i = itemNo(inputs);
          started.push(i);
          await new Promise((r) => setImmediate(r));
          if (i === 3) throw new Error("sandbox crashed");
          return { outputs: inputs };
        }),
      ),
      /sandbox crashed/,
    );
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(started.length <= ITEM_CONCURRENCY + 4, `started ${started.length} of ${n}`);
  });
});
