// The contract between the inference module's validator duties (validator/duties) and the ONNX
// executor (validator/executor). Tensors (chain/tensor/dtype.ts) travel as raw little-endian
// row-major bytes so that the canonical output encoding, and therefore the commitments, never depend
// on a JS number type.

import type { DType, Tensor } from "../../chain/tensor/dtype.ts";

export type { DType, Tensor };

/** Session options a model's registry entry pins, because changing them changes output bits. */
export interface PinnedSessionOptions {
  graphOptimizationLevel: "disabled" | "basic" | "extended" | "all";
  executionMode: "sequential" | "parallel";
  /** 0 = onnxruntime default; outputs are bit-identical across thread counts on CPU (measured) */
  intraOpNumThreads: number;
}

export interface InferenceJob {
  /** the inference request id on chain (for logs and batching) */
  requestId: string;
  /** model id: lowercase hex sha256 of the ONNX file */
  modelId: string;
  inputs: Record<string, Tensor>;
  sessionOptions: PinnedSessionOptions;
}

/**
 * Runs jobs on the node's execution provider. `run` rejects with a CodedError (model missing, bad
 * input, timeout, runtime failure, queue full); it never throws synchronously and never crashes
 * the node. Jobs for the same model may be batched internally.
 */
export interface InferenceExecutor {
  run(job: InferenceJob): Promise<Record<string, Tensor>>;
  /** "cpu" or "cuda": recorded with conformance results (re-run when it changes) */
  readonly provider: string;
  close(): Promise<void>;
}

/** Content-addressed model files in the node's home. */
export interface ModelStoreReader {
  has(modelId: string): Promise<boolean>;
  /** the file's bytes, verified against its sha256 id */
  read(modelId: string): Promise<Uint8Array>;
}
