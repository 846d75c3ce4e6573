import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { tensorsEqual } from "../../chain/tensor/canonical.ts";
import {
  ConformanceChecker,
  type ConformanceModel,
  defaultSoftwareVersion,
  perTensor,
} from "../../validator/conformance.ts";
import { ErrBadInput } from "../../validator/errors.ts";
import { OnnxExecutor } from "../../validator/executor/onnx-executor.ts";
import type { InferenceExecutor, InferenceJob, Tensor } from "../../validator/executor/types.ts";
import { buildMlpModel } from "../support/mlp-model.ts";
import { fileBytes, loadGolden, MemoryModelStore, OCR_CLS_MODEL_PATH } from "../support/models.ts";

const logger = pino({ level: "silent" });
const exact = perTensor(tensorsEqual);

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

function model(name: string, over: Partial<ConformanceModel> = {}): ConformanceModel {
  const { file, vectors } = loadGolden(name);
  return {
    modelId: file.modelId,
    sessionOptions: file.sessionOptions,
    vectors,
    policy: "exact",
    compare: exact,
    ...over,
  };
}

function flipLowBit(t: Tensor): Tensor {
  const data = new Uint8Array(t.data);
  data[0] ^= 1; // lowest mantissa bit of the first float: a tiny numeric change
  return { ...t, data };
}

describe("ConformanceChecker", () => {
  const store = new MemoryModelStore();
  store.add(buildMlpModel({ inputs: 16, hidden: 32, outputs: 4, seed: 7 }));
  store.add(fileBytes(OCR_CLS_MODEL_PATH));
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
    const m = model("mlp.golden.json");
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
    const m = model("mlp.golden.json");
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
    const good = model("paddleocr-cls.golden.json");
    assert.equal((await checker.run(good)).pass, true);
    const vectors = good.vectors.map((v, i) =>
      i === 1
        ? { ...v, outputs: Object.fromEntries(Object.entries(v.outputs).map(([k, t]) => [k, flipLowBit(t)])) }
        : v,
    );
    const bad = { ...good, vectors };
    const r = await checker.run(bad);
    assert.equal(r.pass, false);
    assert.equal(r.vectors[0].pass, true);
    assert.equal(r.vectors[1].pass, false);
    assert.deepEqual(r.vectors[1].differing, Object.keys(good.vectors[1].outputs));
    assert.ok(r.vectors[1].maxAbsDiff! > 0 && r.vectors[1].maxAbsDiff! < 1e-6, String(r.vectors[1].maxAbsDiff));
    assert.equal(await checker.lastPass(good.modelId), undefined);
    // a tolerant policy accepts the same outputs
    const tolerant = perTensor((e, a) => {
      const x = new Float32Array(e.data.slice().buffer);
      const y = new Float32Array(a.data.slice().buffer);
      return x.length === y.length && x.every((v, i) => Math.abs(v - y[i]) <= 1e-6);
    });
    const ok = await checker.run({ ...bad, policy: "tolerance:1e-6:0", compare: tolerant });
    assert.equal(ok.pass, true);
    assert.deepEqual(ok.vectors[1].differing, Object.keys(good.vectors[1].outputs));
  });

  it("an executor error fails the vector with its code", async () => {
    const checker = new ConformanceChecker({ home }, { executor: ex, logger });
    const m = model("mlp.golden.json");
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
