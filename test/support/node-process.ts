// Starts real `dgrid` node processes for end-to-end tests: a temp home made with the CLI, free
// loopback ports, fast consensus timeouts, and helpers to wait for the RPC and for heights. A node
// with faults (a byzantine test validator) runs faulty-node-main.ts instead of `dgrid start`.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { loadConfig, writeConfig } from "../../chain/node/config.ts";
import { faultFlags, type NodeFaults } from "./faulty-node.ts";
import { testTempDir } from "./temp-dir.ts";

const execFileP = promisify(execFile);
export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const dgridBin = join(repoRoot, "bin", "dgrid.js");
export const faultyNodeMain = join(repoRoot, "test", "support", "faulty-node-main.ts");
/** tsx's loader as a file URL, so `--import` finds it from any working directory */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/**
 * Spawns the node of `home` with piped output: `dgrid start --home HOME`, or with `faults` the
 * test-only faulty-node-main.ts (TypeScript, loaded through tsx like bin/dgrid.js does).
 */
export function startNodeProcess(home: string, faults?: NodeFaults): ChildProcess {
  const args = faults
    ? ["--import", tsxLoader, faultyNodeMain, "--home", home, ...faultFlags(faults)]
    : [dgridBin, "start", "--home", home];
  return spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
}

// Ports for test nodes come from below Linux's ephemeral range (32768-60999 by default). A port the OS
// hands out for `listen(0)` is in that range, and between this check and the node's own listen any
// outgoing connection of any process (libp2p dials, HTTP clients of a test running beside this one)
// may be given it as its local port: a clean-clone CI run lost a localnet test to EADDRINUSE that way.
const TEST_PORT_LOW = 10_000;
const TEST_PORT_HIGH = 32_000;

// `npm test` runs two test files at once, each in its own process, and both pick from the same range:
// a port free when one checks it may be the other's before its node listens. So every pick is also
// reserved across processes by a lock file (created with O_EXCL) that lives as long as the process;
// a file left by a killed run is taken over once it is older than RESERVATION_STALE_MS.
const RESERVATIONS = join(tmpdir(), "dgrid-test-ports");
const RESERVATION_STALE_MS = 60 * 60_000;
const reserved = new Set<string>();
let releaseHooked = false;
const reservationFile = (port: number) => join(RESERVATIONS, String(port));
/** Whether this process reserved `port` already. */
const holds = (port: number) => reserved.has(reservationFile(port));

/** Reserves `port` for this process across test processes; false when another live run holds it. */
export function reservePort(port: number): boolean {
  mkdirSync(RESERVATIONS, { recursive: true });
  const file = reservationFile(port);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(file, "wx"));
      reserved.add(file);
      if (!releaseHooked) {
        releaseHooked = true;
        process.once("exit", () => {
          for (const f of reserved) rmSync(f, { force: true });
        });
      }
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let age = 0;
      try {
        age = Date.now() - statSync(file).mtimeMs;
      } catch {
        continue; // released between the two calls: try again
      }
      if (age < RESERVATION_STALE_MS) return false;
      rmSync(file, { force: true });
    }
  }
  return false;
}

/**
 * A loopback port free right now and reserved for this process, picked at random below the ephemeral
 * range (OS-assigned if none is).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = TEST_PORT_LOW + Math.floor(Math.random() * (TEST_PORT_HIGH - TEST_PORT_LOW));
    if (holds(port)) continue;
    if (!reservePort(port)) continue;
    if (await portIsFree(port)) return port;
  }
  return osAssignedPort();
}

function osAssignedPort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** Whether 127.0.0.1:port can be listened on right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => res(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => res(true)));
  });
}

/**
 * A base port P such that P + o is free for every offset o (for commands that derive their ports from
 * one base, like `dgrid localnet --base-port`), tried from `freePort` picks.
 */
export async function freeBasePort(offsets: number[]): Promise<number> {
  const lowest = Math.min(...offsets);
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = (await freePort()) - lowest;
    const others = offsets.filter((o) => o !== lowest).map((o) => base + o);
    if (!others.every((p) => holds(p) || reservePort(p))) continue;
    const free = await Promise.all(offsets.map((o) => portIsFree(base + o)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no base port with offsets ${offsets.join(",")} free`);
}

/** Runs the CLI to completion; rejects with its stderr on a non-zero exit. */
export async function dgrid(
  args: string[],
  opts: { input?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  if (opts.input !== undefined) {
    return new Promise((res, rej) => {
      const child = spawn(process.execPath, [dgridBin, ...args], { stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) =>
        code === 0 ? res({ stdout, stderr }) : rej(new Error(`dgrid ${args.join(" ")} exited ${code}: ${stderr}`)),
      );
      child.stdin.end(opts.input);
    });
  }
  return execFileP(process.execPath, [dgridBin, ...args], { maxBuffer: 16 << 20 });
}

export interface TestNode {
  home: string;
  rpcUrl: string;
  metricsUrl: string;
  chainId: string;
  process?: ChildProcess;
  logs: string[];
  start(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface TestNodeOptions {
  chainId?: string;
  accounts?: { address: string; coins: string }[];
  timeoutCommitMs?: number;
  /** run the node with these test faults (faulty-node-main.ts) */
  faults?: NodeFaults;
  /**
   * false: `init --no-validator`, a genesis without validators for the test to add gentxs to; by
   * default `init` makes the node the chain's bonded validator (key `validator`, test keyring)
   */
  validator?: boolean;
}

/** init + add-account + fast timeouts, on free ports; start() spawns `dgrid start` and waits for RPC. */
export async function createTestNode(opts: TestNodeOptions = {}): Promise<TestNode> {
  const home = testTempDir("dgrid-e2e-");
  const chainId = opts.chainId ?? "dgrid-e2e-1";
  const validator = opts.validator === false ? ["--no-validator"] : ["--keyring-backend", "test"];
  await dgrid(["init", "--home", home, "--chain-id", chainId, "--moniker", "e2e", ...validator]);
  for (const acc of opts.accounts ?? []) {
    await dgrid(["genesis", "add-account", "--home", home, acc.address, acc.coins]);
  }
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const metricsPort = await freePort();
  const cfg = loadConfig(home);
  cfg.rpc.laddr = `tcp://127.0.0.1:${rpcPort}`;
  cfg.p2p.laddr = `/ip4/127.0.0.1/tcp/${p2pPort}`;
  cfg.instrumentation = { prometheus: true, prometheusLaddr: `tcp://127.0.0.1:${metricsPort}` };
  cfg.consensus.timeoutCommitMs = opts.timeoutCommitMs ?? 200;
  cfg.models.laddr = `tcp://127.0.0.1:${await freePort()}`;
  cfg.logLevel = "info";
  writeConfig(home, cfg);
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  const node: TestNode = {
    home,
    rpcUrl,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    chainId,
    logs: [],
    async start() {
      const child = startNodeProcess(home, opts.faults);
      node.process = child;
      child.stdout!.on("data", (d) => pushLog(node.logs, String(d)));
      child.stderr!.on("data", (d) => pushLog(node.logs, String(d)));
      await waitForHeight(rpcUrl, 2, 30_000, () => child.exitCode !== null, node.logs);
    },
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      const child = node.process;
      if (!child || child.exitCode !== null) return;
      const exited = new Promise<void>((res) => child.once("exit", () => res()));
      child.kill(signal);
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
  return node;
}

function pushLog(logs: string[], chunk: string): void {
  logs.push(chunk);
  if (logs.length > 2000) logs.splice(0, logs.length - 2000);
}

export async function rpcCall(url: string, method: string, params: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return res.json();
}

export async function latestHeight(url: string): Promise<number> {
  const st = await rpcCall(url, "status");
  return Number(st.result.sync_info.latest_block_height);
}

/** Polls `status` until the node reports at least `height`. */
export async function waitForHeight(
  url: string,
  height: number,
  timeoutMs = 30_000,
  died: () => boolean = () => false,
  logs: string[] | (() => string) = [],
): Promise<number> {
  const logText = () => (typeof logs === "function" ? logs() : logs.join(""));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (died()) throw new Error(`node exited before height ${height}:\n${logText().slice(-4000)}`);
    try {
      const h = await latestHeight(url);
      if (h >= height) return h;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for height ${height}:\n${logText().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Spawns `dgrid start --home HOME` (faulty-node-main.ts with `faults`) and waits until RPC reports `height`; stop() ends it. */
export async function spawnNode(
  home: string,
  rpcUrl: string,
  height = 2,
  faults?: NodeFaults,
): Promise<{ process: ChildProcess; logs: string[]; stop(signal?: NodeJS.Signals): Promise<void> }> {
  const logs: string[] = [];
  const child = startNodeProcess(home, faults);
  child.stdout!.on("data", (d) => pushLog(logs, String(d)));
  child.stderr!.on("data", (d) => pushLog(logs, String(d)));
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((res) => child.once("exit", () => res()));
    child.kill(signal);
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  };
  try {
    await waitForHeight(rpcUrl, height, 60_000, () => child.exitCode !== null, logs);
  } catch (e) {
    await stop();
    throw e;
  }
  return { process: child, logs, stop };
}
