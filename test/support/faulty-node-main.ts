// TEST ONLY entry point: a DGrid node from a home, like `dgrid start --home H`, with byzantine
// decorators (faulty-node.ts). The multi-process helpers (localnet.ts, node-process.ts) start it for
// a faulty validator:
//   node --import tsx test/support/faulty-node-main.ts --home H [--log-level L]
//     [--double-sign] [--corrupt-outputs all|ID,ID...] [--silent-executor all|ID,ID...]
//     [--blocked-peers-file PATH]
import pino from "pino";
import { runNode } from "../../app/cli/node-commands.ts";
import { DGridNode } from "../../app/node.ts";
import { loadConfig } from "../../chain/node/config.ts";
import { faultyNodeDecorators, parseFaultyNodeArgs } from "./faulty-node.ts";

const { home, logLevel, faults } = parseFaultyNodeArgs(process.argv.slice(2));
const config = loadConfig(home);
// as `dgrid start`: the global --log-level flag, "info" by default
const logger = pino({ level: logLevel ?? "info", base: { pid: process.pid } });
const node = new DGridNode({ home, config }, { logger, decorators: faultyNodeDecorators(home, faults, logger) });
try {
  await runNode(node, logger);
} catch {
  process.exit(1); // runNode logged why
}
