// Raw inference throughput: the same model and inputs run directly with onnxruntime-node in this
// process and through the OnnxExecutor (sandbox process, queue, validation), in one run.
//   npm run bench:inference-raw -- [--runs 5] [--mlp-n 2000] [--ocr-n 200] [--concurrency 32] [--batch 32]
// For each model and each mode: N inferences per run, R runs interleaved (direct, executor,
// executor batched, then the next run), median inferences/s, the ratio to direct, and the median CPU
// time per inference (this process plus the executor's sandbox processes, from /proc): wall-clock
// rates on a shared machine move with its load; CPU time per inference much less.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import ort from "onnxruntime-node";
import pino from "pino";
import { buildMlpModel, seededFloats } from "../test/support/mlp-model.ts";
import { fileBytes, MemoryModelStore, OCR_CLS_MODEL_PATH, PINNED } from "../test/support/models.ts";
import { OnnxExecutor } from "../validator/executor/onnx-executor.ts";
import type { Tensor } from "../validator/executor/types.ts";
import { median } from "./stats.ts";

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

const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

/** CPU seconds (user + system) used so far by this process and the given child processes. */
function cpuSeconds(pids: number[]): number {
  const own = process.cpuUsage();
  let s = (own.user + own.system) / 1e6;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8");
      const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
      s += (Number(rest[11]) + Number(rest[12])) / CLK_TCK; // fields 14 and 15: utime, stime
    } catch {
      // not Linux, or the process is gone
    }
  }
  return s;
}

/** Runs fn; returns [inferences/s, CPU microseconds per inference (this process + pids)]. */
async function measure(n: number, pids: number[], fn: () => Promise<void>): Promise<[number, number]> {
  const c0 = cpuSeconds(pids);
  const t0 = performance.now();
  await fn();
  const wall = (performance.now() - t0) / 1000;
  return [n / wall, ((cpuSeconds(pids) - c0) / n) * 1e6];
}

function direct(session: ort.InferenceSession, c: Case, inputs: Record<string, Tensor>[]) {
  return measure(c.n, [], async () => {
    for (let i = 0; i < c.n; i++) {
      const feeds: Record<string, ort.Tensor> = {};
      for (const [k, t] of Object.entries(inputs[i])) {
        const data = new Float32Array(t.data.buffer, t.data.byteOffset, t.data.length / 4);
        feeds[k] = new ort.Tensor("float32", data, t.shape);
      }
      await session.run(feeds);
    }
  });
}

function viaExecutor(ex: OnnxExecutor, id: string, c: Case, inputs: Record<string, Tensor>[]) {
  let next = 0;
  const lane = async () => {
    while (next < c.n) {
      const i = next++;
      await ex.run({ requestId: String(i), modelId: id, inputs: inputs[i], sessionOptions: PINNED });
    }
  };
  return measure(c.n, ex.workerPids(), async () => {
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  });
}

const logger = pino({ level: "warn" });
const store = new MemoryModelStore();
// one job per sandbox message (the executor before dispatch batching) vs. the node's default (up to 32 per message)
const perJob = new OnnxExecutor({ maxQueue: 4096, maxDispatchJobs: 1 }, { store, logger });
const single = new OnnxExecutor({ maxQueue: 4096 }, { store, logger });
const batched = new OnnxExecutor({ maxQueue: 4096, maxBatchSize: BATCH }, { store, logger });
await Promise.all([perJob.start(), single.start(), batched.start()]);

const results: Record<string, unknown>[] = [];
for (const c of cases) {
  const id = store.add(c.bytes);
  const session = await ort.InferenceSession.create(c.bytes, { ...PINNED, executionProviders: ["cpu"] });
  const inputs = Array.from({ length: c.n }, (_, i) => c.input(i));
  // warm-up: sessions created, first runs done
  await direct(session, { ...c, n: Math.min(20, c.n) }, inputs);
  await viaExecutor(perJob, id, { ...c, n: Math.min(20, c.n) }, inputs);
  await viaExecutor(single, id, { ...c, n: Math.min(20, c.n) }, inputs);
  await viaExecutor(batched, id, { ...c, n: Math.min(20, c.n) }, inputs);
  const d: [number, number][] = [];
  const p: [number, number][] = [];
  const s: [number, number][] = [];
  const b: [number, number][] = [];
  for (let r = 0; r < RUNS; r++) {
    d.push(await direct(session, c, inputs));
    p.push(await viaExecutor(perJob, id, c, inputs));
    s.push(await viaExecutor(single, id, c, inputs));
    b.push(await viaExecutor(batched, id, c, inputs));
  }
  await session.release();
  const rate = (xs: [number, number][]) => median(xs.map((x) => x[0]));
  const cpu = (xs: [number, number][]) => Math.round(median(xs.map((x) => x[1])));
  const row = {
    model: c.name,
    n: c.n,
    runs: RUNS,
    directPerS: Math.round(rate(d)),
    executorOneJobPerMessagePerS: Math.round(rate(p)),
    executorPerS: Math.round(rate(s)),
    executorBatchedPerS: Math.round(rate(b)),
    ratioOneJobPerMessage: Number((rate(p) / rate(d)).toFixed(3)),
    ratio: Number((rate(s) / rate(d)).toFixed(3)),
    ratioBatched: Number((rate(b) / rate(d)).toFixed(3)),
    cpuUsPerInference: { direct: cpu(d), executorOneJobPerMessage: cpu(p), executor: cpu(s), executorBatched: cpu(b) },
  };
  results.push(row);
  console.log(
    `${c.name.padEnd(26)} direct ${String(row.directPerS).padStart(7)}/s  executor 1 job/msg ${String(row.executorOneJobPerMessagePerS).padStart(7)}/s (x${row.ratioOneJobPerMessage})  executor ${String(row.executorPerS).padStart(7)}/s (x${row.ratio})  batched<=${BATCH} ${String(row.executorBatchedPerS).padStart(7)}/s (x${row.ratioBatched})  CPU us/inference ${row.cpuUsPerInference.direct} / ${row.cpuUsPerInference.executorOneJobPerMessage} / ${row.cpuUsPerInference.executor} / ${row.cpuUsPerInference.executorBatched}`,
  );
}
await Promise.all([perJob.close(), single.close(), batched.close()]);
console.log(
  `JSON ${JSON.stringify({ bench: "inference-raw", concurrency: CONCURRENCY, batch: BATCH, threads: PINNED.intraOpNumThreads, results })}`,
);
