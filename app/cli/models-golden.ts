// The work behind `dgrid models golden` and `dgrid models calibrate` (validator/golden): input sets
// from a file or a seed, the golden file, and the calibration report. Imported when one of them
// runs (it loads onnxruntime-node into the CLI's process).
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import pino from "pino";
import { CodedError } from "../../chain/errors/errors.ts";
import { DEFAULT_SESSION_OPTIONS } from "../../models/demo.ts";
import type { Tensor } from "../../validator/executor/types.ts";
import { type Calibration, calibrate, describe } from "../../validator/golden/calibrate.ts";
import { parseInputSets } from "../../validator/golden/format.ts";
import { makeGolden } from "../../validator/golden/make.ts";
import { parsePolicy } from "../../validator/golden/policy-text.ts";
import { randomInputs } from "../../validator/golden/random.ts";
import { ModelProber } from "../../validator/onnx/sandbox.ts";
import type { ModelMeta } from "../../validator/onnx/tensor.ts";
import { CliError, type CliIO } from "./context.ts";

export interface InputFlags {
  inputs?: string;
  random?: string;
  seed: string;
  dim: string[];
}

export interface GoldenFlags extends InputFlags {
  policy?: string;
  out?: string;
}

/** The model file's bytes and onnxruntime's view of it (loaded in a sandbox process first). */
async function loadModel(file: string): Promise<{ bytes: Uint8Array; meta: ModelMeta }> {
  const path = resolve(file);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const prober = new ModelProber({ timeoutMs: 60_000 }, { logger: pino({ level: "silent" }) });
  try {
    return { bytes, meta: await prober.probe(path) };
  } catch (e) {
    const code = e instanceof CodedError ? ` (${e.codespace}:${e.code})` : "";
    throw new CliError(`${file} is not a loadable ONNX model: ${(e as Error).message}${code}`);
  } finally {
    await prober.close();
  }
}

function positiveInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
    throw new CliError(`${flag} must be a positive integer, got ${text}`);
  return Number(text);
}

/** --inputs FILE, or --random N (default 2) pseudo-random sets from --seed with --dim NAME=SIZE. */
function inputSets(io: CliIO, meta: ModelMeta, f: InputFlags): Record<string, Tensor>[] {
  if (f.inputs !== undefined && f.random !== undefined) throw new CliError("give --inputs or --random, not both");
  if (f.inputs !== undefined) {
    try {
      return parseInputSets(JSON.parse(readFileSync(f.inputs, "utf8")), f.inputs);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  const count = positiveInt(f.random ?? "2", "--random");
  if (!/^\d+$/.test(f.seed)) throw new CliError(`--seed must be a non-negative integer, got ${f.seed}`);
  const dims: Record<string, number> = {};
  for (const d of f.dim) {
    const m = /^([^=]+)=(\d+)$/.exec(d);
    if (!m) throw new CliError(`--dim ${d}: expected NAME=SIZE`);
    dims[m[1]] = positiveInt(m[2], `--dim ${m[1]}`);
  }
  const symbolic = new Set(
    meta.inputs.flatMap((i) => i.shape.filter((s): s is string => typeof s === "string" && s !== "")),
  );
  for (const name of Object.keys(dims)) {
    if (!symbolic.has(name))
      throw new CliError(
        `--dim ${name}: the model has no symbolic dim of that name (${[...symbolic].join(", ") || "none"})`,
      );
  }
  const unset = [...symbolic].filter((s) => dims[s] === undefined);
  io.err(
    `inputs: ${count} pseudo-random set(s), seed ${f.seed}${unset.length ? `; ${unset.join(", ")} = 1 (--dim NAME=SIZE to change)` : ""}\n`,
  );
  try {
    return randomInputs(meta.inputs, { count, seed: Number(f.seed), dims });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** Runs a user-supplied model; its run errors are the user's to fix, not stack traces. */
async function userRun<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${what}: ${String((e as Error)?.message ?? e).split("\n")[0]}`);
  }
}

export async function goldenCommand(io: CliIO, file: string, f: GoldenFlags) {
  let policy: ReturnType<typeof parsePolicy> | undefined;
  try {
    policy = f.policy === undefined ? undefined : parsePolicy(f.policy);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const { bytes, meta } = await loadModel(file);
  const sets = inputSets(io, meta, f);
  if (!policy) io.err("no --policy: calibrating to choose one...\n");
  const made = await userRun("running the model", () =>
    makeGolden(bytes, sets, { sessionOptions: DEFAULT_SESSION_OPTIONS, policy }),
  );
  if (made.calibration) io.err(`policy ${made.file.policy}: ${made.calibration.suggested.reason}\n`);
  const text = `${JSON.stringify(made.file, null, 1)}\n`;
  if (f.out === undefined) return { text };
  writeFileSync(f.out, text);
  return {
    summary: {
      file: f.out,
      model_id: made.file.modelId,
      vectors: made.file.vectors.length,
      policy: made.file.policy,
      ...(made.calibration ? { policy_reason: made.calibration.suggested.reason } : {}),
    },
  };
}

export async function calibrateCommand(io: CliIO, file: string, f: InputFlags): Promise<Calibration> {
  const { bytes, meta } = await loadModel(file);
  const sets = inputSets(io, meta, f);
  return userRun("running the model", () => calibrate(bytes, sets, { pinned: DEFAULT_SESSION_OPTIONS }));
}

/** The calibration report as a table per setting and the suggested policy. */
export function calibrationText(c: Calibration): string {
  const lines = [`reference: ${c.reference} (the pinned options); ${c.inputSets} input set(s)`, ""];
  const width = Math.max(...c.settings.map((s) => s.setting.length));
  for (const s of c.settings.slice(1)) {
    const head = s.setting.padEnd(width);
    if (!s.available) {
      lines.push(`${head}  not available: ${s.error}`);
      continue;
    }
    const outs = Object.entries(s.outputs);
    if (outs.every(([, d]) => d.identical)) lines.push(`${head}  bit-identical`);
    else for (const [name, d] of outs) lines.push(`${head}  ${name}: ${describe(d)}`);
  }
  lines.push("", "largest differences per output:");
  for (const [name, d] of Object.entries(c.outputs)) {
    lines.push(`  ${name}: ${describe(d)}${d.worstSetting ? ` (${d.worstSetting})` : ""}`);
  }
  lines.push("", `suggested policy: ${c.suggested.policy || "none"} (${c.suggested.reason})`);
  return `${lines.join("\n")}\n`;
}
