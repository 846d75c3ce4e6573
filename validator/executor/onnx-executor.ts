// OnnxExecutor: runs inference jobs with onnxruntime-node in sandbox processes (validator/onnx).
//
// - Sessions are cached per (model id, pinned session options) in each worker process (LRU bound);
//   the options come from the model's registry entry because they change output bits.
// - Inputs are validated against the session's input names, dtypes and shapes before any run.
// - One bounded FIFO queue (full -> ErrQueueFull). Each worker runs one batch at a time; jobs for the
//   same session run back-to-back on the cached session. With `maxBatchSize > 1`, queued jobs for the
//   same session whose inputs agree except in dim 0 are concatenated along dim 0 (only for models
//   whose every input and output has a symbolic first dim) and split afterwards. Batching is OFF by
//   default: onnxruntime does not promise that a row's bits are the same at every batch size (kernel
//   choice can depend on the batch), and batch composition depends on timing, so batching could make
//   honest validators disagree under an `exact` policy. It was bit-identical for the test MLP and
//   the PaddleOCR classifier (test/validator/executor.test.ts checks it), so a model known to be
//   batch-stable can have it turned on.
// - Up to `pipeline` (default 2) dispatches are in flight per worker, so the sandbox finds its next
//   job waiting when a run ends and the IPC round trip is hidden.
// - Per-job timeout: a run that does not finish in `timeoutMs` (k+1 times that for a job pipelined
//   behind k others) rejects with ErrTimeout and its worker process is SIGKILLed and replaced (a hung
//   native call cannot be stopped any other way). Jobs that were pipelined behind it are re-queued
//   once. A model that throws rejects that job only (ErrModelRuntime: onnxruntime refused this input,
//   the same on every machine; ErrBadInput: the input does not fit the file's inputs); a crashed
//   worker's jobs are retried once.
import type { Logger } from "pino";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { CodedError } from "../../chain/errors/errors.ts";
import {
  ErrBadInput,
  ErrExecutorClosed,
  ErrInvalidModelId,
  ErrModelLoad,
  ErrModelRuntime,
  ErrProviderUnavailable,
  ErrQueueFull,
  ErrRunFailed,
  ErrTimeout,
  ErrWorkerCrashed,
} from "../errors.ts";
import { childError, OnnxSandbox } from "../onnx/sandbox.ts";
import { batchSignature, concatRows, hasBatchDim, type ModelMeta, splitRows, validateInputs } from "../onnx/tensor.ts";
import { identityModel } from "./probe-model.ts";
import type { InferenceExecutor, InferenceJob, ModelStoreReader, PinnedSessionOptions, Tensor } from "./types.ts";

export type ExecutionProvider = "cpu" | "cuda";

export interface OnnxExecutorOptions {
  /** "cpu" (default) or "cuda"; start() fails with ErrProviderUnavailable where cuda is missing */
  provider?: ExecutionProvider;
  /** sandbox processes running jobs in parallel (default 1) */
  workers?: number;
  /** jobs waiting (not yet running) before run() rejects with ErrQueueFull (default 256) */
  maxQueue?: number;
  /** per-run limit in ms (default 30 s) */
  timeoutMs?: number;
  /** limit for creating a session in ms (default 120 s) */
  loadTimeoutMs?: number;
  /** jobs concatenated into one run; 1 = no batching (default) */
  maxBatchSize?: number;
  /**
   * queued jobs for the same session sent to a sandbox in one message and run there one after
   * another, each on its own (default 32; 1 = one job per message). Outputs are those of single runs
   * (nothing is concatenated), so this is safe under every policy; it saves the per-job IPC round trip.
   * A session's first job goes alone; after that a message holds at most as many jobs as fit in a
   * quarter of `timeoutMs` at the session's measured time per job, and has one job's time limit, so
   * a hung job is caught as fast as without grouping.
   */
  maxDispatchJobs?: number;
  /** sessions kept per worker (default 8) */
  maxSessionsPerWorker?: number;
  /** dispatches in flight per worker (default 2: the next job waits in the sandbox, not in the parent) */
  pipeline?: number;
}

export interface OnnxExecutorDeps {
  store: ModelStoreReader;
  logger: Logger;
  /** prom-client registry for the executor's metrics (none registered when absent) */
  registry?: Registry;
}

interface QueuedJob {
  job: InferenceJob;
  key: string;
  resolve: (out: Record<string, Tensor>) => void;
  reject: (e: Error) => void;
  enqueuedAt: number;
  retried?: boolean;
  /** dispatched alone (after its group timed out: the job that hung is then found alone) */
  solo?: boolean;
}

interface Worker {
  index: number;
  sandbox: OnnxSandbox;
  /** dispatches sent and not yet answered (at most `pipeline`) */
  inflight: number;
  /** session keys loaded in this worker, least recently used first */
  loaded: Map<string, true>;
  /** dispatches in flight per session key (a key in use is never unloaded) */
  keyInflight: Map<string, number>;
  loading: Map<string, Promise<ModelMeta>>;
}

const MODEL_ID = /^[0-9a-f]{64}$/;

/** Canonical session key: model id + the pinned options in a fixed field order. */
export function sessionKey(modelId: string, o: PinnedSessionOptions): string {
  return `${modelId}/${o.graphOptimizationLevel}/${o.executionMode}/${o.intraOpNumThreads}`;
}

function checkOptions(o: PinnedSessionOptions): void {
  const levels = ["disabled", "basic", "extended", "all"];
  if (!o || !levels.includes(o.graphOptimizationLevel)) throw ErrBadInput.wrap("bad graphOptimizationLevel");
  if (o.executionMode !== "sequential" && o.executionMode !== "parallel") throw ErrBadInput.wrap("bad executionMode");
  if (!Number.isSafeInteger(o.intraOpNumThreads) || o.intraOpNumThreads < 0 || o.intraOpNumThreads > 256) {
    throw ErrBadInput.wrap("bad intraOpNumThreads");
  }
}

export class OnnxExecutor implements InferenceExecutor {
  readonly provider: ExecutionProvider;
  private readonly opts: Required<OnnxExecutorOptions>;
  private readonly logger: Logger;
  private readonly workers: (Worker | undefined)[];
  private readonly queue: QueuedJob[] = [];
  private readonly meta = new Map<string, ModelMeta>();
  /** measured wall ms per job (moving average) per session key: sizes dispatch groups */
  private readonly perJobMs = new Map<string, number>();
  private started?: Promise<void>;
  private closed = false;
  private readonly mDuration?: Histogram;
  private readonly mBatch?: Histogram;
  private readonly mDispatch?: Histogram;
  private readonly mErrors?: Counter;

  constructor(
    options: OnnxExecutorOptions,
    private readonly deps: OnnxExecutorDeps,
  ) {
    this.opts = {
      provider: options.provider ?? "cpu",
      workers: Math.max(1, options.workers ?? 1),
      maxQueue: options.maxQueue ?? 256,
      timeoutMs: options.timeoutMs ?? 30_000,
      loadTimeoutMs: options.loadTimeoutMs ?? 120_000,
      maxBatchSize: Math.max(1, options.maxBatchSize ?? 1),
      maxDispatchJobs: Math.max(1, options.maxDispatchJobs ?? 32),
      maxSessionsPerWorker: Math.max(1, options.maxSessionsPerWorker ?? 8),
      pipeline: Math.max(1, options.pipeline ?? 2),
    };
    if (this.opts.provider !== "cpu" && this.opts.provider !== "cuda") {
      throw ErrProviderUnavailable.wrap(`unknown execution provider ${JSON.stringify(this.opts.provider)}`);
    }
    this.provider = this.opts.provider;
    this.logger = deps.logger.child({ module: "executor", provider: this.provider });
    this.workers = new Array(this.opts.workers).fill(undefined);
    const registers = deps.registry ? [deps.registry] : [];
    if (deps.registry) {
      this.mDuration = new Histogram({
        name: "dgrid_inference_duration_seconds",
        help: "Time from a job's dispatch to its outputs (or error), per model",
        labelNames: ["model", "status"],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      });
      const queue = this.queue;
      new Gauge({
        name: "dgrid_inference_queue_depth",
        help: "Inference jobs waiting to run",
        registers,
        collect() {
          this.set(queue.length);
        },
      });
      this.mBatch = new Histogram({
        name: "dgrid_inference_batch_jobs",
        help: "Jobs per onnxruntime run",
        buckets: [1, 2, 4, 8, 16, 32, 64],
        registers,
      });
      this.mDispatch = new Histogram({
        name: "dgrid_inference_dispatch_jobs",
        help: "Jobs per message to a sandbox (same session, run back-to-back or concatenated)",
        buckets: [1, 2, 4, 8, 16, 32, 64],
        registers,
      });
      this.mErrors = new Counter({
        name: "dgrid_inference_errors_total",
        help: "Jobs that ended in an error, by error code",
        labelNames: ["code"],
        registers,
      });
    }
  }

  /**
   * Starts the worker processes and checks the execution provider by creating a tiny session on it.
   * Rejects with ErrProviderUnavailable (e.g. `cuda` without the CUDA provider libraries): callers
   * should do this at node start, so a missing provider is a startup error, not a failure mid-run.
   */
  start(): Promise<void> {
    this.started ??= this.doStart();
    return this.started;
  }

  private async doStart(): Promise<void> {
    const first = this.worker(0);
    try {
      await first.sandbox.call(
        {
          op: "load",
          key: "probe",
          model: identityModel(),
          options: { graphOptimizationLevel: "all", executionMode: "sequential", intraOpNumThreads: 1 },
          provider: this.provider,
        },
        this.opts.loadTimeoutMs,
      );
      await first.sandbox.call({ op: "unload", key: "probe" }, this.opts.loadTimeoutMs);
    } catch (e) {
      await this.close();
      throw ErrProviderUnavailable.wrap(`${this.provider}: ${(e as Error).message}`);
    }
    for (let i = 1; i < this.workers.length; i++) this.worker(i);
    this.logger.info(
      {
        workers: this.workers.length,
        maxBatchSize: this.opts.maxBatchSize,
        maxDispatchJobs: this.opts.maxDispatchJobs,
        pipeline: this.opts.pipeline,
      },
      "executor started",
    );
  }

  /** The live worker in slot i, spawning a fresh sandbox if the slot is empty or its process died. */
  private worker(i: number): Worker {
    const w = this.workers[i];
    if (w?.sandbox.alive) return w;
    const sandbox = new OnnxSandbox({ name: `executor-${i}` }, { logger: this.logger });
    const fresh: Worker = {
      index: i,
      sandbox,
      inflight: 0,
      loaded: new Map(),
      keyInflight: new Map(),
      loading: new Map(),
    };
    sandbox.onExit = (reason) => {
      if (!this.closed) this.logger.warn({ worker: i, reason }, "executor worker gone; will respawn");
      if (this.workers[i] === fresh) this.workers[i] = undefined;
      setImmediate(() => this.pump());
    };
    this.workers[i] = fresh;
    return fresh;
  }

  run(job: InferenceJob): Promise<Record<string, Tensor>> {
    return new Promise((resolve, reject) => {
      try {
        if (this.closed) throw ErrExecutorClosed.wrap("run");
        if (typeof job?.modelId !== "string" || !MODEL_ID.test(job.modelId)) {
          throw ErrInvalidModelId.wrap(String(job?.modelId));
        }
        checkOptions(job.sessionOptions);
        if (!job.inputs || typeof job.inputs !== "object") throw ErrBadInput.wrap("inputs must be an object");
        const key = sessionKey(job.modelId, job.sessionOptions);
        const m = this.meta.get(key);
        if (m) validateInputs(m, job.inputs); // fail fast when the model is known
        if (this.queue.length >= this.opts.maxQueue) {
          throw ErrQueueFull.wrap(`${this.queue.length} jobs waiting (max ${this.opts.maxQueue})`);
        }
        this.queue.push({ job, key, resolve, reject, enqueuedAt: performance.now() });
        this.pump();
      } catch (e) {
        this.countError(e);
        reject(e);
      }
    });
  }

  /**
   * The model file's inputs and outputs as onnxruntime reads them (names, types, fixed and symbolic
   * dims), from a worker's session for (model, options), loaded if no worker has it.
   */
  async metadata(modelId: string, sessionOptions: PinnedSessionOptions): Promise<ModelMeta> {
    if (!MODEL_ID.test(modelId)) throw ErrInvalidModelId.wrap(modelId);
    checkOptions(sessionOptions);
    const key = sessionKey(modelId, sessionOptions);
    const known = this.meta.get(key);
    if (known) return known;
    await this.start();
    const w = this.worker(this.pickWorker(key) ?? 0);
    return this.ensureLoaded(w, key, { requestId: "metadata", modelId, inputs: {}, sessionOptions });
  }

  /** Process ids of the live worker sandboxes (for benchmarks and diagnostics). */
  workerPids(): number[] {
    return this.workers.flatMap((w) => (w?.sandbox.alive && w.sandbox.pid !== undefined ? [w.sandbox.pid] : []));
  }

  /** Jobs waiting to run. */
  get queueDepth(): number {
    return this.queue.length;
  }

  private countError(e: unknown): void {
    this.mErrors?.inc({ code: e instanceof CodedError ? `${e.codespace}:${e.code}` : "unknown" });
  }

  /** Hands queued jobs to idle workers. */
  private pump(): void {
    if (this.closed) return;
    if (!this.started) {
      this.start().then(
        () => this.pump(),
        (e) => this.failAll(e),
      );
      return;
    }
    while (this.queue.length > 0) {
      const slot = this.pickWorker(this.queue[0].key);
      if (slot === undefined) return;
      const w = this.worker(slot);
      const head = this.queue.shift()!;
      w.inflight++;
      w.keyInflight.set(head.key, (w.keyInflight.get(head.key) ?? 0) + 1);
      this.dispatch(w, head).finally(() => {
        w.inflight--;
        const n = (w.keyInflight.get(head.key) ?? 1) - 1;
        if (n > 0) w.keyInflight.set(head.key, n);
        else w.keyInflight.delete(head.key);
        this.pump();
      });
    }
  }

  /**
   * A worker slot that can take one more dispatch: the least loaded one, preferring, among equally
   * loaded ones, a worker that already has the session. Up to `pipeline` dispatches are in flight per
   * worker, so the sandbox has the next job queued when a run ends (the IPC round trip is hidden).
   */
  private pickWorker(key: string): number | undefined {
    let best: number | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.workers[i];
      const inflight = w?.sandbox.alive ? w.inflight : 0;
      if (inflight >= this.opts.pipeline) continue;
      const score = inflight * 2 + (w?.sandbox.alive && w.loaded.has(key) ? 0 : 1);
      if (score < bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  private ensureLoaded(w: Worker, key: string, job: InferenceJob): Promise<ModelMeta> {
    if (w.loaded.has(key)) {
      w.loaded.delete(key);
      w.loaded.set(key, true);
      return Promise.resolve(this.meta.get(key)!);
    }
    // one load per worker and key, however many dispatches wait for it
    let p = w.loading.get(key);
    if (!p) {
      p = this.load(w, key, job).finally(() => w.loading.delete(key));
      w.loading.set(key, p);
    }
    return p;
  }

  private async load(w: Worker, key: string, job: InferenceJob): Promise<ModelMeta> {
    let model: Uint8Array;
    try {
      model = await this.deps.store.read(job.modelId);
    } catch (e) {
      throw e instanceof CodedError ? e : ErrModelLoad.wrap(`${job.modelId}: ${(e as Error).message}`);
    }
    // evict least recently used sessions that no dispatch is using (the bound may be exceeded briefly)
    for (const old of [...w.loaded.keys()]) {
      if (w.loaded.size < this.opts.maxSessionsPerWorker) break;
      if (w.keyInflight.has(old)) continue;
      w.loaded.delete(old);
      await w.sandbox.call({ op: "unload", key: old }, this.opts.loadTimeoutMs);
    }
    const reply = await w.sandbox.call(
      { op: "load", key, model, options: job.sessionOptions, provider: this.provider },
      this.opts.loadTimeoutMs,
    );
    w.loaded.set(key, true);
    this.meta.set(key, reply.meta!);
    this.logger.info({ model: job.modelId, key, worker: w.index }, "session created");
    return reply.meta!;
  }

  private async dispatch(w: Worker, head: QueuedJob): Promise<void> {
    const t0 = performance.now();
    let batch: QueuedJob[] = [head];
    let concat = false;
    try {
      const meta = await this.ensureLoaded(w, head.key, head.job);
      validateInputs(meta, head.job.inputs);
      const sig = this.opts.maxBatchSize > 1 && hasBatchDim(meta) ? batchSignature(meta, head.job.inputs) : undefined;
      concat = sig !== undefined && !head.solo;
      if (concat) batch = batch.concat(this.takeMates(head.key, meta, sig, this.opts.maxBatchSize - 1));
      else if (!head.solo) {
        const n = this.groupSize(head.key);
        if (n > 1) batch = batch.concat(this.takeMates(head.key, meta, undefined, n - 1));
      }
      const tRun = performance.now();
      this.mDispatch?.observe(batch.length);
      if (batch.length === 1) {
        this.mBatch?.observe(1);
        const reply = await w.sandbox.call({ op: "run", key: head.key, inputs: head.job.inputs }, this.runLimit(w));
        this.measured(head.key, performance.now() - tRun, 1);
        this.finish(head, t0, reply.outputs!);
      } else if (concat) {
        this.mBatch?.observe(batch.length);
        const { inputs, rows } = concatRows(
          meta,
          batch.map((b) => b.job.inputs),
        );
        const reply = await w.sandbox.call({ op: "run", key: head.key, inputs }, this.runLimit(w));
        let parts: Record<string, Tensor>[];
        try {
          parts = splitRows(reply.outputs!, rows);
        } catch (e) {
          throw ErrRunFailed.wrap((e as Error).message);
        }
        for (let i = 0; i < batch.length; i++) this.finish(batch[i], t0, parts[i]);
      } else {
        // one message, the jobs run one after another on the session; sized by groupSize() to need
        // at most a quarter of one job's limit, which is the message's limit
        for (let i = 0; i < batch.length; i++) this.mBatch?.observe(1);
        const reply = await w.sandbox.call(
          { op: "runMany", key: head.key, inputs: batch.map((b) => b.job.inputs) },
          this.runLimit(w),
        );
        this.measured(head.key, performance.now() - tRun, batch.length);
        const results = reply.results ?? [];
        for (let i = 0; i < batch.length; i++) {
          const r = results[i];
          if (r && "outputs" in r) this.finish(batch[i], t0, r.outputs);
          else this.fail(batch[i], t0, r ? childError(r.kind, r.message) : ErrRunFailed.wrap("no result"));
        }
      }
    } catch (e) {
      const requeue: QueuedJob[] = [];
      for (const b of batch) {
        if (this.closed) this.fail(b, t0, e);
        else if ((ErrTimeout.is(e) || (concat && ErrModelRuntime.is(e))) && batch.length > 1 && !b.solo) {
          // which job of the group hung (or, concatenated, made the model fail) is unknown: each runs
          // alone next, and only the job at fault fails
          b.solo = true;
          requeue.push(b);
        } else if (ErrWorkerCrashed.is(e) && !b.retried) {
          // its worker died under it (killed for another job's timeout, or a crash): one more try
          b.retried = true;
          requeue.push(b);
        } else this.fail(b, t0, e);
      }
      this.queue.unshift(...requeue);
    }
  }

  /** Jobs for one message to a sandbox: 1 until the session's time per job is known. */
  private groupSize(key: string): number {
    const est = this.perJobMs.get(key);
    if (est === undefined || this.opts.maxDispatchJobs <= 1) return 1;
    const fit = Math.floor(this.opts.timeoutMs / 4 / Math.max(est, 0.001));
    return Math.max(1, Math.min(this.opts.maxDispatchJobs, fit));
  }

  private measured(key: string, wallMs: number, jobs: number): void {
    const per = wallMs / jobs;
    const old = this.perJobMs.get(key);
    this.perJobMs.set(key, old === undefined ? per : old * 0.8 + per * 0.2);
  }

  /**
   * The limit for a run sent now: the sandbox runs one job at a time, so a job pipelined behind k
   * others gets their budgets too ((k+1) x timeoutMs); a lone job gets timeoutMs.
   */
  private runLimit(w: Worker): number {
    return this.opts.timeoutMs * Math.max(1, w.inflight);
  }

  /**
   * Removes from the queue up to n jobs for the same session whose inputs are valid for it and, when
   * `sig` is given, have the same batch signature. Jobs marked solo stay.
   */
  private takeMates(key: string, meta: ModelMeta, sig: string | undefined, n: number): QueuedJob[] {
    const mates: QueuedJob[] = [];
    for (let i = 0; i < this.queue.length && mates.length < n; ) {
      const q = this.queue[i];
      let ok = false;
      if (q.key === key && !q.solo) {
        try {
          validateInputs(meta, q.job.inputs);
          ok = sig === undefined || batchSignature(meta, q.job.inputs) === sig;
        } catch {
          ok = false; // left in the queue; it fails on its own when dispatched
        }
      }
      if (ok) {
        mates.push(q);
        this.queue.splice(i, 1);
      } else i++;
    }
    return mates;
  }

  private finish(q: QueuedJob, t0: number, outputs: Record<string, Tensor>): void {
    this.mDuration?.observe({ model: q.job.modelId.slice(0, 16), status: "ok" }, (performance.now() - t0) / 1000);
    q.resolve(outputs);
  }

  private fail(q: QueuedJob, t0: number, e: unknown): void {
    this.mDuration?.observe({ model: q.job.modelId.slice(0, 16), status: "error" }, (performance.now() - t0) / 1000);
    const err = e instanceof CodedError ? e : ErrRunFailed.wrap(String((e as Error)?.message ?? e));
    this.countError(err);
    this.logger.debug({ requestId: q.job.requestId, model: q.job.modelId, err: err.message }, "inference job failed");
    q.reject(err);
  }

  private failAll(e: unknown): void {
    const err = e instanceof CodedError ? e : ErrRunFailed.wrap(String(e));
    for (const q of this.queue.splice(0)) {
      this.countError(err);
      q.reject(err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(ErrExecutorClosed.wrap("closing"));
    await Promise.all(this.workers.map((w) => w?.sandbox.close()));
  }
}
