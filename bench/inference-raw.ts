// Raw inference throughput: the same model and inputs run directly with onnxruntime-node in this
// process and through the OnnxExecutor (sandbox process, queue, validation), in one run.
//   npm run bench:inference-raw -- [--runs 5] [--mlp-n 2000] [--ocr-n 200] [--concurrency 32] [--batch 32]
// For each model and each mode: N inferences per run, R runs interleaved (direct, executor,
// executor batched, then the next run), median inferences/s, and the ratio to direct.
import { parseArgs } from "node:util";
import ort from "onnxruntime-node";
import pino from "pino";
import { buildMlpModel, seededFloats } from "../test/support/mlp-model.ts";
import { fileBytes, MemoryModelStore, OCR_CLS_MODEL_PATH, PINNED } from "../test/support/models.ts";
import { OnnxExecutor } from "../validator/executor/onnx-executor.ts";
import type { Tensor } from "../validator/executor/types.ts";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    "mlp-n": { type: "string", default: "2000" },
    "ocr-n": { type: "string", default: "200" },
    concurrency: { type: "string", default: "32" },
    batch: { type: "string", default: "32" },
  },
});
const RUNS = Number(args.runs);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);

const MLP_SPEC = { inputs: 64, hidden: 256, outputs: 10, seed: 1 };

interface Case {
  name: string;
  bytes: Uint8Array;
  n: number;
  input: (i: number) => Record<string, Tensor>;
}

function f32(shape: number[], seed: number): Tensor {
  const v = seededFloats(
    seed,
    shape.reduce((a, b) => a * b, 1),
  );
  return { dtype: "float32", shape, data: new Uint8Array(v.buffer) };
}

const cases: Case[] = [
  {
    name: `mlp ${MLP_SPEC.inputs}-${MLP_SPEC.hidden}-${MLP_SPEC.outputs}`,
    bytes: buildMlpModel(MLP_SPEC),
    n: Number(args["mlp-n"]),
    input: (i) => ({ input: f32([1, MLP_SPEC.inputs], 1000 + (i % 64)) }),
  },
  {
    name: "paddleocr-cls 1x3x48x192",
    bytes: fileBytes(OCR_CLS_MODEL_PATH),
    n: Number(args["ocr-n"]),
    input: (i) => ({ x: f32([1, 3, 48, 192], 2000 + (i % 16)) }),
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function direct(session: ort.InferenceSession, c: Case, inputs: Record<string, Tensor>[]): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < c.n; i++) {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(inputs[i])) {
      feeds[k] = new ort.Tensor(
        "float32",
        new Float32Array(t.data.buffer, t.data.byteOffset, t.data.length / 4),
        t.shape,
      );
    }
    await session.run(feeds);
  }
  return c.n / ((performance.now() - t0) / 1000);
}

async function viaExecutor(ex: OnnxExecutor, id: string, c: Case, inputs: Record<string, Tensor>[]): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < c.n) {
      const i = next++;
      await ex.run({ requestId: String(i), modelId: id, inputs: inputs[i], sessionOptions: PINNED });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return c.n / ((performance.now() - t0) / 1000);
}

const logger = pino({ level: "warn" });
const store = new MemoryModelStore();
const single = new OnnxExecutor({ maxQueue: 4096 }, { store, logger });
const batched = new OnnxExecutor({ maxQueue: 4096, maxBatchSize: BATCH }, { store, logger });
await Promise.all([single.start(), batched.start()]);

const results: Record<string, unknown>[] = [];
for (const c of cases) {
  const id = store.add(c.bytes);
  const session = await ort.InferenceSession.create(c.bytes, { ...PINNED, executionProviders: ["cpu"] });
  const inputs = Array.from({ length: c.n }, (_, i) => c.input(i));
  // warm-up: sessions created, first runs done
  await direct(session, { ...c, n: Math.min(20, c.n) }, inputs);
  await viaExecutor(single, id, { ...c, n: Math.min(20, c.n) }, inputs);
  await viaExecutor(batched, id, { ...c, n: Math.min(20, c.n) }, inputs);
  const d: number[] = [];
  const s: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    d.push(await direct(session, c, inputs));
    s.push(await viaExecutor(single, id, c, inputs));
    b.push(await viaExecutor(batched, id, c, inputs));
  }
  await session.release();
  const row = {
    model: c.name,
    n: c.n,
    runs: RUNS,
    directPerS: Math.round(median(d)),
    executorPerS: Math.round(median(s)),
    executorBatchedPerS: Math.round(median(b)),
    ratio: Number((median(s) / median(d)).toFixed(3)),
    ratioBatched: Number((median(b) / median(d)).toFixed(3)),
  };
  results.push(row);
  console.log(
    `${c.name.padEnd(26)} direct ${String(row.directPerS).padStart(7)}/s  executor ${String(row.executorPerS).padStart(7)}/s (x${row.ratio})  batched<=${BATCH} ${String(row.executorBatchedPerS).padStart(7)}/s (x${row.ratioBatched})`,
  );
}
await Promise.all([single.close(), batched.close()]);
console.log(
  `JSON ${JSON.stringify({ bench: "inference-raw", concurrency: CONCURRENCY, batch: BATCH, threads: PINNED.intraOpNumThreads, results })}`,
);
