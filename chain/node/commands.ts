// `dgrid start` (run a node from a home) and `dgrid devnet` (what `npm start` runs: the
// single-validator development chain from the committed genesis.json).

import { resolve } from "node:path";
import { type Command, Option } from "commander";
import pino, { type Logger } from "pino";
import { globalsOf } from "../cli/context.ts";
import { loadConfig } from "./config.ts";

// The node (and everything under it) is imported only by the commands that run one, so the other CLI
// commands start fast.
type DGridNode = import("./node.ts").DGridNode;
const loadNode = () => import("./node.ts");

function makeLogger(level: string): Logger {
  return pino({ level, base: { pid: process.pid } });
}

/** Starts the node and keeps the process alive until SIGINT/SIGTERM, then stops it cleanly. */
async function runNode(node: DGridNode, logger: Logger): Promise<void> {
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

function executionProviderOption(): Option {
  return new Option(
    "--execution-provider <provider>",
    "onnxruntime execution provider (config inference.executionProvider)",
  ).choices(["cpu", "cuda"]);
}

export function registerStartCommands(program: Command): void {
  program
    .command("start")
    .description("run a node from its home directory")
    .addOption(new Option("--rpc.laddr <addr>", "RPC listen address, e.g. tcp://127.0.0.1:26657"))
    .addOption(executionProviderOption())
    .addOption(new Option("--models.laddr <addr>", "model endpoint listen address (default tcp://127.0.0.1:26659)"))
    .action(async (opts: Record<string, string | undefined>, cmd: Command) => {
      const g = globalsOf(cmd);
      const config = loadConfig(g.home);
      if (opts["rpc.laddr"]) config.rpc.laddr = opts["rpc.laddr"];
      if (opts.executionProvider) config.inference.executionProvider = opts.executionProvider as "cpu" | "cuda";
      if (opts["models.laddr"] !== undefined) config.models.laddr = opts["models.laddr"];
      const level = cmd.optsWithGlobals().logLevel ?? config.logLevel;
      const logger = makeLogger(level);
      const { DGridNode } = await loadNode();
      await runNode(new DGridNode({ home: g.home, config }, { logger }), logger);
    });

  program
    .command("devnet")
    .description("start the single-validator development chain from the committed genesis.json")
    .option("--devnet-home <dir>", "where the devnet keeps its data", resolve(process.cwd(), ".dgrid-devnet"))
    .option("--reset", "delete the devnet's data first", false)
    .addOption(new Option("--rpc.laddr <addr>", "RPC listen address").default("tcp://127.0.0.1:26657"))
    .addOption(executionProviderOption())
    .action(async (opts: Record<string, string | boolean | undefined>, cmd: Command) => {
      const { DEVNET_MNEMONIC, addDevnetOperatorKey, devnetAccountAddress, prepareDevnetHome } = await import(
        "./devnet.ts"
      );
      const { DGridNode } = await loadNode();
      const home = String(opts.devnetHome);
      const { created } = prepareDevnetHome(home, { reset: Boolean(opts.reset), rpcLaddr: String(opts["rpc.laddr"]) });
      await addDevnetOperatorKey(home);
      const logger = makeLogger(cmd.optsWithGlobals().logLevel ?? "info");
      const config = loadConfig(home);
      if (opts.executionProvider) config.inference.executionProvider = opts.executionProvider as "cpu" | "cuda";
      const node = new DGridNode({ home, config }, { logger });
      await runNode(node, logger);
      const account = await devnetAccountAddress();
      process.stderr.write(
        [
          "",
          `DGrid devnet is running (${created ? "new" : "resumed"} chain, data in ${home})`,
          `  chain id:  ${node.genesis.chain_id}`,
          `  RPC:       ${node.rpcUrl}`,
          `  models:    ${node.inference?.modelsUrl || "(no endpoint)"} (demo model: models/demo-mlp.onnx)`,
          `  funded development account: ${account}`,
          `  its mnemonic (public, for development only): ${DEVNET_MNEMONIC}`,
          "  Ctrl-C stops the chain; run again to resume, or with --reset to start over.",
          "",
        ].join("\n"),
      );
    });
}
