// Reputation gRPC Query service (/dgrid.reputation.v1.Query/...).
import { invalidArgument } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import { addressFromString, Bech32PrefixValAddr } from "../../chain/types/address.ts";
import {
  QueryAllValidatorStatsRequest,
  QueryAllValidatorStatsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryReputationRequest,
  QueryReputationResponse,
  QueryReputationsRequest,
  QueryReputationsResponse,
  QueryValidatorStatsRequest,
  QueryValidatorStatsResponse,
} from "../../proto/gen/dgrid/reputation/v1/query.ts";
import { Reputation, ValidatorStats } from "../../proto/gen/dgrid/reputation/v1/reputation.ts";
import type { ReputationKeeper } from "./keeper.ts";
import { ReputationsPrefix, StoreKey, ValidatorStatsPrefix } from "./keys.ts";
import { emptyValidatorStats } from "./validator-stats.ts";

function checkValoper(validator: string): void {
  try {
    addressFromString(validator, Bech32PrefixValAddr);
  } catch (e) {
    throw invalidArgument(`invalid validator address: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const P = "/dgrid.reputation.v1.Query/";

export function registerQueryServer(cfg: Configurator, k: ReputationKeeper): void {
  cfg.registerQuery(
    `${P}Reputation`,
    queryHandler(QueryReputationRequest, QueryReputationResponse, async (ctx, r) => {
      checkValoper(r.validator);
      return { reputation: await k.reputationOf(ctx, r.validator) };
    }),
  );
  cfg.registerQuery(
    `${P}Reputations`,
    queryHandler(QueryReputationsRequest, QueryReputationsResponse, async (ctx, r) => {
      const { items, pagination } = await paginate(ctx.kvStore(StoreKey), ReputationsPrefix, r.pagination, (_k, v) =>
        Reputation.decode(v),
      );
      return { reputations: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}ValidatorStats`,
    queryHandler(QueryValidatorStatsRequest, QueryValidatorStatsResponse, async (ctx, r) => {
      checkValoper(r.validator);
      return {
        stats: (await k.getValidatorStats(ctx, r.validator)) ?? emptyValidatorStats(r.validator),
        reputation: await k.reputationOf(ctx, r.validator),
      };
    }),
  );
  cfg.registerQuery(
    `${P}AllValidatorStats`,
    queryHandler(QueryAllValidatorStatsRequest, QueryAllValidatorStatsResponse, async (ctx, r) => {
      const { items, pagination } = await paginate(ctx.kvStore(StoreKey), ValidatorStatsPrefix, r.pagination, (_k, v) =>
        ValidatorStats.decode(v),
      );
      return { stats: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}Params`,
    queryHandler(QueryParamsRequest, QueryParamsResponse, async (ctx) => ({ params: await k.getParams(ctx) })),
  );
}
