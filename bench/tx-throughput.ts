// Benchmark (not a test): pre-signed MsgSends from many accounts broadcast with broadcast_tx_sync to one
// local validator; prints committed tx/s, broadcast-to-commit latency, and the native secp256k1 verify
// rate measured in the same run. Usage: node --import tsx bench/tx-throughput.ts [--help]

import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, writeConfig } from "../chain/node/config.ts";
import { NODE_V8_FLAGS } from "../chain/node/v8-flags.ts";
import { createTestNode, dgridBin, type TestNode, waitForHeight } from "../test/support/node-process.ts";
import { followBlocks, percentile, rpc, tallyResults } from "./follow.ts";
import { type BenchAccount, makeAccounts, type SignedTx, signSend } from "./presign.ts";
import { processCpuSeconds } from "./proc-cpu.ts";
import { median } from "./stats.ts";
import { nativeVerifyRate } from "./verify-rate.ts";

const { values: flags } = parseArgs({
  options: {
    accounts: { type: "string", default: process.env.BENCH_ACCOUNTS ?? "500" },
    "per-account": { type: "string", default: process.env.BENCH_PER_ACCOUNT ?? "20" },
    // txs per account broadcast and committed first, not counted (JIT warm-up of the fresh node)
    "warmup-per-account": { type: "string", default: process.env.BENCH_WARMUP_PER_ACCOUNT ?? "10" },
    concurrency: { type: "string", default: process.env.BENCH_CONCURRENCY ?? "32" },
    batch: { type: "string", default: process.env.BENCH_BATCH ?? "10" }, // txs per JSON-RPC batch request
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "3" },
    "block-ms": { type: "string", default: process.env.BENCH_BLOCK_MS ?? "1000" },
    "verify-ms": { type: "string", default: "2000" },
    "timeout-s": { type: "string", default: "120" },
    // V8 flags for the node process: by default the ones the localnet launcher gives its nodes
    "node-flags": { type: "string", default: process.env.BENCH_NODE_FLAGS ?? NODE_V8_FLAGS.join(" ") },
    "cpu-prof": { type: "string" }, // directory: run the node under --cpu-prof, keep the profile there
    keep: { type: "boolean", default: false }, // keep the node's home directory
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(
    "node --import tsx bench/tx-throughput.ts [--runs 3] [--accounts 500] [--per-account 20] [--warmup-per-account 10]\n" +
      "  [--concurrency 32]" +
      "  [--batch 10] [--block-ms 1000] [--verify-ms 2000] [--timeout-s 120] [--node-flags '--max-semi-space-size=128']\n" +
      "  [--cpu-prof DIR] [--keep]",
  );
  process.exit(0);
}
// the node home comes from test/support (removed at exit unless this is set)
if (flags.keep) process.env.DGRID_KEEP_TEST_DIRS = "1";
const nAccounts = Number(flags.accounts);
const perAccount = Number(flags["per-account"]);
const warmupPerAccount = Math.max(0, Number(flags["warmup-per-account"]));
const concurrency = Number(flags.concurrency);
const batchSize = Math.max(1, Number(flags.batch));
const runs = Math.max(1, Number(flags.runs));
const blockMs = Number(flags["block-ms"]);
const timeoutMs = Number(flags["timeout-s"]) * 1000;
const DENOM = "udgrid";
const GAS_LIMIT = 150_000n;
const FEE = "2000"; // 0.0133udgrid/gas, above the default 0.0025 minimum

function log(s: string): void {
  process.stderr.write(`[bench] ${s}\n`);
}

/** Puts every bench account into genesis directly (one CLI subprocess per account is far too slow). */
function writeGenesis(home: string, accounts: BenchAccount[]): void {
  const path = join(home, "config", "genesis.json");
  const g = JSON.parse(readFileSync(path, "utf8"));
  const each = 1_000_000_000n;
  g.app_state.auth.accounts = accounts.map((a) => ({
    "@type": "/cosmos.auth.v1beta1.BaseAccount",
    address: a.address,
    pub_key: null,
    account_number: a.accountNumber.toString(),
    sequence: "0",
  }));
  g.app_state.bank.balances = accounts
    .map((a) => ({ address: a.address, coins: [{ denom: DENOM, amount: each.toString() }] }))
    .sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
  g.app_state.bank.supply = [{ denom: DENOM, amount: (each * BigInt(accounts.length)).toString() }];
  writeFileSync(path, JSON.stringify(g, null, 2));
}

function tuneConfig(home: string, totalTxs: number): void {
  const cfg = loadConfig(home);
  cfg.logLevel = "warn";
  cfg.mempool.size = Math.max(50_000, totalTxs * 2);
  cfg.mempool.cacheSize = Math.max(100_000, totalTxs * 2);
  cfg.consensus.timeoutCommitMs = blockMs;
  writeConfig(home, cfg);
}

/** Like TestNode.start(), but can run the node under --cpu-prof (not allowed in NODE_OPTIONS). */
async function startNode(node: TestNode, profDir?: string): Promise<void> {
  const prof = profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : [];
  const v8flags = (flags["node-flags"] ?? "").split(" ").filter((f) => f !== "");
  const child = spawn(process.execPath, [...v8flags, ...prof, dgridBin, "start", "--home", node.home], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  node.process = child;
  const keep = (d: unknown) => {
    node.logs.push(String(d));
    if (node.logs.length > 2000) node.logs.splice(0, node.logs.length - 2000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  await waitForHeight(node.rpcUrl, 2, 30_000, () => child.exitCode !== null, node.logs);
}

/** Sends `txs` (at most the server's batch limit) as one JSON-RPC batch of broadcast_tx_sync calls. */
async function broadcastBatch(url: string, txs: SignedTx[]): Promise<string[]> {
  const body = txs.map((tx, i) => ({
    jsonrpc: "2.0",
    id: i,
    method: "broadcast_tx_sync",
    params: { tx: Buffer.from(tx.bytes).toString("base64") },
  }));
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(txs.length === 1 ? body[0] : body),
  });
  const json = await res.json();
  const list: any[] = Array.isArray(json) ? json : [json];
  const byId = new Map(list.map((r) => [r.id, r]));
  return txs.map((_tx, i) => {
    const r = byId.get(i);
    if (!r) return "no response";
    if (r.error) return `rpc error ${r.error.message}: ${r.error.data ?? ""}`;
    return r.result.code !== 0 ? `code ${r.result.code}: ${r.result.log}` : "";
  });
}

/** One run's figures (numbers; NaN where nothing was measured). */
interface RunResult {
  verifyRate: number;
  accepted: number;
  committedOk: number;
  committedFailed: number;
  gasPerSend: number;
  broadcastRate: number;
  blockIntervalMs: number;
  blocksUsed: number;
  maxPerBlock: number;
  seconds: number;
  tps: number;
  p50: number;
  p99: number;
  ratio: number;
  /** node process CPU time (all threads) from first broadcast to last commit, per committed tx */
  nodeCpuMsPerTx: number;
  /** this bench process's CPU time over the same span, per committed tx */
  benchCpuMsPerTx: number;
  /** 1-minute load average at the end of the run */
  load: number;
  timedOut: boolean;
}

/** What one broadcast phase saw: every tx of `txs` broadcast, then followed until committed. */
interface PhaseResult {
  accepted: number;
  /** accepted txs seen in committed blocks, and when (latency), by hash */
  seen: Map<string, number>;
  /** heights that carried this phase's txs */
  heights: Set<number>;
  committedOk: number;
  committedFailed: number;
  gasUsed: number[];
  latencies: number[];
  firstSend: number;
  broadcastEnd: number;
  lastCommit: number;
  nodeCpu: number;
  benchCpu: number;
  timedOut: boolean;
}

/** Per-tx bookkeeping the block follower reports into; one phase at a time. */
interface Tracker {
  sentAt: Map<string, number>;
  phase?: PhaseResult;
}

async function broadcastPhase(node: TestNode, tracker: Tracker, txs: SignedTx[], label: string): Promise<PhaseResult> {
  const r: PhaseResult = {
    accepted: 0,
    seen: new Map(),
    heights: new Set(),
    committedOk: 0,
    committedFailed: 0,
    gasUsed: [],
    latencies: [],
    firstSend: performance.now(),
    broadcastEnd: 0,
    lastCommit: 0,
    nodeCpu: 0,
    benchCpu: 0,
    timedOut: false,
  };
  tracker.sentAt.clear();
  tracker.phase = r;
  log(
    `${label}: broadcasting ${txs.length} txs in JSON-RPC batches of ${batchSize}, ${concurrency} requests in flight`,
  );
  const rejected = new Map<string, number>();
  let nextTx = 0;
  const nodeCpu0 = processCpuSeconds(node.process?.pid);
  const benchCpu0 = process.cpuUsage();
  const worker = async () => {
    while (nextTx < txs.length) {
      const batch = txs.slice(nextTx, nextTx + batchSize);
      nextTx += batch.length;
      const now = performance.now();
      for (const tx of batch) tracker.sentAt.set(tx.hash, now);
      const whys = await broadcastBatch(node.rpcUrl, batch);
      batch.forEach((tx, i) => {
        const why = whys[i].slice(0, 120);
        if (!why) return;
        tracker.sentAt.delete(tx.hash);
        rejected.set(why, (rejected.get(why) ?? 0) + 1);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  r.broadcastEnd = performance.now();
  r.accepted = txs.length - [...rejected.values()].reduce((a, b) => a + b, 0);
  for (const [why, n] of rejected) log(`rejected ${n}x: ${why}`);
  log(
    `${label}: broadcast done in ${((r.broadcastEnd - r.firstSend) / 1000).toFixed(2)} s (${r.accepted} accepted); waiting for commits`,
  );
  r.timedOut = await new Promise<boolean>((resolve) => {
    const deadline = setTimeout(() => {
      clearInterval(poll);
      resolve(true);
    }, timeoutMs);
    const poll = setInterval(() => {
      if (r.seen.size >= r.accepted) {
        clearInterval(poll);
        clearTimeout(deadline);
        resolve(false);
      }
    }, 50);
  });
  r.nodeCpu = processCpuSeconds(node.process?.pid) - nodeCpu0;
  const benchCpuUsage = process.cpuUsage(benchCpu0);
  r.benchCpu = (benchCpuUsage.user + benchCpuUsage.system) / 1e6;
  tracker.phase = undefined;
  if (r.timedOut) log(`${label}: timed out after ${flags["timeout-s"]} s with ${r.seen.size}/${r.accepted} committed`);
  // the results, read once the phase is over (outside the measured CPU and time)
  const tally = await tallyResults(node.rpcUrl, r.seen, r.heights, tracker.sentAt);
  r.committedOk = tally.ok;
  r.committedFailed = tally.failed;
  r.latencies = tally.latencies;
  r.gasUsed = tally.gasUsed;
  return r;
}

/** Signs `perAccount` MsgSends per account with sequences from `fromSeq`, round-robin by sequence. */
function signRound(accounts: BenchAccount[], chainId: string, fromSeq: number, count: number): SignedTx[] {
  // an account's sequence k+1 is sent ~nAccounts txs after sequence k, long after its CheckTx, so
  // bounded concurrency never reorders one account's txs
  const txs: SignedTx[] = [];
  const params = { chainId, denom: DENOM, feeAmount: FEE, gasLimit: GAS_LIMIT };
  for (let seq = fromSeq; seq < fromSeq + count; seq++) {
    for (let i = 0; i < accounts.length; i++) {
      txs.push(signSend(accounts[i], accounts[(i + 1) % accounts.length].address, BigInt(seq), params));
    }
  }
  return txs;
}

async function runOnce(run: number, accounts: BenchAccount[]): Promise<RunResult> {
  const total = nAccounts * perAccount;
  log(`run ${run}: native secp256k1 verify rate (${flags["verify-ms"]} ms, one core)...`);
  const verifyRate = nativeVerifyRate(Number(flags["verify-ms"]));

  log(`run ${run}: creating node home, ${nAccounts} genesis accounts`);
  const node: TestNode = await createTestNode({ chainId: "dgrid-bench-1", timeoutCommitMs: blockMs });
  writeGenesis(node.home, accounts);
  tuneConfig(node.home, total + nAccounts * warmupPerAccount);

  try {
    log(`pre-signing ${nAccounts * warmupPerAccount} warm-up and ${total} measured txs offline`);
    const t0 = performance.now();
    const warmupTxs = signRound(accounts, node.chainId, 0, warmupPerAccount);
    const txs = signRound(accounts, node.chainId, warmupPerAccount, perAccount);
    log(`signed in ${((performance.now() - t0) / 1000).toFixed(1)} s; starting node`);

    await startNode(node, flags["cpu-prof"]);

    const tracker: Tracker = { sentAt: new Map() };
    const startHeight = Number((await rpc(node.rpcUrl, "status")).sync_info.latest_block_height);
    const follower = followBlocks(node.rpcUrl, startHeight, (hash, seenAt, height) => {
      const p = tracker.phase;
      if (!p || !tracker.sentAt.has(hash) || p.seen.has(hash)) return;
      p.seen.set(hash, seenAt);
      p.heights.add(height);
      p.lastCommit = Math.max(p.lastCommit, seenAt);
    });

    // Warm-up: the same load on the fresh node until committed, not counted. A validator runs for days;
    // the first seconds of a new process are spent compiling (V8's optimizing compiler threads took
    // about a third of the node's CPU in the first 8 s of a cold run, perf-measured).
    if (warmupTxs.length > 0) {
      const w = await broadcastPhase(node, tracker, warmupTxs, `run ${run} warm-up`);
      if (w.timedOut) throw new Error("warm-up timed out");
      log(
        `run ${run} warm-up: ${(w.committedOk / ((w.lastCommit - w.firstSend) / 1000)).toFixed(0)} tx/s committed (not counted)`,
      );
    }
    const measuredFrom = follower.blocks.length;
    const r = await broadcastPhase(node, tracker, txs, `run ${run}`);
    await follower.stop();

    // Blocks of the measured phase that carried txs: from the first to the last such block.
    const blocks = follower.blocks.slice(measuredFrom);
    const used = blocks.filter((b) => b.txs > 0);
    const usedSpan = used.length
      ? blocks.filter((b) => b.height >= used[0].height && b.height <= used[used.length - 1].height)
      : [];
    const deltas: number[] = [];
    for (let i = 1; i < blocks.length; i++) deltas.push(blocks[i].headerTime - blocks[i - 1].headerTime);
    deltas.sort((a, b) => a - b);
    r.latencies.sort((a, b) => a - b);
    r.gasUsed.sort((a, b) => a - b);
    const seconds = (r.lastCommit - r.firstSend) / 1000;
    const tps = r.committedOk / seconds;
    return {
      verifyRate,
      accepted: r.accepted,
      committedOk: r.committedOk,
      committedFailed: r.committedFailed,
      gasPerSend: percentile(r.gasUsed, 50),
      broadcastRate: r.accepted / ((r.broadcastEnd - r.firstSend) / 1000),
      blockIntervalMs: percentile(deltas, 50),
      blocksUsed: usedSpan.length,
      maxPerBlock: Math.max(0, ...blocks.map((b) => b.txs)),
      seconds,
      tps,
      p50: percentile(r.latencies, 50),
      p99: percentile(r.latencies, 99),
      ratio: tps / verifyRate,
      nodeCpuMsPerTx: (r.nodeCpu * 1000) / Math.max(1, r.committedOk),
      benchCpuMsPerTx: (r.benchCpu * 1000) / Math.max(1, r.committedOk),
      load: loadavg()[0],
      timedOut: r.timedOut,
    };
  } finally {
    await node.stop();
    if (
      node.process &&
      node.process.exitCode !== 0 &&
      node.process.exitCode !== null &&
      node.process.signalCode === null
    )
      log(`node exited ${node.process.exitCode}:\n${node.logs.join("").slice(-2000)}`);
    if (!flags.keep) rmSync(node.home, { recursive: true, force: true });
    else log(`node home kept at ${node.home}`);
  }
}

async function main(): Promise<void> {
  const total = nAccounts * perAccount;
  const accounts = makeAccounts(nAccounts);
  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    const r = await runOnce(run, accounts);
    results.push(r);
    log(
      `run ${run}: ${r.tps.toFixed(0)} tx/s, p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, ` +
        `verify ${r.verifyRate.toFixed(0)}/s, ratio ${r.ratio.toFixed(3)}, node CPU ${r.nodeCpuMsPerTx.toFixed(2)} ms/tx, ` +
        `bench CPU ${r.benchCpuMsPerTx.toFixed(2)} ms/tx, load ${r.load.toFixed(1)}${r.timedOut ? " (TIMED OUT)" : ""}`,
    );
  }
  const med = (f: (r: RunResult) => number, digits = 0) => median(results.map(f)).toFixed(digits);
  const rows: [string, string][] = [
    ["runs (figures are medians over runs)", String(runs)],
    ["accounts", String(nAccounts)],
    ["warm-up txs first (committed, not counted)", String(nAccounts * warmupPerAccount)],
    ["txs signed / accepted by CheckTx", `${total} / ${med((r) => r.accepted)}`],
    ["txs committed ok / failed in block", `${med((r) => r.committedOk)} / ${med((r) => r.committedFailed)}`],
    ["gas used per MsgSend", med((r) => r.gasPerSend)],
    ["broadcast requests in flight x batch", `${concurrency} x ${batchSize}`],
    ["node V8 flags", flags["node-flags"] || "(none)"],
    ["broadcast rate (tx/s accepted)", med((r) => r.broadcastRate)],
    ["block interval (header delta, ms)", med((r) => r.blockIntervalMs)],
    ["blocks used (first..last with txs)", med((r) => r.blocksUsed)],
    ["max txs in one block", med((r) => r.maxPerBlock)],
    ["first broadcast -> last commit (s)", med((r) => r.seconds, 2)],
    ["committed tx/s", med((r) => r.tps)],
    ["latency p50 broadcast->commit (ms)", med((r) => r.p50)],
    ["latency p99 broadcast->commit (ms)", med((r) => r.p99)],
    ["native secp256k1 verify/s (1 core)", med((r) => r.verifyRate)],
    ["committed tx/s / verify/s (same run)", med((r) => r.ratio, 3)],
    ["node CPU per committed tx (ms, all threads)", med((r) => r.nodeCpuMsPerTx, 2)],
    ["bench client CPU per committed tx (ms)", med((r) => r.benchCpuMsPerTx, 2)],
    ["load average (1 min, end of run)", med((r) => r.load, 1)],
    ["committed tx/s per run", results.map((r) => r.tps.toFixed(0)).join(", ")],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log("\nDGrid tx throughput (single validator, 127.0.0.1)");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
  console.log(`JSON ${JSON.stringify(Object.fromEntries(rows))}`);
  process.exitCode = results.some((r) => r.timedOut) ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
