// Pure parts of the inference module: canonical encoding, agreement policies, weighted assignment,
// fee split. Unit and property tests (fast-check).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  agrees,
  closeExact,
  decide,
  elementAt,
  minSupport,
  outputHash,
  type Policy,
  topKIndices,
} from "../../modules/inference/agreement.ts";
import { assignExecutors, type WeightedCandidate } from "../../modules/inference/assignment.ts";
import { canonicalOutput, commitmentHash, type Outputs, type TensorData } from "../../modules/inference/canonical.ts";
import { splitFee } from "../../modules/inference/settlement.ts";

function f32(values: number[], shape = [values.length]): TensorData {
  return { dtype: "float32", shape, data: new Uint8Array(Float32Array.from(values).buffer) };
}
function f64(values: number[], shape = [values.length]): TensorData {
  return { dtype: "float64", shape, data: new Uint8Array(Float64Array.from(values).buffer) };
}
const DEC = 10n ** 18n;
const dec = (x: string) => {
  const [i, f = ""] = x.split(".");
  return BigInt(i) * DEC + BigInt(f.padEnd(18, "0"));
};

describe("canonical output", () => {
  it("does not depend on key order and normalizes bool", () => {
    const a: Outputs = { b: f32([1, 2]), a: { dtype: "bool", shape: [2], data: Uint8Array.from([0, 7]) } };
    const b: Outputs = { a: { dtype: "bool", shape: [2], data: Uint8Array.from([0, 1]) }, b: f32([1, 2]) };
    assert.deepEqual(canonicalOutput(a), canonicalOutput(b));
  });

  it("rejects data of the wrong length", () => {
    assert.throws(() => canonicalOutput({ x: { dtype: "float32", shape: [3], data: new Uint8Array(8) } }));
  });

  it("is injective on random outputs (property)", () => {
    const tensor = fc
      .record({
        dtype: fc.constantFrom("float32", "uint8", "int64") as fc.Arbitrary<"float32" | "uint8" | "int64">,
        n: fc.integer({ min: 0, max: 4 }),
      })
      .chain(({ dtype, n }) =>
        fc
          .uint8Array({
            minLength: n * { float32: 4, uint8: 1, int64: 8 }[dtype],
            maxLength: n * { float32: 4, uint8: 1, int64: 8 }[dtype],
          })
          .map((data): TensorData => ({ dtype, shape: [n], data })),
      );
    const outputs = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), tensor, { maxKeys: 3 });
    fc.assert(
      fc.property(outputs, outputs, (x, y) => {
        const same = Buffer.from(canonicalOutput(x)).equals(Buffer.from(canonicalOutput(y)));
        const names = (o: Outputs) => Object.keys(o).sort();
        const equal =
          JSON.stringify(names(x)) === JSON.stringify(names(y)) &&
          names(x).every(
            (k) =>
              x[k].dtype === y[k].dtype &&
              JSON.stringify(x[k].shape) === JSON.stringify(y[k].shape) &&
              Buffer.from(x[k].data).equals(Buffer.from(y[k].data)),
          );
        assert.equal(same, equal);
      }),
      { numRuns: 300 },
    );
  });

  it("commitment binds request id, validator, salt and output", () => {
    const out = canonicalOutput({ y: f32([1]) });
    const salt = new Uint8Array(32).fill(1);
    const addr = new Uint8Array(20).fill(2);
    const c = commitmentHash(5n, addr, salt, out);
    assert.notDeepEqual(commitmentHash(6n, addr, salt, out), c);
    assert.notDeepEqual(commitmentHash(5n, new Uint8Array(20).fill(3), salt, out), c);
    assert.notDeepEqual(commitmentHash(5n, addr, new Uint8Array(32), out), c);
    assert.notDeepEqual(commitmentHash(5n, addr, salt, canonicalOutput({ y: f32([2]) })), c);
    assert.deepEqual(commitmentHash(5n, addr, salt, out), c);
  });
});

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

  it("decide: largest supporting set, quorum, deterministic tie-break", () => {
    const good = { y: f32([1, 2, 3]) };
    const bad = { y: f32([9, 9, 9]) };
    const c = (id: string, o: Outputs) => ({ id, outputs: o, hash: outputHash(o) });
    const d = decide(exact, [c("v1", good), c("v2", bad), c("v3", good)], 2);
    assert.equal(d.winner, 0);
    assert.deepEqual(d.supporters, ["v1", "v3"]);
    assert.equal(decide(exact, [c("v1", good), c("v2", bad)], 2).winner, undefined);
    // a tie between two singletons is decided by output hash, in any order
    const t1 = decide(exact, [c("v1", good), c("v2", bad)], 1);
    const t2 = decide(exact, [c("v2", bad), c("v1", good)], 1);
    assert.deepEqual(t1.supporters, t2.supporters);
  });

  it("decide does not depend on candidate order (property)", () => {
    const outs = [{ y: f32([1]) }, { y: f32([2]) }, { y: f32([1.001]) }];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 7 }),
        fc.integer(),
        (choice, shift) => {
          const cands = choice.map((o, i) => ({ id: `v${i}`, outputs: outs[o], hash: outputHash(outs[o]) }));
          const rot = Math.abs(shift) % cands.length;
          const other = [...cands.slice(rot), ...cands.slice(0, rot)].reverse();
          const a = decide(tol, cands, 1);
          const b = decide(tol, other, 1);
          assert.deepEqual(a.supporters, b.supporters);
          assert.deepEqual(cands[a.winner!].hash, other[b.winner!].hash);
        },
      ),
    );
  });

  it("minSupport is ceil(k x quorum)", () => {
    assert.equal(minSupport(3, 600_000n), 2);
    assert.equal(minSupport(4, 600_000n), 3);
    assert.equal(minSupport(1, 600_000n), 1);
    assert.equal(minSupport(5, 1_000_000n), 5);
    assert.equal(minSupport(3, 0n), 1);
  });
});

describe("weighted assignment", () => {
  const cands = (weights: number[]): WeightedCandidate[] =>
    weights.map((w, i) => ({ validator: `val${i}`, consAddress: new Uint8Array(20).fill(i), weight: BigInt(w) }));

  it("is deterministic, without replacement, independent of input order (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (weights, k, seed, id) => {
          const c = cands(weights);
          const a = assignExecutors(c, k, seed, id).map((x) => x.validator);
          const b = assignExecutors([...c].reverse(), k, seed, id).map((x) => x.validator);
          assert.deepEqual(a, b);
          assert.equal(new Set(a).size, a.length);
          assert.equal(a.length, Math.min(k, weights.filter((w) => w > 0).length));
          for (const v of a) assert.ok(weights[Number(v.slice(3))] > 0);
        },
      ),
    );
  });

  it("first draw is proportional to weight (statistical, 20000 seeds)", () => {
    const weights = [1, 2, 3, 4, 10];
    const c = cands(weights);
    const counts = new Array(weights.length).fill(0);
    const N = 20_000;
    for (let s = 0; s < N; s++) {
      const seed = new Uint8Array(32);
      new DataView(seed.buffer).setUint32(0, s);
      const [first] = assignExecutors(c, 1, seed, BigInt(s % 7));
      counts[Number(first.validator.slice(3))]++;
    }
    const total = weights.reduce((a, b) => a + b, 0);
    // chi-square with 4 degrees of freedom: 18.47 is the 0.999 quantile
    let chi = 0;
    for (let i = 0; i < weights.length; i++) {
      const exp = (N * weights[i]) / total;
      chi += (counts[i] - exp) ** 2 / exp;
    }
    assert.ok(chi < 18.47, `chi-square ${chi} counts ${counts}`);
  });
});

describe("fee split", () => {
  it("creates and loses nothing (property)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.integer({ min: 0, max: 50 }),
        (fee, c, e, n) => {
          const s = splitFee(fee, c, e, n);
          assert.equal(s.creator + s.executors + s.community, fee);
          assert.ok(s.creator >= 0n && s.executors >= 0n && s.community >= 0n);
          assert.equal(s.executors, s.perExecutor * BigInt(n));
        },
      ),
    );
  });

  it("example", () => {
    assert.deepEqual(splitFee(1000n, 100_000n, 900_000n, 2), {
      creator: 100n,
      perExecutor: 405n,
      executors: 810n,
      community: 90n,
    });
  });
});
