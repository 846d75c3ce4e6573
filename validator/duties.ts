// Validator inference duties (ARCHITECTURE.md 6.5-6.6): the non-deterministic side of the
// commit/reveal protocol, off the consensus path.
//
// - The inference module calls onAssigned() from FinalizeBlock with the requests just assigned to
//   this validator; the duties hand them to the injected InferenceExecutor (requests for the same
//   model submitted together, so the executor can send them to its sandbox in one message), at most
//   `maxInFlight` at once: the rest wait here in assignment order, and a full executor queue is
//   retried, so a burst of assignments larger than the executor's queue never fails. Never blocks the caller.
// - For each precommit the module calls extension() with every pending request assigned to this
//   validator as the last committed state shows it. The duties answer with:
//     commitments: sha256(request id | consensus address | salt | canonical output) for finished work
//                  whose commitment is not yet on chain (sent again until it is);
//     reveals:     salt + output, only for requests whose commit phase is closed on chain and whose
//                  commitment is recorded (never earlier).
//   Work the chain no longer lists (settled) is forgotten. Anything unknown (after a restart) is started.
// - Outcomes: when the model cannot run an input, the result is an error class every executor of
//   the same file reaches alike, committed and revealed like outputs (modules/inference/outcome.ts):
//   INVALID_INPUT when the executor refuses the input against the file's inputs (executor:4),
//   RUNTIME_ERROR when onnxruntime fails on it (executor:12), OUTPUT_TOO_LARGE when the outputs are
//   over the max_output_bytes param (which the chain would refuse in a reveal). Failures of this
//   node (timeout, crashed sandbox, missing model, full queue, memory, GPU) yield no commitment:
//   the chain records the validator as missing.
// - A batched request (DutyRequest.items) runs as one session.run along the model's batch dimension
//   when its specs declare one, else item by item (batch-run.ts); its commitment and reveal are one
//   Merkle root over the item outcomes plus the items (modules/inference/batch.ts).
// - Inputs by content hash (DutyRequest.inputBlobs / itemBlobs): the bytes are obtained first
//   (deps.blobs: this node's blob store, else peers by hash); when they cannot be, the extension
//   carries OutputCommitment{blob_unavailable} instead of a commitment, and the chain refunds the
//   request (blob_unavailable) once too few executors committed.
// - Outputs by hash (DutyRequest.outputsByHash): outputs over the threshold are kept in the node's
//   output store (deps.outputs, served on GET /outputs/<sha256>) and committed to and revealed as an
//   OutputRef (chain/tensor/digest.ts): the sha256 and size of their canonical bytes, their layout,
//   and the digest the model's policy compares.
// - Finished work is written to the state file once per extension() call, before the extension that
//   carries its commitment is returned (not once per job: that rewrote the whole file per job).
import { randomBytes as nodeRandomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Logger } from "pino";
import { Counter, Histogram, type Registry } from "prom-client";
import type { Policy } from "../chain/tensor/agreement.ts";
import { canonicalOutput, namedFromTensors, tensorsFromNamed } from "../chain/tensor/canonical.ts";
import { outputRef } from "../chain/tensor/digest.ts";
import { toHex } from "../chain/types/bytes.ts";
import { canonicalBatch } from "../modules/inference/batch.ts";
import { withBlobData } from "../modules/inference/blobs.ts";
import { commitmentHash, sha256 } from "../modules/inference/commitment.ts";
import type { DutyRequest, InferenceDutiesI } from "../modules/inference/expected-keepers.ts";
import {
  canonicalOutcome,
  ExecutionError,
  errorName,
  type Outcome,
  outputBytes,
} from "../modules/inference/outcome.ts";
import {
  type InputBlob,
  type OutputCommitment,
  OutputRef,
  type OutputReveal,
  type VoteExtension,
} from "../proto/gen/dgrid/inference/v1/inference.ts";
import type { NamedTensor } from "../proto/gen/dgrid/registry/v1/registry.ts";
import { ITEM_CONCURRENCY, runBatch } from "./batch-run.ts";
import { ErrBadInput, ErrBlobUnavailable, ErrModelRuntime, ErrQueueFull } from "./errors.ts";
import type { InferenceExecutor, PinnedSessionOptions, Tensor } from "./executor/types.ts";

/** extension() calls a request may be missing from the chain's view before its work is dropped */
const FORGET_AFTER = 3;
/** how long a job refused with executor:2 (queue full) keeps being retried before it counts as failed */
const QUEUE_FULL_RETRY_MS = 30_000;

export interface DutiesOptions {
  /** consensus address (20 bytes) of this node's validator key */
  consAddress: Uint8Array;
  /**
   * file that keeps finished work (salt, outputs, commitment) across restarts, e.g.
   * `<home>/data/inference-duties.json`; without it a restarted validator cannot reveal what it
   * committed before the restart (it is then recorded as missing)
   */
  stateFile?: string;
  /**
   * jobs handed to the executor at once (default 64, below the executor's queue bound); the rest wait
   * here in assignment order, so a block with more assigned requests than the executor's queue holds
   * never makes jobs fail with "queue full"
   */
  maxInFlight?: number;
}

export interface DutiesDeps {
  /** runs the assigned work (tests may wrap the node's one: test/support/faulty-executor.ts) */
  executor: InferenceExecutor;
  logger: Logger;
  /** salt source (tests may pass a deterministic one) */
  randomBytes?: (n: number) => Uint8Array;
  /** the node's prom-client registry (NodeMetrics.registry); none: no metrics */
  metricsRegistry?: Registry;
  /**
   * obtains an input blob's bytes (hash: lowercase hex sha256), checked against the hash and size
   * (validator/blob-store/fetch.ts); throws ErrBlobUnavailable. None: requests with blobs are
   * reported unavailable.
   */
  blobs?: { obtain(hash: string, size: number): Promise<Uint8Array> };
  /**
   * keeps the canonical bytes of outputs revealed by hash (hash: lowercase hex sha256), which the
   * node serves on GET /outputs/<sha256> (validator/blob-store). None: such outputs fail on this node
   * (no commitment).
   */
  outputs?: { put(hash: string, bytes: Uint8Array): Promise<unknown> };
}

type SavedTensor = { name: string; dtype: string; shape: number[]; data: string };

interface SavedWork {
  salt: string;
  commitment: string;
  outputs: SavedTensor[];
  /** ExecutionError of an error outcome (absent: outputs) */
  error?: number;
  /** outputs by hash: the reference (OutputRef's proto JSON) */
  outputRef?: unknown;
  /** a batch: the item outcomes */
  items?: { outputs: SavedTensor[]; error?: number; outputRef?: unknown }[];
}

/** One item's outcome of a batch, as revealed. */
interface ItemWork {
  outputs: NamedTensor[];
  error: ExecutionError;
  outputRef?: OutputRef;
}

type Work =
  | { state: "running" }
  /** the request's input blobs could not be obtained: the extension says so instead of committing */
  | { state: "unavailable" }
  | { state: "failed"; error: string }
  | {
      state: "done";
      salt: Uint8Array;
      /** empty for an error outcome */
      outputs: NamedTensor[];
      /** EXECUTION_ERROR_UNSPECIFIED for outputs */
      error: ExecutionError;
      /** outputs by hash (outputs empty) */
      outputRef?: OutputRef;
      /** a batch: one outcome per item (outputs empty, error UNSPECIFIED) */
      items: ItemWork[];
      commitment: Uint8Array;
      bytes: number;
    };

function fromSaved(t: SavedTensor): NamedTensor {
  return { ...t, data: Buffer.from(t.data, "base64") };
}

function toSaved(t: NamedTensor): SavedTensor {
  return { ...t, data: Buffer.from(t.data).toString("base64") };
}

function refFromSaved(json: unknown): { outputRef?: OutputRef } {
  return json === undefined ? {} : { outputRef: OutputRef.fromJSON(json) };
}

/** Approximate encoded size of a reveal's outputs or references (the extension budget). */
function sizeOf(outputs: NamedTensor[], items: ItemWork[], ref?: OutputRef): number {
  const bytes = (ts: NamedTensor[]) =>
    ts.reduce((n, t) => n + t.data.length + t.name.length + 16 + 4 * t.shape.length, 0);
  const refBytes = (r?: OutputRef) => (r ? 48 + r.digest.length + bytes(r.layout) : 0);
  return bytes(outputs) + refBytes(ref) + items.reduce((n, i) => n + bytes(i.outputs) + refBytes(i.outputRef) + 8, 0);
}

/** The error class of an executor failure that is the input's fault, or undefined for a node-local one. */
export function executionErrorOf(e: unknown): ExecutionError | undefined {
  if (ErrBadInput.is(e)) return ExecutionError.EXECUTION_ERROR_INVALID_INPUT;
  if (ErrModelRuntime.is(e)) return ExecutionError.EXECUTION_ERROR_RUNTIME_ERROR;
  return undefined;
}

export class InferenceDuties implements InferenceDutiesI {
  readonly consAddress: Uint8Array;
  private readonly executor: InferenceExecutor;
  private readonly logger: Logger;
  private readonly random: (n: number) => Uint8Array;
  private readonly blobs?: DutiesDeps["blobs"];
  private readonly outputStore?: DutiesDeps["outputs"];
  private readonly work = new Map<bigint, Work>();
  private readonly inFlight = new Set<Promise<void>>();
  /** consecutive extension() calls that did not list a request */
  private readonly absent = new Map<bigint, number>();
  private readonly stateFile?: string;
  private readonly jobs?: Counter<"result">;
  private readonly jobSeconds?: Histogram;
  private readonly maxInFlight: number;
  /** jobs on the executor now */
  private running = 0;
  /** requests waiting for their slots (FIFO) */
  private readonly waiting: { n: number; grant: () => void }[] = [];
  /** finished work not yet written to the state file */
  private dirty = false;

  constructor(options: DutiesOptions, deps: DutiesDeps) {
    if (options.consAddress.length !== 20) throw new Error("consensus address must be 20 bytes");
    this.consAddress = Uint8Array.from(options.consAddress);
    this.executor = deps.executor;
    this.logger = deps.logger.child({ component: "inference-duties" });
    this.random = deps.randomBytes ?? ((n) => new Uint8Array(nodeRandomBytes(n)));
    this.blobs = deps.blobs;
    this.outputStore = deps.outputs;
    this.stateFile = options.stateFile;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 64);
    this.load();
    if (deps.metricsRegistry) {
      const registers = [deps.metricsRegistry];
      this.jobs = new Counter({
        name: "dgrid_inference_duty_jobs_total",
        help: "Inference jobs this validator ran, by result (ok, error_outcome: the model cannot run the input, failed: no commitment, blob_unavailable: the input blobs could not be obtained)",
        labelNames: ["result"],
        registers,
      });
      this.jobSeconds = new Histogram({
        name: "dgrid_inference_duty_job_duration_seconds",
        help: "Wall time of one assigned inference job on the executor",
        buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
        registers,
      });
    }
  }

  onAssigned(requests: DutyRequest[]): void {
    this.start(requests);
  }

  /** What this validator's next vote extension carries. */
  async extension(pending: DutyRequest[], maxBytes: number): Promise<VoteExtension> {
    // forget work the chain has not listed for a few heights (settled); not at once, because a
    // view may come from a round whose block is never decided
    const live = new Set(pending.map((r) => r.requestId));
    let forgot = false;
    for (const id of [...this.work.keys()]) {
      if (live.has(id)) {
        this.absent.delete(id);
        continue;
      }
      const n = (this.absent.get(id) ?? 0) + 1;
      if (n >= FORGET_AFTER && this.work.get(id)?.state !== "running") {
        this.work.delete(id);
        this.absent.delete(id);
        forgot = true;
      } else this.absent.set(id, n);
    }
    // finished work is written before its commitment can leave this node (once per extension, not per job)
    if (forgot || this.dirty) this.save();
    this.start(pending);
    const commitments: OutputCommitment[] = [];
    const reveals: OutputReveal[] = [];
    let budget = maxBytes - 64;
    for (const r of [...pending].sort((a, b) => (a.requestId < b.requestId ? -1 : 1))) {
      const w = this.work.get(r.requestId);
      if (w?.state !== "done" && w?.state !== "unavailable") continue;
      if (r.phase === "commit" && !r.committed) {
        if (budget < 48) continue;
        budget -= 48;
        commitments.push(
          w.state === "done"
            ? { requestId: r.requestId, commitment: w.commitment, blobUnavailable: false }
            : { requestId: r.requestId, commitment: new Uint8Array(), blobUnavailable: true },
        );
      }
    }
    for (const r of [...pending].sort((a, b) => (a.requestId < b.requestId ? -1 : 1))) {
      const w = this.work.get(r.requestId);
      if (w?.state !== "done") continue;
      if (r.phase === "reveal" && r.committed && !r.revealed) {
        const size = w.bytes + 64 + 32 * (w.outputs.length + w.items.length);
        if (size > budget) continue; // sent at a later height, when the extension has room
        budget -= size;
        reveals.push({
          requestId: r.requestId,
          salt: w.salt,
          outputs: w.outputs,
          error: w.error,
          outputRef: w.outputRef,
          items: w.items.map((i) => ({
            outputs: i.outputs,
            error: i.error,
            hash: new Uint8Array(),
            invalid: false,
            outputRef: i.outputRef,
          })),
        });
      }
    }
    return { commitments, reveals };
  }

  private load(): void {
    if (!this.stateFile || !existsSync(this.stateFile)) return;
    try {
      const json = JSON.parse(readFileSync(this.stateFile, "utf8")) as Record<string, SavedWork>;
      for (const [id, w] of Object.entries(json)) {
        const outputs = w.outputs.map(fromSaved);
        const items = (w.items ?? []).map((i) => ({
          outputs: i.outputs.map(fromSaved),
          error: i.error ?? ExecutionError.EXECUTION_ERROR_UNSPECIFIED,
          ...refFromSaved(i.outputRef),
        }));
        const ref = refFromSaved(w.outputRef);
        this.work.set(BigInt(id), {
          state: "done",
          salt: Buffer.from(w.salt, "base64"),
          commitment: Buffer.from(w.commitment, "base64"),
          outputs,
          error: w.error ?? ExecutionError.EXECUTION_ERROR_UNSPECIFIED,
          ...ref,
          items,
          bytes: sizeOf(outputs, items, ref.outputRef),
        });
      }
    } catch (e) {
      this.logger.warn({ err: e, file: this.stateFile }, "could not read the duties state; starting empty");
    }
  }

  private save(): void {
    this.dirty = false;
    if (!this.stateFile) return;
    const out: Record<string, SavedWork> = {};
    for (const [id, w] of this.work) {
      if (w.state !== "done") continue;
      out[id.toString()] = {
        salt: Buffer.from(w.salt).toString("base64"),
        commitment: Buffer.from(w.commitment).toString("base64"),
        outputs: w.outputs.map(toSaved),
        ...(w.error !== ExecutionError.EXECUTION_ERROR_UNSPECIFIED ? { error: w.error } : {}),
        ...(w.outputRef ? { outputRef: OutputRef.toJSON(w.outputRef) } : {}),
        ...(w.items.length > 0
          ? {
              items: w.items.map((i) => ({
                outputs: i.outputs.map(toSaved),
                ...(i.error !== ExecutionError.EXECUTION_ERROR_UNSPECIFIED ? { error: i.error } : {}),
                ...(i.outputRef ? { outputRef: OutputRef.toJSON(i.outputRef) } : {}),
              })),
            }
          : {}),
      };
    }
    try {
      const tmp = `${this.stateFile}.tmp`;
      writeFileSync(tmp, JSON.stringify(out));
      renameSync(tmp, this.stateFile);
    } catch (e) {
      this.logger.warn({ err: e, file: this.stateFile }, "could not save the duties state");
    }
  }

  /** Resolves when no job is running (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The state of one request's work (for logs and tests). */
  status(requestId: bigint): Work["state"] | undefined {
    return this.work.get(requestId)?.state;
  }

  private start(requests: DutyRequest[]): void {
    const fresh = requests.filter((r) => !this.work.has(r.requestId) && r.phase === "commit" && !r.committed);
    if (fresh.length === 0) return;
    const byModel = new Map<string, DutyRequest[]>();
    for (const r of fresh) {
      this.work.set(r.requestId, { state: "running" });
      const list = byModel.get(r.modelId) ?? [];
      list.push(r);
      byModel.set(r.modelId, list);
    }
    for (const model of [...byModel.keys()].sort()) {
      for (const r of byModel.get(model)!) {
        const p = this.run(r).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
    }
  }

  /**
   * Waits for `n` of the maxInFlight executor slots (FIFO: jobs start in assignment order; a request
   * whose items run one by one takes one slot per item it has on the executor at once).
   */
  private async acquire(n: number): Promise<void> {
    if (this.waiting.length === 0 && this.running + n <= this.maxInFlight) {
      this.running += n;
      return;
    }
    await new Promise<void>((grant) => this.waiting.push({ n, grant })); // granted by release()
  }

  private release(n: number): void {
    this.running -= n;
    for (;;) {
      const head = this.waiting[0];
      if (!head || this.running + head.n > this.maxInFlight) return;
      this.waiting.shift();
      this.running += head.n;
      head.grant();
    }
  }

  /** executor.run, retried while the executor's queue is full (it is shared with conformance checks). */
  private async execute(r: DutyRequest, inputs: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const until = Date.now() + QUEUE_FULL_RETRY_MS;
    for (;;) {
      try {
        return await this.executor.run({
          requestId: r.requestId.toString(),
          modelId: r.modelId,
          inputs,
          sessionOptions: r.sessionOptions as PinnedSessionOptions,
        });
      } catch (e) {
        if (!ErrQueueFull.is(e) || Date.now() > until) throw e;
        await new Promise((res) => setTimeout(res, 20));
      }
    }
  }

  /** One input set's outcome on this node's executor; throws for a failure of this node (no commitment). */
  private async outcome(r: DutyRequest, inputs: Record<string, Tensor>): Promise<Outcome> {
    let outputs: Record<string, Tensor>;
    try {
      outputs = await this.execute(r, inputs);
    } catch (e) {
      const error = executionErrorOf(e);
      if (error === undefined) throw e;
      this.logger.info(
        { requestId: r.requestId.toString(), modelId: r.modelId, err: (e as Error).message, outcome: errorName(error) },
        "the model cannot run this input: committing the error outcome",
      );
      return { error };
    }
    return this.outputsOutcome(r, outputs);
  }

  /**
   * Outputs over output_hash_threshold_bytes (where the request's model allows it) go by hash: stored
   * here, revealed as a reference; outputs over max_hashed_output_bytes, or inline ones over
   * max_output_bytes, are the OUTPUT_TOO_LARGE error outcome (the chain would refuse them), exactly
   * as the chain's reveal form (modules/inference/reveal.ts) decides.
   */
  private async outputsOutcome(r: DutyRequest, outputs: Record<string, Tensor>): Promise<Outcome> {
    const bytes = outputBytes(Object.values(outputs));
    const byHash = r.outputsByHash;
    const tooLarge = (param: string, max: number): Outcome => {
      this.logger.info(
        { requestId: r.requestId.toString(), modelId: r.modelId, bytes, max },
        `outputs over ${param}: committing the error outcome`,
      );
      return { error: ExecutionError.EXECUTION_ERROR_OUTPUT_TOO_LARGE };
    };
    if (byHash && bytes > byHash.thresholdBytes) {
      if (bytes > byHash.maxBytes) return tooLarge("max_hashed_output_bytes", byHash.maxBytes);
      return { ref: await this.storeOutputs(byHash.policy, outputs) };
    }
    if (bytes > r.maxOutputBytes) return tooLarge("max_output_bytes", r.maxOutputBytes);
    return { outputs };
  }

  /** Keeps outputs' canonical bytes in the node's output store; returns the reference to reveal. */
  private async storeOutputs(policy: Policy, outputs: Record<string, Tensor>): Promise<OutputRef> {
    if (!this.outputStore)
      throw new Error("outputs over output_hash_threshold_bytes, and this node has no output store");
    const canonical = canonicalOutput(outputs);
    const hash = sha256(canonical);
    await this.outputStore.put(toHex(hash), canonical);
    return outputRef(policy, outputs, canonical, hash);
  }

  /** Executor jobs a request has at once: one, or for a batch run item by item, up to ITEM_CONCURRENCY. */
  private slotsOf(r: DutyRequest): number {
    const items = r.items?.length ?? 0;
    if (items <= 1 || r.batchable === true) return 1;
    return Math.min(items, ITEM_CONCURRENCY, this.maxInFlight);
  }

  /** A batch's item outcomes: one session.run along the batch dimension when the model has one. */
  private async batchOutcomes(r: DutyRequest, items: NamedTensor[][], slots: number): Promise<Outcome[]> {
    const { outcomes, runs } = await runBatch(
      items.map((i) => tensorsFromNamed(i) as Record<string, Tensor>),
      r.batchable === true,
      {
        execute: (inputs) => this.execute(r, inputs),
        itemOutcome: (inputs) => this.outcome(r, inputs),
        outputsOutcome: (outputs) => this.outputsOutcome(r, outputs),
        isInputError: (e) => executionErrorOf(e) !== undefined,
      },
      slots,
    );
    this.logger.debug({ requestId: r.requestId.toString(), items: items.length, runs }, "batch finished");
    return outcomes;
  }

  /** The request with its input blobs' bytes in place; undefined when one cannot be obtained. */
  private async withBlobs(r: DutyRequest): Promise<DutyRequest | undefined> {
    const single = r.inputBlobs ?? [];
    const perItem = r.itemBlobs ?? [];
    if (single.length === 0 && perItem.every((b) => b.length === 0)) return r;
    const bytes = new Map<string, Uint8Array>();
    try {
      for (const b of [...single, ...perItem.flat()]) {
        const hash = toHex(b.sha256);
        if (bytes.has(hash)) continue;
        if (!this.blobs) throw ErrBlobUnavailable.wrap("this node has no blob store");
        bytes.set(hash, await this.blobs.obtain(hash, Number(b.sizeBytes)));
      }
    } catch (e) {
      this.logger.warn(
        { requestId: r.requestId.toString(), err: e instanceof Error ? e.message : String(e) },
        "input blob unavailable: reporting it instead of committing",
      );
      return undefined;
    }
    const of = (b: InputBlob) => bytes.get(toHex(b.sha256))!;
    return {
      ...r,
      inputs: withBlobData(r.inputs, single, of),
      items: (r.items ?? []).map((inputs, i) => withBlobData(inputs, perItem[i] ?? [], of)),
    };
  }

  private async run(request: DutyRequest): Promise<void> {
    const resolved = await this.withBlobs(request);
    if (!resolved) {
      this.work.set(request.requestId, { state: "unavailable" });
      this.jobs?.inc({ result: "blob_unavailable" });
      return;
    }
    const r = resolved;
    const slots = this.slotsOf(r);
    await this.acquire(slots);
    const end = this.jobSeconds?.startTimer();
    try {
      const salt = this.random(32);
      let o: Outcome | undefined;
      let items: ItemWork[] = [];
      let canonical: Uint8Array;
      if (r.items && r.items.length > 0) {
        const outcomes = await this.batchOutcomes(r, r.items, slots);
        items = outcomes.map((x) => ({
          outputs: x.outputs ? namedFromTensors(x.outputs) : [],
          error: x.error ?? ExecutionError.EXECUTION_ERROR_UNSPECIFIED,
          ...(x.ref ? { outputRef: x.ref } : {}),
        }));
        // the batch outcome: the Merkle root over the items' outcome hashes
        canonical = canonicalBatch(outcomes.map((x) => sha256(canonicalOutcome(x))));
      } else {
        o = await this.outcome(r, tensorsFromNamed(r.inputs) as Record<string, Tensor>);
        canonical = canonicalOutcome(o);
      }
      const named = o?.outputs ? namedFromTensors(o.outputs) : [];
      this.work.set(r.requestId, {
        state: "done",
        salt,
        outputs: named,
        error: o?.error ?? ExecutionError.EXECUTION_ERROR_UNSPECIFIED,
        ...(o?.ref ? { outputRef: o.ref } : {}),
        items,
        commitment: commitmentHash(r.requestId, this.consAddress, salt, canonical),
        bytes: sizeOf(named, items, o?.ref),
      });
      this.jobs?.inc({ result: o?.error !== undefined ? "error_outcome" : "ok" });
      this.dirty = true;
      this.logger.debug({ requestId: r.requestId.toString(), modelId: r.modelId }, "inference finished");
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.work.set(r.requestId, { state: "failed", error });
      this.jobs?.inc({ result: "failed" });
      this.logger.warn(
        { requestId: r.requestId.toString(), modelId: r.modelId, err: error },
        "inference failed on this node: no commitment",
      );
    } finally {
      end?.();
      this.release(slots);
    }
  }
}
