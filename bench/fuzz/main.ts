// npm run fuzz -- [--target NAME[,NAME]] [--inputs N] [--seed S] [--path P] [--out DIR]
// Runs each target for N inputs (default 2,000; --inputs 1000000 is the long mode) and prints per
// target: inputs, inputs/s, crashes (with the seed, replay path and counterexample file) and RSS at
// start / end / peak. Exits 1 when a target crashed.
import { join } from "node:path";
import { runTarget, type TargetReport } from "./runner.ts";
import { TARGETS } from "./targets/index.ts";

interface Args {
  targets: string[];
  inputs: number;
  seed: number;
  path?: string;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    targets: [],
    inputs: 2000,
    seed: Math.floor(Math.random() * 2 ** 31),
    out: join(import.meta.dirname, "crashes"),
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
    else if (flag === "--list") {
      for (const t of TARGETS) console.log(`${t.name.padEnd(14)} ${t.description}`);
      process.exit(0);
    } else throw new Error(`unknown flag ${flag} (flags: --target, --inputs, --seed, --path, --out, --list)`);
  }
  const known = new Set(TARGETS.map((t) => t.name));
  for (const t of args.targets)
    if (!known.has(t)) throw new Error(`unknown target ${t} (targets: ${[...known].join(", ")})`);
  if (args.path !== undefined && args.targets.length !== 1) throw new Error("--path replays one --target");
  return args;
}

function line(r: TargetReport): string {
  const growth = Math.round((r.rssEndMb - r.rssStartMb) * 10) / 10;
  return [
    r.target.padEnd(14),
    `${r.inputs} inputs`.padStart(16),
    `${r.inputsPerSec}/s`.padStart(9),
    `${r.seconds}s`.padStart(8),
    `crashes ${r.crashes}`,
    `rss ${r.rssStartMb} -> ${r.rssEndMb} MB (${growth >= 0 ? "+" : ""}${growth}, peak ${r.rssPeakMb})`,
  ].join("  ");
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const chosen = args.targets.length === 0 ? TARGETS : TARGETS.filter((t) => args.targets.includes(t.name));
  console.log(
    `fuzz: seed ${args.seed}, ${args.inputs} inputs per target, targets ${chosen.map((t) => t.name).join(", ")}`,
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
    if (r.crash) {
      console.log(`  CRASH ${r.crash.error}`);
      console.log(`  replay: npm run fuzz -- --target ${r.target} --seed ${r.seed} --path ${r.crash.path} --inputs 1`);
      console.log(`  counterexample (shrunk ${r.crash.shrinks} times): ${r.crash.file}`);
    }
  }
  console.log(`JSON ${JSON.stringify(reports)}`);
  process.exitCode = reports.some((r) => r.crashes > 0) ? 1 : 0;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
