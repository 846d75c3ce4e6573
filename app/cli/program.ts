// The `dgrid` command tree (commander 12) and `run`, which executes one command line and returns its
// exit code. User errors print "Error: <message>" (no stack trace) and exit 1.
import { createInterface } from "node:readline";
import { Command, CommanderError, Option } from "commander";
import { LOG_LEVELS } from "../../chain/node/config.ts";
import { registerAgentCommands } from "./agent.ts";
import { registerAuthzCommands } from "./authz.ts";
import { registerConfigCommands } from "./config.ts";
import { type CliIO, defaultHome } from "./context.ts";
import { registerFeegrantCommands } from "./feegrant.ts";
import { registerGovCommands } from "./gov.ts";
import { registerInferenceCommands } from "./inference.ts";
import { registerKeysCommands } from "./keys.ts";
import { registerModelsCommands } from "./models.ts";
import { registerLocalnetCommand, registerStartCommands, type StartNode, startDGridNode } from "./node-commands.ts";
import { registerQueryCommands } from "./query.ts";
import { registerReputationCommands } from "./reputation.ts";
import { registerStakingCommands } from "./staking.ts";
import { registerTxCommands } from "./tx.ts";

type Register = (program: Command, io: CliIO) => void;

/**
 * Top-level commands whose code pulls in most of the app (every module's registrations, the node
 * store, the gateway's server): imported only when the command line names them or when the whole
 * tree is needed (help, an unknown command), so that `dgrid query ...` and `dgrid tx ...` do not pay
 * for them. Each CLI process spent about 4 s of CPU loading modules before this.
 */
export const HEAVY_COMMANDS: Record<string, () => Promise<Register>> = {
  init: async () => (await import("./init.ts")).registerInitCommand,
  genesis: async () => (await import("./genesis.ts")).registerGenesisCommands,
  "chain-registry": async () => (await import("./chain-registry.ts")).registerChainRegistryCommand,
  gateway: async () => (await import("./gateway.ts")).registerGatewayCommand,
  rollback: async () => (await import("./rollback.ts")).registerRollbackCommand,
};

/** Top-level commands of the always-loaded groups (test/cli/program-lazy.test.ts keeps this true). */
export const LIGHT_COMMANDS = [
  "keys",
  "query",
  "status",
  "tx",
  "models",
  "agent",
  "config",
  "start",
  "devnet",
  "localnet",
];

/** Global options that take a value (so the word after them is not the command's name). */
const VALUED_GLOBALS = new Set(["--home", "--log-level", "--log-format", "-o", "--output"]);

/** The top-level command a command line names (the first word that is not a global option). */
export function commandNameOf(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (VALUED_GLOBALS.has(a)) i++;
    else if (!a.startsWith("-")) return a;
  }
  return undefined;
}

/**
 * The command tree; `startNode` runs the node of `dgrid start` (tests pass a probe). With `args`, only
 * the heavy command they name is loaded (all of them when they name none of the light ones).
 */
export async function buildProgram(
  io: CliIO,
  startNode: StartNode = startDGridNode,
  args?: string[],
): Promise<Command> {
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

  const name = args ? commandNameOf(args) : undefined;
  // load every heavy command unless the line names one of them or a command that is not heavy
  const light = new Set(LIGHT_COMMANDS);
  const wanted = (heavyName: string) =>
    name === undefined || name === heavyName || !(name in HEAVY_COMMANDS || light.has(name));
  const heavy = async (heavyName: string) => {
    if (wanted(heavyName)) (await HEAVY_COMMANDS[heavyName]())(program, io);
  };
  await heavy("init");
  await heavy("genesis");
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
  await heavy("chain-registry");
  await heavy("gateway");
  registerStartCommands(program, startNode);
  await heavy("rollback");
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
  const program = await buildProgram(io, startDGridNode, args);
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
