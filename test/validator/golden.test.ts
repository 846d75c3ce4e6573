// validator/golden's pure parts: policy text, ULP distances, the policy a calibration suggests, the
// golden file reader, seeded inputs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { policyFromProto } from "../../chain/tensor/agreement.ts";
import type { Tensor } from "../../chain/tensor/dtype.ts";
import { tensorToJson } from "../../chain/tensor/json.ts";
import { ceilPow10, suggestPolicy } from "../../validator/golden/calibrate.ts";
import { diffTensors, looksLikeClassScores, NO_DIFF } from "../../validator/golden/diff.ts";
import { parseGoldenFile, parseInputSets } from "../../validator/golden/format.ts";
import { formatPolicy, parsePolicy, policyText } from "../../validator/golden/policy-text.ts";
import { randomInputs } from "../../validator/golden/random.ts";

const f32 = (shape: number[], v: number[]): Tensor => ({
  dtype: "float32",
  shape,
  data: new Uint8Array(Float32Array.from(v).buffer),
});

describe("validator/golden", () => {
  it("policy text round-trips through the proto and the decoded policy", () => {
    for (const t of [
      "exact",
      "argmax",
      "topk:5",
      "tolerance:0.0001:0.001",
      "tolerance:1:0",
      "tolerance:0.000000000000000001:2.5",
    ]) {
      assert.equal(formatPolicy(parsePolicy(t)), t);
      assert.equal(policyText(policyFromProto(parsePolicy(t))), t);
    }
    assert.equal(formatPolicy(parsePolicy("tolerance:0.00010:1.0")), "tolerance:0.0001:1");
  });

  it("ceilPow10 rounds up to a power of ten within LegacyDec's 18 places", () => {
    assert.equal(ceilPow10(0), "0");
    assert.equal(ceilPow10(3.58e-6), "0.00001");
    assert.equal(ceilPow10(1e-5), "0.00001");
    assert.equal(ceilPow10(2), "10");
    assert.equal(ceilPow10(1e-30), "0.000000000000000001");
  });

  it("diffTensors counts ULPs across zero and reports the top class", () => {
    const a = f32([1, 3], [0.25, 0.5, 0.25]);
    const next = new Float32Array([0.25, 0.5, 0.25]);
    new Uint32Array(next.buffer)[1] += 3; // 0.5 plus three ULPs
    const d = diffTensors(a, { ...a, data: new Uint8Array(next.buffer) });
    assert.equal(d.identical, false);
    assert.equal(d.maxUlp, 3);
    assert.ok(d.maxAbsDiff > 0 && d.maxAbsDiff < 1e-6);
    assert.equal(d.argmaxAgrees, true);
    const tiny = new Float32Array(new Uint32Array([0x00000001, 0x80000001]).buffer); // +min, -min subnormal
    const zero = f32([2], [0, 0]);
    assert.equal(diffTensors(zero, { ...zero, data: new Uint8Array(tiny.buffer) }).maxUlp, 1);
    assert.equal(diffTensors(f32([1, 2], [0.6, 0.4]), f32([1, 2], [0.4, 0.6])).argmaxAgrees, false);
    assert.equal(diffTensors(f32([1, 2], [0.6, 0.4]), f32([2, 1], [0.6, 0.4])).sameLayout, false);
    assert.equal(diffTensors(f32([1], [1]), f32([1], [Number.NaN])).nonFinite, true);
    assert.equal(looksLikeClassScores(f32([2, 2], [0.6, 0.4, 0.1, 0.9])), true);
    assert.equal(looksLikeClassScores(f32([1, 2], [1.6, -0.6])), false);
    assert.equal(looksLikeClassScores(f32([2, 1], [1, 1])), false);
  });

  it("suggests exact, argmax or a tolerance with margin from the measured differences", () => {
    const ref = [{ y: f32([1, 2], [3, -1]) }];
    assert.equal(suggestPolicy({ y: { ...NO_DIFF } }, ref, 9).policy, "exact");
    const measured = { ...NO_DIFF, identical: false, maxAbsDiff: 3.6e-7, maxRelDiff: 8e-7, maxUlp: 12 };
    const tol = suggestPolicy({ y: measured }, ref, 9);
    assert.equal(tol.policy, "tolerance:0.00001:0.00001");
    assert.match(tol.reason, /3\.60e-7 absolute, 8\.00e-7 relative, 12 ULP/);
    // the relative part is capped at 1%
    assert.equal(suggestPolicy({ y: { ...measured, maxRelDiff: 0.5 } }, ref, 9).policy, "tolerance:0.00001:0.01");
    const scores = [{ p: f32([1, 2], [0.7, 0.3]) }];
    assert.equal(suggestPolicy({ p: measured }, scores, 9).policy, "argmax");
    assert.match(suggestPolicy({ p: { ...measured, argmaxAgrees: false } }, scores, 9).policy, /^tolerance:/);
    assert.equal(suggestPolicy({ y: { ...measured, nonFinite: true } }, ref, 9).policy, "");
  });

  it("reads golden files and input files, naming what is wrong", () => {
    const t = tensorToJson(f32([1, 2], [1, 2]));
    const set = parseGoldenFile({
      modelId: "ab".repeat(32),
      policy: "tolerance:0.0001:0.001",
      vectors: [{ inputs: { x: t }, outputs: { y: t } }],
    });
    assert.equal(set.policy?.text, "tolerance:0.0001:0.001");
    assert.equal(set.policy?.policy.kind, "tolerance");
    assert.deepEqual(set.vectors[0].inputs.x.shape, [1, 2]);
    assert.throws(() => parseGoldenFile([]), /golden file: expected \{"vectors"/);
    assert.throws(() => parseGoldenFile({ vectors: [] }), /no vectors/);
    assert.throws(
      () => parseGoldenFile({ vectors: [{ inputs: { x: { dtype: "f32", shape: [1], data: [1] } }, outputs: {} }] }),
      /vector 0 inputs x: unknown dtype "f32"/,
    );
    assert.throws(() => parseGoldenFile({ modelId: "xyz", vectors: [{ inputs: {}, outputs: {} }] }), /modelId must be/);
    assert.throws(
      () => parseGoldenFile({ policy: "close", vectors: [{ inputs: {}, outputs: {} }] }),
      /invalid policy "close"/,
    );
    assert.throws(
      () =>
        parseGoldenFile({ sessionOptions: { graphOptimizationLevel: "max" }, vectors: [{ inputs: {}, outputs: {} }] }),
      /sessionOptions must be/,
    );
    assert.equal(parseInputSets({ x: t }).length, 1);
    assert.equal(parseInputSets([{ x: t }, { x: t }]).length, 2);
    assert.equal(parseInputSets({ vectors: [{ inputs: { x: t }, outputs: {} }] }).length, 1);
    assert.throws(() => parseInputSets([]), /no input sets/);
  });

  it("random inputs are deterministic per seed, shaped by the specs and dims, in each dtype's range", () => {
    const specs = [
      { name: "x", type: "float32", shape: ["batch", 4] as (string | number | null)[] },
      { name: "n", type: "int64", shape: [] as (string | number | null)[] },
      { name: "m", type: "bool", shape: [null, 3] as (string | number | null)[] },
    ];
    const a = randomInputs(specs, { count: 2, seed: 7, dims: { batch: 3 } });
    const b = randomInputs(specs, { count: 2, seed: 7, dims: { batch: 3 } });
    assert.deepEqual(a, b);
    assert.notDeepEqual(randomInputs(specs, { count: 2, seed: 8, dims: { batch: 3 } }), a);
    assert.deepEqual(a[0].x.shape, [3, 4]);
    assert.deepEqual(a[0].n.shape, []);
    assert.deepEqual(a[0].m.shape, [1, 3]);
    assert.ok(new Float32Array(a[0].x.data.slice().buffer).every((v) => v >= -1 && v < 1));
    const n = new BigInt64Array(a[1].n.data.slice().buffer)[0];
    assert.ok(n >= 0n && n < 10n);
    assert.ok(a[0].m.data.every((v) => v === 0 || v === 1));
    assert.throws(() => randomInputs([{ name: "h", type: "float16", shape: [1] }], { count: 1, seed: 1 }), /float16/);
    assert.throws(() => randomInputs(specs, { count: 0, seed: 1 }), />= 1/);
  });
});
