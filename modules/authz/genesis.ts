// x/authz genesis (SDK v0.50 x/authz/keeper/genesis.go): every grant with its granter, grantee,
// authorization (an Any in proto3 JSON, "@type" first) and expiration. Grants already expired at
// genesis time are skipped on import. DGrid adds `granted_requests`, the index of inference requests
// paid under an InferenceAuthorization (what their refunds may still credit back); an entry whose
// pair has no InferenceAuthorization after the import (expired, or never there) is dropped, as an
// expiry or revoke drops it on a running chain.

import type { Context } from "../../chain/baseapp/context.ts";
import { msToNs, nsToTimestamp, timeFromJson, timestampToNs, timeToJson } from "../../chain/baseapp/time.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { type Authorization, authorizationKind, unpackAuthorization } from "./authorization.ts";
import { MsgRequestInferenceTypeUrl } from "./authorizations/inference.ts";
import { iterateGrantedRequests, restoreGrantedRequest } from "./granted-requests.ts";
import {
  checkGranterGrantee,
  type GrantedRequestJson,
  grantedRequestToJson,
  parseGrantedRequests,
} from "./granted-requests-json.ts";
import type { AuthzKeeper } from "./keeper.ts";

export interface GrantAuthorizationJson {
  granter: string;
  grantee: string;
  authorization: Record<string, unknown>;
  expiration: string | null;
}

export interface GenesisJson {
  authorization: GrantAuthorizationJson[];
  /** DGrid: the refund index of requests paid under an InferenceAuthorization (absent: none) */
  granted_requests?: GrantedRequestJson[];
}

export function defaultGenesis(): GenesisJson {
  return { authorization: [], granted_requests: [] };
}

interface ParsedEntry {
  granter: string;
  grantee: string;
  authorization: Authorization;
  expirationNs?: bigint;
}

function parseEntry(e: GrantAuthorizationJson, i: number): ParsedEntry {
  const where = `authz genesis authorization ${i}`;
  if (!e || typeof e !== "object") throw ErrInvalidRequest.wrap(`${where}: not an object`);
  checkGranterGrantee(e, (what) => ErrInvalidRequest.wrap(`${where}: ${what}`));
  const json = e.authorization ?? {};
  const typeUrl = json["@type"];
  if (typeof typeUrl !== "string") throw ErrInvalidRequest.wrap(`${where}: authorization has no @type`);
  const kind = authorizationKind(typeUrl);
  const { "@type": _t, ...fields } = json;
  const value = kind.fromJson(fields);
  kind.validateBasic(value);
  return {
    granter: e.granter,
    grantee: e.grantee,
    authorization: { kind, value },
    expirationNs: e.expiration ? timeFromJson(e.expiration) : undefined,
  };
}

export function validateGenesis(json: unknown): void {
  const g = (json ?? defaultGenesis()) as GenesisJson;
  if (!Array.isArray(g.authorization)) throw ErrInvalidRequest.wrap("authz genesis: authorization must be a list");
  g.authorization.forEach(parseEntry);
  parseGrantedRequests(g.granted_requests);
}

export async function initGenesis(ctx: Context, keeper: AuthzKeeper, json: unknown): Promise<void> {
  const g = (json ?? defaultGenesis()) as GenesisJson;
  const now = msToNs(ctx.timeMs);
  for (const [i, e] of (g.authorization ?? []).entries()) {
    const p = parseEntry(e, i);
    if (p.expirationNs !== undefined && p.expirationNs < now) continue;
    const exp = p.expirationNs === undefined ? undefined : nsToTimestamp(p.expirationNs);
    await keeper.saveGrant(ctx, p.granter, p.grantee, p.authorization, exp);
  }
  // after every grant: saving an InferenceAuthorization forfeits what its pair was owed
  for (const { id, record } of parseGrantedRequests(g.granted_requests)) {
    if (!(await keeper.getGrant(ctx, record.granter, record.grantee, MsgRequestInferenceTypeUrl))) continue;
    restoreGrantedRequest(ctx, id, record);
  }
}

export async function exportGenesis(ctx: Context, keeper: AuthzKeeper): Promise<GenesisJson> {
  const out: GrantAuthorizationJson[] = [];
  await keeper.iterateGrants(ctx, (granter, grantee, grant) => {
    const a = unpackAuthorization(grant.authorization);
    out.push({
      granter,
      grantee,
      authorization: { "@type": a.kind.typeUrl, ...a.kind.toJson(a.value) },
      expiration: grant.expiration ? timeToJson(timestampToNs(grant.expiration)) : null,
    });
  });
  const granted: GrantedRequestJson[] = [];
  await iterateGrantedRequests(ctx, (id, r) => {
    granted.push(grantedRequestToJson(id, r));
  });
  return { authorization: out, granted_requests: granted };
}
