// The work behind `dgrid tx authz grant|exec|revoke` and `dgrid query authz grants|grants-by-granter|
// grants-by-grantee`, as simd v0.50: messages from command-line arguments (authorizations and exec'd
// messages go through proto JSON, so any message type the chain knows works) and the queries printed
// in the SDK's JSON. Loaded only when an authz command runs.
import { readFileSync } from "node:fs";
import { fromBase64 } from "@cosmjs/encoding";
import {
  QueryGranteeGrantsRequest,
  QueryGranterGrantsRequest,
  QueryGrantsRequest,
} from "cosmjs-types/cosmos/authz/v1beta1/query";
import { MsgExec, MsgGrant, MsgRevoke } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import type { PageRequest } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { abciQueryJson } from "./abci-query.ts";
import { parseAddress, parseCoins, parseDurationSeconds, parsePositiveInt } from "./args.ts";
import { CliError } from "./context.ts";
import { anyFromJson } from "./proto-json.ts";
import type { MakeMsg } from "./tx-send.ts";

export const GENERIC_AUTHORIZATION = "/cosmos.authz.v1beta1.GenericAuthorization";
export const SEND_AUTHORIZATION = "/cosmos.bank.v1beta1.SendAuthorization";
export const INFERENCE_AUTHORIZATION = "/dgrid.inference.v1.InferenceAuthorization";

export interface GrantFlags {
  spendLimit?: string;
  allowList?: string;
  msgType?: string;
  expiration?: string;
  maxFeePerRequest?: string;
  models?: string;
  period?: string;
  periodLimit?: string;
}

export const coinsJson = (text: string) =>
  parseCoins(text).map((c) => ({ denom: c.denom, amount: c.amount.toString() }));

export function list(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function checkAddress(text: string, what: string): string {
  try {
    parseAddress(text);
  } catch (e) {
    throw new CliError(`invalid ${what} "${text}": ${(e as Error).message}`);
  }
  return text;
}

/** Flags that belong to other authorization types are refused rather than silently dropped. */
function refuseFlags(f: GrantFlags, type: string, names: (keyof GrantFlags)[]): void {
  const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const given = names.filter((n) => f[n] !== undefined);
  if (given.length > 0) throw new CliError(`${given.map(flag).join(", ")} does not apply to a ${type} authorization`);
}

/** `--expiration`: unix seconds (as simd) or an RFC 3339 time; it must be in the future. */
export function parseExpiration(text: string, now = Date.now()): Timestamp {
  let seconds: number;
  if (/^[0-9]+$/.test(text)) seconds = Number(text);
  else {
    const ms = Date.parse(text);
    if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(text))
      throw new CliError(`invalid --expiration "${text}": expected unix seconds or an RFC 3339 time`);
    seconds = Math.floor(ms / 1000);
  }
  if (!Number.isSafeInteger(seconds) || seconds * 1000 <= now)
    throw new CliError(`invalid --expiration "${text}": must be in the future`);
  return { seconds: BigInt(seconds), nanos: 0 };
}

/** `--period`: a duration such as 24h or 1h30m, or bare seconds -> proto JSON "86400s". */
export function periodJson(text: string): string {
  const seconds = /^[0-9]+$/.test(text) ? parsePositiveInt(text, "--period") : parseDurationSeconds(text, "--period");
  return `${seconds}s`;
}

/** The authorization (proto JSON with "@type") for `tx authz grant GRANTEE TYPE`. */
export function authorizationJson(type: string, f: GrantFlags): Record<string, unknown> {
  switch (type) {
    case "send": {
      refuseFlags(f, type, ["msgType", "maxFeePerRequest", "models", "period", "periodLimit"]);
      if (f.spendLimit === undefined) throw new CliError("a send authorization needs --spend-limit");
      return {
        "@type": SEND_AUTHORIZATION,
        spend_limit: coinsJson(f.spendLimit),
        allow_list: list(f.allowList).map((a) => checkAddress(a, "--allow-list address")),
      };
    }
    case "generic": {
      refuseFlags(f, type, ["spendLimit", "allowList", "maxFeePerRequest", "models", "period", "periodLimit"]);
      if (!f.msgType?.startsWith("/"))
        throw new CliError("a generic authorization needs --msg-type, e.g. /cosmos.gov.v1.MsgVote");
      return { "@type": GENERIC_AUTHORIZATION, msg: f.msgType };
    }
    case "inference": {
      refuseFlags(f, type, ["allowList", "msgType"]);
      if (f.spendLimit === undefined) throw new CliError("an inference authorization needs --spend-limit");
      if ((f.period === undefined) !== (f.periodLimit === undefined))
        throw new CliError("--period and --period-limit go together");
      const auth: Record<string, unknown> = {
        "@type": INFERENCE_AUTHORIZATION,
        spend_limit: coinsJson(f.spendLimit),
        allowed_models: list(f.models),
      };
      if (f.maxFeePerRequest !== undefined) {
        const max = coinsJson(f.maxFeePerRequest);
        if (max.length !== 1) throw new CliError("--max-fee-per-request must be a single coin, e.g. 3000udgrid");
        auth.max_fee_per_request = max[0];
      }
      if (f.period !== undefined && f.periodLimit !== undefined) {
        auth.period = periodJson(f.period);
        auth.period_spend_limit = coinsJson(f.periodLimit);
      }
      return auth;
    }
    case "delegate":
    case "unbond":
    case "redelegate":
      throw new CliError(
        `"${type}" (the SDK's StakingAuthorization) is not supported by this chain: use "generic" with --msg-type`,
      );
    default:
      throw new CliError(`invalid authorization type "${type}": expected send, generic or inference`);
  }
}

export function grantMsg(grantee: string, type: string, f: GrantFlags): MakeMsg {
  checkAddress(grantee, "grantee address");
  const authorization = anyFromJson(authorizationJson(type, f), "authorization");
  const expiration = f.expiration === undefined ? undefined : parseExpiration(f.expiration);
  return (granter) => ({
    typeUrl: MsgGrant.typeUrl,
    value: MsgGrant.fromPartial({ granter, grantee, grant: { authorization, expiration } }),
  });
}

export function revokeMsg(grantee: string, msgTypeUrl: string): MakeMsg {
  checkAddress(grantee, "grantee address");
  if (!msgTypeUrl.startsWith("/")) throw new CliError(`invalid message type URL "${msgTypeUrl}": expected /pkg.Msg`);
  return (granter) => ({ typeUrl: MsgRevoke.typeUrl, value: MsgRevoke.fromPartial({ granter, grantee, msgTypeUrl }) });
}

/**
 * The messages of `tx authz exec FILE`: a tx JSON as simd's `--generate-only` writes it (`body.messages`)
 * or `{"messages": [...]}`, each message proto JSON with "@type" and its granter as signer.
 */
export function execMessagesFromFile(file: string) {
  let json: { body?: { messages?: unknown }; messages?: unknown };
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CliError(`cannot read tx file ${file}: ${(e as Error).message}`);
  }
  const messages = json?.body?.messages ?? json?.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    throw new CliError(`tx file ${file} has no messages: expected {"body":{"messages":[{"@type":...}]}}`);
  return messages.map((m, i) => anyFromJson(m, `message ${i} of ${file}`));
}

export function execMsg(file: string): MakeMsg {
  const msgs = execMessagesFromFile(file);
  return (grantee) => ({ typeUrl: MsgExec.typeUrl, value: MsgExec.fromPartial({ grantee, msgs }) });
}

// ---- queries ----

export interface PageFlags {
  limit?: string;
  offset?: string;
  page?: string;
  pageKey?: string;
  countTotal?: boolean;
  reverse?: boolean;
  height?: string;
}

/** The SDK's pagination flags -> PageRequest (--page-key is the base64 `next_key` a page printed). */
export function pageRequest(f: PageFlags): PageRequest {
  const limit = BigInt(parsePositiveInt(f.limit ?? "100", "--limit"));
  const nonNeg = (t: string | undefined, what: string) =>
    t === undefined || t === "0" ? 0n : BigInt(parsePositiveInt(t, what));
  let offset = nonNeg(f.offset, "--offset");
  const page = nonNeg(f.page, "--page");
  if (page > 0n && offset > 0n) throw new CliError("--page and --offset cannot be used together");
  if (page > 0n) offset = (page - 1n) * limit;
  let key = new Uint8Array();
  if (f.pageKey !== undefined) {
    if (offset > 0n) throw new CliError("--page-key cannot be used with --page or --offset");
    try {
      key = fromBase64(f.pageKey);
    } catch {
      throw new CliError(`invalid --page-key "${f.pageKey}": expected the base64 next_key of a page`);
    }
  }
  return { key, offset, limit, countTotal: f.countTotal ?? false, reverse: f.reverse ?? false };
}

const query = (url: string, method: string, request: Uint8Array, height?: string) =>
  abciQueryJson(url, "cosmos.authz.v1beta1.Query", method, request, height);

export function queryGrants(url: string, granter: string, grantee: string, msgTypeUrl: string, f: PageFlags) {
  const req = QueryGrantsRequest.fromPartial({
    granter: checkAddress(granter, "granter address"),
    grantee: checkAddress(grantee, "grantee address"),
    msgTypeUrl,
    pagination: pageRequest(f),
  });
  return query(url, "Grants", QueryGrantsRequest.encode(req).finish(), f.height);
}

export function queryGranterGrants(url: string, granter: string, f: PageFlags) {
  const req = { granter: checkAddress(granter, "granter address"), pagination: pageRequest(f) };
  return query(url, "GranterGrants", QueryGranterGrantsRequest.encode(req).finish(), f.height);
}

export function queryGranteeGrants(url: string, grantee: string, f: PageFlags) {
  const req = { grantee: checkAddress(grantee, "grantee address"), pagination: pageRequest(f) };
  return query(url, "GranteeGrants", QueryGranteeGrantsRequest.encode(req).finish(), f.height);
}
