// bench/rest runs end to end with tiny counts (starts a devnet node; run under flock
// /tmp/dgrid-e2e.lock): exit 0, a table row per door, and a --json summary in which every door
// answered every query with the expected balance and has finite rates, latencies and ratios.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { repoRoot } from "../support/node-process.ts";
import { testTempDir } from "../support/temp-dir.ts";

const execFileP = promisify(execFile);

describe("bench/rest smoke", () => {
  it("prints REST, gRPC and abci_query figures and writes the JSON summary", async () => {
    const json = join(testTempDir("dgrid-bench-rest-"), "summary.json");
    const args = ["--rounds", "2", "--count", "20", "--clients", "2", "--warmup-ms", "0", "--block-ms", "200"];
    const { stdout } = await execFileP(
      process.execPath,
      ["--import", "tsx", join(repoRoot, "bench", "rest.ts"), ...args, "--json", json],
      { cwd: repoRoot, timeout: 90_000 },
    );
    for (const door of ["rest", "grpc", "abci_query"]) assert.match(stdout, new RegExp(`^${door} +\\d`, "m"));
    assert.doesNotMatch(stdout, /FAILED/);
    const summary = JSON.parse(readFileSync(json, "utf8"));
    assert.equal(summary.errors, 0);
    assert.deepEqual(Object.keys(summary.doors).sort(), ["abci_query", "grpc", "rest"]);
    for (const [name, d] of Object.entries<any>(summary.doors)) {
      assert.equal(d.queries, 40, `${name}: 2 rounds x 20 queries`);
      assert.equal(d.qpsRounds.length, 2, name);
      for (const k of ["qps", "p50Ms", "p99Ms", "qpsRatio", "p50Ratio"]) {
        assert.ok(Number.isFinite(d[k]) && d[k] > 0, `${name}.${k} = ${d[k]}`);
      }
      assert.ok(d.p99Ms >= d.p50Ms, name);
    }
    assert.equal(summary.doors.abci_query.qpsRatio, 1);
  });
});
