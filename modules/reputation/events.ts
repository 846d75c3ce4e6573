// Reputation events.
import { newEvent, type SdkEvent } from "../../chain/baseapp/events.ts";

export function reputationUpdated(validator: string, outcome: string, oldScore: bigint, newScore: bigint): SdkEvent {
  return newEvent("reputation_updated", {
    validator,
    outcome,
    old_score_ppm: oldScore.toString(),
    new_score_ppm: newScore.toString(),
  });
}
