// `dgrid start` (run a node from a home — or, with `--abci`, only its app, served over ABCI; with
// `--proxy-app`, only the engine, its app in another process) and `dgrid devnet` (what `npm start`
// runs: the single-validator development chain from the committed genesis.json).

import { resolve } from "node:path";
import { type Command, Option } from "commander";
import type { Logger } from "pino";
import { loadConfig, type NodeConfig, nodeKeyPath } from "../../chain/node/config.ts";
import { NODE_V8_FLAGS } from "../../chain/node/v8-flags.ts";
import { loadNodeKey, nodeId } from "../../chain/types/keys.ts";
import { govPeriods, LOCALNET_VOTING_PERIOD_S } from "../gov-periods.ts";
import { parseDurationSeconds } from "./args.ts";
import { endpointLines, localHostPort, type NodeEndpoints } from "./banner.ts";
import { CliError, globalsOf } from "./context.ts";
import { makeNodeLogger } from "./logger.ts";

// The node (and everything under it) is imported only by the commands that run one, so the other CLI
// commands start fast.
type DGridNode = import("../node.ts").DGridNode;
const loadNode = () => import("../node.ts");

function makeLogger(config: NodeConfig): Logger {
  return makeNodeLogger(config.logLevel, config.logFormat);
}

/**
 * Runs a node from `home` with `config` until the process is told to stop (tests substitute a probe);
 * `banner: false` keeps it from printing its endpoints once its RPC answers.
 */
export type StartNode = (home: string, config: NodeConfig, opts?: { banner?: boolean }) => Promise<void>;

/**
 * `dgrid start`'s node, logging at the config's level and stopped cleanly on SIGINT/SIGTERM: a
 * DGridNode, or with `abci.laddr` only the app served over ABCI, or with `proxyApp` only the engine.
 */
export const startDGridNode: StartNode = async (home, config, opts = {}) => {
  if (config.abci.laddr && config.proxyApp)
    throw new CliError("--abci (abci.laddr) runs only the app and --proxy-app (proxyApp) only the engine: give one");
  const logger = makeLogger(config);
  if (config.abci.laddr) {
    const { DGridAppServer } = await import("../app-server.ts");
    await runNode(new DGridAppServer({ home, config }, { logger }), logger);
    return;
  }
  const { DGridNode } = await loadNode();
  // an engine whose app went away stops itself; the process then exits non-zero
  const onFatal = () => process.exit(1);
  const node = new DGridNode({ home, config }, { logger, onFatal });
  await runNode(node, logger);
  if (opts.banner === false) return;
  process.stderr.write(
    [
      "",
      `DGrid node "${config.moniker}" is running (chain ${node.genesis.chain_id}, data in ${home})`,
      ...endpointLines(endpointsOf(node, home)),
      "  Ctrl-C stops it.",
      "",
    ].join("\n"),
  );
};

/**
 * The flags that set a config key (global --log-level; --rpc.laddr, --api.laddr (which also turns
 * the REST gateway on), --grpc.laddr, --p2p.laddr, --metrics.laddr,
 * --execution-provider, --models.laddr, --blobs.max-bytes, --abci, --proxy-app): each overrides the home's config only
 * when given.
 */
export function applyConfigFlags(config: NodeConfig, flags: Record<string, unknown>): NodeConfig {
  if (typeof flags.logLevel === "string") config.logLevel = flags.logLevel;
  if (typeof flags.logFormat === "string") config.logFormat = flags.logFormat as NodeConfig["logFormat"];
  if (typeof flags["rpc.laddr"] === "string") config.rpc.laddr = flags["rpc.laddr"];
  if (typeof flags["api.laddr"] === "string") {
    config.api.address = flags["api.laddr"];
    config.api.enable = true;
  }
  if (typeof flags["p2p.laddr"] === "string") config.p2p.laddr = flags["p2p.laddr"];
  if (typeof flags["metrics.laddr"] === "string") config.instrumentation.prometheusLaddr = flags["metrics.laddr"];
  if (typeof flags["grpc.laddr"] === "string") {
    config.grpc.address = flags["grpc.laddr"];
    config.grpc.enable = true;
  }
  if (typeof flags.executionProvider === "string")
    config.inference.executionProvider = flags.executionProvider as "cpu" | "cuda";
  if (typeof flags["models.laddr"] === "string") config.models.laddr = flags["models.laddr"];
  if (typeof flags["blobs.maxBytes"] === "string") {
    const n = Number(flags["blobs.maxBytes"]);
    if (!Number.isSafeInteger(n) || n < 1)
      throw new Error(`--blobs.max-bytes: "${flags["blobs.maxBytes"]}" is not a positive integer`);
    config.blobs.maxBytes = n;
  }
  if (typeof flags.abci === "string") config.abci.laddr = flags.abci;
  if (typeof flags.proxyApp === "string") config.proxyApp = flags.proxyApp;
  return config;
}

/** Starts the node (or the app server) and keeps the process alive until SIGINT/SIGTERM, then stops it cleanly. */
export async function runNode(node: { start(): Promise<void>; stop(): Promise<void> }, logger: Logger): Promise<void> {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    node.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  try {
    await node.start();
  } catch (err) {
    logger.fatal({ err }, "node failed to start");
    await node.stop().catch(() => {});
    throw err;
  }
}

function apiLaddrOption(): Option {
  return new Option(
    "--api.laddr <addr>",
    "REST (LCD) gateway listen address, e.g. tcp://127.0.0.1:1317; turns it on (config api.address, api.enable)",
  );
}

function executionProviderOption(): Option {
  return new Option(
    "--execution-provider <provider>",
    "onnxruntime execution provider (config inference.executionProvider)",
  ).choices(["cpu", "cuda"]);
}

export function registerStartCommands(program: Command, startNode: StartNode = startDGridNode): void {
  program
    .command("start")
    .description("run a node from its home directory")
    .addOption(new Option("--rpc.laddr <addr>", "RPC listen address, e.g. tcp://127.0.0.1:26657"))
    .addOption(apiLaddrOption())
    .addOption(executionProviderOption())
    .addOption(new Option("--models.laddr <addr>", "model endpoint listen address (default tcp://127.0.0.1:26659)"))
    .addOption(
      new Option("--blobs.max-bytes <n>", "largest input blob the model endpoint accepts (config blobs.max-bytes)"),
    )
    .addOption(new Option("--p2p.laddr <addr>", "p2p listen address (default tcp://0.0.0.0:26656)"))
    .addOption(
      new Option("--metrics.laddr <addr>", "Prometheus metrics listen address (default tcp://127.0.0.1:26660)"),
    )
    .addOption(new Option("--grpc.laddr <addr>", "gRPC listen address (default 127.0.0.1:9090; config grpc.address)"))
    .option("--no-banner", "do not print the node's endpoints once its RPC answers")
    .addOption(
      new Option(
        "--abci <laddr>",
        "run only the app, served over ABCI on tcp://HOST:PORT or unix:///PATH for an engine in another process (config abci.laddr)",
      ),
    )
    .addOption(
      new Option(
        "--proxy-app <addr>",
        "run only the engine, its app in another process at this ABCI address (config proxyApp)",
      ),
    )
    .action(async (opts: { banner: boolean }, cmd: Command) => {
      const { home } = globalsOf(cmd);
      await startNode(home, applyConfigFlags(loadConfig(home), cmd.optsWithGlobals()), { banner: opts.banner });
    });

  program
    .command("devnet")
    .description("start the single-validator development chain from the committed genesis.json")
    .option("--devnet-home <dir>", "where the devnet keeps its data", resolve(process.cwd(), ".dgrid-devnet"))
    .option("--reset", "delete the devnet's data first", false)
    .addOption(
      new Option("--rpc.laddr <addr>", "RPC listen address (default: the devnet config's, tcp://127.0.0.1:26657)"),
    )
    .addOption(apiLaddrOption())
    .addOption(executionProviderOption())
    .action(async (opts: Record<string, string | boolean | undefined>, cmd: Command) => {
      const { DEVNET_MNEMONIC, addDevnetOperatorKey, devnetAccountAddress, prepareDevnetHome } = await import(
        "../devnet.ts"
      );
      const { DGridNode } = await loadNode();
      const home = String(opts.devnetHome);
      const rpcLaddr = typeof opts["rpc.laddr"] === "string" ? opts["rpc.laddr"] : undefined;
      const { created } = prepareDevnetHome(home, { reset: Boolean(opts.reset), rpcLaddr });
      await addDevnetOperatorKey(home);
      const config = applyConfigFlags(loadConfig(home), cmd.optsWithGlobals());
      const logger = makeLogger(config);
      const node = new DGridNode({ home, config }, { logger });
      await runNode(node, logger);
      const account = await devnetAccountAddress();
      process.stderr.write(
        [
          "",
          `DGrid devnet is running (${created ? "new" : "resumed"} chain, data in ${home})`,
          `  chain id: ${node.genesis.chain_id}`,
          ...endpointLines(endpointsOf(node, home)),
          "  demo model: models/demo-mlp.onnx (registered in genesis, served by the validator)",
          `  funded development account: ${account}`,
          `  its mnemonic (public, for development only): ${DEVNET_MNEMONIC}`,
          `  validator operator key: \`validator\` in its home's test keyring (--keyring-backend test --home ${home})`,
          "  Ctrl-C stops the chain; run again to resume, or with --reset to start over.",
          "",
        ].join("\n"),
      );
    });
}

/** A running node's endpoints, as a local client reaches them. */
function endpointsOf(node: DGridNode, home: string): NodeEndpoints {
  return {
    name: node.config.moniker,
    rpc: node.rpcUrl,
    api: node.apiUrl.replace("//0.0.0.0:", "//127.0.0.1:"),
    explorer: node.config.api.explorer,
    grpc: node.grpcAddress.replace(/^0\.0\.0\.0:/, "127.0.0.1:"),
    models: node.inference?.modelsUrl.replace("//0.0.0.0:", "//127.0.0.1:") ?? "",
    metrics: node.metricsUrl.replace("//0.0.0.0:", "//127.0.0.1:"),
    p2p: `${nodeId(loadNodeKey(nodeKeyPath(home)))}@${localHostPort(node.config.p2p.laddr)}`,
  };
}

/** Polls the RPC's `status` until it answers; false when `gaveUp()` says to stop first. */
async function rpcAnswers(url: string, gaveUp: () => boolean): Promise<boolean> {
  while (!gaveUp()) {
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * `dgrid localnet --validators N --home DIR`: writes N validator homes with one genesis (unless DIR
 * already holds a localnet, which is resumed), then runs one `dgrid start` process per home until
 * Ctrl-C, which stops them all.
 */
export function registerLocalnetCommand(program: Command): void {
  program
    .command("localnet")
    .description("run an N-validator network on this machine (one process per validator)")
    .option("--validators <n>", "number of validators (for a new localnet)", "4")
    .option(
      "--base-port <port>",
      "node i listens on base+10i+5 (REST), +6 (p2p), +7 (rpc), +8 (model uploads), +9 (metrics)",
      "26650",
    )
    .option("--chain-id <id>", "chain id of a new localnet")
    .option("--timeout-commit-ms <ms>", "consensus timeout_commit of a new localnet", "1000")
    .option(
      "--voting-period <duration>",
      "gov voting period of a new localnet (deposit period the same, expedited half)",
      `${LOCALNET_VOTING_PERIOD_S}s`,
    )
    .option("--reset", "delete DIR's localnet first", false)
    .option("--init-only", "write the homes and exit", false)
    .action(async (opts: Record<string, string | boolean | undefined>, cmd: Command) => {
      const { initLocalnet, loadLocalnet, loadLocalnetGenesisGov } = await import("../localnet.ts");
      const { DEVNET_MNEMONIC, devnetAccountAddress } = await import("../devnet.ts");
      const { rmSync } = await import("node:fs");
      const { spawn } = await import("node:child_process");
      // --home is the localnet's directory; without it, ./.dgrid-localnet
      const homeSource = cmd.parent?.getOptionValueSource("home");
      const dir = homeSource === "default" ? resolve(process.cwd(), ".dgrid-localnet") : globalsOf(cmd).home;
      if (opts.reset) rmSync(dir, { recursive: true, force: true });
      let net = loadLocalnet(dir);
      const created = !net;
      if (!net) {
        const validators = Number(opts.validators);
        if (!Number.isInteger(validators) || validators < 1 || validators > 64)
          throw new Error(`--validators must be 1..64, got ${opts.validators}`);
        const seconds = parseDurationSeconds(String(opts.votingPeriod), "--voting-period");
        if (seconds < 2) throw new CliError("--voting-period must be at least 2s");
        net = await initLocalnet({
          dir,
          validators,
          chainId: typeof opts.chainId === "string" ? opts.chainId : undefined,
          basePort: Number(opts.basePort),
          timeoutCommitMs: Number(opts.timeoutCommitMs),
          params: { gov: govPeriods(seconds) },
          // four nodes' info logs on one terminal are too many; each home's log_level can change it
          logLevel: "warn",
        });
      }
      const account = await devnetAccountAddress();
      const out = (lines: string[]) => process.stderr.write(`${lines.join("\n")}\n`);
      if (opts.initOnly) {
        out([`localnet written to ${dir} (chain id ${net.chainId}, ${net.nodes.length} nodes)`]);
        return;
      }
      // --log-level given: every node logs at it; otherwise each at its home's log_level
      const level: string | undefined = cmd.optsWithGlobals().logLevel;
      const bin = resolve(import.meta.dirname, "..", "..", "bin", "dgrid.js");
      const children = net.nodes.map((n) =>
        spawn(
          process.execPath,
          [...NODE_V8_FLAGS, bin, "start", "--home", n.home, ...(level ? ["--log-level", level] : []), "--no-banner"],
          { stdio: ["ignore", "inherit", "inherit"] },
        ),
      );
      let stopping = false;
      const stopAll = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`\nstopping ${children.length} nodes (${signal})\n`);
        for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
        const force = setTimeout(() => {
          for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
        }, 15_000);
        force.unref();
      };
      process.on("SIGINT", () => stopAll("SIGINT"));
      process.on("SIGTERM", () => stopAll("SIGTERM"));
      let exited = 0;
      for (const [i, c] of children.entries()) {
        c.on("exit", (code, sig) => {
          exited++;
          if (!stopping) process.stderr.write(`${net.nodes[i].name} exited (${code ?? sig})\n`);
          if (exited === children.length) process.exit(stopping ? 0 : 1);
        });
      }
      // the banner only once every node's RPC answers: what it lists can be used at once
      const down = () => stopping || children.some((c) => c.exitCode !== null);
      for (const n of net.nodes) if (!(await rpcAnswers(`http://127.0.0.1:${n.rpcPort}`, down))) return;
      const gov = loadLocalnetGenesisGov(net);
      out([
        "",
        `DGrid localnet is running (${created ? "new" : "resumed"}, ${net.nodes.length} validators, data in ${dir})`,
        `  chain id: ${net.chainId}; gov voting period ${gov.voting_period} (deposit period ${gov.max_deposit_period})`,
        ...net.nodes.flatMap((n) => [
          `  ${n.name} (home ${n.home})`,
          ...endpointLines(
            {
              name: n.name,
              rpc: `http://127.0.0.1:${n.rpcPort}`,
              api: n.apiPort ? `http://127.0.0.1:${n.apiPort}` : "",
              explorer: loadConfig(n.home).api.explorer,
              grpc: n.grpcPort ? `127.0.0.1:${n.grpcPort}` : "",
              models: n.modelsPort ? `http://127.0.0.1:${n.modelsPort}` : "",
              metrics: `http://127.0.0.1:${n.metricsPort}/metrics`,
              p2p: `${n.nodeId}@127.0.0.1:${n.p2pPort}`,
            },
            "    ",
          ),
        ]),
        `  funded development account: ${account}`,
        `  its mnemonic (public, for development only): ${DEVNET_MNEMONIC}`,
        "  validator operator keys: `validator` in each home's test keyring (--keyring-backend test --home <home>)",
        "  Ctrl-C stops every node; run again to resume, or with --reset to start over.",
        "",
      ]);
    });
}
