// Inference genesis: params, the next request id, requests and results (proto JSON, snake_case).
// Pending requests in a genesis keep their indexes; their fees must already sit in the escrow account.
import type { Context } from "../../chain/baseapp/context.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { addressFromString } from "../../chain/types/address.ts";
import { u64be } from "../../chain/types/bytes.ts";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import {
  GenesisState,
  InferenceRequest,
  InferenceResult,
  RequestStatus,
} from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { type InferenceKeeper, isPending } from "./keeper.ts";
import {
  byExecutorKey,
  byRequesterKey,
  deadlineKey,
  NextIdKey,
  PendingCountKey,
  pendingKey,
  RequestsPrefix,
  ResultsPrefix,
  StoreKey,
  unassignedKey,
} from "./keys.ts";
import { defaultParams, validateParams } from "./params.ts";

export function defaultGenesis(): unknown {
  return snakeKeys(GenesisState.toJSON({ params: defaultParams(), nextRequestId: 1n, requests: [], results: [] }));
}

export function parseGenesis(json: unknown): GenesisState {
  const g = GenesisState.fromJSON(json ?? {});
  const params = g.params ?? defaultParams();
  validateParams(params);
  const next = g.nextRequestId === 0n ? 1n : g.nextRequestId;
  const ids = new Set<bigint>();
  for (const r of g.requests) {
    if (r.id === 0n || r.id >= next) throw ErrInvalidRequest.wrap(`inference genesis: request id ${r.id} out of range`);
    if (ids.has(r.id)) throw ErrInvalidRequest.wrap(`inference genesis: duplicate request ${r.id}`);
    ids.add(r.id);
  }
  return { ...g, params, nextRequestId: next };
}

export function validateGenesis(json: unknown): void {
  parseGenesis(json);
}

export async function initGenesis(ctx: Context, k: InferenceKeeper, json: unknown): Promise<void> {
  const g = parseGenesis(json);
  const store = ctx.kvStore(StoreKey);
  k.setParams(ctx, g.params!);
  store.set(NextIdKey, u64be(g.nextRequestId));
  let pending = 0n;
  for (const r of g.requests) {
    k.setRequest(ctx, r);
    store.set(byRequesterKey(addressFromString(r.requester), r.id), new Uint8Array());
    if (!isPending(r.status)) continue;
    pending++;
    store.set(pendingKey(r.id), new Uint8Array());
    if (r.status === RequestStatus.REQUEST_STATUS_UNSPECIFIED) store.set(unassignedKey(r.id), new Uint8Array());
    if (r.status === RequestStatus.REQUEST_STATUS_COMMIT)
      store.set(deadlineKey(r.commitDeadline, r.id), new Uint8Array());
    if (r.status === RequestStatus.REQUEST_STATUS_REVEAL)
      store.set(deadlineKey(r.revealDeadline, r.id), new Uint8Array());
    for (const e of r.executors) store.set(byExecutorKey(e.consAddress, r.id), new Uint8Array());
  }
  store.set(PendingCountKey, u64be(pending));
  for (const res of g.results) k.setResult(ctx, res);
}

export async function exportGenesis(ctx: Context, k: InferenceKeeper): Promise<unknown> {
  const requests: InferenceRequest[] = [];
  const results: InferenceResult[] = [];
  const store = ctx.kvStore(StoreKey);
  for await (const [, v] of iteratePrefix(store, RequestsPrefix)) requests.push(InferenceRequest.decode(v));
  for await (const [, v] of iteratePrefix(store, ResultsPrefix)) results.push(InferenceResult.decode(v));
  return snakeKeys(
    GenesisState.toJSON({ params: await k.getParams(ctx), nextRequestId: await k.nextId(ctx), requests, results }),
  );
}
