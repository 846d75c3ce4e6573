// The form of a reveal (pure): what the keeper checks before comparing it with the commitment. A
// single request's reveal carries outputs or an error class; a batch's carries one ItemOutcome per
// item (and no top-level outputs or error). Returns the canonical bytes the commitment must hash, or
// the reject reason: `malformed` (unknown error class, an error with outputs, outputs that cannot be
// encoded, a wrong item count, chain-set fields filled in) or `too_large` (outputs over
// max_output_bytes: per reveal for a single request, per item for a batch).
import { canonicalOutput, tensorsFromNamed } from "../../chain/tensor/canonical.ts";
import type { ItemOutcome, OutputReveal } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { canonicalBatch } from "./batch.ts";
import { sha256 } from "./commitment.ts";
import { canonicalError, ExecutionError, isKnownError, outputBytes } from "./outcome.ts";

export type RevealForm =
  | { ok: false; reason: "malformed" | "too_large" }
  | {
      ok: true;
      /** the bytes the commitment hashes */
      canonical: Uint8Array;
      /** a batch: the item outcomes with their hashes set (invalid still false) */
      items: ItemOutcome[];
    };

type Outcome = { outputs: OutputReveal["outputs"]; error: ExecutionError };

function canonicalOf(o: Outcome, maxOutputBytes: bigint): Uint8Array | "malformed" | "too_large" {
  if (o.error !== ExecutionError.EXECUTION_ERROR_UNSPECIFIED) {
    if (!isKnownError(o.error) || o.outputs.length > 0) return "malformed";
    return canonicalError(o.error);
  }
  if (BigInt(outputBytes(o.outputs)) > maxOutputBytes) return "too_large";
  try {
    return canonicalOutput(tensorsFromNamed(o.outputs));
  } catch {
    return "malformed";
  }
}

/** `batchItems`: the request's item count, 0 for a single request. */
export function revealForm(rev: OutputReveal, batchItems: number, maxOutputBytes: bigint): RevealForm {
  if (batchItems === 0) {
    if (rev.items.length > 0) return { ok: false, reason: "malformed" };
    const c = canonicalOf(rev, maxOutputBytes);
    return typeof c === "string" ? { ok: false, reason: c } : { ok: true, canonical: c, items: [] };
  }
  if (
    rev.outputs.length > 0 ||
    rev.error !== ExecutionError.EXECUTION_ERROR_UNSPECIFIED ||
    rev.items.length !== batchItems
  )
    return { ok: false, reason: "malformed" };
  const items: ItemOutcome[] = [];
  for (const it of rev.items) {
    if (it.hash.length > 0 || it.invalid) return { ok: false, reason: "malformed" };
    const c = canonicalOf(it, maxOutputBytes);
    if (typeof c === "string") return { ok: false, reason: c };
    items.push({ outputs: it.outputs, error: it.error, hash: sha256(c), invalid: false });
  }
  return { ok: true, canonical: canonicalBatch(items.map((i) => i.hash)), items };
}
