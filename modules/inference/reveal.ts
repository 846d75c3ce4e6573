// The form of a reveal (pure): what the keeper checks before comparing it with the commitment. A
// single request's reveal carries outputs, a reference to outputs by hash, or an error class; a
// batch's carries one ItemOutcome per item (and no top-level outcome). Returns the canonical bytes
// the commitment must hash, or the reject reason: `malformed` (unknown error class, an error with
// outputs, outputs that cannot be encoded, a wrong item count, chain-set fields filled in, a
// reference where outputs by hash are off or below the threshold, inline outputs over it, a
// reference whose size or digest length does not follow from its layout) or `too_large` (inline
// outputs over max_output_bytes, outputs by hash over max_hashed_output_bytes: per reveal for a
// single request, per item for a batch).
import type { Policy } from "../../chain/tensor/agreement.ts";
import { canonicalOutput, tensorsFromNamed } from "../../chain/tensor/canonical.ts";
import { canonicalRef, digestLength, hashablePolicy, layoutSizes } from "../../chain/tensor/digest.ts";
import type { ItemOutcome, OutputRef, OutputReveal, Params } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { canonicalBatch } from "./batch.ts";
import { sha256 } from "./commitment.ts";
import { canonicalError, ExecutionError, isKnownError, outputBytes } from "./outcome.ts";

/** What bounds an outcome's outputs: inline, and by hash where the params and the model's policy allow it. */
export interface OutputLimits {
  /** max_output_bytes: inline output data */
  maxOutputBytes: bigint;
  /** outputs over thresholdBytes go by hash (up to maxBytes); absent: always inline */
  byHash?: { thresholdBytes: bigint; maxBytes: bigint; policy: Policy };
}

/** The limits for a model under `policy` (undefined: the model is gone, nothing goes by hash). */
export function outputLimits(
  p: Pick<Params, "maxOutputBytes" | "outputHashThresholdBytes" | "maxHashedOutputBytes">,
  policy: Policy | undefined,
): OutputLimits {
  if (!policy || p.outputHashThresholdBytes === 0n || !hashablePolicy(policy))
    return { maxOutputBytes: p.maxOutputBytes };
  return {
    maxOutputBytes: p.maxOutputBytes,
    byHash: { thresholdBytes: p.outputHashThresholdBytes, maxBytes: p.maxHashedOutputBytes, policy },
  };
}

export type RevealForm =
  | { ok: false; reason: "malformed" | "too_large" }
  | {
      ok: true;
      /** the bytes the commitment hashes */
      canonical: Uint8Array;
      /** a batch: the item outcomes with their hashes set (invalid still false) */
      items: ItemOutcome[];
    };

type Outcome = { outputs: OutputReveal["outputs"]; error: ExecutionError; outputRef?: OutputRef };

function refCanonical(ref: OutputRef, limits: OutputLimits): Uint8Array | "malformed" | "too_large" {
  const byHash = limits.byHash;
  if (!byHash) return "malformed";
  try {
    const { dataBytes, canonicalBytes } = layoutSizes(ref.layout);
    // small outputs travel inline, so that honest executors reveal the same form
    if (BigInt(dataBytes) <= byHash.thresholdBytes) return "malformed";
    if (BigInt(dataBytes) > byHash.maxBytes) return "too_large";
    if (ref.sizeBytes !== BigInt(canonicalBytes)) return "malformed";
    if (ref.digest.length !== digestLength(byHash.policy, ref.layout)) return "malformed";
    return canonicalRef(ref);
  } catch {
    return "malformed";
  }
}

function canonicalOf(o: Outcome, limits: OutputLimits): Uint8Array | "malformed" | "too_large" {
  if (o.outputRef) {
    if (o.error !== ExecutionError.EXECUTION_ERROR_UNSPECIFIED || o.outputs.length > 0) return "malformed";
    return refCanonical(o.outputRef, limits);
  }
  if (o.error !== ExecutionError.EXECUTION_ERROR_UNSPECIFIED) {
    if (!isKnownError(o.error) || o.outputs.length > 0) return "malformed";
    return canonicalError(o.error);
  }
  const bytes = BigInt(outputBytes(o.outputs));
  if (bytes > limits.maxOutputBytes) return "too_large";
  if (limits.byHash && bytes > limits.byHash.thresholdBytes) return "malformed";
  try {
    return canonicalOutput(tensorsFromNamed(o.outputs));
  } catch {
    return "malformed";
  }
}

/** `batchItems`: the request's item count, 0 for a single request. */
export function revealForm(rev: OutputReveal, batchItems: number, limits: OutputLimits): RevealForm {
  if (batchItems === 0) {
    if (rev.items.length > 0) return { ok: false, reason: "malformed" };
    const c = canonicalOf(rev, limits);
    return typeof c === "string" ? { ok: false, reason: c } : { ok: true, canonical: c, items: [] };
  }
  if (
    rev.outputs.length > 0 ||
    rev.outputRef !== undefined ||
    rev.error !== ExecutionError.EXECUTION_ERROR_UNSPECIFIED ||
    rev.items.length !== batchItems
  )
    return { ok: false, reason: "malformed" };
  const items: ItemOutcome[] = [];
  for (const it of rev.items) {
    if (it.hash.length > 0 || it.invalid) return { ok: false, reason: "malformed" };
    const c = canonicalOf(it, limits);
    if (typeof c === "string") return { ok: false, reason: c };
    items.push({ outputs: it.outputs, error: it.error, hash: sha256(c), invalid: false, outputRef: it.outputRef });
  }
  return { ok: true, canonical: canonicalBatch(items.map((i) => i.hash)), items };
}
