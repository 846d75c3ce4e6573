// `dgrid models put FILE` / `dgrid models list`: the node's content-addressed model store
// (<home>/data/models, validator/model-store). put validates the file in an onnxruntime sandbox.
import { createReadStream } from "node:fs";
import type { Command } from "commander";
import pino from "pino";
import { CodedError } from "../../chain/errors/errors.ts";
import { DEFAULT_MAX_MODEL_BYTES, ModelStore } from "../../validator/model-store/model-store.ts";
import { CliError, type CliIO, globalsOf, printResult, toYaml } from "./context.ts";

function openStore(cmd: Command, maxBytes?: string): ModelStore {
  const g = globalsOf(cmd);
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
    .description("validate an ONNX file and add it to <home>/data/models (prints its sha256 id)")
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
    .description("list the stored models (id, size in bytes)")
    .action(async (_opts: unknown, cmd: Command) => {
      const store = openStore(cmd);
      const list = await store.list();
      printResult(io, globalsOf(cmd).output, list, (l: unknown[]) => (l.length ? toYaml(l) : "No models stored.\n"));
    });
}
