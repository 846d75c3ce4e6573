// `dgrid tx feegrant grant|revoke` and `dgrid query feegrant grant|grants-by-grantee|grants-by-granter`,
// as simd v0.50: the granter (first argument, a key or its address) signs. The work (feegrant-impl.ts)
// is imported when a command runs.
import type { Command } from "commander";
import { addPageFlags, sub } from "./authz.ts";
import type { PageFlags } from "./authz-impl.ts";
import { type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import type { AllowanceFlags } from "./feegrant-impl.ts";
import { addNodeOption, nodeUrl } from "./node-client.ts";
import { addTxFlags, type SendFlags } from "./tx.ts";

const impl = () => import("./feegrant-impl.ts");

export function registerFeegrantCommands(program: Command, io: CliIO): void {
  const tx = sub(program, "tx")
    .command("feegrant")
    .description("let other accounts' transactions pay their fees from yours (x/feegrant)");
  const send = async (
    cmd: Command,
    granter: string,
    opts: SendFlags,
    make: (address: string) => import("@cosmjs/proto-signing").EncodeObject,
    summary: Record<string, unknown>,
  ) => {
    const { sendMsg } = await import("./tx-send.ts");
    // MsgGrantAllowance / MsgRevokeAllowance are in CosmJS's default registry
    await sendMsg(io, cmd, { ...opts, from: granter }, make, summary, []);
  };

  addTxFlags(
    tx
      .command("grant <granter_key_or_address> <grantee>")
      .alias("grant-allowance")
      .description(
        "grant GRANTEE a fee allowance paid by GRANTER (who signs): --spend-limit (default: no limit), " +
          "--period with --period-limit for a periodic allowance, --allowed-messages to restrict it",
      )
      .option("--spend-limit <coins>", "the most the allowance pays in all, e.g. 100000udgrid (default: no limit)")
      .option("--expiration <time>", "when the allowance expires: RFC 3339 or unix seconds (default: never)")
      .option("--period <duration>", "a period in seconds (as simd) or as 24h, whose spending --period-limit caps")
      .option("--period-limit <coins>", "the most the allowance pays per --period")
      .option(
        "--allowed-messages <type_urls>",
        "comma-separated message type URLs the allowance pays for (default: any)",
      ),
  ).action(async (granter: string, grantee: string, opts: SendFlags & AllowanceFlags, cmd: Command) => {
    const make = (await impl()).grantAllowanceMsg(grantee, opts);
    await send(cmd, granter, opts, make, { grantee });
  });

  addTxFlags(
    tx.command("revoke <granter_key_or_address> <grantee>").description("revoke GRANTEE's fee allowance from GRANTER"),
  ).action(async (granter: string, grantee: string, opts: SendFlags, cmd: Command) => {
    await send(cmd, granter, opts, (await impl()).revokeAllowanceMsg(grantee), { grantee, revoke: "fee allowance" });
  });

  const print = (cmd: Command, v: unknown) => printResult(io, globalsOf(cmd).output, v, toYaml);
  const q = sub(program, "query").command("feegrant").description("feegrant queries");
  addNodeOption(
    q
      .command("grant <granter> <grantee>")
      .description("the fee allowance GRANTER gave GRANTEE")
      .option("--height <h>", "query state at this height (default: latest)"),
  ).action(async (granter: string, grantee: string, opts: { height?: string }, cmd: Command) => {
    print(cmd, await (await impl()).queryAllowance(nodeUrl(cmd, io), granter, grantee, opts.height));
  });
  addPageFlags(q.command("grants-by-grantee <grantee>").description("every fee allowance GRANTEE holds")).action(
    async (grantee: string, opts: PageFlags, cmd: Command) => {
      print(cmd, await (await impl()).queryAllowances(nodeUrl(cmd, io), grantee, opts));
    },
  );
  addPageFlags(q.command("grants-by-granter <granter>").description("every fee allowance GRANTER gave")).action(
    async (granter: string, opts: PageFlags, cmd: Command) => {
      print(cmd, await (await impl()).queryAllowancesByGranter(nodeUrl(cmd, io), granter, opts));
    },
  );
}
