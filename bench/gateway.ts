// Benchmark (not a test): one inference paid through the x402 gateway beside the same inference
// requested directly with CosmJS, in one run against one devnet node (the demo MLP, 1x16 input).
//   gateway: `dgrid gateway` as a child process; each call is @x402/fetch's wrapFetchWithPayment with
//            createDGridX402Client: POST (402), sign, POST again with PAYMENT-SIGNATURE; the gateway
//            verifies (incl. the chain's Simulate), broadcasts, waits for inclusion and the result.
//   direct:  sign + broadcast MsgRequestInference (same gas and fee as the gateway's terms, no
//            simulation), wait for inclusion, poll the result: what a CosmJS agent does itself.
// Both poll every 250 ms (the gateway's inclusion and result polls; the direct client's broadcast and
// result polls). Calls are sequential (one account); each round runs both sides, order alternating.
// Prints p50/p99 latency per side, the gateway/direct ratios, and the gateway process's CPU ms per
// call (from /proc/<pid>/stat) as medians over the rounds.
// Usage: node --import tsx bench/gateway.ts [--n 10] [--rounds 3] [--block-ms 200] [--json PATH] [--keep]

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { wrapFetchWithPayment } from "@x402/fetch";
import { devnetWallet } from "../app/devnet.ts";
import { DGridClient, RequestStatus, type SigningDGridClient } from "../client/index.ts";
import { createDGridX402Client } from "../client/x402.ts";
import { DEMO_MODEL_PATH, DEMO_PRICE, sha256Hex } from "../models/demo.ts";
import { startDevnetNode } from "../test/support/devnet-node.ts";
import { seededFloats } from "../test/support/mlp-model.ts";
import { dgridBin, freePort } from "../test/support/node-process.ts";
import { percentile } from "./follow.ts";
import { processCpuSeconds } from "./proc-cpu.ts";
import { median } from "./stats.ts";

const { values: flags } = parseArgs({
  options: {
    n: { type: "string", default: "10" }, // calls per side per round
    rounds: { type: "string", default: "3" },
    "block-ms": { type: "string", default: "200" }, // the node's timeout_commit
    json: { type: "string" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log("node --import tsx bench/gateway.ts [--n 10] [--rounds 3] [--block-ms 200] [--json PATH] [--keep]");
  process.exit(0);
}
if (flags.keep) process.env.DGRID_KEEP_TEST_DIRS = "1";
const positive = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
};
const N = positive("n", flags.n);
const ROUNDS = positive("rounds", flags.rounds);
const BLOCK_MS = positive("block-ms", flags["block-ms"]);
const GAS = 400_000;
const GAS_PRICE = "0.025udgrid";
const MODEL_ID = sha256Hex(new Uint8Array(readFileSync(DEMO_MODEL_PATH)));

const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "-";

/** The demo MLP's input for call i: 16 seeded floats, so no two txs are alike. */
const inputOf = (i: number) => ({ dtype: "float32", shape: [1, 16], data: Array.from(seededFloats(7000 + i, 16)) });

async function startGatewayProcess(rpcUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [dgridBin, "gateway", "--node", rpcUrl, "--laddr", `tcp://127.0.0.1:${port}`, "--log-level", "warn"];
  const child = spawn(process.execPath, [...args, "--gas", String(GAS), "--gas-price", GAS_PRICE, "--timeout", "60"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dgrid gateway exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/supported`)).ok) return { child, url };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("dgrid gateway did not answer within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface SideRound {
  latenciesMs: number[];
  gatewayCpuS: number;
}

async function main(): Promise<void> {
  const load0 = loadavg()[0];
  log(`starting a devnet node (timeout_commit ${BLOCK_MS} ms)`);
  const node = await startDevnetNode({ timeoutCommitMs: BLOCK_MS });
  let gateway: ChildProcess | undefined;
  const stop = async () => {
    gateway?.kill("SIGTERM");
    await node.stop();
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => void stop().finally(() => process.exit(1)));
  let direct: SigningDGridClient | undefined;
  const sides: Record<"gateway" | "direct", SideRound[]> = { gateway: [], direct: [] };
  try {
    const started = await startGatewayProcess(node.rpcUrl);
    gateway = started.child;
    const signer = await devnetWallet("user");
    const paying = wrapFetchWithPayment(fetch, createDGridX402Client(signer, { rpcUrl: node.rpcUrl }));
    direct = await DGridClient.connectWithSigner(node.rpcUrl, signer, { broadcastPollIntervalMs: 250 });
    const directClient = direct;
    const txFee = { amount: [{ denom: "udgrid", amount: String(Math.ceil(GAS * 0.025)) }], gas: String(GAS) };
    let call = 0;
    const viaGateway = async () => {
      const res = await paying(`${started.url}/v1/models/${MODEL_ID}/infer`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(inputOf(call++)),
      });
      const body = (await res.json()) as { outputs?: unknown; message?: string };
      if (res.status !== 200 || !body.outputs) throw new Error(`gateway answered ${res.status}: ${body.message}`);
    };
    const viaCosmJS = async () => {
      const x = inputOf(call++);
      const { requestId } = await directClient.requestInference(
        MODEL_ID,
        { input: { dtype: "float32", shape: x.shape, data: new Uint8Array(Float32Array.from(x.data).buffer) } },
        { maxFee: DEMO_PRICE, fee: txFee },
      );
      const r = await directClient.awaitResult(requestId, { timeoutMs: 60_000, pollMs: 250 });
      if (r.status !== RequestStatus.REQUEST_STATUS_FINALIZED) throw new Error(`request ${requestId}: ${r.reason}`);
    };
    const run = async (name: "gateway" | "direct", n: number): Promise<SideRound> => {
      const cpu0 = processCpuSeconds(gateway?.pid);
      const latenciesMs: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await (name === "gateway" ? viaGateway() : viaCosmJS());
        latenciesMs.push(performance.now() - t0);
      }
      return { latenciesMs, gatewayCpuS: processCpuSeconds(gateway?.pid) - cpu0 };
    };
    log(`gateway ${started.url}; warm-up: 2 calls per side`);
    await run("gateway", 2);
    await run("direct", 2);
    for (let round = 0; round < ROUNDS; round++) {
      const order: ("gateway" | "direct")[] = round % 2 ? ["direct", "gateway"] : ["gateway", "direct"];
      const line: string[] = [];
      for (const side of order) {
        const r = await run(side, N);
        sides[side].push(r);
        line.push(`${side} p50 ${fmt(median(r.latenciesMs))} ms`);
      }
      log(`round ${round + 1}/${ROUNDS} (${N} calls per side): ${line.join(", ")}`);
    }
  } finally {
    direct?.disconnect();
    await stop();
  }
  report(sides, load0);
}

function report(sides: Record<"gateway" | "direct", SideRound[]>, load0: number): void {
  const pct = (rs: SideRound[], p: number) =>
    percentile(
      rs.flatMap((r) => r.latenciesMs).sort((a, b) => a - b),
      p,
    );
  const roundP = (r: SideRound, p: number) =>
    percentile(
      [...r.latenciesMs].sort((a, b) => a - b),
      p,
    );
  // ratios within each round (both sides ran seconds apart under the same load), then the median
  const ratio = (p: number) => median(sides.gateway.map((g, i) => roundP(g, p) / roundP(sides.direct[i], p)));
  const gw = sides.gateway;
  const summary = {
    model: `demo MLP ${MODEL_ID.slice(0, 12)}…, input 1x16`,
    blockMs: BLOCK_MS,
    callsPerSide: N * ROUNDS,
    gateway: { p50Ms: pct(gw, 50), p99Ms: pct(gw, 99) },
    direct: { p50Ms: pct(sides.direct, 50), p99Ms: pct(sides.direct, 99) },
    ratioP50: ratio(50),
    ratioP99: ratio(99),
    gatewayCpuMsPerCall: median(gw.map((r) => (r.gatewayCpuS * 1000) / r.latenciesMs.length)),
    gatewayCpuMsPerCallRounds: gw.map((r) => Math.round((r.gatewayCpuS * 1000) / r.latenciesMs.length)),
    loadAvg1m: { start: load0, end: loadavg()[0] },
  };
  console.log(
    [
      `x402 gateway vs direct CosmJS, ${summary.model}, ${BLOCK_MS} ms blocks, ${summary.callsPerSide} calls per side`,
      `  direct  p50 ${fmt(summary.direct.p50Ms)} ms  p99 ${fmt(summary.direct.p99Ms)} ms`,
      `  gateway p50 ${fmt(summary.gateway.p50Ms)} ms  p99 ${fmt(summary.gateway.p99Ms)} ms`,
      `  gateway / direct (median of per-round ratios): p50 ${fmt(summary.ratioP50, 2)}x  p99 ${fmt(summary.ratioP99, 2)}x`,
      `  gateway process CPU: ${fmt(summary.gatewayCpuMsPerCall, 1)} ms per call (median; rounds ${summary.gatewayCpuMsPerCallRounds.join(", ")})`,
      `  load average (1 min): ${fmt(load0, 1)} -> ${fmt(summary.loadAvg1m.end, 1)}`,
    ].join("\n"),
  );
  console.log(`JSON ${JSON.stringify(summary)}`);
  if (flags.json) writeFileSync(flags.json, `${JSON.stringify(summary, null, 2)}\n`);
}

await main();
