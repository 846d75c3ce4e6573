// The `dgrid` command tree (commander 12) and `run`, which executes one command line and returns its
// exit code. User errors print "Error: <message>" (no stack trace) and exit 1.
import { createInterface } from "node:readline";
import { Command, CommanderError, Option } from "commander";
import { LOG_LEVELS } from "../../chain/node/config.ts";
import { registerAgentCommands } from "./agent.ts";
import { registerAuthzCommands } from "./authz.ts";
import { registerChainRegistryCommand } from "./chain-registry.ts";
import { registerConfigCommands } from "./config.ts";
import { type CliIO, defaultHome } from "./context.ts";
import { registerFeegrantCommands } from "./feegrant.ts";
import { registerGatewayCommand } from "./gateway.ts";
import { registerGenesisCommands } from "./genesis.ts";
import { registerGovCommands } from "./gov.ts";
import { registerInferenceCommands } from "./inference.ts";
import { registerInitCommand } from "./init.ts";
import { registerKeysCommands } from "./keys.ts";
import { registerModelsCommands } from "./models.ts";
import { registerLocalnetCommand, registerStartCommands, type StartNode, startDGridNode } from "./node-commands.ts";
import { registerQueryCommands } from "./query.ts";
import { registerReputationCommands } from "./reputation.ts";
import { registerRollbackCommand } from "./rollback.ts";
import { registerStakingCommands } from "./staking.ts";
import { registerTxCommands } from "./tx.ts";

/** The command tree; `startNode` runs the node of `dgrid start` (tests pass a probe). */
export function buildProgram(io: CliIO, startNode: StartNode = startDGridNode): Command {
  const program = new Command("dgrid");
  program
    .description("DGrid node and client")
    .version("0.1.0", "-v, --version")
    .addOption(
      new Option("--home <dir>", "node home directory (env DGRID_HOME)").default(defaultHome(io.env), "~/.dgrid"),
    )
    // no default here: `start` must tell "not given" (the config's log_level) from "given"
    .addOption(
      new Option("--log-level <level>", "log level (default: info; for a node, its config's log_level)").choices(
        LOG_LEVELS,
      ),
    )
    .addOption(
      new Option(
        "--log-format <format>",
        "node log format: plain lines, json, or auto (plain on a terminal, json otherwise; default: the config's log_format)",
      ).choices(["auto", "plain", "json"]),
    )
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .showHelpAfterError("(add --help for usage)");

  registerInitCommand(program, io);
  registerGenesisCommands(program, io);
  registerKeysCommands(program, io);
  registerQueryCommands(program, io);
  registerTxCommands(program, io);
  registerModelsCommands(program, io);
  registerGovCommands(program, io);
  registerStakingCommands(program, io);
  registerAuthzCommands(program, io);
  registerFeegrantCommands(program, io);
  registerAgentCommands(program, io);
  registerInferenceCommands(program, io);
  registerReputationCommands(program, io);
  registerConfigCommands(program, io);
  registerChainRegistryCommand(program, io);
  registerGatewayCommand(program, io);
  registerStartCommands(program, startNode);
  registerRollbackCommand(program, io);
  registerLocalnetCommand(program);
  return program;
}

export function processIO(): CliIO {
  let stdin: Promise<string> | undefined;
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    readStdin: () => {
      stdin ??= (async () => {
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        return Buffer.concat(chunks).toString("utf8");
      })();
      return stdin;
    },
    readLine: () => readOneLine(process.stdin),
    env: process.env,
  };
}

/**
 * Reads one line and stops reading, so a prompt answered in a terminal or by a pipe that stays open
 * goes on at once (reading the whole of stdin waited for end of input).
 */
export function readOneLine(input: NodeJS.ReadableStream & { pause(): unknown; unref?(): unknown }): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, terminal: false });
    let done = false;
    const finish = (line: string) => {
      if (done) return;
      done = true;
      rl.close();
      input.pause();
      input.unref?.(); // an open pipe must not keep the command alive once it has its answer
      resolve(line);
    };
    rl.once("line", finish);
    rl.once("close", () => finish(""));
    input.once("error", reject);
  });
}

/** Runs one command line (arguments after the program name); resolves to the exit code. */
export async function run(args: string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // commander already printed the message
    const level = (program.opts() as { logLevel?: string }).logLevel;
    const debug = level === "debug" || level === "trace" || io.env.DGRID_DEBUG === "1";
    io.err(
      `Error: ${debug && err instanceof Error && err.stack ? err.stack : ((err as Error)?.message ?? String(err))}\n`,
    );
    return typeof (err as { exitCode?: unknown }).exitCode === "number" ? (err as { exitCode: number }).exitCode : 1;
  }
}
