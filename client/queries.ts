// The CosmJS QueryClient extension for the dgrid query services:
// `QueryClient.withExtensions(comet, setupDGridExtension)` then `q.registry.models()`,
// `q.inference.result(7n)`, `q.reputation.reputation(valoper)`. Each method is one ABCI query of
// the gRPC path (`/dgrid.registry.v1.Query/Models` ...), encoded with the generated protos; errors
// (not found, invalid argument) reject with CosmJS's "Query failed with (code): log" Error.
import { createProtobufRpcClient, type QueryClient } from "@cosmjs/stargate";
import { PageRequest } from "../proto/gen/cosmos/base/query/v1beta1/pagination.ts";
import type {
  Params as InferenceParams,
  InferenceRequest,
  InferenceResult,
} from "../proto/gen/dgrid/inference/v1/inference.ts";
import * as iq from "../proto/gen/dgrid/inference/v1/query.ts";
import * as rq from "../proto/gen/dgrid/registry/v1/query.ts";
import type { Model, Params as RegistryParams } from "../proto/gen/dgrid/registry/v1/registry.ts";
import * as pq from "../proto/gen/dgrid/reputation/v1/query.ts";
import type {
  Reputation,
  Params as ReputationParams,
  ValidatorStats,
} from "../proto/gen/dgrid/reputation/v1/reputation.ts";

/** A page request: any subset of key / offset / limit / countTotal / reverse. */
export type Pagination = Partial<PageRequest>;

/** DiscoverModels' filters (empty or absent: any) and sort (price | usage | agreement | latency; default price). */
export interface DiscoverFilter {
  task?: string;
  tag?: string;
  creator?: string;
  sort?: "price" | "usage" | "agreement" | "latency" | "";
}

/** Request ids as the chain numbers them (uint64); numbers and decimal strings are accepted too. */
export type RequestId = bigint | number | string;

export interface DGridExtension {
  readonly registry: {
    models(pagination?: Pagination): Promise<rq.QueryModelsResponse>;
    /** The model, its servers and the validators whose golden-vector check failed. */
    model(id: string): Promise<rq.QueryModelResponse & { model: Model }>;
    modelServers(modelId: string, pagination?: Pagination): Promise<rq.QueryModelServersResponse>;
    /** Listed models matching every filter, in the sort's order, each with its stats and server count. */
    discoverModels(filter?: DiscoverFilter, pagination?: Pagination): Promise<rq.QueryDiscoverModelsResponse>;
    /** The model's versions, oldest first (its supersedes chain), and the newest one. */
    modelLineage(id: string): Promise<rq.QueryModelLineageResponse>;
    /** A page of a creator's models (delisted ones too) and what they earned over all of them. */
    creatorModels(creator: string, pagination?: Pagination): Promise<rq.QueryCreatorModelsResponse>;
    params(): Promise<RegistryParams>;
  };
  readonly inference: {
    request(id: RequestId): Promise<InferenceRequest>;
    /** Rejects with a not-found error while the request is not settled. */
    result(id: RequestId): Promise<InferenceResult>;
    /** Item `item` of a settled batch with its Merkle path (check it with verifyResultItem). */
    resultItem(id: RequestId, item: number): Promise<iq.QueryResultResponse>;
    requestsByRequester(requester: string, pagination?: Pagination): Promise<iq.QueryRequestsByRequesterResponse>;
    pendingRequests(pagination?: Pagination): Promise<iq.QueryPendingRequestsResponse>;
    params(): Promise<InferenceParams>;
  };
  readonly reputation: {
    reputation(validator: string): Promise<Reputation>;
    reputations(pagination?: Pagination): Promise<pq.QueryReputationsResponse>;
    /** A validator's inference jobs (done, missed, dissented, unresolved), score samples and reputation. */
    validatorStats(validator: string): Promise<pq.QueryValidatorStatsResponse & { stats: ValidatorStats }>;
    allValidatorStats(pagination?: Pagination): Promise<pq.QueryAllValidatorStatsResponse>;
    params(): Promise<ReputationParams>;
  };
}

/** One of the encode/decode pairs the generated protos export. */
interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
  fromPartial(object: Partial<T>): T;
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the node answered without ${what}`);
  return value;
}

const page = (p?: Pagination) => (p ? PageRequest.fromPartial(p) : undefined);

export function setupDGridExtension(base: QueryClient): DGridExtension {
  const rpc = createProtobufRpcClient(base);
  const call =
    (service: string) =>
    async <Req, Res>(method: string, req: Codec<Req>, res: Codec<Res>, value: Partial<Req>): Promise<Res> =>
      res.decode(await rpc.request(service, method, req.encode(req.fromPartial(value)).finish()));
  const registry = call("dgrid.registry.v1.Query");
  const inference = call("dgrid.inference.v1.Query");
  const reputation = call("dgrid.reputation.v1.Query");
  return {
    registry: {
      models: (p) => registry("Models", rq.QueryModelsRequest, rq.QueryModelsResponse, { pagination: page(p) }),
      model: async (id) => {
        const r = await registry("Model", rq.QueryModelRequest, rq.QueryModelResponse, { id });
        return { ...r, model: must(r.model, `model ${id}`) };
      },
      modelServers: (modelId, p) =>
        registry("ModelServers", rq.QueryModelServersRequest, rq.QueryModelServersResponse, {
          modelId,
          pagination: page(p),
        }),
      discoverModels: (f = {}, p) =>
        registry("DiscoverModels", rq.QueryDiscoverModelsRequest, rq.QueryDiscoverModelsResponse, {
          task: f.task ?? "",
          tag: f.tag ?? "",
          creator: f.creator ?? "",
          sort: f.sort ?? "",
          pagination: page(p),
        }),
      modelLineage: (id) => registry("ModelLineage", rq.QueryModelLineageRequest, rq.QueryModelLineageResponse, { id }),
      creatorModels: (creator, p) =>
        registry("CreatorModels", rq.QueryCreatorModelsRequest, rq.QueryCreatorModelsResponse, {
          creator,
          pagination: page(p),
        }),
      params: async () =>
        must((await registry("Params", rq.QueryParamsRequest, rq.QueryParamsResponse, {})).params, "params"),
    },
    inference: {
      request: async (id) =>
        must(
          (await inference("Request", iq.QueryRequestRequest, iq.QueryRequestResponse, { id: BigInt(id) })).request,
          `request ${id}`,
        ),
      result: async (id) =>
        must(
          (await inference("Result", iq.QueryResultRequest, iq.QueryResultResponse, { id: BigInt(id) })).result,
          `the result of request ${id}`,
        ),
      resultItem: (id, item) =>
        inference("Result", iq.QueryResultRequest, iq.QueryResultResponse, { id: BigInt(id), item }),
      requestsByRequester: (requester, p) =>
        inference("RequestsByRequester", iq.QueryRequestsByRequesterRequest, iq.QueryRequestsByRequesterResponse, {
          requester,
          pagination: page(p),
        }),
      pendingRequests: (p) =>
        inference("PendingRequests", iq.QueryPendingRequestsRequest, iq.QueryPendingRequestsResponse, {
          pagination: page(p),
        }),
      params: async () =>
        must((await inference("Params", iq.QueryParamsRequest, iq.QueryParamsResponse, {})).params, "params"),
    },
    reputation: {
      reputation: async (validator) =>
        must(
          (await reputation("Reputation", pq.QueryReputationRequest, pq.QueryReputationResponse, { validator }))
            .reputation,
          `the reputation of ${validator}`,
        ),
      reputations: (p) =>
        reputation("Reputations", pq.QueryReputationsRequest, pq.QueryReputationsResponse, { pagination: page(p) }),
      validatorStats: async (validator) => {
        const r = await reputation("ValidatorStats", pq.QueryValidatorStatsRequest, pq.QueryValidatorStatsResponse, {
          validator,
        });
        return { ...r, stats: must(r.stats, `the stats of ${validator}`) };
      },
      allValidatorStats: (p) =>
        reputation("AllValidatorStats", pq.QueryAllValidatorStatsRequest, pq.QueryAllValidatorStatsResponse, {
          pagination: page(p),
        }),
      params: async () =>
        must((await reputation("Params", pq.QueryParamsRequest, pq.QueryParamsResponse, {})).params, "params"),
    },
  };
}

/** Whether a query error means "no such thing (yet)": the gRPC NotFound status the node's log carries. */
export function isNotFound(e: unknown): boolean {
  return /code = NotFound/.test(e instanceof Error ? e.message : String(e));
}
