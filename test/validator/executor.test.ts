import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { Registry } from "prom-client";
import { CodedError } from "../../chain/errors/errors.ts";
import { agrees, policyToString } from "../../chain/tensor/agreement.ts";
import { tensorsEqual } from "../../chain/tensor/canonical.ts";
import {
  ErrBadInput,
  ErrExecutorClosed,
  ErrModelNotFound,
  ErrModelRuntime,
  ErrProviderUnavailable,
  ErrQueueFull,
  ErrTimeout,
  ErrWorkerCrashed,
} from "../../validator/errors.ts";
import { OnnxExecutor } from "../../validator/executor/onnx-executor.ts";
import type { InferenceJob, Tensor } from "../../validator/executor/types.ts";
import { directRuns } from "../support/make-golden.ts";
import { buildHangModel, buildMlpModel, buildReshapeModel, seededFloats } from "../support/mlp-model.ts";
import {
  fileBytes,
  loadGolden,
  MemoryModelStore,
  OCR_CLS_MODEL_PATH,
  PINNED,
  VAD_MODEL_PATH,
} from "../support/models.ts";

const logger = pino({ level: "silent" });
const MLP = { inputs: 16, hidden: 32, outputs: 4, seed: 7 };

function f32(shape: number[], seed: number): Tensor {
  const v = seededFloats(
    seed,
    shape.reduce((a, b) => a * b, 1),
  );
  return { dtype: "float32", shape, data: new Uint8Array(v.buffer) };
}

function job(modelId: string, inputs: Record<string, Tensor>, requestId = "r"): InferenceJob {
  return { requestId, modelId, inputs, sessionOptions: PINNED };
}

async function rejectsWith(p: Promise<unknown>, registered: { is(e: unknown): boolean }, what: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CodedError, `${what}: not a CodedError: ${e}`);
    assert.ok(registered.is(e), `${what}: wrong code: ${(e as Error).message}`);
    return true;
  });
}

/** The same model run directly with onnxruntime-node in this process. */
async function direct(bytes: Uint8Array, inputs: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  return (await directRuns(bytes, [inputs]))[0];
}

describe("OnnxExecutor", () => {
  const store = new MemoryModelStore();
  const mlpBytes = buildMlpModel(MLP);
  const mlpId = store.add(mlpBytes);
  const vadId = store.add(fileBytes(VAD_MODEL_PATH));
  const ocrId = store.add(fileBytes(OCR_CLS_MODEL_PATH));
  const reshapeId = store.add(buildReshapeModel());
  const hangId = store.add(buildHangModel());
  const registry = new Registry();
  let ex: OnnxExecutor;

  before(async () => {
    ex = new OnnxExecutor({ timeoutMs: 2000, maxQueue: 64 }, { store, logger, registry });
    await ex.start();
  });
  after(async () => {
    await ex.close();
  });

  it("MLP output equals a direct onnxruntime run bit for bit", async () => {
    const inputs = { input: f32([5, 16], 11) };
    const got = await ex.run(job(mlpId, inputs));
    const want = await direct(mlpBytes, inputs);
    assert.deepEqual(Object.keys(got), ["output"]);
    assert.deepEqual(got.output.shape, [5, 4]);
    assert.ok(tensorsEqual(got.output, want.output));
  });

  it("the same inputs twice give identical bytes", async () => {
    const inputs = { input: f32([2, 16], 12) };
    const a = await ex.run(job(mlpId, inputs));
    const b = await ex.run(job(mlpId, inputs));
    assert.ok(tensorsEqual(a.output, b.output));
  });

  it("runs Silero VAD and the PaddleOCR classifier; outputs agree with the committed golden vectors under each model's policy", async () => {
    for (const [name, id] of [
      ["silero-vad.golden.json", vadId],
      ["paddleocr-cls.golden.json", ocrId],
    ] as const) {
      const { file, vectors, policy } = loadGolden(name);
      assert.equal(file.modelId, id, name);
      assert.notEqual(policy.kind, "exact", `${name}: an exact fixture is made where it is compared`);
      for (const [i, v] of vectors.entries()) {
        const got = await ex.run(job(id, v.inputs));
        assert.deepEqual(Object.keys(got).sort(), Object.keys(v.outputs).sort(), name);
        assert.ok(agrees(policy, v.outputs, got), `${name} vector ${i} under ${policyToString(policy)}`);
      }
    }
  });

  it("the MLP (exact) equals, bit for bit, golden outputs made on this machine from the committed inputs", async () => {
    const { file, vectors, policy } = loadGolden("mlp.golden.json");
    assert.equal(file.modelId, mlpId);
    assert.equal(policy.kind, "exact");
    const local = await directRuns(
      mlpBytes,
      vectors.map((v) => v.inputs),
    );
    for (const [i, v] of vectors.entries()) {
      const got = await ex.run(job(mlpId, v.inputs));
      assert.deepEqual(Object.keys(got), ["output"]);
      assert.ok(tensorsEqual(got.output, local[i].output), `vector ${i}`);
      assert.ok(agrees(policy, local[i], got), `vector ${i} under exact`);
    }
  });

  it("refuses inputs that do not match the model with ErrBadInput", async () => {
    await rejectsWith(ex.run(job(mlpId, { input: f32([2, 15], 1) })), ErrBadInput, "wrong dim");
    await rejectsWith(ex.run(job(mlpId, { input: f32([16], 1) })), ErrBadInput, "wrong rank");
    await rejectsWith(ex.run(job(mlpId, {})), ErrBadInput, "missing input");
    await rejectsWith(ex.run(job(mlpId, { input: f32([1, 16], 1), extra: f32([1], 1) })), ErrBadInput, "extra input");
    const asInt: Tensor = { ...f32([1, 16], 1), dtype: "int32" };
    await rejectsWith(ex.run(job(mlpId, { input: asInt })), ErrBadInput, "wrong dtype");
    const short: Tensor = { dtype: "float32", shape: [1, 16], data: new Uint8Array(10) };
    await rejectsWith(ex.run(job(mlpId, { input: short })), ErrBadInput, "short data");
    const { vectors } = loadGolden("silero-vad.golden.json");
    const v = vectors[0].inputs;
    // the symbolic dim "batch" must be the same in input (dim 0) and h (dim 1)
    await rejectsWith(ex.run(job(vadId, { ...v, h: { ...f32([2, 2, 64], 3) } })), ErrBadInput, "batch binding");
    await rejectsWith(ex.run(job("0".repeat(64), {})), ErrModelNotFound, "unknown");
  });

  it("a model that throws at run fails that job only, with ErrModelRuntime; the executor keeps serving", async () => {
    await rejectsWith(ex.run(job(reshapeId, { x: f32([5], 1) })), ErrModelRuntime, "reshape");
    const ok = await ex.run(job(reshapeId, { x: f32([6], 1) }));
    assert.deepEqual(ok.y.shape, [2, 3]);
    const mlp = await ex.run(job(mlpId, { input: f32([1, 16], 2) }));
    assert.deepEqual(mlp.output.shape, [1, 4]);
  });

  it("Silero VAD with a 10-sample input (spec-valid) fails in onnxruntime with ErrModelRuntime (issue 18)", async () => {
    const inputs = {
      input: f32([1, 10], 4),
      sr: { dtype: "int64" as const, shape: [], data: new Uint8Array(BigInt64Array.from([16000n]).buffer) },
      h: { dtype: "float32" as const, shape: [2, 1, 64], data: new Uint8Array(2 * 64 * 4) },
      c: { dtype: "float32" as const, shape: [2, 1, 64], data: new Uint8Array(2 * 64 * 4) },
    };
    const err = await ex.run(job(vadId, inputs)).then(
      () => assert.fail("ran"),
      (e) => e,
    );
    assert.ok(ErrModelRuntime.is(err), String(err));
    assert.match(String(err.message), /Pad/);
    // 512 samples run
    const ok = await ex.run(job(vadId, { ...inputs, input: f32([1, 512], 4) }));
    assert.deepEqual(ok.output.shape, [1, 1]);
  });

  it("a hung native run times out (its worker is killed and replaced); other jobs still run", async () => {
    const hung = ex.run(job(hangId, { x: f32([1], 1) }, "hung"));
    const next = ex.run(job(mlpId, { input: f32([1, 16], 3) }, "next"));
    await rejectsWith(hung, ErrTimeout, "hang");
    const out = await next;
    assert.deepEqual(out.output.shape, [1, 4]);
  });

  it("records metrics in the registry it was given", async () => {
    const text = await registry.metrics();
    assert.match(text, /dgrid_inference_duration_seconds_count\{model="[0-9a-f]{16}",status="ok"\} [1-9]/);
    assert.match(text, /dgrid_inference_queue_depth 0/);
    assert.match(text, /dgrid_inference_errors_total\{code="executor:4"\} [1-9]/);
  });
});

describe("OnnxExecutor queue, batching, determinism, provider", () => {
  const store = new MemoryModelStore();
  const mlpBytes = buildMlpModel(MLP);
  const mlpId = store.add(mlpBytes);
  const ocrId = store.add(fileBytes(OCR_CLS_MODEL_PATH));
  const hangId = store.add(buildHangModel());

  it("rejects with ErrQueueFull when the queue is at its bound", async () => {
    const ex = new OnnxExecutor({ maxQueue: 1, timeoutMs: 600_000, pipeline: 1 }, { store, logger });
    await ex.start();
    const running = ex.run(job(hangId, { x: f32([1], 1) })); // occupies the only worker
    const waiting = ex.run(job(mlpId, { input: f32([1, 16], 1) })); // the one queue slot
    assert.equal(ex.queueDepth, 1);
    await rejectsWith(ex.run(job(mlpId, { input: f32([1, 16], 2) })), ErrQueueFull, "full");
    const closing = ex.close();
    await rejectsWith(waiting, ErrExecutorClosed, "waiting job on close");
    await assert.rejects(running);
    await closing;
    await rejectsWith(ex.run(job(mlpId, { input: f32([1, 16], 2) })), ErrExecutorClosed, "after close");
  });

  it("a worker process that dies under a job: the job is retried once on a fresh worker, then fails", async () => {
    const ex = new OnnxExecutor({ timeoutMs: 600_000 }, { store, logger });
    await ex.start();
    try {
      const [first] = ex.workerPids();
      const hung = ex.run(job(hangId, { x: f32([1], 1) }));
      process.kill(first, "SIGKILL");
      // the retry runs on a new worker process; kill that one too
      let second: number | undefined;
      while (second === undefined) {
        await new Promise((r) => setTimeout(r, 50));
        second = ex.workerPids().find((p) => p !== first);
      }
      process.kill(second, "SIGKILL");
      await rejectsWith(hung, ErrWorkerCrashed, "killed twice");
      const out = await ex.run(job(mlpId, { input: f32([1, 16], 5) }));
      assert.deepEqual(out.output.shape, [1, 4]);
    } finally {
      await ex.close();
    }
  });

  it("batches same-model jobs along dim 0 with outputs bit-identical to unbatched runs", async () => {
    const reg = new Registry();
    const batched = new OnnxExecutor({ maxBatchSize: 8 }, { store, logger, registry: reg });
    const single = new OnnxExecutor({}, { store, logger });
    await Promise.all([batched.start(), single.start()]);
    try {
      for (const [id, mk] of [
        [mlpId, (i: number) => ({ input: f32([1 + (i % 2), 16], 40 + i) })],
        [ocrId, (i: number) => ({ x: f32([1, 3, 48, 64], 60 + i) })],
      ] as const) {
        const inputs = Array.from({ length: 9 }, (_, i) => mk(i));
        const a = await Promise.all(inputs.map((inp, i) => batched.run(job(id, inp, `b${i}`))));
        for (let i = 0; i < inputs.length; i++) {
          const b = await single.run(job(id, inputs[i], `s${i}`));
          for (const k of Object.keys(b)) assert.ok(tensorsEqual(a[i][k], b[k]), `job ${i} output ${k}`);
        }
      }
      const text = await reg.metrics();
      // 9 jobs submitted together per model: the first dispatch takes itself and 7 queued mates, the last runs alone
      assert.match(text, /dgrid_inference_batch_jobs_bucket\{le="8"\} 4/);
      assert.match(text, /dgrid_inference_batch_jobs_bucket\{le="4"\} 2/);
    } finally {
      await Promise.all([batched.close(), single.close()]);
    }
  });

  it("sends queued same-session jobs to the sandbox in one message; each output equals a single run; a failing job fails alone", async () => {
    const reg = new Registry();
    const grouped = new OnnxExecutor({ maxDispatchJobs: 16, pipeline: 1 }, { store, logger, registry: reg });
    const single = new OnnxExecutor({ maxDispatchJobs: 1 }, { store, logger });
    const reshapeId = store.add(buildReshapeModel());
    await Promise.all([grouped.start(), single.start()]);
    try {
      const inputs = Array.from({ length: 20 }, (_, i) => ({ input: f32([1 + (i % 3), 16], 80 + i) }));
      const a = await Promise.all(inputs.map((inp, i) => grouped.run(job(mlpId, inp, `g${i}`))));
      for (let i = 0; i < inputs.length; i++) {
        const b = await single.run(job(mlpId, inputs[i], `s${i}`));
        assert.ok(tensorsEqual(a[i].output, b.output), `job ${i}`);
        assert.ok(tensorsEqual(b.output, (await direct(mlpBytes, inputs[i])).output), `direct ${i}`);
      }
      const text = await reg.metrics();
      // 20 jobs queued at once, pipeline 1: the session's first job alone, then 16, then the other 3
      assert.match(text, /dgrid_inference_dispatch_jobs_count 3/);
      assert.match(text, /dgrid_inference_dispatch_jobs_bucket\{le="1"\} 1/);
      assert.match(text, /dgrid_inference_dispatch_jobs_bucket\{le="8"\} 2/);
      assert.match(text, /dgrid_inference_dispatch_jobs_bucket\{le="16"\} 3/);
      // one message with a job that throws between two good ones: only that job fails
      await grouped.run(job(reshapeId, { x: f32([6], 0) }, "first")); // a session's first job goes alone
      const [ok1, bad, ok2] = await Promise.allSettled([
        grouped.run(job(reshapeId, { x: f32([6], 1) }, "ok1")),
        grouped.run(job(reshapeId, { x: f32([5], 1) }, "bad")),
        grouped.run(job(reshapeId, { x: f32([6], 2) }, "ok2")),
      ]);
      assert.equal(ok1.status, "fulfilled");
      assert.equal(ok2.status, "fulfilled");
      assert.equal(bad.status, "rejected");
      assert.ok(
        ErrModelRuntime.is((bad as PromiseRejectedResult).reason),
        String((bad as PromiseRejectedResult).reason),
      );
    } finally {
      await Promise.all([grouped.close(), single.close()]);
    }
  });

  it("a message with a hung job times out after one job's limit; its jobs run alone again and only the hung one fails", async () => {
    const loopId = store.add(buildHangModel({ tripInput: true }));
    const trip = (n: bigint): Tensor => ({
      dtype: "int64",
      shape: [],
      data: new Uint8Array(BigInt64Array.from([n]).buffer),
    });
    const reg = new Registry();
    const ex = new OnnxExecutor({ timeoutMs: 1500, pipeline: 1 }, { store, logger, registry: reg });
    await ex.start();
    try {
      // a session's first job goes alone and gives the executor its time per job
      assert.deepEqual((await ex.run(job(loopId, { trip: trip(1n), x: f32([1], 1) }, "first"))).y.shape, [1]);
      const all = [1n, 1n << 62n, 1n].map((n, i) => ex.run(job(loopId, { trip: trip(n), x: f32([1], 1) }, `j${i}`)));
      const [a, hung, b] = await Promise.allSettled(all);
      assert.equal(a.status, "fulfilled");
      assert.equal(b.status, "fulfilled");
      assert.equal(hung.status, "rejected");
      assert.ok(ErrTimeout.is((hung as PromiseRejectedResult).reason), String((hung as PromiseRejectedResult).reason));
      const out = await ex.run(job(mlpId, { input: f32([1, 16], 9) }));
      assert.deepEqual(out.output.shape, [1, 4]);
      // messages: first (1), the three together (3), each of them alone (1, 1, 1), the MLP job (1)
      const text = await reg.metrics();
      assert.match(text, /dgrid_inference_dispatch_jobs_count 6/);
      assert.match(text, /dgrid_inference_dispatch_jobs_sum 8/);
    } finally {
      await ex.close();
    }
  });

  it("two executors (separate processes) and different thread counts give identical bytes", async () => {
    const a = new OnnxExecutor({}, { store, logger });
    const b = new OnnxExecutor({}, { store, logger });
    try {
      const inputs = { x: f32([1, 3, 48, 192], 77) };
      const ra = await a.run(job(ocrId, inputs));
      const rb = await b.run({ ...job(ocrId, inputs), sessionOptions: { ...PINNED, intraOpNumThreads: 2 } });
      const k = Object.keys(ra)[0];
      assert.ok(tensorsEqual(ra[k], rb[k]));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("start() with an unavailable CUDA provider fails with ErrProviderUnavailable", async () => {
    const ex = new OnnxExecutor({ provider: "cuda" }, { store, logger });
    await rejectsWith(ex.start(), ErrProviderUnavailable, "cuda");
    await rejectsWith(ex.run(job(mlpId, { input: f32([1, 16], 1) })), ErrExecutorClosed, "after failed start");
    assert.throws(() => new OnnxExecutor({ provider: "tpu" as "cpu" }, { store, logger }), /not available/);
  });
});
