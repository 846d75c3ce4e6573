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
  };
}

export function validateParams(p: ReputationParams): void {
  for (const [name, v] of [
    ["initial_score_ppm", p.initialScorePpm],
    ["increase_ppm", p.increasePpm],
    ["dissent_decrease_ppm", p.dissentDecreasePpm],
    ["missing_decrease_ppm", p.missingDecreasePpm],
    ["floor_ppm", p.floorPpm],
  ] as const) {
    if (v < 0n || v > PPM) throw ErrInvalidParams.wrap(`${name} must be in 0..1000000`);
  }
}

export type Outcome = "agree" | "dissent" | "missing";

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
