// Registry gRPC Query service (/dgrid.registry.v1.Query/...).

import type { Context } from "../../chain/baseapp/context.ts";
import { invalidArgument, notFound } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import {
  type DiscoveredModel,
  QueryCreatorModelsRequest,
  QueryCreatorModelsResponse,
  QueryDiscoverModelsRequest,
  QueryDiscoverModelsResponse,
  QueryModelLineageRequest,
  QueryModelLineageResponse,
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
import { isTask } from "./card.ts";
import { isSort, modelIdOfKey, type Scope, sortPrefix } from "./indexes.ts";
import type { RegistryKeeper } from "./keeper.ts";
import { creatorModelsPrefix, ModelsPrefix, StoreKey, serversPrefix } from "./keys.ts";
import { latestOf, lineageOf } from "./lineage.ts";
import { emptyStats } from "./stats.ts";

const P = "/dgrid.registry.v1.Query/";

/** A model for a listing: without its golden vectors (the Model query has them), with its stats and server count. */
async function discovered(ctx: Context, k: RegistryKeeper, id: string): Promise<DiscoveredModel> {
  const model = await k.mustGetModel(ctx, id);
  return {
    model: { ...model, goldenVectors: [] },
    stats: (await k.getStats(ctx, id)) ?? emptyStats(id),
    servers: await k.serverCount(ctx, id),
  };
}

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
      return {
        model: m,
        servers: await k.serversOf(ctx, r.id),
        conformanceFailures: await k.failuresOf(ctx, r.id),
        stats: (await k.getStats(ctx, r.id)) ?? emptyStats(r.id),
        latest: await latestOf(ctx, k, m),
      };
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
    `${P}DiscoverModels`,
    queryHandler(QueryDiscoverModelsRequest, QueryDiscoverModelsResponse, async (ctx, r) => {
      const sort = r.sort === "" ? "price" : r.sort;
      if (!isSort(sort)) throw invalidArgument(`sort must be price, usage, agreement or latency, not "${r.sort}"`);
      if (r.task !== "" && !isTask(r.task)) throw invalidArgument(`unknown task "${r.task}"`);
      // iterate the most specific scope asked for; the other filters are checked per model
      const scope: Scope =
        r.creator !== ""
          ? { kind: "creator", value: r.creator }
          : r.tag !== ""
            ? { kind: "tag", value: r.tag }
            : r.task !== ""
              ? { kind: "task", value: r.task }
              : { kind: "all" };
      if (scope.kind !== "all" && new TextEncoder().encode(scope.value).length > 255)
        throw invalidArgument(`${scope.kind} longer than 255 bytes`);
      const { items, pagination } = await paginate(
        ctx.kvStore(StoreKey),
        sortPrefix(scope, sort),
        r.pagination,
        async (key) => {
          const d = await discovered(ctx, k, modelIdOfKey(key));
          const card = d.model!.card;
          if (r.task !== "" && card?.task !== r.task) return undefined;
          if (r.tag !== "" && !card?.tags.includes(r.tag)) return undefined;
          return d;
        },
      );
      return { models: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}ModelLineage`,
    queryHandler(QueryModelLineageRequest, QueryModelLineageResponse, async (ctx, r) => {
      if (r.id === "") throw invalidArgument("empty model id");
      const m = await k.getModel(ctx, r.id);
      if (!m) throw notFound(`model ${r.id}`);
      const ids = await lineageOf(ctx, k, m);
      return { ids, latest: await latestOf(ctx, k, m) };
    }),
  );
  cfg.registerQuery(
    `${P}CreatorModels`,
    queryHandler(QueryCreatorModelsRequest, QueryCreatorModelsResponse, async (ctx, r) => {
      if (r.creator === "") throw invalidArgument("empty creator");
      if (new TextEncoder().encode(r.creator).length > 255) throw invalidArgument("creator longer than 255 bytes");
      const { items, pagination } = await paginate(
        ctx.kvStore(StoreKey),
        creatorModelsPrefix(r.creator),
        r.pagination,
        (key) => discovered(ctx, k, new TextDecoder().decode(key)),
      );
      return { models: items, earnings: await k.getEarnings(ctx, r.creator), pagination };
    }),
  );
  cfg.registerQuery(
    `${P}Params`,
    queryHandler(QueryParamsRequest, QueryParamsResponse, async (ctx) => ({ params: await k.getParams(ctx) })),
  );
}
