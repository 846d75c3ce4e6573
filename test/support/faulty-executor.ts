// Byzantine inference executors for tests: wrappers around a real InferenceExecutor, given to a
// validator's duties through DGridNode's `decorators.inference` (or to InferenceDuties directly).
// Golden-vector checks keep the plain executor, so a faulty validator still passes them and serves
// its models; only the work the chain assigns it is affected.
// - CorruptingExecutor: runs the job, then returns deliberately wrong outputs (corruptOutputs), which
//   the duties commit to and reveal: provable dissent (outvoted, slashed).
// - SilentExecutor: never runs the job (rejects), so the duties make no commitment: recorded missing.
// Each applies to every model ("all") or to the listed model ids; other models run honestly.
import type { Logger } from "pino";
import type { InferenceExecutor, InferenceJob, Tensor } from "../../validator/executor/types.ts";

/** The models a fault applies to: every model, or these model ids (lowercase hex sha256). */
export type FaultModels = "all" | readonly string[];

/** A fault flag's value: "all", or comma-separated model ids. */
export function parseFaultModels(value: string): FaultModels {
  const v = value.trim().toLowerCase();
  if (v === "all") return "all";
  const ids = v
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
  if (ids.length === 0) throw new Error(`no model ids in a fault flag ("${value}"); "all" means every model`);
  for (const id of ids) if (!/^[0-9a-f]{64}$/.test(id)) throw new Error(`invalid model id "${id}" in a fault flag`);
  return ids;
}

/** The flag value that parses back to `models`. */
export function formatFaultModels(models: FaultModels): string {
  return models === "all" ? "all" : models.join(",");
}

function applies(models: FaultModels, modelId: string): boolean {
  return models === "all" || models.includes(modelId);
}

/**
 * Deliberately wrong outputs that disagree with the real ones under every policy: in floating-point
 * tensors each row (last axis) is rotated by one position and 1 is added to every value (changes
 * exact and tolerance comparisons, and the arg-max of any row whose values are not all equal); bool
 * tensors are negated; other dtypes get every byte incremented.
 */
export function corruptOutputs(outputs: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(outputs)) {
    const data = new Uint8Array(t.data);
    const last = t.shape.length > 0 ? t.shape[t.shape.length - 1] : 1;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const size = t.dtype === "float32" ? 4 : t.dtype === "float64" ? 8 : 0;
    if (size > 0 && last > 0) {
      const get = (i: number) => (size === 4 ? view.getFloat32(i * size, true) : view.getFloat64(i * size, true));
      const set = (i: number, v: number) =>
        size === 4 ? view.setFloat32(i * size, v, true) : view.setFloat64(i * size, v, true);
      const n = data.length / size;
      for (let row = 0; row + last <= n; row += last) {
        const vals = Array.from({ length: last }, (_, j) => get(row + j));
        for (let j = 0; j < last; j++) set(row + j, vals[(j + 1) % last] + 1);
      }
    } else if (t.dtype === "bool") {
      for (let i = 0; i < data.length; i++) data[i] ^= 1;
    } else {
      for (let i = 0; i < data.length; i++) data[i] = (data[i] + 1) & 0xff;
    }
    out[name] = { dtype: t.dtype, shape: [...t.shape], data };
  }
  return out;
}

export interface FaultyExecutorOptions {
  models: FaultModels;
}

export interface FaultyExecutorDeps {
  /** the real executor */
  inner: InferenceExecutor;
  logger: Logger;
}

/** Commits the validator to corrupted outputs for `models` (the job still runs on the real executor). */
export class CorruptingExecutor implements InferenceExecutor {
  private readonly log: Logger;

  constructor(
    private readonly options: FaultyExecutorOptions,
    private readonly deps: FaultyExecutorDeps,
  ) {
    this.log = deps.logger.child({ component: "corrupting-executor" });
    this.log.warn(
      { models: options.models },
      "TEST ONLY: inference fault injection is ON (corrupt outputs); never use this on a real chain",
    );
  }

  get provider(): string {
    return this.deps.inner.provider;
  }

  async run(job: InferenceJob): Promise<Record<string, Tensor>> {
    const outputs = await this.deps.inner.run(job);
    if (!applies(this.options.models, job.modelId)) return outputs;
    this.log.warn({ requestId: job.requestId, modelId: job.modelId }, "TEST ONLY: committing to corrupted outputs");
    return corruptOutputs(outputs);
  }

  close(): Promise<void> {
    return this.deps.inner.close();
  }
}

/** Never runs the jobs for `models`: they fail at once, so the validator commits nothing for them. */
export class SilentExecutor implements InferenceExecutor {
  constructor(
    private readonly options: FaultyExecutorOptions,
    private readonly deps: FaultyExecutorDeps,
  ) {
    deps.logger
      .child({ component: "silent-executor" })
      .warn(
        { models: options.models },
        "TEST ONLY: inference fault injection is ON (silent executor); never use this on a real chain",
      );
  }

  get provider(): string {
    return this.deps.inner.provider;
  }

  run(job: InferenceJob): Promise<Record<string, Tensor>> {
    if (applies(this.options.models, job.modelId))
      return Promise.reject(new Error("TEST ONLY: silent executor (the work is not run)"));
    return this.deps.inner.run(job);
  }

  close(): Promise<void> {
    return this.deps.inner.close();
  }
}
