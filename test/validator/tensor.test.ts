import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { tensorsEqual } from "../../chain/tensor/canonical.ts";
import { ErrBadInput } from "../../validator/errors.ts";
import type { Tensor } from "../../validator/executor/types.ts";
import {
  batchSignature,
  concatRows,
  hasBatchDim,
  type ModelMeta,
  splitRows,
  validateInputs,
} from "../../validator/onnx/tensor.ts";

const meta: ModelMeta = {
  inputs: [
    { name: "a", type: "float32", shape: ["batch", 3] },
    { name: "b", type: "int64", shape: ["batch", "n"] },
  ],
  outputs: [{ name: "y", type: "float32", shape: ["batch", 2] }],
};

const tensor = (dtype: Tensor["dtype"], shape: number[], size: number, seed: number): Tensor => ({
  dtype,
  shape,
  data: Uint8Array.from({ length: shape.reduce((x, y) => x * y, 1) * size }, (_, i) => (i * 31 + seed) & 255),
});

const jobArb = (n: number) =>
  fc.record({ rows: fc.integer({ min: 1, max: 4 }), seed: fc.integer({ min: 0, max: 255 }) }).map(({ rows, seed }) => ({
    a: tensor("float32", [rows, 3], 4, seed),
    b: tensor("int64", [rows, n], 8, seed + 1),
  }));

describe("tensor helpers", () => {
  it("split(concat(jobs)) gives back every job's rows (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((n) => fc.array(jobArb(n), { minLength: 1, maxLength: 6 })),
        (jobs) => {
          for (const j of jobs) validateInputs(meta, j);
          const sig = batchSignature(meta, jobs[0]);
          assert.ok(jobs.every((j) => batchSignature(meta, j) === sig));
          const { inputs, rows } = concatRows(meta, jobs);
          // the model's "outputs" here are its inputs, split back
          const parts = splitRows(inputs, rows);
          jobs.forEach((j, i) => {
            assert.ok(tensorsEqual(parts[i].a, j.a));
            assert.ok(tensorsEqual(parts[i].b, j.b));
          });
        },
      ),
    );
  });

  it("validateInputs refuses any change of a fixed dim, rank, dtype or byte length (property)", () => {
    fc.assert(
      fc.property(jobArb(2), fc.integer({ min: 0, max: 3 }), (job, mutation) => {
        const bad = { ...job, a: { ...job.a } };
        if (mutation === 0) bad.a.shape = [job.a.shape[0], 4];
        if (mutation === 1) bad.a.shape = [...job.a.shape, 1];
        if (mutation === 2) bad.a.dtype = "int32";
        if (mutation === 3) bad.a.data = job.a.data.subarray(1);
        assert.throws(
          () => validateInputs(meta, bad),
          (e: unknown) => ErrBadInput.is(e),
        );
      }),
    );
  });

  it("binds a symbolic dim to one value across inputs; knows batch dims", () => {
    const j = { a: tensor("float32", [2, 3], 4, 1), b: tensor("int64", [3, 1], 8, 1) };
    assert.throws(() => validateInputs(meta, j), /batch/);
    assert.equal(hasBatchDim(meta), true);
    assert.equal(hasBatchDim({ ...meta, outputs: [{ name: "y", type: "float32", shape: [1, 2] }] }), false);
    // a malformed input is ErrBadInput naming it, with the tensor library's reason
    const short = { ...j, b: { ...j.b, shape: [2, 1], data: j.b.data.subarray(12) } };
    assert.throws(
      () => validateInputs(meta, short),
      (e: unknown) => ErrBadInput.is(e) && /input b: data has 12 bytes, shape needs 16/.test((e as Error).message),
    );
  });
});
