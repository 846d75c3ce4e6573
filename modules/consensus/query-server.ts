// x/consensus gRPC Query service: /cosmos.consensus.v1.Query/Params.
import { QueryParamsRequest, QueryParamsResponse } from "cosmjs-types/cosmos/consensus/v1/query";
import type { Configurator } from "../../chain/app/module.ts";
import { handler } from "../gov/query-server.ts";
import type { ConsensusKeeper } from "./keeper.ts";

export function registerQueryServer(cfg: Configurator, k: ConsensusKeeper): void {
  cfg.registerQuery(
    "/cosmos.consensus.v1.Query/Params",
    handler(QueryParamsRequest, QueryParamsResponse, async (ctx) => ({ params: await k.getParams(ctx) })),
  );
}
