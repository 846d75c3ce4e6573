// Direct (raw) onnxruntime runs in the bench process: the model's file under the session options
// pinned by its registry entry, mapped exactly as the node's executor maps them
// (validator/onnx/session-options.ts), on one session. Single-item runs give the raw runs/s the chain
// is compared with; a batched run (items stacked along dim 0, where every input's dim 0 is dynamic)
// gives the items/s one session.run of a batch reaches.
import ort from "onnxruntime-node";
import type { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import type { PinnedSessionOptions } from "../../validator/executor/types.ts";
import { ortSessionOptions } from "../../validator/onnx/session-options.ts";
import { feeds, type Inputs, stack } from "./tensors.ts";

export interface RawFigures {
  perSec: number;
  cpuMs: number;
}

/** The session options a registry entry pins, as validator/node-inference.ts reads them. */
export function pinnedOf(m: Model): PinnedSessionOptions {
  const so = m.sessionOptions;
  return {
    graphOptimizationLevel: (so?.graphOptimizationLevel || "all") as PinnedSessionOptions["graphOptimizationLevel"],
    executionMode: (so?.executionMode || "sequential") as PinnedSessionOptions["executionMode"],
    intraOpNumThreads: so ? so.intraOpNumThreads : 1,
  };
}

/** True when every input's first dim is symbolic: items can run as one session.run along it. */
export function batchDimDynamic(session: ort.InferenceSession): boolean {
  return session.inputMetadata.every((m) => m.isTensor && m.shape.length > 0 && typeof m.shape[0] === "string");
}

export class DirectRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly provider: string,
  ) {}

  static async open(bytes: Uint8Array, options: PinnedSessionOptions, provider: string): Promise<DirectRunner> {
    return new DirectRunner(await ort.InferenceSession.create(bytes, ortSessionOptions(options, provider)), provider);
  }

  get batchable(): boolean {
    return batchDimDynamic(this.session);
  }

  async run(inputs: Inputs): Promise<ort.InferenceSession.OnnxValueMapType> {
    return this.session.run(feeds(inputs));
  }

  /** `n` sequential single-item runs cycling over `items` (after one warm-up run, as a node's session has served its golden vectors). */
  async single(items: Inputs[], n: number): Promise<RawFigures> {
    const f = items.map(feeds);
    return this.timed(f, n, 1);
  }

  /** `n` items as runs of `batchItems` stacked items (undefined when the batch dim is not dynamic). */
  async batched(items: Inputs[], batchItems: number, n: number): Promise<RawFigures | undefined> {
    if (!this.batchable) return undefined;
    const batches: Record<string, ort.Tensor>[] = [];
    for (let i = 0; i < items.length; i += batchItems) {
      const group = Array.from({ length: batchItems }, (_, j) => items[(i + j) % items.length]);
      batches.push(feeds(stack(group)));
    }
    return this.timed(batches, Math.max(1, Math.ceil(n / batchItems)), batchItems);
  }

  private async timed(f: Record<string, ort.Tensor>[], runs: number, itemsPerRun: number): Promise<RawFigures> {
    await this.session.run(f[0]);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await this.session.run(f[i % f.length]);
    const s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const items = runs * itemsPerRun;
    return { perSec: items / s, cpuMs: (c.user + c.system) / 1000 / items };
  }

  close(): Promise<void> {
    return this.session.release();
  }
}
