// bench/inference runs end to end with tiny counts (starts a devnet node; run under flock
// /tmp/dgrid-e2e.lock): the demo MLP, one run of 6 requests of 2 items each beside 6 MsgSends, with
// --gpu. Exit 0, every request finalized, finite per-item figures, the MsgSend CPU beside the
// request's, PASS/FAIL target lines, and the GPU part either measured or skipped with its line.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import ort from "onnxruntime-node";
import { NO_CUDA } from "../../bench/inference/gpu.ts";
import { repoRoot } from "../support/node-process.ts";
import { testTempDir } from "../support/temp-dir.ts";

const execFileP = promisify(execFile);

describe("bench/inference smoke", () => {
  it("prints per-item chain figures beside raw and MsgSend ones, targets, and the GPU part or its skip line", async () => {
    const json = join(testTempDir("dgrid-bench-inf-"), "summary.json");
    const args = ["--model", "mlp", "--runs", "1", "--n", "6", "--batch-items", "2", "--raw-n", "20", "--sends", "6"];
    const { stdout } = await execFileP(
      process.execPath,
      [
        "--import",
        "tsx",
        join(repoRoot, "bench", "inference", "main.ts"),
        ...args,
        "--senders",
        "8",
        "--batch",
        "2",
        "--concurrency",
        "4",
        "--gpu",
        "--json",
        json,
      ],
      { cwd: repoRoot, timeout: 120_000 },
    );
    const s = JSON.parse(readFileSync(json, "utf8"));
    assert.deepEqual(s.finalized_by_run, [6]);
    assert.deepEqual(s.refunded_by_run, [0]);
    assert.equal(s.batch_items, 2);
    assert.equal(s.k, 1);
    for (const k of [
      "raw_runs_per_s",
      "finalized_items_per_s",
      "node_cpu_ms_per_item",
      "msgsend_cpu_ms_per_tx",
      "ratio",
    ]) {
      assert.ok(Number.isFinite(s[k]) && s[k] > 0, `${k} = ${s[k]}`);
    }
    assert.ok(s.p50_blocks_from_inclusion >= 1, `p50 ${s.p50_blocks_from_inclusion}`);
    assert.match(stdout, /^node CPU ms per MsgSend \(same nodes, same run\) +\d/m);
    assert.match(stdout, /^target: node CPU per batched item at most 0\.2 ms +(PASS|FAIL) /m);
    assert.equal(s.targets.length, 3);
    const cuda = ort.listSupportedBackends().some((b) => b.name === "cuda");
    if (s.gpuSkipped !== undefined) {
      assert.ok(stdout.includes(NO_CUDA), "the skip line is printed");
    } else {
      assert.ok(cuda, "GPU figures only where onnxruntime lists cuda");
      assert.equal(s.gpu.compared > 0, true);
      assert.match(stdout, /^GPU \(CUDA\) single runs\/s vs CPU/m);
    }
  });
});
