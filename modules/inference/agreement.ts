// Which outcome of a request wins (pure, deterministic): the candidate with the largest supporting
// set (the candidates that agree with it, itself included) wins when that set reaches the quorum;
// ties go to the smaller outcome hash, then the smaller executor id. Outcomes are outputs or error
// classes (outcome.ts): two outputs agree under the model's policy (the shared tensor library's,
// chain/tensor/agreement.ts); two references to outputs by hash agree when their layouts are the same
// and, under exact, their sha256, else their digests (chain/tensor/digest.ts); two errors agree when
// their class is the same; an error, inline outputs and a reference never agree with each other.
import { agrees, type Policy, policyFromProto } from "../../chain/tensor/agreement.ts";
import { tensorsFromNamed } from "../../chain/tensor/canonical.ts";
import { layoutsEqual } from "../../chain/tensor/digest.ts";
import type { Outputs } from "../../chain/tensor/dtype.ts";
import { bytesEqual, compareBytes } from "../../chain/types/bytes.ts";
import type { OutputRef, OutputSource } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import type { Model, NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { sha256 } from "./commitment.ts";
import { canonicalOutcome, ExecutionError } from "./outcome.ts";

export type Candidate = {
  /** executor id (valoper address) */
  id: string;
  /** sha256 of the canonical outcome */
  hash: Uint8Array;
} & (
  | { outputs: Outputs; error?: undefined; ref?: undefined }
  | { ref: OutputRef; outputs?: undefined; error?: undefined }
  | { error: ExecutionError; outputs?: undefined; ref?: undefined }
);

/** Whether two outcomes agree: the same error class, two outputs that agree under the policy, or two references that do. */
export function outcomesAgree(policy: Policy, a: Candidate, b: Candidate): boolean {
  if (a.error !== undefined || b.error !== undefined) return a.error === b.error;
  if (a.ref !== undefined || b.ref !== undefined)
    return a.ref !== undefined && b.ref !== undefined && refsAgree(policy, a.ref, b.ref);
  return agrees(policy, a.outputs, b.outputs);
}

/** Two well-formed references (reveal.ts checked them): the same layout, then the sha256 (exact) or the digest. */
function refsAgree(policy: Policy, a: OutputRef, b: OutputRef): boolean {
  if (!layoutsEqual(a.layout, b.layout)) return false;
  return policy.kind === "exact" ? bytesEqual(a.sha256, b.sha256) : bytesEqual(a.digest, b.digest);
}

export interface Decision {
  /** index into candidates of the winning output, if its support reached minSupport */
  winner?: number;
  /** ids of the candidates supporting the best output, sorted */
  supporters: string[];
  /** size of the best supporting set (even when below minSupport) */
  support: number;
}

/** The output with the largest supporting set wins if that set has at least minSupport members. */
export function decide(policy: Policy, candidates: readonly Candidate[], minSupport: number): Decision {
  let best = -1;
  let bestSet: string[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const set: string[] = [];
    for (let j = 0; j < candidates.length; j++) {
      if (i === j || outcomesAgree(policy, candidates[i], candidates[j])) set.push(candidates[j].id);
    }
    if (
      best < 0 ||
      set.length > bestSet.length ||
      (set.length === bestSet.length && tieBefore(candidates[i], candidates[best]))
    ) {
      best = i;
      bestSet = set;
    }
  }
  const supporters = [...bestSet].sort();
  if (best < 0 || bestSet.length < Math.max(1, minSupport)) return { supporters, support: bestSet.length };
  return { winner: best, supporters, support: bestSet.length };
}

// Bytewise order of the hashes: the same order as their lower-case hex, which this compared before.
function tieBefore(a: Candidate, b: Candidate): boolean {
  const c = compareBytes(a.hash, b.hash);
  if (c !== 0) return c < 0;
  return a.id < b.id;
}

/** Minimum agreeing executors for a request with `assigned` executors: ceil(assigned x ppm / 10^6), at least 1. */
export function minSupport(assigned: number, quorumPpm: bigint): number {
  const need = (BigInt(assigned) * quorumPpm + 999_999n) / 1_000_000n;
  return Math.max(1, Number(need));
}

/** Candidate hash helper: sha256 of the canonical outputs. */
export function outputHash(outputs: Outputs): Uint8Array {
  return sha256(canonicalOutcome({ outputs }));
}

/** A model's agreement policy (registered models passed policyFromProto at registration). */
export function policyOf(model: Pick<Model, "policy">): Policy {
  return policyFromProto(model.policy);
}

/** The candidate of a revealed outcome (a single request's assignment or a batch item). */
export function candidateOf(
  id: string,
  o: { outputs: NamedTensor[]; error: ExecutionError; outputRef?: OutputRef },
  hash: Uint8Array,
): Candidate {
  if (o.error !== ExecutionError.EXECUTION_ERROR_UNSPECIFIED) return { id, error: o.error, hash };
  if (o.outputRef) return { id, ref: o.outputRef, hash };
  return { id, outputs: tensorsFromNamed(o.outputs), hash };
}

/**
 * Outputs by hash: where each agreeing executor's bytes are (its sha256), in agreeing order; empty
 * for an inline or error outcome. Under argmax and topk agreeing executors' bytes may differ.
 */
export function outputSources(
  agreeing: readonly string[],
  refOf: (validator: string) => OutputRef | undefined,
): OutputSource[] {
  const out: OutputSource[] = [];
  for (const validator of agreeing) {
    const ref = refOf(validator);
    if (ref) out.push({ validator, sha256: ref.sha256 });
  }
  return out;
}
