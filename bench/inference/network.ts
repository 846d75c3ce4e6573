// The chain the bench drives: the devnet node (app/devnet.ts genesis, one validator, k = 1) when
// --validators is not given, as the figures since issue 4 were measured; otherwise a localnet of
// --validators `dgrid start` processes (test/support/localnet.ts: app/localnet.ts homes, gentx
// genesis, libp2p, free 127.0.0.1 ports). A model other than the demo MLP is added to the genesis
// (registered; the devnet validator serves it from height 0, localnet validators after their
// conformance check) and to every node's models.import.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { addDevnetOperatorKey, buildDevnetGenesis, prepareDevnetHome } from "../../app/devnet.ts";
import { genesisPath, loadConfig, writeConfig } from "../../chain/node/config.ts";
import { genesisToJson } from "../../chain/types/genesis.ts";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import { type Model, GenesisState as RegistryGenesis } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { createTestLocalnet, waitAllHeight } from "../../test/support/localnet.ts";
import { dgridBin, freePort, waitForHeight } from "../../test/support/node-process.ts";

export interface BenchNode {
  rpcUrl: string;
  metricsUrl: string;
  pid: number;
}

export interface BenchNetwork {
  kind: "devnet" | "localnet";
  nodes: BenchNode[];
  /** the configured execution provider of the nodes' executors */
  provider: string;
  /** the last logs of a node that exited, undefined while all run */
  exited(): string | undefined;
  stop(): Promise<void>;
}

export interface NetworkOptions {
  /** undefined: the devnet node */
  validators?: number;
  blockMs: number;
  model: { entry: Model; file: string; inGenesis: boolean };
  nodeFlags: string[];
  cpuProf?: string;
  keep: boolean;
}

export function startNetwork(o: NetworkOptions): Promise<BenchNetwork> {
  return o.validators === undefined ? startDevnet(o) : startLocalnet(o, o.validators);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(t);
}

async function startDevnet(o: NetworkOptions): Promise<BenchNetwork> {
  const home = mkdtempSync(join(tmpdir(), "dgrid-bench-inf-"));
  prepareDevnetHome(home);
  await addDevnetOperatorKey(home);
  if (!o.model.inGenesis) {
    writeFileSync(genesisPath(home), genesisToJson(await buildDevnetGenesis({ extraModels: [o.model.entry] })));
  }
  const cfg = loadConfig(home);
  const rpcPort = await freePort();
  const metricsPort = await freePort();
  cfg.rpc.laddr = `tcp://127.0.0.1:${rpcPort}`;
  cfg.p2p.laddr = `/ip4/127.0.0.1/tcp/${await freePort()}`;
  cfg.instrumentation = { prometheus: true, prometheusLaddr: `tcp://127.0.0.1:${metricsPort}` };
  cfg.models.laddr = `tcp://127.0.0.1:${await freePort()}`;
  if (!o.model.inGenesis) cfg.models.import = [...cfg.models.import, o.model.file];
  cfg.consensus.timeoutCommitMs = o.blockMs;
  cfg.logLevel = "warn";
  writeConfig(home, cfg);

  const prof = o.cpuProf ? ["--cpu-prof", "--cpu-prof-dir", resolve(o.cpuProf)] : [];
  if (o.cpuProf) mkdirSync(resolve(o.cpuProf), { recursive: true });
  const child = spawn(process.execPath, [...o.nodeFlags, ...prof, dgridBin, "start", "--home", home], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const keep = (d: unknown) => {
    logs.push(String(d));
    if (logs.length > 500) logs.splice(0, logs.length - 500);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  const cleanup = async () => {
    await stopChild(child);
    if (!o.keep) rmSync(home, { recursive: true, force: true });
    else process.stderr.write(`home kept: ${home}\n`);
  };
  try {
    await waitForHeight(rpcUrl, 3, 90_000, () => child.exitCode !== null, logs);
  } catch (e) {
    await cleanup();
    throw e;
  }
  return {
    kind: "devnet",
    nodes: [{ rpcUrl, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, pid: child.pid! }],
    provider: cfg.inference.executionProvider,
    exited: () => (child.exitCode !== null ? logs.join("").slice(-3000) : undefined),
    stop: cleanup,
  };
}

async function startLocalnet(o: NetworkOptions, validators: number): Promise<BenchNetwork> {
  if (o.nodeFlags.length > 0 || o.cpuProf) throw new Error("--node-flags and --cpu-prof apply to the devnet node only");
  // the node's default round timeouts (as bench/localnet-throughput): the tests' fast ones keep a loaded
  // 2-core machine from ever committing with 4 validators
  const net = await createTestLocalnet({
    validators,
    timeoutCommitMs: o.blockMs,
    timeoutProposeMs: 3000,
    timeoutVoteMs: 1000,
  });
  const stop = async () => {
    if (o.keep) {
      await net.stopAll();
      process.stderr.write(`localnet kept: ${net.dir}\n`);
    } else await net.cleanup();
  };
  try {
    if (!o.model.inGenesis) {
      // the same genesis bytes for every node, with the model registered (no servers: each validator
      // checks its golden vectors and serves it, as with the demo model)
      const doc = JSON.parse(readFileSync(genesisPath(net.nodes[0].home), "utf8"));
      const [model] = (
        snakeKeys(RegistryGenesis.toJSON({ ...RegistryGenesis.fromPartial({}), models: [o.model.entry] })) as {
          models: unknown[];
        }
      ).models;
      doc.app_state.registry.models.push(model);
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      for (const n of net.nodes) writeFileSync(genesisPath(n.home), text);
    }
    let provider = "cpu";
    for (const n of net.nodes) {
      const cfg = loadConfig(n.home);
      if (!o.model.inGenesis) cfg.models.import = [...cfg.models.import, o.model.file];
      cfg.logLevel = "warn";
      provider = cfg.inference.executionProvider;
      writeConfig(n.home, cfg);
    }
    for (let i = 0; i < net.nodes.length; i++) net.start(i);
    await waitAllHeight(net.nodes, 3, 300_000);
    return {
      kind: "localnet",
      nodes: net.nodes.map((n) => ({
        rpcUrl: n.rpcUrl,
        metricsUrl: `http://127.0.0.1:${n.metricsPort}/metrics`,
        pid: n.process!.pid!,
      })),
      provider,
      exited: () => {
        const gone = net.nodes.find((n) => n.process && (n.process.exitCode !== null || n.process.signalCode !== null));
        return gone ? `${gone.name}: ${gone.logs.join("").slice(-3000)}` : undefined;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
