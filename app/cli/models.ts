// `dgrid models put FILE` / `dgrid models list`: a node's content-addressed model store
// (<home>/data/models, validator/model-store). put validates the file in an onnxruntime sandbox.
// `dgrid models golden FILE` / `dgrid models calibrate FILE`: golden files and the policy a model
// calls for (validator/golden; the work in models-golden.ts, imported when they run). Publishing a
// model is `tx registry register-model` (it uploads to the running node); put is the operator's tool
// to give a node a registered model's file directly, e.g. when no peer has it. Both put and list
// refuse a --home that holds no node, so nothing is written where no node looks.
import { createReadStream } from "node:fs";
import type { Command } from "commander";
import pino from "pino";
import { CodedError } from "../../chain/errors/errors.ts";
import { existingConfigFiles } from "../../chain/node/config.ts";
import { DEFAULT_MAX_MODEL_BYTES, ModelStore } from "../../validator/model-store/model-store.ts";
import { CliError, type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import type { GoldenFlags, InputFlags } from "./models-golden.ts";

const golden = () => import("./models-golden.ts");
const collect = (v: string, prev: string[]) => [...prev, v];

/** The input flags of golden and calibrate. */
function inputOptions(c: Command): Command {
  return c
    .option("--inputs <file>", "input sets: a JSON object of named tensors, an array of them, or a golden file")
    .option("--random <n>", "n pseudo-random input sets shaped by the model's inputs (default 2)")
    .option("--seed <s>", "seed of --random", "1")
    .option("--dim <name=size>", "size of a symbolic input dim for --random (repeat; default 1)", collect, []);
}

function openStore(cmd: Command, maxBytes?: string): ModelStore {
  const g = globalsOf(cmd);
  if (existingConfigFiles(g.home).length === 0) {
    throw new CliError(
      `${g.home} is not a node home (no config/config.toml): give the --home of the node whose store to use` +
        " (to publish a model, `dgrid tx registry register-model` uploads it to the running node)",
    );
  }
  const max = maxBytes === undefined ? DEFAULT_MAX_MODEL_BYTES : Number(maxBytes);
  if (!Number.isSafeInteger(max) || max <= 0) throw new CliError(`bad --max-bytes ${maxBytes}`);
  return new ModelStore(
    { home: g.home, maxModelBytes: max },
    { logger: pino({ level: g.logLevel }, pino.destination(2)) },
  );
}

export function registerModelsCommands(program: Command, io: CliIO): void {
  const models = program.command("models").description("the node's content-addressed ONNX model store");

  models
    .command("put <file>")
    .description(
      "validate an ONNX file and add it to the store of the node at --home (<home>/data/models; prints its sha256 id). " +
        "To publish a model use `tx registry register-model`",
    )
    .option("--max-bytes <n>", "size limit in bytes", String(DEFAULT_MAX_MODEL_BYTES))
    .action(async (file: string, opts: { maxBytes: string }, cmd: Command) => {
      const store = openStore(cmd, opts.maxBytes);
      try {
        await store.init();
        const res = await store.put(createReadStream(file));
        const out = {
          id: res.id,
          size: res.size,
          created: res.created,
          store: store.dir,
          inputs: res.meta?.inputs,
          outputs: res.meta?.outputs,
        };
        printResult(io, globalsOf(cmd).output, out, toYaml);
      } catch (e) {
        if (e instanceof CodedError) throw new CliError(`${e.message} (${e.codespace}:${e.code})`);
        throw e;
      } finally {
        await store.close();
      }
    });

  models
    .command("list")
    .description("list the models in the store of the node at --home (id, size in bytes)")
    .action(async (_opts: unknown, cmd: Command) => {
      const store = openStore(cmd);
      const list = await store.list();
      printResult(io, globalsOf(cmd).output, list, (l: unknown[]) => (l.length ? toYaml(l) : "No models stored.\n"));
    });

  inputOptions(
    models
      .command("golden <file>")
      .description(
        "write a golden file for an ONNX model: outputs of a run with the pinned session options, and the agreement policy (see models/README.md)",
      )
      .option("--policy <policy>", "exact | tolerance:ABS:REL | argmax | topk:K (default: what calibration suggests)")
      .option("--out <file>", "write the golden file there (default: stdout)"),
  ).action(async (file: string, opts: GoldenFlags, cmd: Command) => {
    const { goldenCommand } = await golden();
    const res = await goldenCommand(io, file, opts);
    if (res.text !== undefined) io.out(res.text);
    else printResult(io, globalsOf(cmd).output, res.summary, toYaml);
  });

  inputOptions(
    models
      .command("calibrate <file>")
      .description(
        "run an ONNX model under several execution settings (graph optimization levels, thread counts, prepacking, execution providers) and report the largest differences per output and the policy they call for",
      ),
  ).action(async (file: string, opts: InputFlags, cmd: Command) => {
    const { calibrateCommand, calibrationText } = await golden();
    printResult(io, globalsOf(cmd).output, await calibrateCommand(io, file, opts), calibrationText);
  });
}
