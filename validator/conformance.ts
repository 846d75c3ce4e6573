// Conformance gating: before a validator serves a model (MsgServeModel) its node runs the model's
// golden vectors on its own executor and compares the outputs with the expected ones under the
// model's agreement policy. The comparator is passed in (the inference module owns the policy
// functions). The last pass of each model is recorded in <home>/data/conformance.json with the
// environment it ran in (software version, execution provider, CPU model, session options, a digest
// of the vectors and the policy); check() re-runs whenever any of those changed.
import { createHash } from "node:crypto";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import type { Logger } from "pino";
import { CodedError } from "../chain/errors/errors.ts";
import { tensorsEqual } from "../chain/tensor/canonical.ts";
import type { InferenceExecutor, PinnedSessionOptions, Tensor } from "./executor/types.ts";

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

export interface GoldenVector {
  inputs: Record<string, Tensor>;
  outputs: Record<string, Tensor>;
}

export interface ConformanceModel {
  modelId: string;
  sessionOptions: PinnedSessionOptions;
  vectors: GoldenVector[];
  /** the agreement policy, e.g. "exact" or "tolerance:1e-5:1e-4"; recorded so a change re-runs */
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
  /** true when a recorded pass in the same environment was returned without running */
  fromRecord: boolean;
  vectors: VectorResult[];
  environment: ConformanceEnvironment;
}

export interface ConformanceEnvironment {
  softwareVersion: string;
  provider: string;
  host: string;
}

interface PassRecord extends ConformanceEnvironment {
  sessionOptions: string;
  policy: string;
  vectorsDigest: string;
  vectors: number;
  passedAt: string;
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

  constructor(
    options: { home: string; softwareVersion?: string; host?: string },
    private readonly deps: { executor: InferenceExecutor; logger: Logger },
  ) {
    this.path = join(options.home, "data", "conformance.json");
    this.environment = {
      softwareVersion: options.softwareVersion ?? defaultSoftwareVersion(),
      provider: deps.executor.provider,
      host: options.host ?? `${process.platform}-${process.arch} ${cpus()[0]?.model ?? "unknown cpu"}`,
    };
    this.logger = deps.logger.child({ module: "conformance" });
  }

  /** The recorded pass of a model, if any (in whatever environment it ran). */
  async lastPass(modelId: string): Promise<PassRecord | undefined> {
    return (await this.load())[modelId];
  }

  /** True when there is no recorded pass of these vectors, policy and options in this environment. */
  async needsRun(model: Omit<ConformanceModel, "compare">): Promise<boolean> {
    const r = await this.lastPass(model.modelId);
    return !(
      r &&
      r.softwareVersion === this.environment.softwareVersion &&
      r.provider === this.environment.provider &&
      r.host === this.environment.host &&
      r.sessionOptions === optionsKey(model.sessionOptions) &&
      r.policy === model.policy &&
      r.vectorsDigest === vectorsDigest(model.vectors)
    );
  }

  /** Runs the vectors unless a pass in this environment is recorded. */
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
    await this.update((records) => {
      if (pass) {
        records[model.modelId] = {
          ...this.environment,
          sessionOptions: optionsKey(model.sessionOptions),
          policy: model.policy,
          vectorsDigest: vectorsDigest(model.vectors),
          vectors: model.vectors.length,
          passedAt: new Date().toISOString(),
        };
      } else {
        delete records[model.modelId];
      }
    });
    const log = { model: model.modelId, pass, vectors: results.length, failed: results.filter((r) => !r.pass) };
    if (pass) this.logger.info(log, "golden vectors passed");
    else this.logger.warn(log, "golden vectors failed");
    return { modelId: model.modelId, pass, fromRecord: false, vectors: results, environment: this.environment };
  }

  /** Read-modify-write of the record file, one at a time. */
  private update(fn: (records: Record<string, PassRecord>) => void): Promise<void> {
    const next = this.writing.then(async () => {
      const records = await this.load();
      fn(records);
      await this.save(records);
    });
    this.writing = next.catch(() => {});
    return next;
  }

  private async load(): Promise<Record<string, PassRecord>> {
    try {
      const j = JSON.parse(await readFile(this.path, "utf8")) as { models?: Record<string, PassRecord> };
      return j.models ?? {};
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        this.logger.warn({ err: String(e) }, "unreadable conformance record; treating as empty");
      }
      return {};
    }
  }

  private async save(models: Record<string, PassRecord>): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const sorted = Object.fromEntries(
      Object.keys(models)
        .sort()
        .map((k) => [k, models[k]]),
    );
    const tmp = `${this.path}.tmp`;
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(`${JSON.stringify({ version: 1, models: sorted }, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
  }
}
