// `dgrid query bank balances|auth account|module-account|module-accounts|tx` and `dgrid status`. The CosmJS-heavy work lives in
// query-impl.ts and is imported only when a query runs, so other commands start faster.
import type { Command } from "commander";
import { parsePositiveInt } from "./args.ts";
import { type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import { addNodeOption, jsonSafe, nodeUrl, rpcCall, withNode } from "./node-client.ts";

const impl = () => import("./query-impl.ts");
const yaml = (v: unknown) => toYaml(JSON.parse(JSON.stringify(v, jsonSafe)));

function heightOf(opts: { height?: string }): number | undefined {
  return opts.height === undefined ? undefined : parsePositiveInt(opts.height, "height");
}

export function registerQueryCommands(program: Command, io: CliIO): void {
  const query = program.command("query").alias("q").description("query the chain state");
  const bank = query.command("bank").description("bank module queries");
  const auth = query.command("auth").description("auth module queries");

  addNodeOption(
    bank
      .command("balances <address>")
      .description("all balances of an account")
      .option("--height <h>", "query state at this height (default: latest)"),
  ).action(async (address: string, opts: { height?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    printResult(io, g.output, await (await impl()).queryBalances(nodeUrl(cmd, io), address, heightOf(opts)), yaml);
  });

  addNodeOption(
    auth
      .command("account <address>")
      .description("an account's number, sequence and public key")
      .option("--height <h>", "query state at this height (default: latest)"),
  ).action(async (address: string, opts: { height?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    printResult(io, g.output, await (await impl()).queryAccount(nodeUrl(cmd, io), address, heightOf(opts)), yaml);
  });

  addNodeOption(
    auth
      .command("module-account <name>")
      .description("a module account by name (e.g. gov: the authority of a param-change proposal)")
      .option("--height <h>", "query state at this height (default: latest)"),
  ).action(async (name: string, opts: { height?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    const r = await (await impl()).queryModuleAccount(nodeUrl(cmd, io), name, heightOf(opts));
    printResult(io, g.output, r, yaml);
  });

  addNodeOption(
    auth
      .command("module-accounts")
      .description("every module account")
      .option("--height <h>", "query state at this height (default: latest)"),
  ).action(async (opts: { height?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    printResult(io, g.output, await (await impl()).queryModuleAccounts(nodeUrl(cmd, io), heightOf(opts)), yaml);
  });

  addNodeOption(query.command("tx <hash>").description("a committed transaction by hash")).action(
    async (hash: string, _opts: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      printResult(io, g.output, await (await impl()).queryTx(nodeUrl(cmd, io), hash), yaml);
    },
  );

  addNodeOption(program.command("status").description("the node's status (CometBFT `status`)")).action(
    async (_opts: unknown, cmd: Command) => {
      const url = nodeUrl(cmd, io);
      const status = await withNode(url, () => rpcCall(url, "status"));
      // Like `simd status`: always JSON.
      io.out(`${JSON.stringify(status, null, 2)}\n`);
    },
  );
}
