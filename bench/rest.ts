// Benchmark (not a test): the bank balance of the funded devnet account queried through the node's
// REST gateway, its gRPC server and CometBFT JSON-RPC abci_query (the baseline), in one run against
// one devnet node; prints queries/s and p50/p99 latency per door and each door's ratio to abci_query.
// Usage: node --import tsx bench/rest.ts [--help]

import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { DEVNET_ACCOUNT_COINS, devnetAccountAddress } from "../app/devnet.ts";
import { startDevnetNode } from "../test/support/devnet-node.ts";
import { type BalanceQuery, balanceDoors, type Door } from "./balance-doors.ts";
import { type LoadOptions, runClosedLoop } from "./closed-loop.ts";
import { percentile } from "./follow.ts";
import { processCpuSeconds } from "./proc-cpu.ts";
import { median } from "./stats.ts";

const { values: flags } = parseArgs({
  options: {
    clients: { type: "string", default: "8" }, // concurrent closed-loop clients per door
    rounds: { type: "string", default: "5" }, // each round runs every door once, order rotated
    "duration-ms": { type: "string", default: "2000" }, // per door per round
    count: { type: "string" }, // per door per round: a fixed number of queries instead of a duration
    // per door, before the rounds, not counted: with 1 s the first round read at about half the rate
    "warmup-ms": { type: "string", default: "3000" },
    "block-ms": { type: "string", default: "1000" }, // the node's timeout_commit
    json: { type: "string" }, // write the summary here
    keep: { type: "boolean", default: false }, // keep the node's home directory
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(
    "node --import tsx bench/rest.ts [--clients 8] [--rounds 5] [--duration-ms 2000 | --count N]\n" +
      "  [--warmup-ms 3000] [--block-ms 1000] [--json PATH] [--keep]",
  );
  process.exit(0);
}
if (flags.keep) process.env.DGRID_KEEP_TEST_DIRS = "1";
const positive = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
  return n;
};
const clients = Math.max(1, positive("clients", flags.clients));
const rounds = Math.max(1, positive("rounds", flags.rounds));
const load: LoadOptions = {
  clients,
  durationMs: positive("duration-ms", flags["duration-ms"]),
  count: flags.count === undefined ? undefined : positive("count", flags.count),
};
const warmupMs = positive("warmup-ms", flags["warmup-ms"]);
const blockMs = positive("block-ms", flags["block-ms"]);

function log(s: string): void {
  process.stderr.write(`[bench] ${s}\n`);
}

interface RoundFigures {
  qps: number;
  p50Ms: number;
  ok: number;
  errors: number;
  nodeCpuS: number;
  benchCpuS: number;
}

interface DoorFigures {
  rounds: RoundFigures[];
  latenciesMs: number[];
  errors: number;
  firstError?: string;
}

/** One door's query tried until it answers (the REST and gRPC servers may start a moment after RPC). */
async function firstAnswer(door: Door, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await door.query();
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${door.name} never answered: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function measure(door: Door, pid: number | undefined, into: DoorFigures): Promise<RoundFigures> {
  const node0 = processCpuSeconds(pid);
  const bench0 = process.cpuUsage();
  const r = await runClosedLoop(() => door.query(), load);
  const bench = process.cpuUsage(bench0);
  const round: RoundFigures = {
    qps: (r.ok / r.elapsedMs) * 1000,
    p50Ms: percentile(
      [...r.latenciesMs].sort((a, b) => a - b),
      50,
    ),
    ok: r.ok,
    errors: r.errors,
    nodeCpuS: processCpuSeconds(pid) - node0,
    benchCpuS: (bench.user + bench.system) / 1e6,
  };
  into.rounds.push(round);
  for (const l of r.latenciesMs) into.latenciesMs.push(l);
  into.errors += r.errors;
  into.firstError ??= r.firstError;
  return round;
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "-";

async function main(): Promise<void> {
  const denom = "udgrid";
  const query: BalanceQuery = {
    address: await devnetAccountAddress(),
    denom,
    expected: BigInt(DEVNET_ACCOUNT_COINS.slice(0, -denom.length)),
  };
  const loadStart = loadavg()[0];
  log(`starting a devnet node (timeout_commit ${blockMs} ms)`);
  const node = await startDevnetNode({ timeoutCommitMs: blockMs });
  // Ctrl-C or a test's timeout: stop the node child too rather than leave it running
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => void node.stop().finally(() => process.exit(1)));
  }
  const doors = balanceDoors(node, query);
  const figures = new Map<Door["name"], DoorFigures>(
    doors.map((d) => [d.name, { rounds: [], latenciesMs: [], errors: 0 }]),
  );
  let warmupErrors = 0;
  try {
    for (const d of doors) await firstAnswer(d);
    log(`node up: rpc ${node.rpcUrl}, api ${node.apiUrl}, grpc ${node.grpcAddress}; ${query.address}`);
    for (const d of doors) {
      const w = await runClosedLoop(() => d.query(), { clients, durationMs: warmupMs });
      warmupErrors += w.errors;
      if (w.errors) log(`warm-up ${d.name}: ${w.errors} errors, first: ${w.firstError}`);
    }
    const what = load.count !== undefined ? `${load.count} queries` : `${load.durationMs} ms`;
    for (let round = 0; round < rounds; round++) {
      // the order rotates so that no door always follows the same one
      const order = doors.map((_, i) => doors[(i + round) % doors.length]);
      const line: string[] = [];
      for (const d of order) {
        const r = await measure(d, node.pid, figures.get(d.name)!);
        line.push(`${d.name} ${fmt(r.qps)}/s${r.errors ? ` (${r.errors} ERRORS)` : ""}`);
      }
      log(`round ${round + 1}/${rounds} (${clients} clients, ${what} per door): ${line.join(", ")}`);
    }
  } finally {
    for (const d of doors) d.close();
    await node.stop();
  }
  report(figures, query, loadStart, warmupErrors);
}

function report(
  figures: Map<Door["name"], DoorFigures>,
  query: BalanceQuery,
  loadStart: number,
  warmupErrors: number,
): void {
  const summarize = (f: DoorFigures) => {
    const sorted = [...f.latenciesMs].sort((a, b) => a - b);
    const ok = f.rounds.reduce((s, r) => s + r.ok, 0);
    const sum = (k: "nodeCpuS" | "benchCpuS") => f.rounds.reduce((s, r) => s + r[k], 0);
    return {
      qps: median(f.rounds.map((r) => r.qps)),
      qpsRounds: f.rounds.map((r) => Math.round(r.qps)),
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      queries: ok,
      errors: f.errors,
      firstError: f.firstError,
      nodeCpuMsPerQuery: (sum("nodeCpuS") * 1000) / ok,
      benchCpuMsPerQuery: (sum("benchCpuS") * 1000) / ok,
    };
  };
  // Ratios are taken within each round (the doors ran seconds apart there, under the same machine
  // load), then the median over rounds: steadier than a ratio of medians when the load drifts.
  const base = figures.get("abci_query")!.rounds;
  const ratio = (f: DoorFigures, k: "qps" | "p50Ms") => median(f.rounds.map((r, i) => r[k] / base[i][k]));
  const doors = Object.fromEntries(
    [...figures].map(([name, f]) => [
      name,
      { ...summarize(f), qpsRatio: ratio(f, "qps"), p50Ratio: ratio(f, "p50Ms") },
    ]),
  );
  const errors = Object.values(doors).reduce((s, d) => s + d.errors, 0) + warmupErrors;
  const summary = {
    bench: "rest",
    query: { path: "/cosmos.bank.v1beta1.Query/Balance", address: query.address, denom: query.denom },
    clients,
    rounds,
    durationMsPerDoorRound: load.count === undefined ? load.durationMs : undefined,
    countPerDoorRound: load.count,
    blockMs,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg1Start: loadStart, loadavg1End: loadavg()[0] },
    doors,
    errors,
  };

  const rows = Object.entries(doors).map(([name, d]) => [
    name,
    `${fmt(d.qps)} (${d.qpsRounds.join(", ")})`,
    fmt(d.p50Ms, 2),
    fmt(d.p99Ms, 2),
    name === "abci_query" ? "1 (baseline)" : fmt(d.qpsRatio, 2),
    name === "abci_query" ? "1 (baseline)" : fmt(d.p50Ratio, 2),
    fmt(d.nodeCpuMsPerQuery, 3),
    fmt(d.benchCpuMsPerQuery, 3),
    String(d.errors),
  ]);
  const head = ["door", "queries/s median (rounds)", "p50 ms", "p99 ms", "q/s ÷ abci", "p50 ÷ abci"];
  const header = [...head, "node CPU ms/q", "bench CPU ms/q", "errors"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(
    `\nbank balance, ${clients} clients, ${rounds} rounds x ${load.count ?? `${load.durationMs} ms`} per door; ` +
      `${summary.machine.cpus} CPUs, load ${fmt(loadStart, 2)} -> ${fmt(summary.machine.loadavg1End, 2)}`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  if (errors > 0) {
    const firsts = Object.entries(doors)
      .filter(([, d]) => d.firstError)
      .map(([n, d]) => `${n}: ${d.firstError}`);
    console.log(`\n!!! ${errors} QUERIES FAILED OR ANSWERED WRONGLY: the figures above are not valid !!!`);
    for (const f of firsts) console.log(`!!! first error ${f}`);
    process.exitCode = 1;
  }
  console.log(`JSON ${JSON.stringify(summary)}`);
  if (flags.json) writeFileSync(flags.json, `${JSON.stringify(summary, null, 2)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
