// Benchmark (not a test): pre-signed MsgSends from many accounts broadcast with broadcast_tx_sync to one
// local validator; prints committed tx/s, broadcast-to-commit latency, and the native secp256k1 verify
// rate measured in the same run. Usage: node --import tsx bench/tx-throughput.ts [--help]

import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createTestNode, dgridBin, rpcCall, type TestNode, waitForHeight } from "../test/support/node-process.ts";
import { followBlocks, percentile, rpc } from "./follow.ts";
import { type BenchAccount, makeAccounts, type SignedTx, signSend } from "./presign.ts";
import { nativeVerifyRate } from "./verify-rate.ts";

const { values: flags } = parseArgs({
  options: {
    accounts: { type: "string", default: process.env.BENCH_ACCOUNTS ?? "500" },
    "per-account": { type: "string", default: process.env.BENCH_PER_ACCOUNT ?? "10" },
    concurrency: { type: "string", default: process.env.BENCH_CONCURRENCY ?? "32" },
    "block-ms": { type: "string", default: process.env.BENCH_BLOCK_MS ?? "1000" },
    "verify-ms": { type: "string", default: "2000" },
    "timeout-s": { type: "string", default: "120" },
    "cpu-prof": { type: "string" }, // directory: run the node under --cpu-prof, keep the profile there
    keep: { type: "boolean", default: false }, // keep the node's home directory
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(
    "node --import tsx bench/tx-throughput.ts [--accounts 500] [--per-account 10] [--concurrency 32]\n" +
      "  [--block-ms 1000] [--verify-ms 2000] [--timeout-s 120] [--cpu-prof DIR] [--keep]",
  );
  process.exit(0);
}
const nAccounts = Number(flags.accounts);
const perAccount = Number(flags["per-account"]);
const concurrency = Number(flags.concurrency);
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
  const path = join(home, "config", "config.json");
  const cfg = JSON.parse(readFileSync(path, "utf8"));
  cfg.logLevel = "warn";
  cfg.mempool = { ...cfg.mempool, size: Math.max(50_000, totalTxs * 2), cacheSize: Math.max(100_000, totalTxs * 2) };
  cfg.consensus = { ...cfg.consensus, timeoutCommitMs: blockMs };
  writeFileSync(path, JSON.stringify(cfg, null, 2));
}

/** Like TestNode.start(), but can run the node under --cpu-prof (not allowed in NODE_OPTIONS). */
async function startNode(node: TestNode, profDir?: string): Promise<void> {
  const prof = profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : [];
  const child = spawn(process.execPath, [...prof, dgridBin, "start", "--home", node.home], {
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

async function main(): Promise<void> {
  const total = nAccounts * perAccount;
  log(`native secp256k1 verify rate (${flags["verify-ms"]} ms, one core)...`);
  const verifyRate = nativeVerifyRate(Number(flags["verify-ms"]));

  log(`creating node home, ${nAccounts} genesis accounts`);
  const accounts = makeAccounts(nAccounts);
  const node: TestNode = await createTestNode({ chainId: "dgrid-bench-1", timeoutCommitMs: blockMs });
  writeGenesis(node.home, accounts);
  tuneConfig(node.home, total);

  let exitCode = 0;
  try {
    log(`pre-signing ${total} txs offline`);
    const t0 = performance.now();
    // Round-robin by sequence: an account's sequence k+1 is sent ~nAccounts txs after sequence k, long
    // after its CheckTx, so bounded concurrency never reorders one account's txs.
    const txs: SignedTx[] = [];
    const params = { chainId: node.chainId, denom: DENOM, feeAmount: FEE, gasLimit: GAS_LIMIT };
    for (let seq = 0; seq < perAccount; seq++) {
      for (let i = 0; i < nAccounts; i++) {
        txs.push(signSend(accounts[i], accounts[(i + 1) % nAccounts].address, BigInt(seq), params));
      }
    }
    log(`signed in ${((performance.now() - t0) / 1000).toFixed(1)} s; starting node`);

    await startNode(node, flags["cpu-prof"]);

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const gasUsed: number[] = [];
    let committedOk = 0;
    let committedFailed = 0;
    let lastCommit = 0;
    let allCommitted!: () => void;
    const done = new Promise<void>((r) => (allCommitted = r));
    const startHeight = Number((await rpc(node.rpcUrl, "status")).sync_info.latest_block_height);
    const follower = followBlocks(node.rpcUrl, startHeight, (hash, seenAt, code, gas) => {
      const sent = sentAt.get(hash);
      if (sent === undefined) return;
      if (code === 0) {
        committedOk++;
        latencies.push(seenAt - sent);
        gasUsed.push(gas);
      } else committedFailed++;
      lastCommit = Math.max(lastCommit, seenAt);
      if (committedOk + committedFailed === total) allCommitted();
    });

    log(`broadcasting ${total} txs, ${concurrency} in flight`);
    const rejected = new Map<string, number>();
    let nextTx = 0;
    const firstSend = performance.now();
    const worker = async () => {
      while (nextTx < txs.length) {
        const tx = txs[nextTx++];
        sentAt.set(tx.hash, performance.now());
        const r = await rpcCall(node.rpcUrl, "broadcast_tx_sync", { tx: Buffer.from(tx.bytes).toString("base64") });
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
    const broadcastEnd = performance.now();
    const accepted = total - [...rejected.values()].reduce((a, b) => a + b, 0);
    for (const [why, n] of rejected) log(`rejected ${n}x: ${why}`);
    log(
      `broadcast done in ${((broadcastEnd - firstSend) / 1000).toFixed(2)} s (${accepted} accepted); waiting for commits`,
    );

    const target = accepted;
    const timer = setInterval(() => {
      if (committedOk + committedFailed >= target) allCommitted();
    }, 50);
    const timedOut = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs).unref()),
      new Promise<boolean>((r) => {
        const t = setInterval(() => {
          if (committedOk + committedFailed >= target) {
            clearInterval(t);
            r(false);
          }
        }, 50);
      }),
    ]);
    clearInterval(timer);
    await follower.stop();
    if (timedOut) {
      log(`timed out after ${flags["timeout-s"]} s with ${committedOk}/${target} committed`);
      exitCode = 1;
    }

    // Blocks that carried bench txs: from the first to the last such block.
    const used = follower.blocks.filter((b) => b.txs > 0);
    const usedSpan = used.length
      ? follower.blocks.filter((b) => b.height >= used[0].height && b.height <= used[used.length - 1].height)
      : [];
    const deltas: number[] = [];
    for (let i = 1; i < follower.blocks.length; i++)
      deltas.push(follower.blocks[i].headerTime - follower.blocks[i - 1].headerTime);
    deltas.sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    gasUsed.sort((a, b) => a - b);
    const seconds = (lastCommit - firstSend) / 1000;
    const tps = committedOk / seconds;
    const maxPerBlock = Math.max(0, ...follower.blocks.map((b) => b.txs));

    const rows: [string, string][] = [
      ["accounts", String(nAccounts)],
      ["txs signed / accepted by CheckTx", `${total} / ${accepted}`],
      ["txs committed ok / failed in block", `${committedOk} / ${committedFailed}`],
      ["gas used per MsgSend (median)", String(percentile(gasUsed, 50))],
      ["broadcast concurrency", String(concurrency)],
      ["broadcast rate (tx/s accepted)", (accepted / ((broadcastEnd - firstSend) / 1000)).toFixed(0)],
      ["block interval (median header delta, ms)", String(percentile(deltas, 50))],
      ["blocks used (first..last with txs)", `${usedSpan.length} (max ${maxPerBlock} txs/block)`],
      ["first broadcast -> last commit (s)", seconds.toFixed(2)],
      ["committed tx/s", tps.toFixed(0)],
      ["latency p50 broadcast->commit (ms)", percentile(latencies, 50).toFixed(0)],
      ["latency p99 broadcast->commit (ms)", percentile(latencies, 99).toFixed(0)],
      ["native secp256k1 verify/s (1 core)", verifyRate.toFixed(0)],
      ["committed tx/s / verify/s", (tps / verifyRate).toFixed(3)],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    console.log("\nDGrid tx throughput (single validator, 127.0.0.1)");
    for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
    console.log(`JSON ${JSON.stringify(Object.fromEntries(rows))}`);
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
  process.exitCode = exitCode;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
