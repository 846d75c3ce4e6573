// `npm run chaos -- [--rounds 100] [--seed S] [--validators 4] [--heal-timeout-s 180] [--no-load]`:
// a chaos run (run.ts) on a localnet of node processes; prints the rounds, faults by kind, blocks,
// txs and every violation with its seed and round; exits 1 on any violation.
import { parseArgs } from "node:util";
import { runChaos } from "./run.ts";

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "100" },
    seed: { type: "string" },
    validators: { type: "string", default: "4" },
    "heal-timeout-s": { type: "string", default: "180" },
    "no-load": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log("npm run chaos -- [--rounds 100] [--seed S] [--validators 4] [--heal-timeout-s 180] [--no-load]");
  process.exit(0);
}
const positive = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name}: expected a non-negative integer, got ${v}`);
    process.exit(2);
  }
  return n;
};
const seed = flags.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : positive("seed", flags.seed);
const validators = positive("validators", flags.validators);
if (validators < 4) {
  console.error("--validators: at least 4 (one faulty node must leave +2/3)");
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
log(`seed ${seed} (replay with --seed ${seed})`);
const report = await runChaos(
  {
    rounds: positive("rounds", flags.rounds),
    seed,
    validators,
    healTimeoutMs: positive("heal-timeout-s", flags["heal-timeout-s"]) * 1000,
    load: !flags["no-load"],
  },
  { log },
);
const rows: [string, string][] = [
  ["seed", String(report.seed)],
  ["rounds", String(report.rounds)],
  [
    "faults",
    Object.entries(report.faults)
      .map(([k, n]) => `${k} ${n}`)
      .join(", "),
  ],
  ["blocks checked (every node, every height)", String(report.blocks)],
  ["txs committed", String(report.txs)],
  ["client bank sends / inference requests ok", `${report.load.sends} / ${report.load.requests}`],
  ["client errors (expected under faults)", String(report.load.errors)],
  ["violations", String(report.violations.length)],
  ["duration (s)", report.seconds.toFixed(0)],
];
const w = Math.max(...rows.map(([k]) => k.length));
console.log(`\nDGrid chaos run (${validators} validators)`);
for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
for (const v of report.violations) console.log(`VIOLATION seed ${v.seed} round ${v.round} (${v.fault}): ${v.message}`);
console.log(`JSON ${JSON.stringify({ ...report, violations: report.violations.length })}`);
process.exitCode = report.violations.length > 0 ? 1 : 0;
