// The authz.Authorization interface of the SDK, as codecs over the Any an authorization travels in:
// each kind decodes its bytes, names the message type it authorizes, checks itself, and decides
// whether a message is accepted (and what is left of it). The kinds are this module's own files
// (authorizations/); a message they judge is already decoded by the app's msg router.
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { Coin } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { genericAuthorization } from "./authorizations/generic.ts";
import { inferenceAuthorization } from "./authorizations/inference.ts";
import { sendAuthorization } from "./authorizations/send.ts";
import { ErrUnknownAuthorizationType } from "./errors.ts";
import type { InferenceKeeperI } from "./expected-keepers.ts";

/** authz.AcceptResponse: `updated` replaces the stored authorization; `delete` removes the grant. */
export interface AcceptResponse<A> {
  accept: boolean;
  delete: boolean;
  updated?: A;
  /** what the message spends from the authorization (InferenceAuthorization: the request's fee) */
  spent?: Coin[];
}

/** What Accept may read besides the message (the block time is the context's). */
export interface AcceptDeps {
  inferenceKeeper?: InferenceKeeperI;
}

export interface AuthorizationKind<A> {
  typeUrl: string;
  decode(bytes: Uint8Array): A;
  encode(a: A): Uint8Array;
  /** proto3 JSON with snake_case names (genesis), without "@type" */
  toJson(a: A): Record<string, unknown>;
  fromJson(json: Record<string, unknown>): A;
  msgTypeUrl(a: A): string;
  /** stateless checks; throws a CodedError */
  validateBasic(a: A): void;
  /** fills what a grant leaves to the chain (a period's first reset), at the grant's block time */
  onGrant?(ctx: Context, a: A): A;
  accept(ctx: Context, a: A, msg: unknown, deps: AcceptDeps): Promise<AcceptResponse<A>>;
}

const KINDS: AuthorizationKind<any>[] = [genericAuthorization, sendAuthorization, inferenceAuthorization];
const byTypeUrl = new Map(KINDS.map((k) => [k.typeUrl, k]));

export function authorizationKind(typeUrl: string): AuthorizationKind<unknown> {
  const k = byTypeUrl.get(typeUrl);
  if (!k) throw ErrUnknownAuthorizationType.wrap(`${typeUrl} is not an authorization this chain knows`);
  return k;
}

/** A decoded authorization with its kind. */
export interface Authorization {
  kind: AuthorizationKind<unknown>;
  value: unknown;
}

export function unpackAuthorization(any: Any | undefined): Authorization {
  if (!any) throw ErrUnknownAuthorizationType.wrap("authorization is missing");
  const kind = authorizationKind(any.typeUrl);
  let value: unknown;
  try {
    value = kind.decode(any.value);
  } catch (e) {
    throw ErrUnknownAuthorizationType.wrap(`${any.typeUrl}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { kind, value };
}

export function packAuthorization(a: Authorization): Any {
  return { typeUrl: a.kind.typeUrl, value: a.kind.encode(a.value) };
}
