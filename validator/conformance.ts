// Conformance gating: before a validator serves a model (MsgServeModel) its node runs the model's
// golden vectors on its own executor and compares the outputs with the expected ones under the
// model's agreement policy. The comparator is passed in (`underPolicy(policy)` gives the one the
// chain's policies call for: chain/tensor/agreement.ts). The last pass of each model is recorded in <home>/data/conformance.json with the
// environment it ran in (software version, execution provider, CPU model, session options, a digest
// of the vectors and the policy); check() re-runs whenever any of those changed. A failure is
// recorded there too, with a retry time that doubles with each failure in the same environment
// (retryBaseMs, 2x, 4x, ... up to retryMaxMs): check() does not re-run a failed model before then,
// and any change of the environment or the model resets it.
import { createHash } from "node:crypto";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import type { Logger } from "pino";
import { CodedError } from "../chain/errors/errors.ts";
import { agrees, type Policy } from "../chain/tensor/agreement.ts";
import { tensorsEqual } from "../chain/tensor/canonical.ts";
import type { InferenceExecutor, PinnedSessionOptions, Tensor } from "./executor/types.ts";
import { policyText } from "./golden/policy-text.ts";

/** Compares a vector's expected outputs with the executor's (true = they agree under the policy). */
export type OutputComparator = (expected: Record<string, Tensor>, actual: Record<string, Tensor>) => boolean;

/** Lifts a per-tensor comparison to whole outputs: the same output names, each pair agreeing. */
export function perTensor(cmp: (expected: Tensor, actual: Tensor) => boolean): OutputComparator {
  return (expected, actual) => {
    const names = Object.keys(expected).sort();
    const got = Object.keys(actual).sort();
    if (names.length !== got.length || names.some((n, i) => n !== got[i])) return false;
    return names.every((n) => cmp(expected[n], actual[n]));
  };
}

/**
 * How golden outputs are judged: under the model's agreement policy (chain/tensor/agreement.ts), the
 * same comparison executors' outputs get on chain. Bit-exact only for an `exact` model: onnxruntime's
 * float kernels differ in the last bits between CPUs, so `exact` golden vectors made on one CPU fail
 * on another unless the model is bit-identical across execution settings (`dgrid models calibrate`).
 */
export function underPolicy(policy: Policy): Pick<ConformanceModel, "policy" | "compare"> {
  return { policy: policyText(policy), compare: (expected, actual) => agrees(policy, expected, actual) };
}

export interface GoldenVector {
  inputs: Record<string, Tensor>;
  outputs: Record<string, Tensor>;
}

export interface ConformanceModel {
  modelId: string;
  sessionOptions: PinnedSessionOptions;
  vectors: GoldenVector[];
  /** the agreement policy, e.g. "exact" or "tolerance:0.0001:0.001"; recorded so a change re-runs */
  policy: string;
  compare: OutputComparator;
}

export interface VectorResult {
  index: number;
  pass: boolean;
  /** the executor's error, when the run itself failed */
  error?: { codespace: string; code: number; message: string };
  /** outputs whose bytes differ from the expected ones (informational: the policy decides) */
  differing?: string[];
  /** largest |expected - actual| over float outputs, when they differ */
  maxAbsDiff?: number;
}

export interface ConformanceResult {
  modelId: string;
  pass: boolean;
  /** true when a recorded pass, or a failure still backing off, was returned without running */
  fromRecord: boolean;
  vectors: VectorResult[];
  environment: ConformanceEnvironment;
  /** a failure: what failed, in at most MAX_REASON_BYTES bytes (for MsgReportConformance) */
  reason?: string;
  /** a failure: failed runs in a row in this environment, and when check() runs the vectors again */
  failures?: number;
  retryAt?: number;
}

/** The registry's bound on a reported reason (modules/registry/validate.ts MAX_REASON_BYTES). */
export const MAX_REASON_BYTES = 256;

export interface ConformanceEnvironment {
  softwareVersion: string;
  provider: string;
  host: string;
}

/** What a recorded outcome depends on: the environment and the model's vectors, policy and options. */
interface RunKey extends ConformanceEnvironment {
  sessionOptions: string;
  policy: string;
  vectorsDigest: string;
}

interface PassRecord extends RunKey {
  vectors: number;
  passedAt: string;
}

interface FailureRecord extends RunKey {
  failures: number;
  failedAt: string;
  /** ms since the epoch */
  retryAt: number;
  reason: string;
}

interface Records {
  models: Record<string, PassRecord>;
  failures: Record<string, FailureRecord>;
}

const require = createRequire(import.meta.url);

/** "dgrid/<package version> onnxruntime-node/<version>": part of what a recorded pass depends on. */
export function defaultSoftwareVersion(): string {
  const own = require("../package.json") as { version: string };
  let ort = "unknown";
  try {
    ort = (require("onnxruntime-node/package.json") as { version: string }).version;
  } catch {
    const main = require.resolve("onnxruntime-node");
    ort = (require(join(dirname(main), "..", "package.json")) as { version: string }).version;
  }
  return `dgrid/${own.version} onnxruntime-node/${ort}`;
}

/** A digest of the vectors (names sorted; dtype, shape and bytes of every tensor). */
export function vectorsDigest(vectors: GoldenVector[]): string {
  const h = createHash("sha256");
  const tensors = (r: Record<string, Tensor>) => {
    for (const name of Object.keys(r).sort()) {
      const t = r[name];
      h.update(`${name}\0${t.dtype}\0${t.shape.join(",")}\0${t.data.length}\0`);
      h.update(t.data);
    }
  };
  for (const v of vectors) {
    h.update("in\0");
    tensors(v.inputs);
    h.update("out\0");
    tensors(v.outputs);
  }
  return h.digest("hex");
}

function optionsKey(o: PinnedSessionOptions): string {
  return `${o.graphOptimizationLevel}/${o.executionMode}/${o.intraOpNumThreads}`;
}

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, max: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= max) return text;
  // a character cut in two decodes to U+FFFD: drop it
  const head = new TextDecoder().decode(bytes.subarray(0, max - 3)).replace(/\uFFFD$/, "");
  return `${head}...`;
}

/** One line saying which vectors failed and why, at most MAX_REASON_BYTES bytes. */
export function failureReason(vectors: VectorResult[], policy: string): string {
  const failed = vectors.filter((v) => !v.pass);
  if (vectors.length === 0) return "the model has no golden vectors";
  const parts = failed.map((v) => {
    if (v.error) return `vector ${v.index}: ${v.error.codespace}:${v.error.code} ${v.error.message}`;
    const diff = v.maxAbsDiff === undefined ? "" : ` (max abs diff ${v.maxAbsDiff.toExponential(2)})`;
    return `vector ${v.index}: ${(v.differing ?? []).join(", ") || "outputs"} disagree under ${policy}${diff}`;
  });
  return truncateUtf8(
    `${failed.length} of ${vectors.length} golden vectors failed: ${parts.join("; ")}`,
    MAX_REASON_BYTES,
  );
}

function maxAbsDiff(a: Tensor, b: Tensor): number | undefined {
  if (a.dtype !== b.dtype || a.data.length !== b.data.length) return undefined;
  if (a.dtype !== "float32" && a.dtype !== "float64") return undefined;
  const Arr = a.dtype === "float32" ? Float32Array : Float64Array;
  const x = new Arr(a.data.slice().buffer);
  const y = new Arr(b.data.slice().buffer);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

export class ConformanceChecker {
  readonly path: string;
  readonly environment: ConformanceEnvironment;
  private readonly logger: Logger;
  private writing: Promise<void> = Promise.resolve();

  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly now: () => number;

  constructor(
    options: { home: string; softwareVersion?: string; host?: string; retryBaseMs?: number; retryMaxMs?: number },
    private readonly deps: { executor: InferenceExecutor; logger: Logger; now?: () => number },
  ) {
    this.path = join(options.home, "data", "conformance.json");
    this.retryBaseMs = options.retryBaseMs ?? 30_000;
    this.retryMaxMs = options.retryMaxMs ?? 3_600_000;
    this.now = deps.now ?? Date.now;
    this.environment = {
      softwareVersion: options.softwareVersion ?? defaultSoftwareVersion(),
      provider: deps.executor.provider,
      host: options.host ?? `${process.platform}-${process.arch} ${cpus()[0]?.model ?? "unknown cpu"}`,
    };
    this.logger = deps.logger.child({ module: "conformance" });
  }

  /** The recorded pass of a model, if any (in whatever environment it ran). */
  async lastPass(modelId: string): Promise<PassRecord | undefined> {
    return (await this.load()).models[modelId];
  }

  /** The recorded failure of a model, if any. */
  async lastFailure(modelId: string): Promise<FailureRecord | undefined> {
    return (await this.load()).failures[modelId];
  }

  private runKey(model: Omit<ConformanceModel, "compare">): RunKey {
    return {
      ...this.environment,
      sessionOptions: optionsKey(model.sessionOptions),
      policy: model.policy,
      vectorsDigest: vectorsDigest(model.vectors),
    };
  }

  private static sameKey(r: RunKey, k: RunKey): boolean {
    return (
      r.softwareVersion === k.softwareVersion &&
      r.provider === k.provider &&
      r.host === k.host &&
      r.sessionOptions === k.sessionOptions &&
      r.policy === k.policy &&
      r.vectorsDigest === k.vectorsDigest
    );
  }

  /** True when there is no recorded pass of these vectors, policy and options in this environment. */
  async needsRun(model: Omit<ConformanceModel, "compare">): Promise<boolean> {
    const r = await this.lastPass(model.modelId);
    return !(r && ConformanceChecker.sameKey(r, this.runKey(model)));
  }

  /**
   * Runs the vectors unless a pass in this environment is recorded, or a failure in this
   * environment whose retry time has not come (then that failure, fromRecord, without running).
   */
  async check(model: ConformanceModel): Promise<ConformanceResult> {
    if (!(await this.needsRun(model))) {
      return {
        modelId: model.modelId,
        pass: true,
        fromRecord: true,
        vectors: model.vectors.map((_, index) => ({ index, pass: true })),
        environment: this.environment,
      };
    }
    const f = await this.lastFailure(model.modelId);
    if (f && ConformanceChecker.sameKey(f, this.runKey(model)) && this.now() < f.retryAt) {
      return {
        modelId: model.modelId,
        pass: false,
        fromRecord: true,
        vectors: [],
        environment: this.environment,
        reason: f.reason,
        failures: f.failures,
        retryAt: f.retryAt,
      };
    }
    return this.run(model);
  }

  /** Runs every vector; a pass is recorded, a failure removes any recorded pass of the model. */
  async run(model: ConformanceModel): Promise<ConformanceResult> {
    const results: VectorResult[] = [];
    for (let index = 0; index < model.vectors.length; index++) {
      const v = model.vectors[index];
      try {
        const actual = await this.deps.executor.run({
          requestId: `conformance/${model.modelId.slice(0, 16)}/${index}`,
          modelId: model.modelId,
          inputs: v.inputs,
          sessionOptions: model.sessionOptions,
        });
        let pass = false;
        try {
          pass = model.compare(v.outputs, actual) === true;
        } catch {
          pass = false;
        }
        const r: VectorResult = { index, pass };
        const differing = Object.keys(v.outputs)
          .sort()
          .filter((n) => !actual[n] || !tensorsEqual(v.outputs[n], actual[n]));
        if (differing.length > 0) {
          r.differing = differing;
          const diffs = differing.map((n) => (actual[n] ? maxAbsDiff(v.outputs[n], actual[n]) : undefined));
          const nums = diffs.filter((d): d is number => d !== undefined);
          if (nums.length > 0) r.maxAbsDiff = Math.max(...nums);
        }
        results.push(r);
      } catch (e) {
        const error =
          e instanceof CodedError
            ? { codespace: e.codespace, code: e.code, message: e.message }
            : { codespace: "undefined", code: 1, message: String((e as Error)?.message ?? e) };
        results.push({ index, pass: false, error });
      }
    }
    const pass = results.length > 0 && results.every((r) => r.pass);
    const key = this.runKey(model);
    const out: ConformanceResult = {
      modelId: model.modelId,
      pass,
      fromRecord: false,
      vectors: results,
      environment: this.environment,
    };
    await this.update((records) => {
      if (pass) {
        records.models[model.modelId] = {
          ...key,
          vectors: model.vectors.length,
          passedAt: new Date(this.now()).toISOString(),
        };
        delete records.failures[model.modelId];
        return;
      }
      delete records.models[model.modelId];
      // failures in a row in the same environment double the wait; a new environment starts over
      const prev = records.failures[model.modelId];
      const failures = prev && ConformanceChecker.sameKey(prev, key) ? prev.failures + 1 : 1;
      const delay = Math.min(this.retryBaseMs * 2 ** Math.min(failures - 1, 30), this.retryMaxMs);
      out.reason = failureReason(results, model.policy);
      out.failures = failures;
      out.retryAt = this.now() + delay;
      records.failures[model.modelId] = {
        ...key,
        failures,
        failedAt: new Date(this.now()).toISOString(),
        retryAt: out.retryAt,
        reason: out.reason,
      };
    });
    const log = { model: model.modelId, pass, vectors: results.length, failed: results.filter((r) => !r.pass) };
    if (pass) this.logger.info(log, "golden vectors passed");
    else
      this.logger.warn(
        { ...log, failures: out.failures, retryAt: new Date(out.retryAt!).toISOString() },
        "golden vectors failed",
      );
    return out;
  }

  /** Read-modify-write of the record file, one at a time. */
  private update(fn: (records: Records) => void): Promise<void> {
    const next = this.writing.then(async () => {
      const records = await this.load();
      fn(records);
      await this.save(records);
    });
    this.writing = next.catch(() => {});
    return next;
  }

  private async load(): Promise<Records> {
    try {
      const j = JSON.parse(await readFile(this.path, "utf8")) as Partial<Records>;
      return { models: j.models ?? {}, failures: j.failures ?? {} };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        this.logger.warn({ err: String(e) }, "unreadable conformance record; treating as empty");
      }
      return { models: {}, failures: {} };
    }
  }

  private async save(records: Records): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const sorted = <T>(r: Record<string, T>) =>
      Object.fromEntries(
        Object.keys(r)
          .sort()
          .map((k) => [k, r[k]]),
      );
    const tmp = `${this.path}.tmp`;
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(
        `${JSON.stringify({ version: 1, models: sorted(records.models), failures: sorted(records.failures) }, null, 2)}\n`,
      );
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
  }
}
