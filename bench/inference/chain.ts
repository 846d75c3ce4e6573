// One measured round through the chain: pre-signed txs broadcast to the nodes while a follower reads
// every block of node 0; node CPU (all nodes, their executor sandboxes apart) read from /proc around
// the round. Two kinds of round on the same nodes: inference requests (each carrying `items` input
// sets) followed until every request settles, and a MsgSend stream followed until every tx is in a
// block: the per-tx cost a request is compared with.

import { percentile } from "../follow.ts";
import { median } from "../stats.ts";
import type { SignedTx } from "./accounts.ts";
import { broadcast } from "./broadcast.ts";
import { histogram, nodesCpu } from "./cpu.ts";
import { Follower } from "./follower.ts";
import type { BenchNetwork } from "./network.ts";

export interface RoundOptions {
  batch: number;
  concurrency: number;
  timeoutMs: number;
}

export interface RequestRound {
  requests: number;
  items: number;
  finalized: number;
  refunded: number;
  /** refund reason (request_refunded.reason) -> requests */
  refundReasons: Record<string, number>;
  /** finalized requests / (last settlement seen - first broadcast) */
  finalizedPerSec: number;
  finalizedItemsPerSec: number;
  broadcastPerSec: number;
  p50ms: number;
  p99ms: number;
  p50BlocksFromBroadcast: number;
  p99BlocksFromBroadcast: number;
  p50BlocksFromInclusion: number;
  p99BlocksFromInclusion: number;
  blocks: number;
  blockIntervalMs: number;
  maxRequestsPerBlock: number;
  /** CPU of one node (the nodes' total / nodes) per request and per item, ms */
  nodeCpuMsPerRequest: number;
  nodeCpuMsPerItem: number;
  sandboxCpuMsPerItem: number;
  benchCpuMsPerRequest: number;
  jobsPerDispatch: number;
  /** mean wall time of a duty's job on the executor (queue + run), ms */
  dutyJobMs: number;
}

export interface SendRound {
  txs: number;
  committed: number;
  failed: number;
  committedPerSec: number;
  /** CPU of one node per MsgSend, ms */
  nodeCpuMsPerTx: number;
}

const pct = (xs: number[], p: number) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    p,
  );
const round = (x: number, d = 0) => Number(x.toFixed(d));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(net: BenchNetwork, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline && net.exited() === undefined) await sleep(50);
}

export async function requestRound(
  net: BenchNetwork,
  txs: SignedTx[],
  itemsPerRequest: number,
  o: RoundOptions,
): Promise<RequestRound> {
  const n = txs.length;
  const urls = net.nodes.map((x) => x.rpcUrl);
  const metrics = net.nodes.map((x) => x.metricsUrl);
  const pids = net.nodes.map((x) => x.pid);
  const follower = await Follower.fromTip(urls[0], (f) => f.settled.size >= n);
  follower.start();
  const cpu0 = nodesCpu(pids);
  const bench0 = process.cpuUsage();
  const jobs0 = await histogram(metrics, "dgrid_inference_dispatch_jobs");
  const duty0 = await histogram(metrics, "dgrid_inference_duty_job_duration_seconds");
  const t0 = performance.now();
  const sent = await broadcast(txs, urls, o, () => follower.tip);
  const broadcastMs = performance.now() - t0;
  await waitUntil(net, () => follower.settled.size >= n, o.timeoutMs);
  await follower.stop();
  const benchCpu = process.cpuUsage(bench0);
  const cpu1 = nodesCpu(pids);
  const jobs1 = await histogram(metrics, "dgrid_inference_dispatch_jobs");
  const duty1 = await histogram(metrics, "dgrid_inference_duty_job_duration_seconds");

  const lat: number[] = [];
  const fromBroadcast: number[] = [];
  const fromInclusion: number[] = [];
  let last = t0;
  let refunded = 0;
  const refundReasons: Record<string, number> = {};
  for (const [id, d] of follower.settled) {
    if (d.refunded) refundReasons[d.reason ?? "?"] = (refundReasons[d.reason ?? "?"] ?? 0) + 1;
    const hash = follower.idToHash.get(id)!;
    const s = sent.get(hash);
    const inc = follower.created.get(hash)!;
    if (d.refunded) refunded++;
    if (!s) continue;
    lat.push(d.ms - s.ms);
    fromBroadcast.push(d.height - s.height);
    fromInclusion.push(d.height - inc.height);
    last = Math.max(last, d.ms);
  }
  const finalized = follower.settled.size - refunded;
  const lastHeight = Math.max(0, ...[...follower.settled.values()].map((d) => d.height));
  const used = follower.blocks.filter((b) => b.height <= lastHeight);
  const intervals = used.slice(1).map((b, i) => b.time - used[i].time);
  const seconds = (last - t0) / 1000;
  const nodeMs = ((cpu1.node - cpu0.node) * 1000) / net.nodes.length;
  const sandboxMs = ((cpu1.sandboxes - cpu0.sandboxes) * 1000) / net.nodes.length;
  return {
    requests: n,
    items: itemsPerRequest,
    finalized,
    refunded,
    refundReasons,
    finalizedPerSec: round(finalized / seconds, 2),
    finalizedItemsPerSec: round((finalized * itemsPerRequest) / seconds, 2),
    broadcastPerSec: round(n / (broadcastMs / 1000), 1),
    p50ms: round(pct(lat, 50)),
    p99ms: round(pct(lat, 99)),
    p50BlocksFromBroadcast: pct(fromBroadcast, 50),
    p99BlocksFromBroadcast: pct(fromBroadcast, 99),
    p50BlocksFromInclusion: pct(fromInclusion, 50),
    p99BlocksFromInclusion: pct(fromInclusion, 99),
    blocks: used.length,
    blockIntervalMs: round(median(intervals)),
    maxRequestsPerBlock: Math.max(0, ...used.map((b) => b.requests)),
    nodeCpuMsPerRequest: round(nodeMs / n, 3),
    nodeCpuMsPerItem: round(nodeMs / (n * itemsPerRequest), 4),
    sandboxCpuMsPerItem: round(sandboxMs / (n * itemsPerRequest), 4),
    benchCpuMsPerRequest: round((benchCpu.user + benchCpu.system) / 1000 / n, 3),
    jobsPerDispatch: round((jobs1.sum - jobs0.sum) / Math.max(1, jobs1.count - jobs0.count), 2),
    dutyJobMs: round(((duty1.sum - duty0.sum) * 1000) / Math.max(1, duty1.count - duty0.count), 1),
  };
}

export async function sendRound(net: BenchNetwork, txs: SignedTx[], o: RoundOptions): Promise<SendRound> {
  const urls = net.nodes.map((x) => x.rpcUrl);
  const pids = net.nodes.map((x) => x.pid);
  const ours = new Set(txs.map((t) => t.hash));
  let seen = 0;
  const follower = await Follower.fromTip(urls[0], (f) => {
    seen = [...ours].filter((h) => f.txs.has(h)).length;
    return seen >= ours.size;
  });
  follower.start();
  const cpu0 = nodesCpu(pids);
  const t0 = performance.now();
  await broadcast(txs, urls, o, () => follower.tip);
  await waitUntil(net, () => seen >= ours.size, o.timeoutMs);
  await follower.stop();
  const cpu1 = nodesCpu(pids);
  let last = t0;
  let failed = 0;
  let committed = 0;
  for (const h of ours) {
    const t = follower.txs.get(h);
    if (!t) continue;
    committed++;
    if (t.code !== 0) failed++;
    last = Math.max(last, t.ms);
  }
  return {
    txs: txs.length,
    committed,
    failed,
    committedPerSec: round(committed / ((last - t0) / 1000), 1),
    nodeCpuMsPerTx: round(((cpu1.node - cpu0.node) * 1000) / net.nodes.length / txs.length, 3),
  };
}
