// `npm run fuzz -- --jobs N` (bench/fuzz/jobs.ts): the inputs split exactly over the jobs, seeds
// S..S+N-1, reports merged per target (inputs and outcomes summed, a crashed job kept with its seed).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { merge, share } from "../../bench/fuzz/jobs.ts";
import type { TargetReport } from "../../bench/fuzz/runner.ts";
import { repoRoot } from "../support/node-process.ts";

function report(target: string, inputs: number, seed: number, crashes = 0): TargetReport {
  return {
    target,
    inputs,
    seconds: inputs / 100,
    inputsPerSec: 100,
    crashes,
    seed,
    rssStartMb: 200 + seed,
    rssEndMb: 210 + seed,
    rssPeakMb: 220 + seed,
    stats: { accepted: inputs - 1, "sdk:2": 1 },
    crash: crashes ? { error: "boom", path: "3:1", file: `crash-${seed}.json`, shrinks: 2 } : undefined,
  };
}

describe("fuzz --jobs", () => {
  it("splits the inputs exactly, the remainder to the first jobs", () => {
    for (const [inputs, jobs] of [
      [1_000_000, 2],
      [301, 2],
      [10, 3],
      [2, 4],
    ]) {
      const parts = Array.from({ length: jobs }, (_, i) => share(inputs, jobs, i));
      assert.equal(
        parts.reduce((a, b) => a + b, 0),
        inputs,
      );
      assert.ok(Math.max(...parts) - Math.min(...parts) <= 1);
    }
  });

  it("merges per target: inputs and outcomes summed, the slowest job's time, each job's memory, crashed jobs kept", () => {
    const [m] = merge([[report("model", 500, 11)], [report("model", 300, 12, 1)]]);
    assert.equal(m.inputs, 800);
    assert.equal(m.seconds, 5);
    assert.equal(m.inputsPerSec, 160);
    assert.equal(m.crashes, 1);
    assert.deepEqual(m.stats, { accepted: 798, "sdk:2": 2 });
    assert.deepEqual(
      m.jobs.map((j) => [j.seed, j.inputs, j.rssStartMb, j.rssEndMb]),
      [
        [11, 500, 211, 221],
        [12, 300, 212, 222],
      ],
    );
    assert.equal(m.crashedJobs.length, 1);
    assert.equal(m.crashedJobs[0].seed, 12);
    assert.equal(m.crash?.file, "crash-12.json");
  });

  it("npm run fuzz -- --jobs 2 runs exactly --inputs inputs per target from seeds S and S+1", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--expose-gc",
        "--import",
        "tsx",
        join(repoRoot, "bench", "fuzz", "main.ts"),
        "--target",
        "tensor",
        "--inputs",
        "101",
        "--seed",
        "40",
        "--jobs",
        "2",
      ],
      { cwd: repoRoot, timeout: 120_000 },
    );
    const json = stdout.split("\n").find((l) => l.startsWith("JSON "));
    assert.ok(json, stdout);
    const [r] = JSON.parse(json.slice(5));
    assert.equal(r.target, "tensor");
    assert.equal(r.inputs, 101);
    assert.equal(r.crashes, 0);
    assert.deepEqual(
      r.jobs.map((j: { seed: number; inputs: number }) => [j.seed, j.inputs]),
      [
        [40, 51],
        [41, 50],
      ],
    );
    assert.match(stdout, /job seed 41: 50 inputs/);
  });
});
