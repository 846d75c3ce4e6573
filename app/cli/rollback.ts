// `dgrid rollback [--hard]` (CometBFT / Cosmos SDK `rollback`): on a stopped node, the consensus state
// and the DGrid app state go back one height, so the next start re-executes the last block; `--hard`
// also removes that block from the block store (the node fetches it again from its peers). Prints
// the height and app hash rolled back to. A node holding the data dir makes it refuse (database lock).
import type { Command } from "commander";
import { pino } from "pino";
import { toHex } from "../../chain/consensus/crypto.ts";
import { loadConfig } from "../../chain/node/config.ts";
import { NodeDbLockedError } from "../../chain/node/node-db.ts";
import { type AppRollback, rollbackNode } from "../../chain/node/rollback.ts";
import { CliError, type CliIO, globalsOf, printResult } from "./context.ts";

export function registerRollbackCommand(program: Command, io: CliIO): void {
  program
    .command("rollback")
    .description(
      "roll a stopped node's consensus and app state back one height (the next start re-executes the last block)",
    )
    .option("--hard", "also remove the last block from the block store", false)
    .action(async (opts: { hard: boolean }, cmd: Command) => {
      const { home, output, logLevel } = globalsOf(cmd);
      const config = loadConfig(home);
      if (config.proxyApp)
        throw new CliError(
          "this home runs its app in another process (proxyApp): roll the app back there; this command rolls back an in-process app",
        );
      const logger = pino({ level: logLevel === "info" ? "warn" : logLevel }, pino.destination(2));
      const { DGridApp } = await import("../app.ts");
      const openApp = (db: Parameters<AppRollback>[0]["db"]) =>
        new DGridApp(
          { minGasPrices: config.app.minimumGasPrices, keepRecent: config.app.pruningKeepRecent, sigVerifyWorkers: 0 },
          { db, logger },
        );
      let result: Awaited<ReturnType<typeof rollbackNode>>;
      try {
        result = await rollbackNode(
          { home, hard: opts.hard },
          {
            logger,
            appHeight: async (db) => {
              const app = openApp(db);
              try {
                const info = await app.info({ version: "", blockVersion: 0n, p2pVersion: 0n, abciVersion: "" });
                return info.lastBlockHeight;
              } finally {
                await app.sigVerifier.close();
              }
            },
            rollbackApp: async ({ db, height }) => {
              const app = openApp(db);
              try {
                const last = await app.rollbackTo(Number(height));
                return { height: BigInt(last.version), appHash: last.hash };
              } finally {
                await app.sigVerifier.close();
              }
            },
          },
        );
      } catch (e) {
        if (e instanceof NodeDbLockedError) throw new CliError(`cannot roll back: ${e.message}`);
        throw new CliError(`cannot roll back: ${(e as Error).message}`);
      }
      if (result.app && !Buffer.from(result.app.appHash).equals(Buffer.from(result.appHash)))
        io.err(
          `warning: the app state at height ${result.app.height} has app hash ${toHex(result.app.appHash)}, ` +
            `the chain records ${toHex(result.appHash)}: re-sync this node\n`,
        );
      printResult(
        io,
        output,
        { height: result.height.toString(), app_hash: toHex(result.appHash), hard: opts.hard },
        () =>
          `Rolled back state to height ${result.height} and hash ${toHex(result.appHash)}` +
          `${opts.hard ? " (and removed the last block)" : ""}\n`,
      );
    });
}
