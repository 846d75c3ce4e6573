// `dgrid tx registry register-model|update-model-card`, `dgrid tx inference request`,
// `dgrid query registry models|model|lineage|creator`, `dgrid query inference result|request`. The
// work (inference-impl.ts, registry-impl.ts) is imported when a command runs.
import type { Command } from "commander";
import { CliError, type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import { addNodeOption, jsonSafe, nodeUrl } from "./node-client.ts";
import type { CardFlags, DiscoverFlags } from "./registry-impl.ts";
import { addTxFlags, printTxResult, type SendFlags } from "./tx.ts";

const impl = () => import("./inference-impl.ts");
const registryImpl = () => import("./registry-impl.ts");
const yaml = (v: unknown) => toYaml(JSON.parse(JSON.stringify(v, jsonSafe)));

function sub(program: Command, name: string): Command {
  const c = program.commands.find((x) => x.name() === name);
  if (!c) throw new Error(`inference CLI: "${name}" command must be registered first`);
  return c;
}

export interface RegisterModelFlags extends SendFlags, CardFlags {
  from?: string;
  name?: string;
  modelVersion?: string;
  policy?: string;
  skipCalibration?: boolean;
  price?: string;
  creatorShare: string;
  golden?: string;
  nodeModels?: string;
  wait: boolean;
}

export interface RequestFlags extends SendFlags {
  from?: string;
  input: string[];
  inputsFile?: string;
  maxFee?: string;
  redundancy: string;
  wait: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** The model card flags (app/cli/README.md "Model cards"). */
function cardOptions(c: Command): Command {
  return c
    .option("--task <task>", "what the model does: classification|detection|ocr|speech|embedding|generation|other")
    .option("--description <text>", "plain text, at most 1024 bytes")
    .option("--license <spdx>", "an SPDX license id, e.g. MIT, Apache-2.0, LicenseRef-mine")
    .option("--tag <tag>", "a tag of a-z, 0-9 and hyphens (repeat, at most 8)", collect, [])
    .option("--source-uri <uri>", "where the model comes from, e.g. https://huggingface.co/...")
    .option("--input-doc <text>", "what the inputs mean")
    .option("--output-doc <text>", "what the outputs mean")
    .option("--supersedes <model_id>", "an earlier model of yours that this version replaces");
}

/** The SDK's pagination flags. */
export function pageOptions(c: Command): Command {
  return c
    .option("--limit <n>", "page size", "100")
    .option("--offset <n>", "skip this many (not with --page-key)")
    .option("--page-key <key>", "the base64 next_key a page printed")
    .option("--count-total", "count every match", false)
    .option("--reverse", "reverse order", false);
}

export function registerInferenceCommands(program: Command, io: CliIO): void {
  const tx = sub(program, "tx");
  const query = sub(program, "query");

  const registry = tx.command("registry").description("model registry transactions");
  addTxFlags(
    cardOptions(
      registry
        .command("register-model <file>")
        .description(
          "upload an ONNX file to the node's model endpoint (progress on stderr) and register it; --wait: until a validator serves it",
        )
        .option("--from <key>", "the creator's key (receives the creator share)")
        .option("--name <name>", "model name")
        .option("--model-version <version>", "model version (--version is the program's own flag)")
        .option(
          "--policy <policy>",
          "agreement policy: exact | tolerance:ABS:REL | argmax | topk:K (default: the golden file's, else exact)",
        )
        .option("--price <coin>", "price of one execution, e.g. 1000udgrid")
        .option("--creator-share <fraction>", "share of each fee paid to the creator, 0..1", "0.1")
        .option("--golden <file>", "required: the golden file (`dgrid models golden`; format in models/README.md)")
        .option(
          "--skip-calibration",
          "skip the checks on this machine (golden vectors under the policy, calibration across execution settings)",
        )
        .option("--node-models <url>", "the node's model endpoint (default: the one --node reports in its status)")
        .option(
          "--wait",
          "wait until a validator serves the model (its golden vectors passed on the validator's node)",
          false,
        ),
    ),
    { gas: "auto" },
  ).action(async (file: string, opts: RegisterModelFlags, cmd: Command) => {
    for (const k of ["from", "name", "modelVersion", "price", "golden"] as const) {
      if (!opts[k]) throw new CliError(`--${k === "modelVersion" ? "model-version" : k} is required`);
    }
    const { registerModel } = await impl();
    const result = await registerModel(io, cmd, file, opts);
    printTxResult(io, cmd, result, yaml);
  });

  addTxFlags(
    cardOptions(
      registry
        .command("update-model-card <model_id>")
        .description("change your model's card (the flags given replace those fields; --tag replaces the tags)")
        .option("--from <key>", "the model's creator"),
    ),
    { gas: "auto" },
  ).action(async (modelId: string, opts: CardFlags & SendFlags & { from?: string }, cmd: Command) => {
    if (!opts.from) throw new CliError("--from is required");
    const { updateModelCard } = await registryImpl();
    printTxResult(io, cmd, await updateModelCard(io, cmd, modelId, { ...opts, from: opts.from }), yaml);
  });

  const inference = tx.command("inference").description("inference transactions");
  addTxFlags(
    inference
      .command("request <model_id>")
      .description(
        "request an inference: --input name=FILE.json per input tensor, or a batch: --inputs-file ITEMS.json (see app/cli/README.md)",
      )
      .option("--from <key>", "the requester's key")
      .option("--input <name=file>", "an input tensor JSON file (repeat per input)", collect, [])
      .option(
        "--inputs-file <file>",
        'a batch: a JSON array of items, each {"NAME": tensor, ...} (at most the max_batch param)',
      )
      .option("--max-fee <coin>", "most to pay, e.g. 3000udgrid (price x items x redundancy must fit)")
      .option("--redundancy <k>", "executors (0 = the chain's default)", "0")
      .option("--wait", "wait for the finalized result and print it", false),
    { gas: "auto" },
  ).action(async (modelId: string, opts: RequestFlags, cmd: Command) => {
    if (!opts.from) throw new CliError("--from is required");
    if (!opts.maxFee) throw new CliError("--max-fee is required");
    if (opts.input.length > 0 && opts.inputsFile) throw new CliError("pass --input or --inputs-file, not both");
    if (opts.input.length === 0 && !opts.inputsFile)
      throw new CliError("at least one --input name=FILE.json (or a batch: --inputs-file ITEMS.json) is required");
    const { requestInference } = await impl();
    const result = await requestInference(io, cmd, modelId, opts);
    printTxResult(io, cmd, result, yaml);
  });

  const qRegistry = query.command("registry").description("model registry queries");
  addNodeOption(
    pageOptions(
      qRegistry
        .command("models")
        .description(
          "registered models; with --task/--tag/--creator/--sort/--reverse/--limit: the listed ones found by the discovery query, in order",
        )
        .option("--task <task>", "only models of this task")
        .option("--tag <tag>", "only models with this tag")
        .option("--creator <address>", "only this creator's models")
        .option("--sort <by>", "price (cheapest first) | usage | agreement | latency (best first)"),
    ),
  ).action(async (o: DiscoverFlags, cmd: Command) => {
    const discovery =
      [o.task, o.tag, o.creator, o.sort, o.offset, o.pageKey].some((v) => v !== undefined) ||
      o.reverse ||
      o.countTotal ||
      o.limit !== "100";
    if (discovery) {
      const { discoverModels } = await registryImpl();
      printResult(io, globalsOf(cmd).output, await discoverModels(nodeUrl(cmd, io), o), yaml);
      return;
    }
    const { queryModels } = await impl();
    printResult(io, globalsOf(cmd).output, await queryModels(nodeUrl(cmd, io)), yaml);
  });
  addNodeOption(
    qRegistry.command("lineage <id>").description("a model's versions, oldest first, and the newest"),
  ).action(async (id: string, _o: unknown, cmd: Command) => {
    const { modelLineage } = await registryImpl();
    printResult(io, globalsOf(cmd).output, await modelLineage(nodeUrl(cmd, io), id), yaml);
  });
  addNodeOption(
    pageOptions(qRegistry.command("creator <address>").description("a creator's models and earnings")),
  ).action(async (address: string, o: DiscoverFlags, cmd: Command) => {
    const { creatorModels } = await registryImpl();
    printResult(io, globalsOf(cmd).output, await creatorModels(nodeUrl(cmd, io), address, o), yaml);
  });
  addNodeOption(qRegistry.command("model <id>").description("one registered model")).action(
    async (id: string, _o: unknown, cmd: Command) => {
      const { queryModel } = await impl();
      printResult(io, globalsOf(cmd).output, await queryModel(nodeUrl(cmd, io), id), yaml);
    },
  );
  const qInference = query.command("inference").description("inference queries");
  addNodeOption(qInference.command("result <id>").description("the finalized result of a request")).action(
    async (id: string, _o: unknown, cmd: Command) => {
      const { queryResult } = await impl();
      printResult(io, globalsOf(cmd).output, await queryResult(nodeUrl(cmd, io), id), yaml);
    },
  );
  addNodeOption(qInference.command("request <id>").description("a request and its status")).action(
    async (id: string, _o: unknown, cmd: Command) => {
      const { queryRequest } = await impl();
      printResult(io, globalsOf(cmd).output, await queryRequest(nodeUrl(cmd, io), id), yaml);
    },
  );
}
