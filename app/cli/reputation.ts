// `dgrid query reputation validator-stats [VALOPER]`: one validator's inference stats and score, or
// every validator's stats (paginated). The work (reputation-impl.ts) is imported when it runs.
import type { Command } from "commander";
import type { PageFlags } from "./authz-impl.ts";
import { type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import { pageOptions } from "./inference.ts";
import { addNodeOption, jsonSafe, nodeUrl } from "./node-client.ts";

const impl = () => import("./reputation-impl.ts");
const yaml = (v: unknown) => toYaml(JSON.parse(JSON.stringify(v, jsonSafe)));

export function registerReputationCommands(program: Command, io: CliIO): void {
  const query = program.commands.find((x) => x.name() === "query");
  if (!query) throw new Error('reputation CLI: "query" command must be registered first');
  const q = query.command("reputation").description("validator reputation and inference stats queries");
  addNodeOption(
    pageOptions(
      q
        .command("validator-stats [validator]")
        .description(
          "a validator's (valoper) jobs done/missed/dissented/unresolved, score history (oldest first) and score; without an address: every validator's stats, paginated",
        ),
    ),
  ).action(async (validator: string | undefined, o: PageFlags, cmd: Command) => {
    const { validatorStats, allValidatorStats } = await impl();
    const url = nodeUrl(cmd, io);
    const out = validator === undefined ? await allValidatorStats(url, o) : await validatorStats(url, validator);
    printResult(io, globalsOf(cmd).output, out, yaml);
  });
}
