// npm run fuzz -- [--target NAME[,NAME]] [--inputs N] [--seed S] [--path P] [--out DIR] [--jobs J]
// Runs each target for N inputs (default 2,000; --inputs 1000000 is the long mode) and prints per
// target: inputs, inputs/s, crashes (with the seed, replay path and counterexample file) and RSS at
// start / end / peak. With --jobs J the inputs are split over J processes (jobs.ts). Exits 1 when a
// target crashed.
import { join } from "node:path";
import { type MergedReport, runJobs } from "./jobs.ts";
import { runTarget, type TargetReport } from "./runner.ts";
import { TARGETS } from "./targets/index.ts";

interface Args {
  targets: string[];
  inputs: number;
  seed: number;
  path?: string;
  out: string;
  jobs: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    targets: [],
    inputs: 2000,
    seed: Math.floor(Math.random() * 2 ** 31),
    out: join(import.meta.dirname, "crashes"),
    jobs: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = (v: string) => {
      const n = Number(v.replace(/_/g, ""));
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag}: not a non-negative integer: ${v}`);
      return n;
    };
    if (flag === "--target") args.targets.push(...value().split(","));
    else if (flag === "--inputs") args.inputs = int(value());
    else if (flag === "--seed") args.seed = int(value());
    else if (flag === "--path") args.path = value();
    else if (flag === "--out") args.out = value();
    else if (flag === "--jobs") args.jobs = Math.max(1, int(value()));
    else if (flag === "--list") {
      for (const t of TARGETS) console.log(`${t.name.padEnd(14)} ${t.description}`);
      process.exit(0);
    } else throw new Error(`unknown flag ${flag} (flags: --target, --inputs, --seed, --path, --out, --jobs, --list)`);
  }
  const known = new Set(TARGETS.map((t) => t.name));
  for (const t of args.targets)
    if (!known.has(t)) throw new Error(`unknown target ${t} (targets: ${[...known].join(", ")})`);
  if (args.path !== undefined && args.targets.length !== 1) throw new Error("--path replays one --target");
  if (args.path !== undefined && args.jobs > 1) throw new Error("--path replays one input: no --jobs");
  return args;
}

const growthOf = (r: { rssStartMb: number; rssEndMb: number }) => {
  const g = Math.round((r.rssEndMb - r.rssStartMb) * 10) / 10;
  return `${g >= 0 ? "+" : ""}${g}`;
};

function line(r: TargetReport, rss = true): string {
  return [
    r.target.padEnd(14),
    `${r.inputs} inputs`.padStart(16),
    `${r.inputsPerSec}/s`.padStart(9),
    `${r.seconds}s`.padStart(8),
    `crashes ${r.crashes}`,
    rss ? `rss ${r.rssStartMb} -> ${r.rssEndMb} MB (${growthOf(r)}, peak ${r.rssPeakMb})` : "rss per job:",
  ].join("  ");
}

function printCrash(r: TargetReport): void {
  if (!r.crash) return;
  console.log(`  CRASH ${r.crash.error}`);
  console.log(`  replay: npm run fuzz -- --target ${r.target} --seed ${r.seed} --path ${r.crash.path} --inputs 1`);
  console.log(`  counterexample (shrunk ${r.crash.shrinks} times): ${r.crash.file}`);
}

async function mainJobs(args: Args, names: string[]): Promise<void> {
  const reports: MergedReport[] = await runJobs({
    jobs: args.jobs,
    inputs: args.inputs,
    seed: args.seed,
    targets: args.targets,
    out: args.out,
    log: (l) => console.log(l),
  });
  for (const r of reports) {
    console.log(line(r, false));
    for (const j of r.jobs)
      console.log(
        `  job seed ${j.seed}: ${j.inputs} inputs in ${j.seconds}s, rss ${j.rssStartMb} -> ${j.rssEndMb} MB (${growthOf(j)}, peak ${j.rssPeakMb})`,
      );
    console.log(`  outcomes ${JSON.stringify(r.stats)}`);
    for (const c of r.crashedJobs) printCrash(c);
  }
  console.log(`JSON ${JSON.stringify(reports)}`);
  process.exitCode = reports.some((r) => r.crashes > 0) || reports.length !== names.length ? 1 : 0;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const chosen = args.targets.length === 0 ? TARGETS : TARGETS.filter((t) => args.targets.includes(t.name));
  console.log(
    `fuzz: seed ${args.seed}${args.jobs > 1 ? ` (jobs ${args.jobs}: seeds ${args.seed}..${args.seed + args.jobs - 1})` : ""}, ${args.inputs} inputs per target, targets ${chosen.map((t) => t.name).join(", ")}`,
  );
  if (args.jobs > 1)
    return mainJobs(
      args,
      chosen.map((t) => t.name),
    );
  const reports: TargetReport[] = [];
  for (const target of chosen) {
    const r = await runTarget(target, {
      inputs: args.inputs,
      seed: args.seed,
      path: args.path,
      outDir: args.out,
      log: (l) => console.log(l),
    });
    reports.push(r);
    console.log(line(r));
    console.log(`  outcomes ${JSON.stringify(r.stats)}`);
    printCrash(r);
  }
  console.log(`JSON ${JSON.stringify(reports)}`);
  process.exitCode = reports.some((r) => r.crashes > 0) ? 1 : 0;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
