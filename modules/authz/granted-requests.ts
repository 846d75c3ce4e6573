// The index of inference requests paid under an InferenceAuthorization: request id -> who granted it
// and how much of its fee may still be credited back; plus, per (granter, grantee), the open ones,
// so that a new grant, a revoke or an expiry drops what the old grant was owed.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Coin } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { addressFromString } from "../../chain/types/address.ts";
import { readU64be } from "../../chain/types/bytes.ts";
import { encodeMessage } from "../../chain/types/proto-encode.ts";
import { GrantedRequest } from "../../proto/gen/dgrid/inference/v1/authz.ts";
import {
  GrantedRequestPrefix,
  grantedRequestKey,
  grantedRequestPairKey,
  grantedRequestPairPrefix,
  StoreKey,
} from "./keys.ts";

export interface GrantedRequestRecord {
  granter: string;
  grantee: string;
  requestId: bigint;
  fee: Coin;
  periodReset?: Timestamp;
}

export async function recordGrantedRequest(ctx: Context, r: GrantedRequestRecord): Promise<void> {
  const store = ctx.kvStore(StoreKey);
  store.set(
    grantedRequestKey(r.requestId),
    GrantedRequest.encode({
      granter: r.granter,
      grantee: r.grantee,
      creditable: { denom: r.fee.denom, amount: r.fee.amount.toString() },
      periodReset: r.periodReset,
    }).finish(),
  );
  store.set(
    grantedRequestPairKey(addressFromString(r.granter), addressFromString(r.grantee), r.requestId),
    new Uint8Array(),
  );
}

export async function getGrantedRequest(ctx: Context, id: bigint): Promise<GrantedRequest | undefined> {
  const b = await ctx.kvStore(StoreKey).get(grantedRequestKey(id));
  return b ? GrantedRequest.decode(b) : undefined;
}

export function setGrantedRequest(ctx: Context, id: bigint, r: GrantedRequest): void {
  ctx.kvStore(StoreKey).set(grantedRequestKey(id), encodeMessage(GrantedRequest, r));
}

export async function deleteGrantedRequest(ctx: Context, id: bigint): Promise<void> {
  const r = await getGrantedRequest(ctx, id);
  if (!r) return;
  const store = ctx.kvStore(StoreKey);
  store.delete(grantedRequestKey(id));
  store.delete(grantedRequestPairKey(addressFromString(r.granter), addressFromString(r.grantee), id));
}

/** Drops every open request of the pair from the index (their refunds then credit nothing). */
export async function forfeitGrantedRequests(ctx: Context, granter: Uint8Array, grantee: Uint8Array): Promise<void> {
  const store = ctx.kvStore(StoreKey);
  const prefix = grantedRequestPairPrefix(granter, grantee);
  const ids: bigint[] = [];
  for await (const [k] of iteratePrefix(store, prefix)) ids.push(readU64be(k));
  for (const id of ids) {
    store.delete(grantedRequestKey(id));
    store.delete(grantedRequestPairKey(granter, grantee, id));
  }
}

/** Every record of the index, by request id (genesis export). */
export async function iterateGrantedRequests(
  ctx: Context,
  fn: (id: bigint, r: GrantedRequest) => void | Promise<void>,
): Promise<void> {
  for await (const [k, v] of iteratePrefix(ctx.kvStore(StoreKey), GrantedRequestPrefix))
    await fn(readU64be(k), GrantedRequest.decode(v));
}

/** Writes a record and its pair entry as they were exported (genesis import). */
export function restoreGrantedRequest(ctx: Context, id: bigint, r: GrantedRequest): void {
  setGrantedRequest(ctx, id, r);
  ctx
    .kvStore(StoreKey)
    .set(grantedRequestPairKey(addressFromString(r.granter), addressFromString(r.grantee), id), new Uint8Array());
}
