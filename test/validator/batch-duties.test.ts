// A batched request on the validator side with a real onnxruntime model: the code-generated MLP
// (test/support/mlp-model.ts, input [batch, 16] -> output [batch, 4], a symbolic batch dim). The
// duties run the 16 items as ONE executor run along the batch dimension, commit to the Merkle root of
// the item outcomes, and reveal the items; each item agrees, under a tolerance policy, with a direct
// onnxruntime run of that item alone in this process (never compared bit for bit with a fixture).
// The same batch on a model without a declared batch dim runs item by item.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import pino from "pino";
import { agrees, type Policy } from "../../chain/tensor/agreement.ts";
import { namedFromTensors, tensorsFromNamed } from "../../chain/tensor/canonical.ts";
import { commitmentHash } from "../../modules/inference/commitment.ts";
import type { DutyRequest } from "../../modules/inference/expected-keepers.ts";
import { revealForm } from "../../modules/inference/reveal.ts";
import type { NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { InferenceDuties } from "../../validator/duties.ts";
import { OnnxExecutor } from "../../validator/executor/onnx-executor.ts";
import type { InferenceExecutor, InferenceJob, Tensor } from "../../validator/executor/types.ts";
import { directRuns } from "../support/make-golden.ts";
import { buildMlpModel, seededFloats } from "../support/mlp-model.ts";
import { MemoryModelStore, PINNED } from "../support/models.ts";

const logger = pino({ level: "silent" });
const MLP = { inputs: 16, hidden: 32, outputs: 4, seed: 11 };
const DEC = 10n ** 18n;
// |a - b| <= 1e-5 + 1e-4 x max(|a|, |b|): softmax outputs in [0, 1]
const POLICY: Policy = { kind: "tolerance", abs: DEC / 100_000n, rel: DEC / 10_000n };
const CONS = new Uint8Array(20).fill(7);

function row(seed: number): Tensor {
  return { dtype: "float32", shape: [1, MLP.inputs], data: new Uint8Array(seededFloats(seed, MLP.inputs).buffer) };
}

/** Counts the executor's runs and the rows each one had. */
class CountingExecutor implements InferenceExecutor {
  readonly rows: number[] = [];
  constructor(private readonly inner: InferenceExecutor) {}
  get provider() {
    return this.inner.provider;
  }
  run(job: InferenceJob) {
    this.rows.push(job.inputs.input.shape[0]);
    return this.inner.run(job);
  }
  close() {
    return this.inner.close();
  }
}

function duty(modelId: string, items: NamedTensor[][], batchable: boolean, phase: "commit" | "reveal"): DutyRequest {
  return {
    requestId: 5n,
    modelId,
    inputs: [],
    items,
    batchable,
    sessionOptions: PINNED,
    phase,
    committed: phase === "reveal",
    revealed: false,
    maxOutputBytes: 1 << 20,
  };
}

describe("validator duties: batched requests on onnxruntime", () => {
  const store = new MemoryModelStore();
  const bytes = buildMlpModel(MLP);
  const modelId = store.add(bytes);
  const onnx = new OnnxExecutor({ timeoutMs: 30_000 }, { store, logger });
  after(() => onnx.close());

  for (const batchable of [true, false]) {
    it(`16 items ${batchable ? "in one session.run" : "item by item"}: one Merkle commitment, items equal direct runs under the policy`, async () => {
      const inputs = Array.from({ length: 16 }, (_, i) => row(100 + i));
      const items = inputs.map((x) => namedFromTensors({ input: x }) as NamedTensor[]);
      const executor = new CountingExecutor(onnx);
      const duties = new InferenceDuties({ consAddress: CONS }, { executor, logger });
      duties.onAssigned([duty(modelId, items, batchable, "commit")]);
      await duties.idle();
      assert.deepEqual(executor.rows, batchable ? [16] : Array(16).fill(1));

      const commit = await duties.extension([duty(modelId, items, batchable, "commit")], 1 << 20);
      assert.equal(commit.commitments.length, 1);
      const reveal = await duties.extension([duty(modelId, items, batchable, "reveal")], 1 << 20);
      assert.equal(reveal.reveals.length, 1);
      const rev = reveal.reveals[0];
      assert.equal(rev.items.length, 16);
      assert.deepEqual(rev.outputs, []);
      // the chain's own check of the reveal: the commitment hashes the Merkle root of the items
      const form = revealForm(rev, 16, { maxOutputBytes: 1n << 20n });
      assert.ok(form.ok);
      assert.deepEqual(commitmentHash(5n, CONS, rev.salt, form.canonical), commit.commitments[0].commitment);

      const direct = await directRuns(
        bytes,
        inputs.map((x) => ({ input: x })),
      );
      for (let i = 0; i < 16; i++) {
        const got = tensorsFromNamed(rev.items[i].outputs);
        assert.deepEqual(got.output.shape, [1, MLP.outputs]);
        assert.ok(agrees(POLICY, got, direct[i]), `item ${i} agrees with a direct run`);
      }
      // distinct inputs give distinct outputs: the items were not mixed up
      assert.ok(!agrees(POLICY, tensorsFromNamed(rev.items[0].outputs), direct[1]));
    });
  }

  it("items run one by one take one executor slot each: the executor never has more than maxInFlight jobs", async () => {
    let inFlight = 0;
    let most = 0;
    const seen: string[] = [];
    const executor: InferenceExecutor = {
      provider: "cpu",
      async run(job: InferenceJob) {
        inFlight++;
        most = Math.max(most, inFlight);
        seen.push(job.requestId);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return { output: job.inputs.input };
      },
      close: async () => {},
    };
    const duties = new InferenceDuties({ consAddress: CONS, maxInFlight: 6 }, { executor, logger });
    const items = Array.from({ length: 20 }, (_, i) => namedFromTensors({ input: row(i) }) as NamedTensor[]);
    const single = (id: bigint): DutyRequest => ({
      ...duty(modelId, [], false, "commit"),
      requestId: id,
      items: undefined,
      inputs: items[0],
    });
    duties.onAssigned([
      { ...duty(modelId, items, false, "commit"), requestId: 1n },
      { ...duty(modelId, items, false, "commit"), requestId: 2n },
      single(3n),
    ]);
    await duties.idle();
    assert.equal(most, 6);
    assert.equal(seen.length, 41);
    // FIFO: the second batch and the single request start only when the first batch gives slots back
    assert.deepEqual(seen.slice(0, 6), Array(6).fill("1"));
    assert.equal(seen.lastIndexOf("1") < seen.indexOf("2"), true);
  });
});
