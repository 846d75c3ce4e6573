// Reputation invariants (crisis routes "reputation/..."): every ValidatorStats record is within its
// bounds (a ring of at most SCORE_HISTORY samples at increasing heights, scores in 0..10^6).
import type { Context } from "../../chain/baseapp/context.ts";
import type { InvariantResult } from "../../chain/baseapp/module.ts";
import type { ReputationKeeper } from "./keeper.ts";
import { validateValidatorStats } from "./validator-stats.ts";

export async function validatorStatsInvariant(ctx: Context, k: ReputationKeeper): Promise<InvariantResult> {
  const problems: string[] = [];
  for (const s of await k.allValidatorStats(ctx)) {
    try {
      validateValidatorStats(s);
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  return {
    broken: problems.length > 0,
    message:
      problems.length > 0
        ? `reputation validator stats: ${problems.length} out of bounds (first: ${problems[0]})`
        : "reputation validator stats are bounded",
  };
}
