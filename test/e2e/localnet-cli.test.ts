// `dgrid localnet` as a user runs it: writes the homes, starts one process per validator, prints the
// chain id, RPC URLs and the funded account; SIGINT stops every node; a second run resumes the chain.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { devnetAccountAddress } from "../../app/devnet.ts";
import { loadLocalnet } from "../../app/localnet.ts";
import { dgridBin, freeBasePort, latestHeight, rpcCall, waitForHeight } from "../support/node-process.ts";

function runLocalnet(dir: string, basePort: number) {
  const child = spawn(
    process.execPath,
    [
      dgridBin,
      "localnet",
      "--validators",
      "2",
      "--home",
      dir,
      "--base-port",
      String(basePort),
      "--timeout-commit-ms",
      "200",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
  return { child, output: () => out, exited };
}

describe("dgrid localnet", { timeout: 300_000 }, () => {
  it("starts N validators, prints their RPC URLs, stops them all on Ctrl-C and resumes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dgrid-localnet-cli-"));
    // a base port whose derived ports (node i: +10i+5 REST, +6 p2p, +7 rpc, +8 models, +9 metrics) are free
    const base = await freeBasePort([5, 6, 7, 8, 9, 15, 16, 17, 18, 19]);
    const runs: ReturnType<typeof runLocalnet>[] = [];
    try {
      const first = runLocalnet(dir, base);
      runs.push(first);
      const net = loadLocalnetWhenWritten(dir);
      const nodes = (await net).nodes;
      const urls = nodes.map((n) => `http://127.0.0.1:${n.rpcPort}`);
      for (const u of urls) await waitForHeight(u, 3, 150_000, () => first.child.exitCode !== null, first.output);
      const text = first.output();
      assert.match(text, /chain id: +dgrid-localnet-1; gov voting period 60s/);
      // per node: RPC, REST, the explorer, model uploads, metrics (the banner comes once every RPC answers)
      for (const n of nodes) {
        for (const u of [
          `RPC:      http://127.0.0.1:${n.rpcPort}`,
          `REST:     http://127.0.0.1:${n.apiPort} (Swagger UI: http://127.0.0.1:${n.apiPort}/swagger)`,
          `explorer: http://127.0.0.1:${n.apiPort}/ui/`,
          `models:   http://127.0.0.1:${n.modelsPort}`,
          `metrics:  http://127.0.0.1:${n.metricsPort}/metrics`,
        ])
          assert.ok(text.includes(u), `prints ${u}`);
      }
      assert.ok(text.includes(await devnetAccountAddress()));
      // the REST gateway answers, with CORS for local pages
      const rest = await fetch(`http://127.0.0.1:${nodes[0].apiPort}/dgrid/registry/v1/params`, {
        headers: { origin: "http://127.0.0.1:8080" },
      });
      assert.equal(rest.status, 200);
      assert.equal(rest.headers.get("access-control-allow-origin"), "*");
      const rpcCors = await fetch(`${urls[0]}/health`, { headers: { origin: "http://localhost:5173" } });
      assert.equal(rpcCors.headers.get("access-control-allow-origin"), "http://localhost:5173");
      const before = await latestHeight(urls[0]);
      const block1 = (await rpcCall(urls[0], "block", { height: "1" })).result.block_id.hash;
      first.child.kill("SIGINT");
      assert.equal(await first.exited, 0);
      for (const u of urls) await assert.rejects(fetch(`${u}/health`), "every node stopped");
      const second = runLocalnet(dir, base);
      runs.push(second);
      await waitForHeight(urls[0], before + 2, 150_000, () => second.child.exitCode !== null, second.output);
      assert.match(second.output(), /resumed/);
      assert.equal((await rpcCall(urls[0], "block", { height: "1" })).result.block_id.hash, block1);
      second.child.kill("SIGTERM");
      assert.equal(await second.exited, 0);
    } finally {
      // a failed run must not leave the localnet (and its nodes) running: the test process would wait on it
      for (const r of runs) await stopLocalnet(r);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** SIGTERM (the localnet stops its nodes), then SIGKILL after 20 s. */
async function stopLocalnet(r: ReturnType<typeof runLocalnet>): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  r.child.kill("SIGTERM");
  const timer = setTimeout(() => r.child.kill("SIGKILL"), 20_000);
  await r.exited;
  clearTimeout(timer);
}

async function loadLocalnetWhenWritten(dir: string) {
  for (let i = 0; i < 600; i++) {
    const net = loadLocalnet(dir);
    if (net) return net;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("localnet.json never written");
}
