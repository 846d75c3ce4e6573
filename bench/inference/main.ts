// Inference through the chain vs. directly, in one run (issues 4 and 16): `npm run bench:inference`.
// See bench/README.md ("inference") for the flags, what each figure means and the last measurements.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { sha256Hex } from "../../models/demo.ts";
import { median } from "../stats.ts";
import { parseBenchArgs } from "./args.ts";
import { type ConfigResult, creatorAddress, requestItems, runConfig } from "./config-run.ts";
import { targets } from "./figures.ts";
import { cudaStatus, type GpuFigures, gpuFigures, NO_CUDA, ortCudaProbe } from "./gpu.ts";
import { benchModel } from "./models.ts";
import { printJson, printTable, type Row, targetRows } from "./print.ts";

const round = (x: number, d = 0) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);

/** Medians of one configuration's runs; the ratio is each run's (raw and chain back to back), then the median. */
function summarize(c: ConfigResult, batchItems: number) {
  const med = (f: (i: number) => number) => median(c.rounds.map((_, i) => f(i)));
  const ratios = c.rounds.map((r, i) => r.finalizedItemsPerSec / (c.raw[i].perSec / c.k));
  return {
    kind: c.kind,
    validators: c.validators,
    k: c.k,
    batch_items: batchItems,
    raw_runs_per_s: round(med((i) => c.raw[i].perSec)),
    raw_cpu_ms_per_run: round(
      med((i) => c.raw[i].cpuMs),
      4,
    ),
    raw_batched_items_per_s: c.rawBatched[0] ? round(med((i) => c.rawBatched[i]!.perSec)) : undefined,
    finalized_requests_per_s: round(
      med((i) => c.rounds[i].finalizedPerSec),
      2,
    ),
    finalized_items_per_s: round(
      med((i) => c.rounds[i].finalizedItemsPerSec),
      2,
    ),
    broadcast_tx_per_s: med((i) => c.rounds[i].broadcastPerSec),
    p50_latency_ms: med((i) => c.rounds[i].p50ms),
    p99_latency_ms: med((i) => c.rounds[i].p99ms),
    p50_blocks_from_broadcast: med((i) => c.rounds[i].p50BlocksFromBroadcast),
    p99_blocks_from_broadcast: med((i) => c.rounds[i].p99BlocksFromBroadcast),
    p50_blocks_from_inclusion: med((i) => c.rounds[i].p50BlocksFromInclusion),
    p99_blocks_from_inclusion: med((i) => c.rounds[i].p99BlocksFromInclusion),
    block_interval_ms: med((i) => c.rounds[i].blockIntervalMs),
    max_requests_per_block: med((i) => c.rounds[i].maxRequestsPerBlock),
    node_cpu_ms_per_request: med((i) => c.rounds[i].nodeCpuMsPerRequest),
    node_cpu_ms_per_item: med((i) => c.rounds[i].nodeCpuMsPerItem),
    sandbox_cpu_ms_per_item: med((i) => c.rounds[i].sandboxCpuMsPerItem),
    bench_cpu_ms_per_request: med((i) => c.rounds[i].benchCpuMsPerRequest),
    executor_jobs_per_dispatch: med((i) => c.rounds[i].jobsPerDispatch),
    duty_job_wall_ms_mean: med((i) => c.rounds[i].dutyJobMs),
    msgsend_cpu_ms_per_tx: c.sends.length ? median(c.sends.map((s) => s.nodeCpuMsPerTx)) : undefined,
    msgsend_committed_per_s: c.sends.length ? median(c.sends.map((s) => s.committedPerSec)) : undefined,
    finalized_by_run: c.rounds.map((r) => r.finalized),
    refunded_by_run: c.rounds.map((r) => r.refunded),
    refund_reasons_by_run: c.rounds.map((r) => r.refundReasons),
    finalized_items_per_s_by_run: c.rounds.map((r) => r.finalizedItemsPerSec),
    raw_per_s_by_run: c.raw.map((r) => round(r.perSec)),
    ratio: round(median(ratios), 5),
    ratio_by_run: ratios.map((x) => round(x, 5)),
  };
}

function gpuRows(g: GpuFigures): Row[] {
  const rows: Row[] = [
    [
      "GPU (CUDA) single runs/s vs CPU",
      `${round(g.gpu.perSec)} vs ${round(g.cpu.perSec)} (${round(g.gpu.perSec / g.cpu.perSec, 2)}x)`,
    ],
  ];
  if (g.gpuBatched && g.cpuBatched)
    rows.push([
      "GPU (CUDA) batched items/s vs CPU",
      `${round(g.gpuBatched.perSec)} vs ${round(g.cpuBatched.perSec)} (${round(g.gpuBatched.perSec / g.cpuBatched.perSec, 2)}x)`,
    ]);
  rows.push([
    "CPU vs GPU outputs agree under the policy",
    `${g.agreeing} of ${g.compared} under ${g.policy}; max abs diff ${g.maxAbsDiff.toExponential(2)}, max rel diff ${g.maxRelDiff.toExponential(2)}, argmax ${g.argmaxAgrees ? "same" : "differs"}`,
  ]);
  return rows;
}

async function main() {
  const args = parseBenchArgs(process.argv.slice(2));
  const model = benchModel(args.model);
  const load0 = loadavg()[0];
  const entry = await model.entry(await creatorAddress());
  const bytes = new Uint8Array(readFileSync(model.file));
  if (sha256Hex(bytes) !== entry.id) throw new Error("model file does not match its registry entry");

  // GPU figures come first (in-process only), so a missing CUDA provider is said before the chain starts
  let gpu: GpuFigures | undefined;
  let gpuSkipped: string | undefined;
  if (args.gpu) {
    const status = await cudaStatus(ortCudaProbe, bytes);
    if (status.available) {
      gpu = await gpuFigures(entry, bytes, requestItems(model, args.n, args.batchItems).flat(), {
        n: args.rawN ?? model.rawN,
        batchItems: args.batchItems,
        compare: 32,
      });
    } else {
      gpuSkipped = status.reason;
      process.stdout.write(`${NO_CUDA} (${status.reason})\n`);
    }
  }

  const head: Row[] = [
    ["model", `${model.label}, id ${entry.id.slice(0, 16)}`],
    ["items per request", String(args.batchItems)],
  ];
  if (args.scaling) {
    // the same workload on 1, 2 and 4 validators at k = 1: capacity grows with the validators
    const byValidators: Record<string, ReturnType<typeof summarize>> = {};
    let failed = false;
    for (const v of [1, 2, 4]) {
      const c = await runConfig(args, model, entry, bytes, { validators: v, k: 1, runs: args.runs, sends: 0 });
      failed ||= c.failed;
      byValidators[v] = summarize(c, args.batchItems);
    }
    const rows: Row[] = [...head];
    for (const [v, s] of Object.entries(byValidators)) {
      rows.push([
        `${v} validator(s), k = 1: finalized/s`,
        `${s.finalized_requests_per_s} requests, ${s.finalized_items_per_s} items (runs ${s.finalized_items_per_s_by_run.join(", ")}); raw ${s.raw_runs_per_s}/s; p50 ${s.p50_blocks_from_inclusion} blocks from inclusion; node CPU ${s.node_cpu_ms_per_item} ms/item`,
      ]);
    }
    const grows = byValidators[4].finalized_items_per_s > byValidators[1].finalized_items_per_s;
    rows.push(["finalized/s grows from 1 to 4 validators", grows ? "yes" : "no"]);
    rows.push(["load average 1m (start, end)", `${round(load0, 2)}, ${round(loadavg()[0], 2)}`]);
    if (gpu) rows.push(...gpuRows(gpu));
    printTable(rows);
    printJson({ model: args.model, mode: "scaling", byValidators, grows, gpu, gpuSkipped }, args.json);
    process.exitCode = failed ? 1 : 0;
    return;
  }

  const c = await runConfig(args, model, entry, bytes, {
    validators: args.validators,
    k: args.k,
    runs: args.runs,
    sends: args.sends,
  });
  const s = summarize(c, args.batchItems);
  const ts = targets({
    model: args.model,
    batchItems: args.batchItems,
    k: s.k,
    rawPerSec: s.raw_runs_per_s,
    finalizedRequestsPerSec: s.finalized_requests_per_s,
    finalizedItemsPerSec: s.finalized_items_per_s,
    ratio: s.ratio,
    p50BlocksFromInclusion: s.p50_blocks_from_inclusion,
    nodeCpuMsPerRequest: s.node_cpu_ms_per_request,
    nodeCpuMsPerItem: s.node_cpu_ms_per_item,
    sendCpuMsPerTx: s.msgsend_cpu_ms_per_tx,
  });
  const rows: Row[] = [
    ...head,
    ["chain / validators / k", `${s.kind} / ${s.validators} / ${s.k}`],
    ["session options (node and direct)", `${JSON.stringify(entry.sessionOptions)} on ${c.provider}`],
    ["raw onnxruntime runs/s (direct, 1 session)", `${s.raw_runs_per_s} (${s.raw_cpu_ms_per_run} ms CPU each)`],
  ];
  if (args.batchItems > 1)
    rows.push([
      `raw batched items/s (${args.batchItems} per run)`,
      s.raw_batched_items_per_s === undefined ? "n/a: the batch dim is not dynamic" : String(s.raw_batched_items_per_s),
    ]);
  rows.push(
    [
      "finalized requests/s / items/s",
      `${s.finalized_requests_per_s} / ${s.finalized_items_per_s} (n = ${args.n}, items/s by run ${s.finalized_items_per_s_by_run.join(", ")})`,
    ],
    [
      "refunded requests (reasons)",
      `${s.refunded_by_run.join(", ")} ${JSON.stringify(s.refund_reasons_by_run)}${s.refunded_by_run.some((x) => x > 0) ? " !!! REFUNDS" : ""}`,
    ],
    ["finalized items/s ÷ (raw runs/s ÷ k)", `${s.ratio} (by run ${s.ratio_by_run.join(", ")})`],
    ["broadcast (CheckTx) tx/s", String(s.broadcast_tx_per_s)],
    ["latency broadcast -> finalized p50 / p99", `${s.p50_latency_ms} / ${s.p99_latency_ms} ms`],
    ["  in blocks from broadcast p50 / p99", `${s.p50_blocks_from_broadcast} / ${s.p99_blocks_from_broadcast}`],
    ["  in blocks from inclusion p50 / p99", `${s.p50_blocks_from_inclusion} / ${s.p99_blocks_from_inclusion}`],
    ["block interval / max requests per block", `${s.block_interval_ms} ms / ${s.max_requests_per_block}`],
    [
      "node CPU ms per request / per item",
      `${s.node_cpu_ms_per_request} / ${s.node_cpu_ms_per_item} (sandboxes ${s.sandbox_cpu_ms_per_item} per item, bench ${s.bench_cpu_ms_per_request} per request)`,
    ],
    [
      "node CPU ms per MsgSend (same nodes, same run)",
      s.msgsend_cpu_ms_per_tx === undefined
        ? "not measured (--sends 0)"
        : `${s.msgsend_cpu_ms_per_tx} (${s.msgsend_committed_per_s} tx/s); request ÷ MsgSend ${round(s.node_cpu_ms_per_request / s.msgsend_cpu_ms_per_tx, 2)}x`,
    ],
    [
      "executor jobs per sandbox dispatch / job wall ms",
      `${s.executor_jobs_per_dispatch} / ${s.duty_job_wall_ms_mean} (mean, queue + run)`,
    ],
  );
  if (gpu) rows.push(...gpuRows(gpu));
  rows.push(...targetRows(ts));
  rows.push(["load average 1m (start, end)", `${round(load0, 2)}, ${round(loadavg()[0], 2)}`]);
  printTable(rows);
  printJson(
    {
      model: `${args.model} ${entry.id.slice(0, 12)}`,
      runs: args.runs,
      requests_per_run: args.n,
      block_ms: args.blockMs,
      ...s,
      targets: ts,
      gpu,
      gpuSkipped,
      loadavg_1m: [round(load0, 2), round(loadavg()[0], 2)],
    },
    args.json,
  );
  process.exitCode = c.failed ? 1 : 0;
}

await main();
