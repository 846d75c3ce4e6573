// Benchmark (not a test): the load of bench/tx-throughput.ts (pre-signed MsgSends from many accounts,
// broadcast_tx_sync with bounded concurrency) against a 4-validator localnet of separate `dgrid start`
// processes on 127.0.0.1 (libp2p gossip, real BFT rounds). Prints committed tx/s, block interval,
// p50/p99 broadcast-to-commit latency and the native secp256k1 verify rate measured in the same run,
// per run and as medians over runs. Usage: node --import tsx bench/localnet-throughput.ts [--help]

import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fromBech32 } from "@cosmjs/encoding";
import { loadConfig, writeConfig } from "../chain/node/config.ts";
import { compareBytes } from "../chain/types/bytes.ts";
import { createTestLocalnet, type TestLocalnet, waitAllHeight } from "../test/support/localnet.ts";
import { rpcCall } from "../test/support/node-process.ts";
import { followBlocks, percentile, rpc, tallyResults } from "./follow.ts";
import { type BenchAccount, makeAccounts, type SignedTx, signSend } from "./presign.ts";
import { median } from "./stats.ts";
import { nativeVerifyRate } from "./verify-rate.ts";

const { values: flags } = parseArgs({
  options: {
    validators: { type: "string", default: "4" },
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "3" },
    accounts: { type: "string", default: process.env.BENCH_ACCOUNTS ?? "500" },
    "per-account": { type: "string", default: process.env.BENCH_PER_ACCOUNT ?? "10" },
    concurrency: { type: "string", default: process.env.BENCH_CONCURRENCY ?? "32" },
    "block-ms": { type: "string", default: process.env.BENCH_BLOCK_MS ?? "1000" },
    "verify-ms": { type: "string", default: "2000" },
    "timeout-s": { type: "string", default: "180" },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(
    "node --import tsx bench/localnet-throughput.ts [--validators 4] [--runs 3] [--accounts 500] [--per-account 10]\n" +
      "  [--concurrency 32] [--block-ms 1000] [--verify-ms 2000] [--timeout-s 180]",
  );
  process.exit(0);
}
const nValidators = Number(flags.validators);
const runs = Number(flags.runs);
const nAccounts = Number(flags.accounts);
const perAccount = Number(flags["per-account"]);
const concurrency = Number(flags.concurrency);
const blockMs = Number(flags["block-ms"]);
const timeoutMs = Number(flags["timeout-s"]) * 1000;
const DENOM = "udgrid";
const GAS_LIMIT = 150_000n;
const FEE = "2000";
const EACH = 1_000_000_000n;

function log(s: string): void {
  process.stderr.write(`[bench] ${s}\n`);
}

/**
 * Adds the bench accounts to a localnet genesis (after its devnet and operator accounts: their account
 * numbers follow, and `accounts[i].accountNumber` is set to match) and returns the new JSON.
 */
function genesisWithAccounts(json: string, accounts: BenchAccount[]): string {
  const g = JSON.parse(json);
  const auth = g.app_state.auth;
  let next: bigint = auth.accounts.reduce(
    (m: bigint, a: any) => (BigInt(a.account_number) >= m ? BigInt(a.account_number) + 1n : m),
    0n,
  );
  for (const a of accounts) {
    a.accountNumber = next++;
    auth.accounts.push({
      "@type": "/cosmos.auth.v1beta1.BaseAccount",
      address: a.address,
      pub_key: null,
      account_number: a.accountNumber.toString(),
      sequence: "0",
    });
    g.app_state.bank.balances.push({ address: a.address, coins: [{ denom: DENOM, amount: EACH.toString() }] });
  }
  g.app_state.bank.balances.sort((x: any, y: any) =>
    compareBytes(fromBech32(x.address, 90).data, fromBech32(y.address, 90).data),
  );
  const supply = g.app_state.bank.supply as { denom: string; amount: string }[];
  const s = supply.find((c) => c.denom === DENOM);
  if (!s) throw new Error("no udgrid supply in the localnet genesis");
  s.amount = (BigInt(s.amount) + EACH * BigInt(accounts.length)).toString();
  return JSON.stringify(g, null, 2);
}

function tuneConfig(home: string, totalTxs: number): void {
  const cfg = loadConfig(home);
  cfg.logLevel = "warn";
  cfg.mempool.size = Math.max(50_000, totalTxs * 2);
  cfg.mempool.cacheSize = Math.max(100_000, totalTxs * 2);
  cfg.consensus.timeoutCommitMs = blockMs;
  writeConfig(home, cfg);
}

interface RunResult {
  accepted: number;
  committedOk: number;
  committedFailed: number;
  tps: number;
  blockIntervalMs: number;
  blocksUsed: number;
  maxPerBlock: number;
  p50: number;
  p99: number;
  verifyRate: number;
  seconds: number;
  timedOut: boolean;
}

/** One run: `txs` broadcast (an account's txs always to the same node, nodes round-robin by account). */
async function oneRun(net: TestLocalnet, txs: { tx: SignedTx; node: number }[]): Promise<RunResult> {
  log(`native secp256k1 verify rate (${flags["verify-ms"]} ms, one core)...`);
  const verifyRate = nativeVerifyRate(Number(flags["verify-ms"]));
  const urls = net.nodes.map((n) => n.rpcUrl);
  const sentAt = new Map<string, number>();
  let lastCommit = 0;
  const startHeight = Number((await rpc(urls[0], "status")).sync_info.latest_block_height);
  const seen = new Map<string, number>();
  const heights = new Set<number>();
  const follower = followBlocks(urls[0], startHeight, (hash, seenAt, height) => {
    if (!sentAt.has(hash) || seen.has(hash)) return;
    seen.set(hash, seenAt);
    heights.add(height);
    lastCommit = Math.max(lastCommit, seenAt);
  });
  log(`broadcasting ${txs.length} txs to ${urls.length} nodes, ${concurrency} in flight`);
  const rejected = new Map<string, number>();
  let nextTx = 0;
  const firstSend = performance.now();
  const worker = async () => {
    while (nextTx < txs.length) {
      const { tx, node } = txs[nextTx++];
      sentAt.set(tx.hash, performance.now());
      const r = await rpcCall(urls[node], "broadcast_tx_sync", { tx: Buffer.from(tx.bytes).toString("base64") });
      const why = r.error
        ? `rpc error ${r.error.message}`
        : r.result.code !== 0
          ? `code ${r.result.code}: ${r.result.log}`
          : "";
      if (why) {
        sentAt.delete(tx.hash);
        rejected.set(why.slice(0, 120), (rejected.get(why.slice(0, 120)) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const accepted = txs.length - [...rejected.values()].reduce((a, b) => a + b, 0);
  for (const [why, n] of rejected) log(`rejected ${n}x: ${why}`);
  log(
    `broadcast done in ${((performance.now() - firstSend) / 1000).toFixed(2)} s (${accepted} accepted); waiting for commits`,
  );
  const deadline = Date.now() + timeoutMs;
  while (seen.size < accepted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const timedOut = seen.size < accepted;
  await follower.stop();
  if (timedOut) log(`timed out with ${seen.size}/${accepted} committed`);
  // results read after the run (several MB of JSON per block; see follow.ts)
  const { ok: committedOk, failed: committedFailed, latencies } = await tallyResults(urls[0], seen, heights, sentAt);
  const used = follower.blocks.filter((b) => b.txs > 0);
  const span = used.length
    ? follower.blocks.filter((b) => b.height >= used[0].height && b.height <= used[used.length - 1].height)
    : [];
  const deltas: number[] = [];
  for (let i = 1; i < span.length; i++) deltas.push(span[i].headerTime - span[i - 1].headerTime);
  deltas.sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  const seconds = (lastCommit - firstSend) / 1000;
  return {
    accepted,
    committedOk,
    committedFailed,
    tps: committedOk / seconds,
    blockIntervalMs: percentile(deltas, 50),
    blocksUsed: span.length,
    maxPerBlock: Math.max(0, ...follower.blocks.map((b) => b.txs)),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    verifyRate,
    seconds,
    timedOut,
  };
}

async function main(): Promise<void> {
  const load = loadavg().map((x) => x.toFixed(2));
  log(`load average at start: ${load.join(" ")}`);
  const accounts = makeAccounts(nAccounts);
  log(`writing a ${nValidators}-validator localnet with ${nAccounts} bench accounts`);
  // the node's default round timeouts (propose 3 s, votes 1 s), not the tests' fast ones: large blocks
  const net = await createTestLocalnet({
    validators: nValidators,
    timeoutCommitMs: blockMs,
    timeoutProposeMs: 3000,
    timeoutVoteMs: 1000,
  });
  let exitCode = 0;
  const results: RunResult[] = [];
  try {
    const genesis = genesisWithAccounts(
      readFileSync(join(net.nodes[0].home, "config", "genesis.json"), "utf8"),
      accounts,
    );
    for (const n of net.nodes) {
      writeFileSync(join(n.home, "config", "genesis.json"), genesis);
      tuneConfig(n.home, nAccounts * perAccount);
    }
    const params = { chainId: net.chainId, denom: DENOM, feeAmount: FEE, gasLimit: GAS_LIMIT };
    log(`pre-signing ${runs} x ${nAccounts * perAccount} txs offline`);
    const signed: { tx: SignedTx; node: number }[][] = [];
    for (let r = 0; r < runs; r++) {
      const txs: { tx: SignedTx; node: number }[] = [];
      // round-robin by sequence, as tx-throughput: one account's sequence k+1 is sent long after k
      for (let k = 0; k < perAccount; k++) {
        const seq = BigInt(r * perAccount + k);
        for (let i = 0; i < nAccounts; i++)
          txs.push({
            tx: signSend(accounts[i], accounts[(i + 1) % nAccounts].address, seq, params),
            node: i % nValidators,
          });
      }
      signed.push(txs);
    }
    log("starting the localnet");
    for (let i = 0; i < net.nodes.length; i++) net.start(i);
    await waitAllHeight(net.nodes, 2, 180_000);
    for (let r = 0; r < runs; r++) {
      log(`run ${r + 1}/${runs}`);
      const res = await oneRun(net, signed[r]);
      if (res.timedOut) exitCode = 1;
      results.push(res);
      console.log(
        `run ${r + 1}: ${res.committedOk}/${res.accepted} committed, ${res.tps.toFixed(0)} tx/s, block interval ${res.blockIntervalMs} ms, ` +
          `${res.blocksUsed} blocks (max ${res.maxPerBlock} txs), p50 ${res.p50.toFixed(0)} ms, p99 ${res.p99.toFixed(0)} ms, verify/s ${res.verifyRate.toFixed(0)}`,
      );
    }
  } finally {
    await net.cleanup();
  }
  if (results.length === 0) {
    process.exitCode = 1;
    return;
  }
  const tps = median(results.map((r) => r.tps));
  const verify = median(results.map((r) => r.verifyRate));
  const rows: [string, string][] = [
    ["validators (separate processes, 127.0.0.1)", String(nValidators)],
    ["runs", String(results.length)],
    ["accounts x txs each per run", `${nAccounts} x ${perAccount}`],
    ["broadcast concurrency (spread over the nodes by account)", String(concurrency)],
    ["committed tx/s (median)", tps.toFixed(0)],
    ["block interval (median header delta, ms, median)", String(median(results.map((r) => r.blockIntervalMs)))],
    ["latency p50 broadcast->commit (ms, median)", median(results.map((r) => r.p50)).toFixed(0)],
    ["latency p99 broadcast->commit (ms, median)", median(results.map((r) => r.p99)).toFixed(0)],
    ["native secp256k1 verify/s (1 core, median)", verify.toFixed(0)],
    ["committed tx/s / verify/s", (tps / verify).toFixed(3)],
    ["load average at start (1/5/15 min)", load.join(" ")],
    [
      "load average at end",
      loadavg()
        .map((x) => x.toFixed(2))
        .join(" "),
    ],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nDGrid localnet tx throughput (${nValidators} validators, 127.0.0.1)`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
  console.log(`JSON ${JSON.stringify(Object.fromEntries(rows))}`);
  process.exitCode = exitCode;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
