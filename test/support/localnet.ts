// A multi-process localnet for end-to-end tests: homes written by app/localnet.ts on free
// 127.0.0.1 ports (RPC, p2p, metrics, model endpoint, REST, gRPC) with fast timeouts, one `dgrid start` process per node (faulty-node-main.ts for a
// node given test faults).
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initLocalnet, type Localnet, type LocalnetGenesisParams, type LocalnetNode } from "../../app/localnet.ts";
import type { NodeFaults } from "./faulty-node.ts";
import { freePort, latestHeight, rpcCall, startNodeProcess } from "./node-process.ts";

export interface RunningNode extends LocalnetNode {
  rpcUrl: string;
  /** the REST (LCD) gateway, CORS on for local origins as app/localnet.ts sets it */
  apiUrl: string;
  /** the gRPC server (with reflection), host:port */
  grpcAddress: string;
  process?: ChildProcess;
  logs: string[];
}

export interface TestLocalnet {
  dir: string;
  chainId: string;
  nodes: RunningNode[];
  start(i: number): void;
  stop(i: number, signal?: NodeJS.Signals): Promise<void>;
  stopAll(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createTestLocalnet(opts: {
  validators: number;
  fullNodes?: number;
  timeoutCommitMs?: number;
  /** consensus propose / prevote+precommit base timeouts (default 1000 / 500: fast tests) */
  timeoutProposeMs?: number;
  timeoutVoteMs?: number;
  /** genesis module params over the localnet defaults */
  params?: LocalnetGenesisParams;
  /** test faults of node i (its process is then faulty-node-main.ts, not `dgrid start`) */
  faults?: (i: number) => NodeFaults | undefined;
}): Promise<TestLocalnet> {
  const dir = mkdtempSync(join(tmpdir(), "dgrid-localnet-"));
  const total = opts.validators + (opts.fullNodes ?? 0);
  const ports: { rpc: number; p2p: number; metrics: number; models: number; api: number; grpc: number }[] = [];
  for (let i = 0; i < total; i++)
    ports.push({
      rpc: await freePort(),
      p2p: await freePort(),
      metrics: await freePort(),
      models: await freePort(),
      api: await freePort(),
      grpc: await freePort(),
    });
  const net: Localnet = await initLocalnet({
    dir,
    validators: opts.validators,
    fullNodes: opts.fullNodes,
    chainId: "dgrid-localnet-e2e",
    ports: (i) => ports[i],
    timeoutCommitMs: opts.timeoutCommitMs ?? 250,
    timeoutProposeMs: opts.timeoutProposeMs ?? 1000,
    timeoutVoteMs: opts.timeoutVoteMs ?? 500,
    params: opts.params,
  });
  const nodes: RunningNode[] = net.nodes.map((n) => ({
    ...n,
    rpcUrl: `http://127.0.0.1:${n.rpcPort}`,
    apiUrl: `http://127.0.0.1:${n.apiPort}`,
    grpcAddress: `127.0.0.1:${n.grpcPort}`,
    logs: [],
  }));
  const t: TestLocalnet = {
    dir,
    chainId: net.chainId,
    nodes,
    start(i) {
      const n = nodes[i];
      if (n.process && n.process.exitCode === null && n.process.signalCode === null) return;
      const child = startNodeProcess(n.home, opts.faults?.(i));
      n.process = child;
      const push = (d: Buffer) => {
        n.logs.push(String(d));
        if (n.logs.length > 3000) n.logs.splice(0, n.logs.length - 3000);
      };
      child.stdout?.on("data", push);
      child.stderr?.on("data", push);
    },
    async stop(i, signal = "SIGTERM") {
      const child = nodes[i].process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((res) => child.once("exit", () => res()));
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
    async stopAll() {
      await Promise.all(nodes.map((_, i) => t.stop(i)));
    },
    async cleanup() {
      await t.stopAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

export function isRunning(n: RunningNode): boolean {
  return !!n.process && n.process.exitCode === null && n.process.signalCode === null;
}

/** Polls until every given node reports at least `height`. */
export async function waitAllHeight(nodes: RunningNode[], height: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const n of nodes) {
    for (;;) {
      if (n.process && !isRunning(n)) throw new Error(`${n.name} exited:\n${n.logs.join("").slice(-3000)}`);
      try {
        if ((await latestHeight(n.rpcUrl)) >= height) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline)
        throw new Error(`${n.name} did not reach height ${height}:\n${n.logs.join("").slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function heightOf(n: RunningNode): Promise<number> {
  return latestHeight(n.rpcUrl);
}

/** Block id hash and app hash (of the state after the block: next header's app_hash) at `height`. */
export async function blockAt(n: RunningNode, height: number): Promise<{ hash: string; appHash: string; block: any }> {
  const r = await rpcCall(n.rpcUrl, "block", { height: String(height) });
  if (!r.result) throw new Error(`${n.name}: no block ${height}: ${JSON.stringify(r.error)}`);
  return { hash: r.result.block_id.hash, appHash: r.result.block.header.app_hash, block: r.result.block };
}

/** Block id hash and header app hash by height for 1..upTo, read with `blockchain` (20 per call). */
export async function chainOf(n: RunningNode, upTo: number): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let lo = 1; lo <= upTo; lo += 20) {
    const hi = Math.min(upTo, lo + 19);
    const r = await rpcCall(n.rpcUrl, "blockchain", { minHeight: String(lo), maxHeight: String(hi) });
    for (const m of r.result.block_metas) out.set(Number(m.header.height), `${m.block_id.hash}/${m.header.app_hash}`);
  }
  return out;
}

/** Every node has the same block id hash and app hash at each height 1..upTo. */
export async function assertSameChain(nodes: RunningNode[], upTo: number): Promise<void> {
  const ref = await chainOf(nodes[0], upTo);
  assert.equal(ref.size, upTo);
  for (const n of nodes.slice(1)) {
    const got = await chainOf(n, upTo);
    for (let h = 1; h <= upTo; h++)
      assert.equal(got.get(h), ref.get(h), `block/app hash at ${h}: ${nodes[0].name} vs ${n.name}`);
  }
}

/** Waits until a commit above `after` (as `reader` stores it) carries a signature of `signer`. */
export async function waitSignedBy(
  reader: RunningNode,
  signer: RunningNode,
  after: number,
  timeoutMs: number,
  pollMs = 300,
): Promise<void> {
  const st = await rpcCall(signer.rpcUrl, "status");
  const address: string = st.result.validator_info.address;
  const deadline = Date.now() + timeoutMs;
  let h = after + 1;
  for (;;) {
    const top = await heightOf(reader);
    for (; h < top; h++) {
      const c = (await rpcCall(reader.rpcUrl, "commit", { height: String(h) })).result.signed_header.commit;
      if (c.signatures.some((s: any) => s.block_id_flag === 2 && s.validator_address === address)) return;
    }
    assert.ok(Date.now() < deadline, `${signer.name} signed no commit after height ${after}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
