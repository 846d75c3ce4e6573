// `dgrid tx authz grant|exec|revoke` and `dgrid query authz grants|grants-by-granter|grants-by-grantee`,
// as simd v0.50, plus DGrid's `inference` authorization type. The work (authz-impl.ts) is imported
// when a command runs.
import type { Command } from "commander";
import type { GrantFlags, PageFlags } from "./authz-impl.ts";
import { type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import { addNodeOption, nodeUrl } from "./node-client.ts";
import { addTxFlags, type SendFlags } from "./tx.ts";

const impl = () => import("./authz-impl.ts");

type TxFlags = SendFlags & { from?: string };

/** The top-level command `name` (tx, query), which must already be registered. */
export function sub(program: Command, name: string): Command {
  const c = program.commands.find((x) => x.name() === name);
  if (!c) throw new Error(`"${name}" command must be registered first`);
  return c;
}

export function registerAuthzCommands(program: Command, io: CliIO): void {
  const send = async (
    cmd: Command,
    opts: TxFlags,
    make: (address: string) => import("@cosmjs/proto-signing").EncodeObject,
    summary: Record<string, unknown>,
  ) => {
    const { sendMsg } = await import("./tx-send.ts");
    // MsgGrant / MsgExec / MsgRevoke are in CosmJS's default registry; their Any payloads are encoded
    // from proto JSON (proto-json.ts), so no extra types are needed to sign them
    await sendMsg(io, cmd, opts, make, summary, []);
  };
  const txCmd = (parent: Command, spec: string, desc: string) =>
    addTxFlags(parent.command(spec).description(desc).option("--from <key_or_address>", "the signer's key"));

  const tx = sub(program, "tx").command("authz").description("authorize other accounts to act for yours (x/authz)");
  txCmd(
    tx,
    "grant <grantee> <authorization_type>",
    "grant an authorization (send | generic | inference) to GRANTEE, signed by --from, the granter",
  )
    .option("--spend-limit <coins>", "send / inference: the most the grantee may spend, e.g. 10000udgrid")
    .option("--allow-list <addresses>", "send: comma-separated addresses the grantee may send to (default: any)")
    .option("--msg-type <type_url>", "generic: the message type allowed, e.g. /cosmos.gov.v1.MsgVote")
    .option("--expiration <time>", "when the grant expires: unix seconds or RFC 3339 (default: never)")
    .option("--max-fee-per-request <coin>", "inference: the most one request may cost")
    .option("--models <ids>", "inference: comma-separated model ids the grantee may request (default: any)")
    .option("--period <duration>", "inference: a period (e.g. 24h, or seconds) whose spending is limited")
    .option("--period-limit <coins>", "inference: the most the grantee may spend per --period")
    .action(async (grantee: string, type: string, opts: TxFlags & GrantFlags, cmd: Command) => {
      await send(cmd, opts, (await impl()).grantMsg(grantee, type, opts), { grantee, authorization_type: type });
    });

  txCmd(tx, "revoke <grantee> <msg_type_url>", "revoke GRANTEE's authorization for a message type").action(
    async (grantee: string, msgType: string, opts: TxFlags, cmd: Command) => {
      await send(cmd, opts, (await impl()).revokeMsg(grantee, msgType), { grantee, msg_type_url: msgType });
    },
  );

  txCmd(
    tx,
    "exec <tx_json_file>",
    'run messages as their granter, signed by --from, the grantee; the file is a tx JSON ({"body":{"messages":[{"@type":"/cosmos.bank.v1beta1.MsgSend",...}]}}) or {"messages":[...]}',
  ).action(async (file: string, opts: TxFlags, cmd: Command) => {
    await send(cmd, opts, (await impl()).execMsg(file), { exec: file });
  });

  const print = (cmd: Command, v: unknown) => printResult(io, globalsOf(cmd).output, v, toYaml);
  const q = (parent: Command, spec: string, desc: string) => addPageFlags(parent.command(spec).description(desc));

  const qa = sub(program, "query").command("authz").description("authz queries");
  q(qa, "grants <granter> <grantee> [msg_type_url]", "the grants GRANTER gave GRANTEE (of one message type)").action(
    async (granter: string, grantee: string, msgType: string | undefined, opts: PageFlags, cmd: Command) => {
      print(cmd, await (await impl()).queryGrants(nodeUrl(cmd, io), granter, grantee, msgType ?? "", opts));
    },
  );
  q(qa, "grants-by-granter <granter>", "every grant GRANTER gave").action(
    async (granter: string, opts: PageFlags, cmd: Command) => {
      print(cmd, await (await impl()).queryGranterGrants(nodeUrl(cmd, io), granter, opts));
    },
  );
  q(qa, "grants-by-grantee <grantee>", "every grant GRANTEE holds").action(
    async (grantee: string, opts: PageFlags, cmd: Command) => {
      print(cmd, await (await impl()).queryGranteeGrants(nodeUrl(cmd, io), grantee, opts));
    },
  );
}

/** --node, --height and the SDK's pagination flags (PageFlags) of a list query. */
export function addPageFlags(cmd: Command): Command {
  return addNodeOption(
    cmd
      .option("--height <h>", "query state at this height (default: latest)")
      .option("--limit <n>", "page size", "100")
      .option("--offset <n>", "skip this many (not with --page-key)")
      .option("--page <n>", "page number, from 1 (sets the offset from --limit)")
      .option("--page-key <base64>", "start at this key: the next_key a previous page printed")
      .option("--count-total", "count the total number of grants", false)
      .option("--reverse", "results in descending order", false),
  );
}
