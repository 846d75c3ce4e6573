// The onnxruntime-node SessionOptions a registry entry's pinned options map to. One function, used by
// the sandbox child (the node's executor) and by anything that must run a model exactly as a node
// does (bench/inference/direct.ts's raw runs), so the two cannot drift apart.
import type ort from "onnxruntime-node";
import type { PinnedSessionOptions } from "../executor/types.ts";

export function ortSessionOptions(o: PinnedSessionOptions, provider: string): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: o.graphOptimizationLevel,
    executionMode: o.executionMode,
    intraOpNumThreads: o.intraOpNumThreads,
    logSeverityLevel: 4,
  };
}
