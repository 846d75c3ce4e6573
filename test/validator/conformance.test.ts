import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { policyFromProto } from "../../chain/tensor/agreement.ts";
import {
  ConformanceChecker,
  type ConformanceModel,
  defaultSoftwareVersion,
  failureReason,
  MAX_REASON_BYTES,
  truncateUtf8,
  underPolicy,
} from "../../validator/conformance.ts";
import { ErrBadInput } from "../../validator/errors.ts";
import { OnnxExecutor } from "../../validator/executor/onnx-executor.ts";
import type { InferenceExecutor, InferenceJob, Tensor } from "../../validator/executor/types.ts";
import { parsePolicy } from "../../validator/golden/policy-text.ts";
import { directRuns } from "../support/make-golden.ts";
import { buildMlpModel } from "../support/mlp-model.ts";
import {
  type FixtureName,
  fileBytes,
  loadGolden,
  MemoryModelStore,
  OCR_CLS_MODEL_PATH,
  VAD_MODEL_PATH,
} from "../support/models.ts";

const logger = pino({ level: "silent" });
const MLP_BYTES = buildMlpModel({ inputs: 16, hidden: 32, outputs: 4, seed: 7 });
const policy = (text: string) => underPolicy(policyFromProto(parsePolicy(text)));

/** Counts runs and can pretend to be another provider. */
class CountingExecutor implements InferenceExecutor {
  runs = 0;
  constructor(
    private readonly inner: InferenceExecutor,
    readonly provider: string,
  ) {}
  run(job: InferenceJob) {
    this.runs++;
    return this.inner.run(job);
  }
  close() {
    return Promise.resolve();
  }
}

/**
 * A committed fixture judged under its model's registered policy. For an `exact` model the expected
 * outputs are made here, on the machine that runs the test (bit-exact fixtures from another CPU
 * would fail for reasons that have nothing to do with conformance).
 */
async function model(name: FixtureName, bytes?: Uint8Array): Promise<ConformanceModel> {
  const { file, vectors, policy: p } = loadGolden(name);
  let judged = vectors;
  if (p.kind === "exact") {
    assert.ok(bytes, `${name}: an exact fixture needs the model bytes to be made here`);
    const local = await directRuns(
      bytes,
      vectors.map((v) => v.inputs),
    );
    judged = vectors.map((v, i) => ({ inputs: v.inputs, outputs: local[i] }));
  }
  return { modelId: file.modelId, sessionOptions: file.sessionOptions, vectors: judged, ...underPolicy(p) };
}

/** The vectors with `change` applied to every output of vector `index`. */
function altered(m: ConformanceModel, index: number, change: (t: Tensor) => Tensor): ConformanceModel {
  const vectors = m.vectors.map((v, i) =>
    i === index ? { ...v, outputs: Object.fromEntries(Object.entries(v.outputs).map(([k, t]) => [k, change(t)])) } : v,
  );
  return { ...m, vectors };
}

function flipLowBit(t: Tensor): Tensor {
  const data = new Uint8Array(t.data);
  data[0] ^= 1; // lowest mantissa bit of the first float: one ULP, the size of CPU-to-CPU differences
  return { ...t, data };
}

/** Swaps the first two values of the first row: for a two-class softmax, the other class wins. */
function swapFirstPair(t: Tensor): Tensor {
  const data = new Uint8Array(t.data);
  data.set(t.data.subarray(4, 8), 0);
  data.set(t.data.subarray(0, 4), 4);
  return { ...t, data };
}

/** Adds `delta` to the first float. */
function nudge(delta: number): (t: Tensor) => Tensor {
  return (t) => {
    const v = new Float32Array(t.data.slice().buffer);
    v[0] += delta;
    return { ...t, data: new Uint8Array(v.buffer) };
  };
}

describe("ConformanceChecker", () => {
  const store = new MemoryModelStore();
  store.add(MLP_BYTES);
  store.add(fileBytes(OCR_CLS_MODEL_PATH));
  store.add(fileBytes(VAD_MODEL_PATH));
  let home: string;
  let ex: OnnxExecutor;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), "dgrid-conf-"));
    ex = new OnnxExecutor({}, { store, logger });
    await ex.start();
  });
  after(async () => {
    await ex.close();
    await rm(home, { recursive: true, force: true });
  });

  it("passes golden vectors, records the pass, and skips a re-run in the same environment", async () => {
    const counting = new CountingExecutor(ex, "cpu");
    const checker = new ConformanceChecker({ home }, { executor: counting, logger });
    const m = await model("mlp.golden.json", MLP_BYTES);
    const r = await checker.run(m);
    assert.equal(r.pass, true);
    assert.equal(r.fromRecord, false);
    assert.deepEqual(
      r.vectors.map((v) => v.pass),
      [true, true],
    );
    assert.equal(counting.runs, 2);
    const saved = JSON.parse(await readFile(join(home, "data", "conformance.json"), "utf8"));
    assert.equal(saved.models[m.modelId].softwareVersion, defaultSoftwareVersion());
    assert.equal(saved.models[m.modelId].provider, "cpu");
    assert.match(defaultSoftwareVersion(), /^dgrid\/\d+\.\d+\.\d+ onnxruntime-node\/\d+\.\d+\.\d+$/);

    const again = await checker.check(m);
    assert.deepEqual([again.pass, again.fromRecord, counting.runs], [true, true, 2]);
  });

  it("re-runs when the software version, the provider, the policy or the vectors change", async () => {
    const m = await model("mlp.golden.json", MLP_BYTES);
    const counting = new CountingExecutor(ex, "cpu");
    const newer = new ConformanceChecker({ home, softwareVersion: "dgrid/9.9.9" }, { executor: counting, logger });
    assert.equal(await newer.needsRun(m), true);
    assert.equal((await newer.check(m)).fromRecord, false);
    assert.equal((await newer.check(m)).fromRecord, true);
    const gpu = new ConformanceChecker(
      { home, softwareVersion: "dgrid/9.9.9" },
      { executor: new CountingExecutor(ex, "cuda"), logger },
    );
    assert.equal(await gpu.needsRun(m), true);
    assert.equal(await newer.needsRun({ ...m, policy: "argmax" }), true);
    assert.equal(await newer.needsRun({ ...m, vectors: m.vectors.slice(0, 1) }), true);
    assert.equal(await newer.needsRun({ ...m, sessionOptions: { ...m.sessionOptions, intraOpNumThreads: 2 } }), true);
  });

  it("fails with details when outputs disagree under the policy, and forgets the pass", async () => {
    const checker = new ConformanceChecker({ home }, { executor: ex, logger });
    // the classifier's committed vectors (made on another CPU) under its policy, argmax
    const good = await model("paddleocr-cls.golden.json");
    assert.equal(good.policy, "argmax");
    assert.equal((await checker.run(good)).pass, true);
    assert.ok(await checker.lastPass(good.modelId));

    // a one-ULP change is what another CPU gives: it passes, and the difference is still reported
    const ulp = await checker.run(altered(good, 1, flipLowBit));
    assert.equal(ulp.pass, true);
    assert.deepEqual(ulp.vectors[1].differing, Object.keys(good.vectors[1].outputs));
    assert.ok(ulp.vectors[1].maxAbsDiff! > 0 && ulp.vectors[1].maxAbsDiff! < 1e-6, String(ulp.vectors[1].maxAbsDiff));

    // the other class: wrong under argmax
    const bad = altered(good, 1, swapFirstPair);
    const r = await checker.run(bad);
    assert.equal(r.pass, false);
    assert.equal(r.vectors[0].pass, true);
    assert.equal(r.vectors[1].pass, false);
    assert.deepEqual(r.vectors[1].differing, Object.keys(good.vectors[1].outputs));
    assert.ok(r.vectors[1].maxAbsDiff! > 1e-3, String(r.vectors[1].maxAbsDiff));
    assert.equal(await checker.lastPass(good.modelId), undefined);

    // Silero VAD under its tolerance (abs 1e-4, rel 1e-3): one ULP passes, 1e-2 does not
    const vad = await model("silero-vad.golden.json");
    assert.equal(vad.policy, "tolerance:0.0001:0.001");
    assert.equal((await checker.run(altered(vad, 0, flipLowBit))).pass, true);
    const far = await checker.run(altered(vad, 0, nudge(1e-2)));
    assert.deepEqual(
      far.vectors.map((v) => v.pass),
      [false, true],
    );
    assert.equal(await checker.lastPass(vad.modelId), undefined);

    // exact (outputs made on this machine): one ULP fails; the same vectors pass under a tolerance
    const mlp = await model("mlp.golden.json", MLP_BYTES);
    assert.equal((await checker.run(mlp)).pass, true);
    const off = altered(mlp, 1, flipLowBit);
    const e = await checker.run(off);
    assert.equal(e.pass, false);
    assert.deepEqual(
      e.vectors.map((v) => v.pass),
      [true, false],
    );
    assert.deepEqual(e.vectors[1].differing, ["output"]);
    assert.equal(await checker.lastPass(mlp.modelId), undefined);
    assert.equal((await checker.run({ ...off, ...policy("tolerance:0.000001:0") })).pass, true);
  });

  it("a failure backs off: no re-run before its retry time, doubling up to the cap; a new environment or a pass resets it", async () => {
    let now = 1_000_000;
    const counting = new CountingExecutor(ex, "cpu");
    const own = await mkdtemp(join(tmpdir(), "dgrid-conf-backoff-"));
    after(() => rm(own, { recursive: true, force: true }));
    const opts = { home: own, retryBaseMs: 1000, retryMaxMs: 3000 };
    const checker = new ConformanceChecker(opts, { executor: counting, logger, now: () => now });
    const good = await model("paddleocr-cls.golden.json");
    const bad = altered(good, 1, swapFirstPair);
    const first = await checker.check(bad);
    assert.deepEqual([first.pass, first.fromRecord, first.failures, first.retryAt], [false, false, 1, now + 1000]);
    assert.match(
      first.reason!,
      /^1 of 2 golden vectors failed: vector 1: softmax_0\.tmp_0 disagree under argmax \(max abs diff \d/,
    );
    assert.equal(counting.runs, 2);
    now += 999;
    const waiting = await checker.check(bad);
    assert.deepEqual([waiting.pass, waiting.fromRecord, waiting.reason], [false, true, first.reason]);
    assert.equal(counting.runs, 2, "no run while backing off");
    for (const delay of [2000, 3000, 3000]) {
      now = (await checker.lastFailure(bad.modelId))!.retryAt; // the retry time has come
      const r = await checker.check(bad);
      assert.equal(r.fromRecord, false);
      assert.equal(r.retryAt! - now, delay, "doubling, capped");
    }
    assert.equal(counting.runs, 8);
    assert.equal((await checker.lastFailure(bad.modelId))!.failures, 4);
    // new software: runs at once and starts over
    const upgraded = new ConformanceChecker(
      { ...opts, softwareVersion: "dgrid/9.9.9" },
      { executor: counting, logger, now: () => now },
    );
    const fresh = await upgraded.check(bad);
    assert.deepEqual([fresh.fromRecord, fresh.failures], [false, 1]);
    // vectors that pass clear the failure
    assert.equal((await upgraded.check(good)).pass, true);
    assert.equal(await upgraded.lastFailure(good.modelId), undefined);
    const saved = JSON.parse(await readFile(join(own, "data", "conformance.json"), "utf8"));
    assert.equal(saved.failures[good.modelId], undefined);
  });

  it("failure reasons stay within the registry's bound, whole characters only", () => {
    const long = failureReason(
      [{ index: 0, pass: false, error: { codespace: "executor", code: 4, message: "é".repeat(400) } }],
      "exact",
    );
    assert.ok(new TextEncoder().encode(long).length <= MAX_REASON_BYTES);
    assert.match(long, /^1 of 1 golden vectors failed: vector 0: executor:4 é+\.\.\.$/);
    assert.equal(truncateUtf8("abc", 3), "abc");
  });

  it("an executor error fails the vector with its code", async () => {
    const checker = new ConformanceChecker({ home }, { executor: ex, logger });
    const m = await model("mlp.golden.json", MLP_BYTES);
    const broken = {
      ...m,
      vectors: [{ inputs: { wrong: m.vectors[0].inputs.input }, outputs: m.vectors[0].outputs }],
    };
    const r = await checker.run(broken);
    assert.equal(r.pass, false);
    assert.equal(r.vectors[0].error?.code, ErrBadInput.code);
    assert.equal(r.vectors[0].error?.codespace, ErrBadInput.codespace);
    const none = await checker.run({ ...m, vectors: [] });
    assert.equal(none.pass, false, "no vectors is no evidence");
  });
});
