// Inference params: defaults and validation. Fractions are parts per million.
import type { Params } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { ErrInvalidParams } from "./errors.ts";

export type InferenceParams = Params;
export const PPM = 1_000_000n;
/** the largest max_batch governance may set */
export const MAX_BATCH_LIMIT = 1024;
/** the largest max_hashed_output_bytes governance may set (1 GiB) */
export const MAX_HASHED_OUTPUT_LIMIT = 1n << 30n;

export function defaultParams(): InferenceParams {
  return {
    defaultRedundancy: 3,
    maxRedundancy: 16,
    quorumPpm: 600_000n,
    commitDeadlineBlocks: 10n,
    revealDeadlineBlocks: 10n,
    maxInputBytes: 1024n * 1024n,
    maxOutputBytes: 256n * 1024n,
    maxInputTensors: 16,
    maxVoteExtensionBytes: 4n * 1024n * 1024n,
    executorSharePpm: 900_000n,
    slashFractionPpm: 10_000n,
    slashMinSupportPpm: 666_666n,
    maxPendingRequests: 10_000n,
    maxBatch: 64,
    blobThresholdBytes: 256n * 1024n,
    blobMaxBytes: 16n * 1024n * 1024n,
    outputHashThresholdBytes: 256n * 1024n,
    maxHashedOutputBytes: 64n * 1024n * 1024n,
  };
}

export function validateParams(p: InferenceParams): void {
  const fail = (m: string) => {
    throw ErrInvalidParams.wrap(m);
  };
  if (p.defaultRedundancy < 1) fail("default_redundancy must be at least 1");
  if (p.maxRedundancy < p.defaultRedundancy) fail("max_redundancy must be at least default_redundancy");
  if (p.maxRedundancy > 100) fail("max_redundancy must be at most 100");
  for (const [n, v] of [
    ["quorum_ppm", p.quorumPpm],
    ["executor_share_ppm", p.executorSharePpm],
    ["slash_fraction_ppm", p.slashFractionPpm],
    ["slash_min_support_ppm", p.slashMinSupportPpm],
  ] as const) {
    if (v < 0n || v > PPM) fail(`${n} must be in 0..1000000`);
  }
  if (p.quorumPpm === 0n) fail("quorum_ppm must be positive");
  if (p.commitDeadlineBlocks < 1n) fail("commit_deadline_blocks must be at least 1");
  if (p.revealDeadlineBlocks < 1n) fail("reveal_deadline_blocks must be at least 1");
  if (p.maxInputBytes < 1n) fail("max_input_bytes must be positive");
  if (p.maxOutputBytes < 1n) fail("max_output_bytes must be positive");
  if (p.maxInputTensors < 1) fail("max_input_tensors must be at least 1");
  if (p.maxVoteExtensionBytes < 1024n) fail("max_vote_extension_bytes must be at least 1024");
  if (p.maxPendingRequests < 1n) fail("max_pending_requests must be at least 1");
  // a batch's reveal carries every item: the bound keeps it within reach of one vote extension
  if (p.blobThresholdBytes < 1n) fail("blob_threshold_bytes must be positive");
  if (p.blobMaxBytes < 1n) fail("blob_max_bytes must be positive");
  // outputs by hash: 0 turns them off; the bytes live in executors' output stores, hence a cap
  if (p.outputHashThresholdBytes > 0n && p.maxHashedOutputBytes <= p.outputHashThresholdBytes)
    fail("max_hashed_output_bytes must be over output_hash_threshold_bytes");
  if (p.maxHashedOutputBytes > MAX_HASHED_OUTPUT_LIMIT)
    fail(`max_hashed_output_bytes must be at most ${MAX_HASHED_OUTPUT_LIMIT}`);
  if (p.maxBatch < 1 || p.maxBatch > MAX_BATCH_LIMIT) fail(`max_batch must be in 1..${MAX_BATCH_LIMIT}`);
}
