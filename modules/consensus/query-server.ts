// x/consensus gRPC Query service: /cosmos.consensus.v1.Query/Params.
import { QueryParamsRequest, QueryParamsResponse } from "cosmjs-types/cosmos/consensus/v1/query";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import type { ConsensusKeeper } from "./keeper.ts";

export function registerQueryServer(cfg: Configurator, k: ConsensusKeeper): void {
  cfg.registerQuery(
    "/cosmos.consensus.v1.Query/Params",
    queryHandler(QueryParamsRequest, QueryParamsResponse, async (ctx) => ({ params: await k.getParams(ctx) })),
  );
}
