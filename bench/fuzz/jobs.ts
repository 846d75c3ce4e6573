// `npm run fuzz -- --jobs N`: the run split over N processes (one per core), as libFuzzer's -jobs.
// Job i runs the same targets for its share of the inputs from seed S + i, so together they run
// exactly --inputs inputs per target and every crash replays with the seed its job printed. Each
// target's figures are merged: inputs and outcomes summed, inputs/s over the slowest job's time,
// crashes summed, and every job's RSS (start -> end, peak) kept, since memory is per process.
import { type ChildProcess, spawn } from "node:child_process";
import type { TargetReport } from "./runner.ts";

export interface JobsOptions {
  jobs: number;
  inputs: number;
  seed: number;
  targets: string[];
  out: string;
  /** one line of a job's output, already prefixed with `[job i]` */
  log: (line: string) => void;
}

type JobFigures = Pick<TargetReport, "seed" | "inputs" | "seconds" | "rssStartMb" | "rssEndMb" | "rssPeakMb">;

export interface MergedReport extends TargetReport {
  jobs: JobFigures[];
  /** each crashed job's report (its seed replays it) */
  crashedJobs: TargetReport[];
}

/** Inputs of job i: an even split, the remainder to the first jobs. */
export function share(inputs: number, jobs: number, i: number): number {
  return Math.floor(inputs / jobs) + (i < inputs % jobs ? 1 : 0);
}

interface Jobs {
  children: ChildProcess[];
  /** a signal was passed on: a job ending without a report is expected, not an error */
  interrupted: boolean;
}

function runJob(i: number, o: JobsOptions, jobs: Jobs): Promise<TargetReport[]> {
  const args = [
    ...process.execArgv,
    process.argv[1],
    ...o.targets.flatMap((t) => ["--target", t]),
    "--inputs",
    String(share(o.inputs, o.jobs, i)),
    "--seed",
    String(o.seed + i),
    "--out",
    o.out,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    jobs.children.push(child);
    let json: TargetReport[] | undefined;
    let rest = "";
    const onData = (chunk: Buffer) => {
      const lines = (rest + chunk.toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      for (const l of lines) {
        if (l.startsWith("JSON ")) json = JSON.parse(l.slice(5)) as TargetReport[];
        else if (l.trim() !== "") o.log(`[job ${i}] ${l}`);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (c: Buffer) => o.log(`[job ${i}] ${c.toString("utf8").trimEnd()}`));
    child.on("error", reject);
    child.on("close", (code) => {
      if (rest.startsWith("JSON ")) json = JSON.parse(rest.slice(5)) as TargetReport[];
      if (json) resolve(json);
      else if (jobs.interrupted) resolve([]);
      else reject(new Error(`job ${i} (seed ${o.seed + i}) exited with ${code} and no report`));
    });
  });
}

export function merge(perJob: TargetReport[][]): MergedReport[] {
  const names = perJob[0]?.map((r) => r.target) ?? [];
  return names.map((target) => {
    const parts = perJob.map((reports) => reports.find((r) => r.target === target)!);
    const inputs = parts.reduce((a, r) => a + r.inputs, 0);
    const seconds = Math.max(...parts.map((r) => r.seconds));
    const stats: Record<string, number> = {};
    for (const r of parts) for (const [k, v] of Object.entries(r.stats)) stats[k] = (stats[k] ?? 0) + v;
    const crashedJobs = parts.filter((r) => r.crashes > 0);
    return {
      target,
      inputs,
      seconds,
      inputsPerSec: seconds > 0 ? Math.round(inputs / seconds) : 0,
      crashes: parts.reduce((a, r) => a + r.crashes, 0),
      seed: parts[0].seed,
      // memory is per process: these are the largest job's; every job's figures are in `jobs`
      rssStartMb: Math.max(...parts.map((r) => r.rssStartMb)),
      rssEndMb: Math.max(...parts.map((r) => r.rssEndMb)),
      rssPeakMb: Math.max(...parts.map((r) => r.rssPeakMb)),
      stats: Object.fromEntries(Object.entries(stats).sort(([a], [b]) => (a < b ? -1 : 1))),
      crash: crashedJobs[0]?.crash,
      crashedJobs,
      jobs: parts.map((r) => ({
        seed: r.seed,
        inputs: r.inputs,
        seconds: r.seconds,
        rssStartMb: r.rssStartMb,
        rssEndMb: r.rssEndMb,
        rssPeakMb: r.rssPeakMb,
      })),
    };
  });
}

/**
 * Runs the jobs side by side and merges their reports per target. Ctrl-C (or SIGTERM) is passed to
 * every job, each prints its figures so far (runner.ts), and this process exits 130 once they are out.
 */
export async function runJobs(o: JobsOptions): Promise<MergedReport[]> {
  const jobs: Jobs = { children: [], interrupted: false };
  const forward = (signal: NodeJS.Signals) => {
    jobs.interrupted = true;
    for (const c of jobs.children) c.kill(signal);
    Promise.allSettled(runs).then(() => process.exit(130));
  };
  process.once("SIGINT", forward);
  process.once("SIGTERM", forward);
  const runs = Array.from({ length: o.jobs }, (_, i) => runJob(i, o, jobs));
  try {
    const reports = await Promise.all(runs);
    if (jobs.interrupted) await new Promise(() => {}); // forward() exits once every job is out
    return merge(reports);
  } finally {
    process.off("SIGINT", forward);
    process.off("SIGTERM", forward);
  }
}
