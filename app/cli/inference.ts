// `dgrid tx registry register-model`, `dgrid tx inference request`, `dgrid query registry models|model`,
// `dgrid query inference result|request`. The work (inference-impl.ts) is imported when a command runs.
import type { Command } from "commander";
import { CliError, type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import { addNodeOption, jsonSafe, nodeUrl } from "./node-client.ts";
import { addTxFlags, printTxResult, type SendFlags } from "./tx.ts";

const impl = () => import("./inference-impl.ts");
const yaml = (v: unknown) => toYaml(JSON.parse(JSON.stringify(v, jsonSafe)));

function sub(program: Command, name: string): Command {
  const c = program.commands.find((x) => x.name() === name);
  if (!c) throw new Error(`inference CLI: "${name}" command must be registered first`);
  return c;
}

export interface RegisterModelFlags extends SendFlags {
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

export function registerInferenceCommands(program: Command, io: CliIO): void {
  const tx = sub(program, "tx");
  const query = sub(program, "query");

  const registry = tx.command("registry").description("model registry transactions");
  addTxFlags(
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
    { gas: "auto" },
  ).action(async (file: string, opts: RegisterModelFlags, cmd: Command) => {
    for (const k of ["from", "name", "modelVersion", "price", "golden"] as const) {
      if (!opts[k]) throw new CliError(`--${k === "modelVersion" ? "model-version" : k} is required`);
    }
    const { registerModel } = await impl();
    const result = await registerModel(io, cmd, file, opts);
    printTxResult(io, cmd, result, yaml);
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
  addNodeOption(qRegistry.command("models").description("registered models")).action(
    async (_o: unknown, cmd: Command) => {
      const { queryModels } = await impl();
      printResult(io, globalsOf(cmd).output, await queryModels(nodeUrl(cmd, io)), yaml);
    },
  );
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
