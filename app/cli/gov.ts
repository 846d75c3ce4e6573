// `dgrid tx gov submit-proposal|deposit|vote` and `dgrid query gov proposals|proposal|tally|votes|
// deposits|params`, as the SDK's gov CLI. The work (gov-impl.ts, CosmJS) is imported when a command runs.
import { type Command, Option } from "commander";
import { parsePositiveInt } from "./args.ts";
import { type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import { addNodeOption, jsonSafe, nodeUrl } from "./node-client.ts";
import { addTxFlags, type SendFlags } from "./tx.ts";

const impl = () => import("./gov-impl.ts");
const yaml = (v: unknown) => toYaml(JSON.parse(JSON.stringify(v, jsonSafe)));

type GovTxFlags = SendFlags & { from?: string };

const collect = (v: string, prev: string[]) => [...prev, v];

function sub(program: Command, name: string): Command {
  const c = program.commands.find((x) => x.name() === name);
  if (!c) throw new Error(`gov CLI: "${name}" command must be registered first`);
  return c;
}

export function registerGovCommands(program: Command, io: CliIO): void {
  const tx = sub(program, "tx").command("gov").description("governance transactions");

  const send = async (
    cmd: Command,
    opts: GovTxFlags,
    make: (address: string) => import("@cosmjs/proto-signing").EncodeObject,
    summary: Record<string, unknown>,
  ) => {
    const { sendMsg } = await import("./tx-send.ts");
    await sendMsg(io, cmd, opts, make, summary, (await impl()).PROPOSAL_MSG_TYPES);
  };

  addTxFlags(
    tx
      .command("submit-proposal <proposal_file>")
      .description("submit a proposal from a JSON file (messages with @type, metadata, deposit, title, summary)")
      .option("--from <key_or_address>", "the proposer's key"),
    { gas: "auto" },
  ).action(async (file: string, opts: GovTxFlags, cmd: Command) => {
    const make = (await impl()).proposalFromFile(file);
    await send(cmd, opts, make, { proposal: file });
  });

  addNodeOption(
    tx
      .command("draft-proposal")
      .description(
        "write a proposal file for submit-proposal: a param change (the module's current params with --set " +
          "applied, the gov module account as authority, the chain's minimum deposit) or a text proposal",
      )
      .addOption(
        new Option("--type <type>", "what the proposal does").choices(["param-change", "text"]).default("param-change"),
      )
      .option(
        "--module <name>",
        "param-change: the module (auth bank staking slashing gov registry inference reputation)",
      )
      .option("--set <key=value>", "param-change: a param's new value, e.g. voting_period=120s (repeat)", collect, [])
      .option("--title <text>", "proposal title")
      .option("--summary <text>", "proposal summary")
      .option("--deposit <coins>", "initial deposit (default: the chain's min_deposit)")
      .option("--metadata <text>", "proposal metadata (a text proposal needs it, e.g. an ipfs:// link)")
      .option("--output-file <file>", "where to write the proposal", "draft_proposal.json"),
  ).action(async (opts: import("./gov-draft.ts").DraftOptions, cmd: Command) => {
    const { draftProposal } = await import("./gov-draft.ts");
    const r = await draftProposal(nodeUrl(cmd, io), opts);
    printResult(io, globalsOf(cmd).output, r, (d: typeof r) =>
      [
        `wrote ${d.file}: ${d.type === "text" ? "a text proposal" : `a change of the ${d.module} params`}`,
        ...(d.authority ? [`  authority: ${d.authority} (the gov module account)`] : []),
        `  deposit:   ${d.deposit}`,
        ...(d.type === "param-change"
          ? [`  changes:   ${d.changed.length > 0 ? d.changed.join("; ") : "none yet: edit params in the file"}`]
          : []),
        `submit it:  dgrid tx gov submit-proposal ${d.file} --from KEY`,
        "",
      ].join("\n"),
    );
  });

  addTxFlags(
    tx
      .command("deposit <proposal_id> <amount>")
      .description("deposit tokens on a proposal, e.g. tx gov deposit 1 10000000udgrid --from alice")
      .option("--from <key_or_address>", "the depositor's key"),
  ).action(async (id: string, amount: string, opts: GovTxFlags, cmd: Command) => {
    const g = await impl();
    await send(cmd, opts, g.depositMsg(g.parseProposalId(id), amount), { proposal_id: id, amount });
  });

  addTxFlags(
    tx
      .command("vote <proposal_id> <option>")
      .description("vote yes|no|abstain|no_with_veto on a proposal in its voting period")
      .option("--from <key_or_address>", "the voter's key")
      .option("--metadata <text>", "vote metadata", ""),
  ).action(async (id: string, option: string, opts: GovTxFlags & { metadata: string }, cmd: Command) => {
    const g = await impl();
    const make = g.voteMsg(g.parseProposalId(id), g.parseVoteOption(option), opts.metadata);
    await send(cmd, opts, make, { proposal_id: id, option });
  });

  const query = sub(program, "query").command("gov").description("governance queries");
  const print = (cmd: Command, v: unknown) => printResult(io, globalsOf(cmd).output, v, yaml);

  addNodeOption(
    query
      .command("proposals")
      .description("proposals, optionally filtered")
      .option("--status <status>", "deposit_period | voting_period | passed | rejected | failed")
      .option("--voter <address>", "only proposals this address voted on")
      .option("--depositor <address>", "only proposals this address deposited on")
      .option("--limit <n>", "page size", "100")
      .option("--offset <n>", "skip this many", "0"),
  ).action(
    async (
      opts: { status?: string; voter?: string; depositor?: string; limit: string; offset: string },
      cmd: Command,
    ) => {
      const offset = opts.offset === "0" ? 0 : parsePositiveInt(opts.offset, "offset");
      print(
        cmd,
        await (await impl()).queryProposals(nodeUrl(cmd, io), {
          ...opts,
          limit: parsePositiveInt(opts.limit, "limit"),
          offset,
        }),
      );
    },
  );

  for (const [name, desc, fn] of [
    ["proposal", "one proposal", "queryProposal"],
    ["tally", "a proposal's tally (live during voting, final after)", "queryTally"],
    ["votes", "a proposal's votes", "queryVotes"],
    ["deposits", "a proposal's deposits", "queryDeposits"],
  ] as const) {
    addNodeOption(query.command(`${name} <proposal_id>`).description(desc)).action(
      async (id: string, _opts: unknown, cmd: Command) => {
        print(cmd, await (await impl())[fn](nodeUrl(cmd, io), id));
      },
    );
  }

  addNodeOption(query.command("params").description("governance parameters")).action(
    async (_opts: unknown, cmd: Command) => {
      print(cmd, await (await impl()).queryParams(nodeUrl(cmd, io)));
    },
  );
}
