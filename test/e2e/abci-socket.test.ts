// End to end over the ABCI socket: a 4-validator localnet in which validator 3 runs split in two
// processes — its DGrid app alone (`dgrid start --abci unix://.../app.sock`, with the validator's
// inference services) and its engine (`dgrid start --proxy-app unix://...`). Every node reports the
// same block and app hash at every height and the split validator signs; kill -9 of its app process
// stops only that validator's engine (the other three go on), and after both processes restart the
// engine handshakes, catches up and has the same hashes again.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig, writeConfig } from "../../chain/node/config.ts";
import {
  assertSameChain,
  createTestLocalnet,
  heightOf,
  type RunningNode,
  type TestLocalnet,
  waitAllHeight,
  waitSignedBy,
} from "../support/localnet.ts";
import { dgridBin } from "../support/node-process.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  child: ChildProcess;
  logs: string[];
  exited: Promise<number | null>;
}

function spawnDgrid(args: string[]): Proc {
  const child = spawn(process.execPath, [dgridBin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const logs: string[] = [];
  const push = (d: Buffer) => {
    logs.push(String(d));
    if (logs.length > 2000) logs.splice(0, logs.length - 2000);
  };
  child.stdout?.on("data", push);
  child.stderr?.on("data", push);
  const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
  return { child, logs, exited };
}

const alive = (p?: Proc) => !!p && p.child.exitCode === null && p.child.signalCode === null;

async function stopProc(p?: Proc): Promise<void> {
  if (!p || !alive(p)) return;
  p.child.kill("SIGTERM");
  const t = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
  await p.exited;
  clearTimeout(t);
}

describe("ABCI socket: a validator whose app runs in another process", { timeout: 240_000 }, () => {
  let net: TestLocalnet;
  let others: RunningNode[];
  let split: RunningNode;
  let appAddr: string;
  let app: Proc | undefined;
  let engine: Proc | undefined;
  const startApp = () => {
    app = spawnDgrid(["start", "--home", split.home, "--abci", appAddr]);
  };
  const startEngine = () => {
    engine = spawnDgrid(["start", "--home", split.home, "--proxy-app", appAddr]);
    // waitAllHeight notices an engine that exited
    split.process = engine.child;
    split.logs = engine.logs;
  };
  const logsOf = () =>
    `--- app ---\n${app?.logs.join("").slice(-3000)}\n--- engine ---\n${engine?.logs.join("").slice(-3000)}`;

  before(async () => {
    // a long signed-blocks window: the split validator, down for a while, must not be jailed meanwhile
    net = await createTestLocalnet({ validators: 4, params: { slashing: { signed_blocks_window: "1000" } } });
    others = net.nodes.slice(0, 3);
    split = net.nodes[3];
    // only the split validator runs the inference services (in its app process); fewer processes
    // on a small machine
    for (const n of others) {
      const cfg = loadConfig(n.home);
      cfg.inference.enabled = false;
      writeConfig(n.home, cfg);
    }
    appAddr = `unix://${join(split.home, "app.sock")}`;
    for (let i = 0; i < 3; i++) net.start(i);
    startApp();
    startEngine();
    await waitAllHeight(net.nodes, 3, 120_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${logsOf()}`);
    });
  });

  after(async () => {
    await stopProc(engine);
    await stopProc(app);
    if (net) await net.cleanup();
  });

  it("the split validator signs, and every node has the same block and app hash at every height", async () => {
    await waitSignedBy(others[0], split, 1, 60_000, 200);
    const h = Math.min(...(await Promise.all(net.nodes.map(heightOf))));
    await assertSameChain([...others, split], h);
    // the app keeps its own database; its inference services run in the app process
    assert.ok(existsSync(join(split.home, "data", "app.db")));
    assert.match(app?.logs.join("") ?? "", /"msg":"DGrid app serving ABCI"/);
    assert.match(app?.logs.join("") ?? "", /"models":"http:\/\/127\.0\.0\.1:\d+"/);
  });

  it("kill -9 of the app stops only that validator's engine; the others keep making blocks", async () => {
    app?.child.kill("SIGKILL");
    const code = await Promise.race([engine?.exited, sleep(20_000).then(() => "timeout")]);
    assert.equal(code, 1, `engine exit code\n${logsOf()}`);
    assert.match(engine?.logs.join("") ?? "", /the ABCI application at unix:\/\/.* is unreachable/);
    const h0 = Math.max(...(await Promise.all(others.map(heightOf))));
    await waitAllHeight(others, h0 + 3, 30_000);
  });

  it("after both restart, the engine handshakes, catches up and agrees again", async () => {
    startApp();
    startEngine();
    const target = Math.max(...(await Promise.all(others.map(heightOf)))) + 2;
    await waitAllHeight([split], target, 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${logsOf()}`);
    });
    assert.match(engine?.logs.join("") ?? "", /"msg":"ABCI handshake"/);
    await waitSignedBy(others[0], split, target, 30_000, 200);
    const h = Math.min(...(await Promise.all(net.nodes.map(heightOf))));
    await assertSameChain([...others, split], h);
  });
});
