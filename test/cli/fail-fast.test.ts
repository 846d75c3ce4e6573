// The CLI fails fast: a tx refused at CheckTx is reported at once with its code, codespace and log
// (in block mode too: the process used to stay alive for the whole --timeout), and `--gas auto`
// names the cause when the node refuses to simulate. The node is a real DGridApp behind the fake
// RPC; the CLI runs as the real bin/dgrid.js process, so the time until it exits is what is measured.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { block, genesis, initApp, newApp, testKey } from "../app/helpers.ts";
import { dgridBin } from "../support/node-process.ts";
import { type AppNode, startAppNode } from "./app-node.ts";
import { cli, KNOWN_MNEMONIC, tempHome } from "./helpers.ts";

function dgridProcess(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; exitedAt: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [dgridBin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const kill = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, exitedAt: Date.now() });
    });
  });
}

describe("the CLI fails fast", () => {
  let app: AppNode;
  const home = tempHome();
  const ring = ["--home", home, "--keyring-backend", "test"];
  let bob: string;

  before(async () => {
    const r = await cli(["keys", "add", "alice", "--recover", ...ring, "-o", "json"], { stdin: KNOWN_MNEMONIC });
    assert.equal(r.code, 0, r.stderr);
    const alice = JSON.parse(r.stdout).address as string;
    bob = (await testKey("bob")).address;
    const dgrid = newApp();
    await initApp(dgrid, genesis([{ address: alice, coins: [{ denom: "udgrid", amount: "1000000000" }] }]));
    await block(dgrid, 1, []);
    app = await startAppNode(dgrid);
  });
  after(async () => app?.node.close());

  it("a CheckTx refusal in block mode exits within 5 s of the broadcast, with code, codespace and log", async () => {
    const args = ["tx", "bank", "send", "alice", bob, "1udgrid", "--gas", "1000", "--broadcast-mode", "block"];
    // the default --timeout (60 s) is what the process used to wait out
    const r = await dgridProcess([...args, "--node", app.node.url, "-y", "-o", "json", ...ring], 45_000);
    const broadcast = app.node.calls.find((c) => c.method === "broadcast_tx_sync");
    assert.ok(broadcast, `the tx was broadcast: ${r.stderr}`);
    assert.ok(r.exitedAt - broadcast.at < 5_000, `exited ${r.exitedAt - broadcast.at} ms after the broadcast`);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.code, 11);
    assert.equal(out.codespace, "sdk");
    assert.match(out.raw_log, /out of gas/);
    assert.match(r.stderr, /refused by the node \(CheckTx\) with code 11 \(codespace sdk\): out of gas.*--gas auto/);
    assert.equal(app.node.broadcast.length, 0, "nothing entered the mempool");
  });

  it("--gas auto names why the node refused to simulate", async () => {
    const r = await cli([
      "tx",
      "bank",
      "send",
      "alice",
      bob,
      "5000000000udgrid",
      "--gas",
      "auto",
      "--node",
      app.node.url,
      "-y",
      ...ring,
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /the node refused to simulate this tx, so it would fail: .*insufficient funds \(codespace sdk, code 5\)/,
    );
  });
});
