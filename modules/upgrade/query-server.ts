// x/upgrade gRPC Query service: CurrentPlan, AppliedPlan, Authority.
import {
  QueryAppliedPlanRequest,
  QueryAppliedPlanResponse,
  QueryAuthorityRequest,
  QueryAuthorityResponse,
  QueryCurrentPlanRequest,
  QueryCurrentPlanResponse,
} from "cosmjs-types/cosmos/upgrade/v1beta1/query";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import type { UpgradeKeeper } from "./keeper.ts";

const P = "/cosmos.upgrade.v1beta1.Query/";

export function registerQueryServer(cfg: Configurator, k: UpgradeKeeper): void {
  cfg.registerQuery(
    `${P}CurrentPlan`,
    queryHandler(QueryCurrentPlanRequest, QueryCurrentPlanResponse, async (ctx) => ({
      plan: await k.getUpgradePlan(ctx),
    })),
  );
  cfg.registerQuery(
    `${P}AppliedPlan`,
    queryHandler(QueryAppliedPlanRequest, QueryAppliedPlanResponse, async (ctx, r) => ({
      height: await k.getDoneHeight(ctx, r.name),
    })),
  );
  cfg.registerQuery(
    `${P}Authority`,
    queryHandler(QueryAuthorityRequest, QueryAuthorityResponse, async () => ({ address: k.authority })),
  );
}
