// Registry gRPC Query service (/dgrid.registry.v1.Query/...).
import { invalidArgument, notFound } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import {
  QueryModelRequest,
  QueryModelResponse,
  QueryModelServersRequest,
  QueryModelServersResponse,
  QueryModelsRequest,
  QueryModelsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
} from "../../proto/gen/dgrid/registry/v1/query.ts";
import { Model, ModelServer } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import type { RegistryKeeper } from "./keeper.ts";
import { ModelsPrefix, StoreKey, serversPrefix } from "./keys.ts";

const P = "/dgrid.registry.v1.Query/";

export function registerQueryServer(cfg: Configurator, k: RegistryKeeper): void {
  cfg.registerQuery(
    `${P}Models`,
    queryHandler(QueryModelsRequest, QueryModelsResponse, async (ctx, r) => {
      const { items, pagination } = await paginate(ctx.kvStore(StoreKey), ModelsPrefix, r.pagination, (_k, v) =>
        Model.decode(v),
      );
      return { models: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}Model`,
    queryHandler(QueryModelRequest, QueryModelResponse, async (ctx, r) => {
      if (r.id === "") throw invalidArgument("empty model id");
      const m = await k.getModel(ctx, r.id);
      if (!m) throw notFound(`model ${r.id}`);
      return { model: m, servers: await k.serversOf(ctx, r.id), conformanceFailures: await k.failuresOf(ctx, r.id) };
    }),
  );
  cfg.registerQuery(
    `${P}ModelServers`,
    queryHandler(QueryModelServersRequest, QueryModelServersResponse, async (ctx, r) => {
      if (r.modelId === "") throw invalidArgument("empty model id");
      const { items, pagination } = await paginate(
        ctx.kvStore(StoreKey),
        serversPrefix(r.modelId),
        r.pagination,
        (_k, v) => ModelServer.decode(v),
      );
      return { servers: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}Params`,
    queryHandler(QueryParamsRequest, QueryParamsResponse, async (ctx) => ({ params: await k.getParams(ctx) })),
  );
}
