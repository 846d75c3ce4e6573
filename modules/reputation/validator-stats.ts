// Per-validator inference stats (pure; integers only): one counter per kind of job outcome and a
// fixed-size ring of (height, score) samples, so a record stays bounded however long the chain runs.
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import type { ScoreSample, ValidatorStats } from "../../proto/gen/dgrid/reputation/v1/reputation.ts";

/** Score samples kept per validator (96 x the default 100-block interval: ~2.7 hours at 1 s blocks). */
export const SCORE_HISTORY = 96;

/**
 * What one assigned executor's part in a settled (or refunded) request came to, as the inference
 * module classifies it: done (revealed the winning outcome), dissented (revealed a losing or invalid
 * one), missed (no commitment, or no reveal once reveals were open), unresolved (did its part, but no
 * outcome reached the quorum).
 */
export type Job = "done" | "missed" | "dissented" | "unresolved";
export const JOBS: readonly Job[] = ["done", "missed", "dissented", "unresolved"];

export function emptyValidatorStats(validator: string): ValidatorStats {
  return {
    validator,
    jobsDone: 0n,
    jobsMissed: 0n,
    jobsDissented: 0n,
    jobsUnresolved: 0n,
    lastJobHeight: 0n,
    scoreHistory: [],
    historyNext: 0,
  };
}

/** The stats after one more job at `height` (prev is not changed). */
export function applyJob(prev: ValidatorStats, job: Job, height: number): ValidatorStats {
  const s = { ...prev, lastJobHeight: BigInt(height) };
  if (job === "done") s.jobsDone += 1n;
  else if (job === "missed") s.jobsMissed += 1n;
  else if (job === "dissented") s.jobsDissented += 1n;
  else s.jobsUnresolved += 1n;
  return s;
}

/** The stats with one more score sample in the ring (prev is not changed). */
export function addSample(prev: ValidatorStats, sample: ScoreSample): ValidatorStats {
  const history = [...prev.scoreHistory];
  if (history.length < SCORE_HISTORY) history.push(sample);
  else history[prev.historyNext] = sample;
  return { ...prev, scoreHistory: history, historyNext: (prev.historyNext + 1) % SCORE_HISTORY };
}

/** The samples oldest first (the ring unrolled). */
export function samplesInOrder(s: ValidatorStats): ScoreSample[] {
  if (s.scoreHistory.length < SCORE_HISTORY) return [...s.scoreHistory];
  return [...s.scoreHistory.slice(s.historyNext), ...s.scoreHistory.slice(0, s.historyNext)];
}

/** Throws unless a record is within its bounds and consistent (genesis). */
export function validateValidatorStats(s: ValidatorStats): void {
  const fail = (m: string) => {
    throw ErrInvalidRequest.wrap(`reputation genesis: validator_stats of ${s.validator}: ${m}`);
  };
  if (s.scoreHistory.length > SCORE_HISTORY) fail(`score_history longer than ${SCORE_HISTORY}`);
  if (s.historyNext >= SCORE_HISTORY) fail(`history_next must be below ${SCORE_HISTORY}`);
  if (s.scoreHistory.length < SCORE_HISTORY && s.historyNext !== s.scoreHistory.length)
    fail("history_next must be the history's length while it is filling");
  const ordered = samplesInOrder(s);
  for (let i = 0; i < ordered.length; i++) {
    if (ordered[i].scorePpm > 1_000_000n) fail(`sample at ${ordered[i].height}: score above 1000000`);
    if (i > 0 && ordered[i].height <= ordered[i - 1].height) fail("samples must be at increasing heights");
  }
}
