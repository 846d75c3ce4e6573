// Which outcome of a request wins (pure, deterministic): the candidate with the largest supporting
// set (the candidates that agree with it, itself included) wins when that set reaches the quorum;
// ties go to the smaller outcome hash, then the smaller executor id. Outcomes are outputs or error
// classes (outcome.ts): two outputs agree under the model's policy (the shared tensor library's,
// chain/tensor/agreement.ts); two errors agree when their class is the same; an error and an output
// never agree.
import { agrees, type Policy } from "../../chain/tensor/agreement.ts";
import type { Outputs } from "../../chain/tensor/dtype.ts";
import { compareBytes } from "../../chain/types/bytes.ts";
import { sha256 } from "./commitment.ts";
import { canonicalOutcome, type ExecutionError } from "./outcome.ts";

export type Candidate = {
  /** executor id (valoper address) */
  id: string;
  /** sha256 of the canonical outcome */
  hash: Uint8Array;
} & ({ outputs: Outputs; error?: undefined } | { error: ExecutionError; outputs?: undefined });

/** Whether two outcomes agree: the same error class, or two outputs that agree under the policy. */
export function outcomesAgree(policy: Policy, a: Candidate, b: Candidate): boolean {
  if (a.error !== undefined || b.error !== undefined) return a.error === b.error;
  return agrees(policy, a.outputs, b.outputs);
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
