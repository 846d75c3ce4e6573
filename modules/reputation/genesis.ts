// Reputation genesis: params and scores (proto JSON, snake_case).
import type { Context } from "../../chain/baseapp/context.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import { GenesisState } from "../../proto/gen/dgrid/reputation/v1/reputation.ts";
import type { ReputationKeeper } from "./keeper.ts";
import { defaultParams, PPM, validateParams } from "./params.ts";
import { validateValidatorStats } from "./validator-stats.ts";

export function defaultGenesis(): unknown {
  return snakeKeys(GenesisState.toJSON({ params: defaultParams(), reputations: [], validatorStats: [] }));
}

export function parseGenesis(json: unknown): GenesisState {
  const g = GenesisState.fromJSON(json ?? {});
  const params = g.params ?? defaultParams();
  validateParams(params);
  const seen = new Set<string>();
  for (const r of g.reputations) {
    if (seen.has(r.validator)) throw ErrInvalidRequest.wrap(`reputation genesis: duplicate ${r.validator}`);
    seen.add(r.validator);
    if (r.scorePpm > PPM) throw ErrInvalidRequest.wrap(`reputation genesis: score of ${r.validator} above 1000000`);
  }
  const withStats = new Set<string>();
  for (const s of g.validatorStats) {
    if (withStats.has(s.validator))
      throw ErrInvalidRequest.wrap(`reputation genesis: duplicate validator_stats of ${s.validator}`);
    withStats.add(s.validator);
    validateValidatorStats(s);
  }
  return { ...g, params };
}

export function validateGenesis(json: unknown): void {
  parseGenesis(json);
}

export async function initGenesis(ctx: Context, k: ReputationKeeper, json: unknown): Promise<void> {
  const g = parseGenesis(json);
  k.setParams(ctx, g.params!);
  for (const r of g.reputations) k.setReputation(ctx, r);
  for (const s of g.validatorStats) k.setValidatorStats(ctx, s);
}

export async function exportGenesis(ctx: Context, k: ReputationKeeper): Promise<unknown> {
  return snakeKeys(
    GenesisState.toJSON({
      params: await k.getParams(ctx),
      reputations: await k.all(ctx),
      validatorStats: await k.allValidatorStats(ctx),
    }),
  );
}
