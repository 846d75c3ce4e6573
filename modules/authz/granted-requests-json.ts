// The JSON form of the granted-request index in authz genesis (`granted_requests`): the record's
// proto3 JSON fields in snake_case plus its request id, in request id order.
import { fromProtoCoin, validateDenom } from "../../chain/baseapp/coins.ts";
import { nsToTimestamp, timeFromJson, timestampToNs, timeToJson } from "../../chain/baseapp/time.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { addressFromString } from "../../chain/types/address.ts";
import type { GrantedRequest } from "../../proto/gen/dgrid/inference/v1/authz.ts";

export interface GrantedRequestJson {
  request_id: string;
  granter: string;
  grantee: string;
  creditable: { denom: string; amount: string };
  period_reset: string | null;
}

/** A genesis entry's granter and grantee must be account addresses; `fail` names the entry. */
export function checkGranterGrantee(e: { granter: unknown; grantee: unknown }, fail: (what: string) => Error): void {
  for (const [what, a] of [
    ["granter", e.granter],
    ["grantee", e.grantee],
  ] as const) {
    try {
      addressFromString(a as string);
    } catch (err) {
      throw fail(`invalid ${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

export function grantedRequestToJson(id: bigint, r: GrantedRequest): GrantedRequestJson {
  return {
    request_id: id.toString(),
    granter: r.granter,
    grantee: r.grantee,
    creditable: { denom: r.creditable?.denom ?? "", amount: r.creditable?.amount ?? "0" },
    period_reset: r.periodReset ? timeToJson(timestampToNs(r.periodReset)) : null,
  };
}

function parseOne(e: GrantedRequestJson, i: number): { id: bigint; record: GrantedRequest } {
  const where = `authz genesis granted_requests ${i}`;
  const fail = (what: string) => ErrInvalidRequest.wrap(`${where}: ${what}`);
  if (!e || typeof e !== "object") throw fail("not an object");
  if (typeof e.request_id !== "string" || !/^[1-9][0-9]{0,19}$/.test(e.request_id) || BigInt(e.request_id) >= 2n ** 64n)
    throw fail(`invalid request_id ${JSON.stringify(e.request_id)}`);
  checkGranterGrantee(e, fail);
  const c = e.creditable;
  if (!c || typeof c !== "object" || typeof c.denom !== "string" || typeof c.amount !== "string")
    throw fail("creditable must be a coin {denom, amount}");
  try {
    validateDenom(c.denom);
    if (fromProtoCoin(c).amount < 0n) throw new Error(`negative amount ${c.amount}`);
  } catch (err) {
    throw fail(`invalid creditable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const reset = e.period_reset;
  if (reset !== null && reset !== undefined && typeof reset !== "string") throw fail("period_reset must be a time");
  return {
    id: BigInt(e.request_id),
    record: {
      granter: e.granter,
      grantee: e.grantee,
      creditable: { denom: c.denom, amount: c.amount },
      periodReset: reset ? nsToTimestamp(timeFromJson(reset)) : undefined,
    },
  };
}

/** Validates the list (absent: empty); request ids must be unique. */
export function parseGrantedRequests(list: unknown): { id: bigint; record: GrantedRequest }[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw ErrInvalidRequest.wrap("authz genesis: granted_requests must be a list");
  const out = list.map((e, i) => parseOne(e as GrantedRequestJson, i));
  const ids = new Set<bigint>();
  for (const { id } of out) {
    if (ids.has(id)) throw ErrInvalidRequest.wrap(`authz genesis: duplicate granted request ${id}`);
    ids.add(id);
  }
  return out;
}
