// Agreement policies of the tensor library (chain/tensor/agreement.ts): exact, tolerance, argmax, topk.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { agrees, closeExact, elementAt, type Policy, topKIndices } from "../../chain/tensor/agreement.ts";
import type { Tensor } from "../../chain/tensor/dtype.ts";

function f32(values: number[], shape = [values.length]): Tensor {
  return { dtype: "float32", shape, data: new Uint8Array(Float32Array.from(values).buffer) };
}
function f64(values: number[], shape = [values.length]): Tensor {
  return { dtype: "float64", shape, data: new Uint8Array(Float64Array.from(values).buffer) };
}
const DEC = 10n ** 18n;
const dec = (x: string) => {
  const [i, f = ""] = x.split(".");
  return BigInt(i) * DEC + BigInt(f.padEnd(18, "0"));
};

describe("agreement policies", () => {
  const exact: Policy = { kind: "exact" };
  const tol: Policy = { kind: "tolerance", abs: dec("0.001"), rel: dec("0.01") };

  it("exact compares bits", () => {
    assert.equal(agrees(exact, { y: f32([1, 2]) }, { y: f32([1, 2]) }), true);
    assert.equal(agrees(exact, { y: f32([1, 2]) }, { y: f32([1, 2.0000002]) }), false);
    assert.equal(agrees(exact, { y: f32([1, 2]) }, { y: f32([1, 2], [2, 1]) }), false);
    assert.equal(agrees(exact, { y: f32([1]) }, { z: f32([1]) }), false);
  });

  it("tolerance decodes IEEE bits exactly", () => {
    assert.deepEqual(elementAt(f32([1.5]), 0), { kind: "finite", m: 12582912n, e: -23 });
    assert.deepEqual(elementAt(f64([-0.25]), 0), { kind: "finite", m: -(1n << 52n), e: -54 });
    assert.equal(elementAt(f32([Number.NaN]), 0).kind, "nan");
    assert.deepEqual(elementAt(f64([-Infinity]), 0), { kind: "inf", negative: true });
  });

  it("tolerance: abs and rel bounds", () => {
    assert.equal(agrees(tol, { y: f64([0]) }, { y: f64([0.001]) }), true);
    assert.equal(agrees(tol, { y: f64([0]) }, { y: f64([0.0011]) }), false);
    assert.equal(agrees(tol, { y: f64([100]) }, { y: f64([101]) }), true); // 1 <= 0.001 + 0.01*101
    assert.equal(agrees(tol, { y: f64([100]) }, { y: f64([102]) }), false);
    assert.equal(agrees(tol, { y: f32([Number.NaN]) }, { y: f32([Number.NaN]) }), true);
    assert.equal(agrees(tol, { y: f32([Number.NaN]) }, { y: f32([1]) }), false);
    assert.equal(agrees(tol, { y: f32([Infinity]) }, { y: f32([Infinity]) }), true);
    assert.equal(agrees(tol, { y: f32([Infinity]) }, { y: f32([-Infinity]) }), false);
  });

  it("tolerance agrees with a float reference on moderate values (property)", () => {
    const v = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(v, v, (a, b) => {
        const ref = Math.abs(a - b) <= 0.001 + 0.01 * Math.max(Math.abs(a), Math.abs(b));
        const margin = Math.abs(Math.abs(a - b) - (0.001 + 0.01 * Math.max(Math.abs(a), Math.abs(b))));
        if (margin < 1e-6 * (1 + Math.abs(a) + Math.abs(b))) return; // too close to the edge for a float reference
        assert.equal(closeExact(elementAt(f64([a]), 0), elementAt(f64([b]), 0), dec("0.001"), dec("0.01")), ref);
      }),
      { numRuns: 1000 },
    );
  });

  it("tolerance is symmetric and reflexive (property)", () => {
    const v = fc.float({ noNaN: false });
    fc.assert(
      fc.property(fc.array(v, { minLength: 1, maxLength: 6 }), fc.array(v, { minLength: 1, maxLength: 6 }), (a, b) => {
        const x = { y: f32(a) };
        const y = { y: f32(b.slice(0, a.length).concat(a.slice(b.length))) };
        assert.equal(agrees(tol, x, y), agrees(tol, y, x));
        assert.equal(agrees(tol, x, x), true);
      }),
    );
  });

  it("argmax and topk per row along the last axis", () => {
    const a = f32([0.1, 0.7, 0.2, 0.5, 0.4, 0.1], [2, 3]);
    const b = f32([0.2, 0.6, 0.2, 0.9, 0.0, 0.1], [2, 3]);
    assert.deepEqual(topKIndices(a, 1), [[1], [0]]);
    assert.equal(agrees({ kind: "argmax" }, { y: a }, { y: b }), true);
    assert.deepEqual(topKIndices(a, 2), [
      [1, 2],
      [0, 1],
    ]);
    assert.deepEqual(topKIndices(b, 2), [
      [0, 1],
      [0, 2],
    ]);
    assert.equal(agrees({ kind: "topk", k: 2 }, { y: a }, { y: b }), false);
    // ties go to the lower index; -0 equals +0; NaN is smallest
    assert.deepEqual(topKIndices(f32([-0, 0, Number.NaN]), 1), [[0]]);
  });

  it("argmax matches a float reference (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true, min: Math.fround(-1e30), max: Math.fround(1e30) }), {
          minLength: 1,
          maxLength: 8,
        }),
        (vals) => {
          const f = Float32Array.from(vals);
          let best = 0;
          for (let i = 1; i < f.length; i++) if (f[i] > f[best]) best = i;
          assert.deepEqual(topKIndices(f32([...f]), 1), [[best]]);
        },
      ),
    );
  });
});
