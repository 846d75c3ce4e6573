// Inference gRPC Query service (/dgrid.inference.v1.Query/...).
import { invalidArgument, notFound } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import { batchProof } from "../../chain/tensor/batch-merkle.ts";
import { addressFromString } from "../../chain/types/address.ts";
import { sha256 } from "../../chain/types/merkle.ts";
import {
  QueryParamsRequest,
  QueryParamsResponse,
  QueryPendingRequestsRequest,
  QueryPendingRequestsResponse,
  QueryRequestRequest,
  QueryRequestResponse,
  QueryRequestsByRequesterRequest,
  QueryRequestsByRequesterResponse,
  QueryResultRequest,
  QueryResultResponse,
} from "../../proto/gen/dgrid/inference/v1/query.ts";
import type { InferenceKeeper } from "./keeper.ts";
import { byRequesterPrefix, PendingPrefix, readU64, StoreKey } from "./keys.ts";

const P = "/dgrid.inference.v1.Query/";

export function registerQueryServer(cfg: Configurator, k: InferenceKeeper): void {
  cfg.registerQuery(
    `${P}Request`,
    queryHandler(QueryRequestRequest, QueryRequestResponse, async (ctx, r) => {
      const req = await k.getRequest(ctx, r.id);
      if (!req) throw notFound(`request ${r.id}`);
      return { request: req };
    }),
  );
  cfg.registerQuery(
    `${P}Result`,
    queryHandler(QueryResultRequest, QueryResultResponse, async (ctx, r) => {
      const res = await k.getResult(ctx, r.id);
      if (!res) {
        const req = await k.getRequest(ctx, r.id);
        throw notFound(req ? `request ${r.id} is not settled yet` : `request ${r.id}`);
      }
      if (r.item === undefined) return { result: res, itemProof: [], itemCount: res.items.length };
      // one item of a batch with its Merkle path to items_root (a client checks it without the others)
      if (res.items.length === 0) throw invalidArgument(`request ${r.id} is not a batch: it has no items`);
      if (r.item >= res.items.length)
        throw invalidArgument(`item ${r.item} outside 0..${res.items.length - 1} of request ${r.id}`);
      const hashes = res.items.map((i) => i.outputHash);
      return {
        result: { ...res, items: [] },
        item: res.items[r.item],
        itemProof: batchProof(hashes, r.item, sha256),
        itemCount: res.items.length,
      };
    }),
  );
  cfg.registerQuery(
    `${P}RequestsByRequester`,
    queryHandler(QueryRequestsByRequesterRequest, QueryRequestsByRequesterResponse, async (ctx, r) => {
      let addr: Uint8Array;
      try {
        addr = addressFromString(r.requester);
      } catch (e) {
        throw invalidArgument(`invalid requester address: ${e instanceof Error ? e.message : String(e)}`);
      }
      const { items, pagination } = await paginate(
        ctx.kvStore(StoreKey),
        byRequesterPrefix(addr),
        r.pagination,
        (key) => k.getRequest(ctx, readU64(key)),
      );
      return { requests: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}PendingRequests`,
    queryHandler(QueryPendingRequestsRequest, QueryPendingRequestsResponse, async (ctx, r) => {
      const { items, pagination } = await paginate(ctx.kvStore(StoreKey), PendingPrefix, r.pagination, (key) =>
        k.getRequest(ctx, readU64(key)),
      );
      return { requests: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}Params`,
    queryHandler(QueryParamsRequest, QueryParamsResponse, async (ctx) => ({ params: await k.getParams(ctx) })),
  );
}
