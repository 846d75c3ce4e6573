// Reputation params (parts per million) and the score update rule (pure).
import type { Params } from "../../proto/gen/dgrid/reputation/v1/reputation.ts";
import { ErrInvalidParams } from "./errors.ts";

export type ReputationParams = Params;
export const PPM = 1_000_000n;

export function defaultParams(): ReputationParams {
  return {
    initialScorePpm: 800_000n,
    increasePpm: 50_000n,
    dissentDecreasePpm: 250_000n,
    missingDecreasePpm: 100_000n,
    floorPpm: 200_000n,
    // probation: from 0, back above the floor in 3 steps (~5 minutes at 1 s blocks)
    neutralScorePpm: 800_000n,
    recoveryPpm: 100_000n,
    recoveryIntervalBlocks: 100n,
    // the score history of ValidatorStats: one sample per executor every 100 blocks
    scoreSampleIntervalBlocks: 100n,
  };
}

export function validateParams(p: ReputationParams): void {
  for (const [name, v] of [
    ["initial_score_ppm", p.initialScorePpm],
    ["increase_ppm", p.increasePpm],
    ["dissent_decrease_ppm", p.dissentDecreasePpm],
    ["missing_decrease_ppm", p.missingDecreasePpm],
    ["floor_ppm", p.floorPpm],
    ["neutral_score_ppm", p.neutralScorePpm],
    ["recovery_ppm", p.recoveryPpm],
  ] as const) {
    if (v < 0n || v > PPM) throw ErrInvalidParams.wrap(`${name} must be in 0..1000000`);
  }
  if (p.recoveryIntervalBlocks < 0n) throw ErrInvalidParams.wrap("recovery_interval_blocks must not be negative");
  if (p.scoreSampleIntervalBlocks < 0n)
    throw ErrInvalidParams.wrap("score_sample_interval_blocks must not be negative");
  if (p.recoveryIntervalBlocks > 0n && p.recoveryPpm > 0n && p.neutralScorePpm <= p.floorPpm)
    throw ErrInvalidParams.wrap(
      "neutral_score_ppm must be above floor_ppm, or recovery never lifts a score over the floor",
    );
}

export type Outcome = "agree" | "dissent" | "missing";

/**
 * One probation step: a score below neutral moves up by ceil(gap x recovery_ppm / 10^6) (ceil, so
 * it reaches neutral); a score at or above neutral stays. Never lowers a score.
 */
export function recoveredScore(score: bigint, p: ReputationParams): bigint {
  if (score >= p.neutralScorePpm || p.recoveryPpm === 0n) return score;
  const gap = p.neutralScorePpm - score;
  return score + (gap * p.recoveryPpm + PPM - 1n) / PPM;
}

/** The next score: agree moves toward 10^6, dissent and missing move toward 0; stays in 0..10^6. */
export function nextScore(score: bigint, outcome: Outcome, p: ReputationParams): bigint {
  switch (outcome) {
    case "agree":
      return score + ((PPM - score) * p.increasePpm) / PPM;
    case "dissent":
      return score - (score * p.dissentDecreasePpm) / PPM;
    case "missing":
      return score - (score * p.missingDecreasePpm) / PPM;
  }
}
