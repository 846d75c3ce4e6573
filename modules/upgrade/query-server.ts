// x/upgrade gRPC Query service: CurrentPlan, AppliedPlan, Authority, ModuleVersions, UpgradedConsensusState.
import {
  QueryAppliedPlanRequest,
  QueryAppliedPlanResponse,
  QueryAuthorityRequest,
  QueryAuthorityResponse,
  QueryCurrentPlanRequest,
  QueryCurrentPlanResponse,
  QueryModuleVersionsRequest,
  QueryModuleVersionsResponse,
  QueryUpgradedConsensusStateRequest,
  QueryUpgradedConsensusStateResponse,
} from "cosmjs-types/cosmos/upgrade/v1beta1/query";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import { ErrNotFound } from "../../chain/errors/errors.ts";
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
    `${P}ModuleVersions`,
    queryHandler(QueryModuleVersionsRequest, QueryModuleVersionsResponse, async (_ctx, r) => {
      const all = k.getModuleVersions();
      if (r.moduleName === "") return { moduleVersions: all };
      const one = all.find((m) => m.name === r.moduleName);
      // an SDK error, not a gRPC status: code sdk/38, NotFound on the gRPC door
      if (!one) throw ErrNotFound.wrap(`x/upgrade: QueryModuleVersions module ${r.moduleName} not found`);
      return { moduleVersions: [one] };
    }),
  );
  cfg.registerQuery(
    `${P}UpgradedConsensusState`,
    queryHandler(QueryUpgradedConsensusStateRequest, QueryUpgradedConsensusStateResponse, async (ctx, r) => {
      // none stored: an empty response, as the SDK answers (no error)
      const state = await k.getUpgradedConsensusState(ctx, r.lastHeight);
      return state ? { upgradedConsensusState: state } : {};
    }),
  );
  cfg.registerQuery(
    `${P}Authority`,
    queryHandler(QueryAuthorityRequest, QueryAuthorityResponse, async () => ({ address: k.authority })),
  );
}
