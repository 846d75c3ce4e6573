import {
  QueryAllowanceRequest,
  QueryAllowancesByGranterRequest,
  QueryAllowancesRequest,
} from "cosmjs-types/cosmos/feegrant/v1beta1/query";
import { MsgGrantAllowance, MsgRevokeAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/tx";
import { abciQueryJson } from "./abci-query.ts";
import { parsePositiveInt } from "./args.ts";
import {
  checkAddress,
  coinsJson,
  list,
  type PageFlags,
  pageRequest,
  parseExpiration,
  periodJson,
} from "./authz-impl.ts";
import { CliError } from "./context.ts";
import { anyFromJson } from "./proto-json.ts";
import type { MakeMsg } from "./tx-send.ts";

export const BASIC_ALLOWANCE = "/cosmos.feegrant.v1beta1.BasicAllowance";
export const PERIODIC_ALLOWANCE = "/cosmos.feegrant.v1beta1.PeriodicAllowance";
export const ALLOWED_MSG_ALLOWANCE = "/cosmos.feegrant.v1beta1.AllowedMsgAllowance";

export interface AllowanceFlags {
  spendLimit?: string;
  expiration?: string;
  period?: string;
  periodLimit?: string;
  allowedMessages?: string;
}

/** unix seconds -> proto JSON Timestamp ("2030-01-01T00:00:00Z") */
const timeJson = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

/**
 * The allowance (proto JSON with "@type") of `tx feegrant grant`: no --spend-limit = no limit; --period
 * with --period-limit makes it periodic (the first period ends `now + period`, which may not be after
 * --expiration, and starts full); --allowed-messages (comma-separated type URLs) restricts it.
 */
export function allowanceJson(f: AllowanceFlags, now = Date.now()): Record<string, unknown> {
  const basic: Record<string, unknown> = {
    spend_limit: f.spendLimit === undefined ? [] : coinsJson(f.spendLimit),
  };
  const expiration = f.expiration === undefined ? undefined : Number(parseExpiration(f.expiration, now).seconds);
  if (expiration !== undefined) basic.expiration = timeJson(expiration);
  let allowance: Record<string, unknown> = { "@type": BASIC_ALLOWANCE, ...basic };
  if (f.period !== undefined || f.periodLimit !== undefined) {
    if (f.period === undefined) throw new CliError("--period-limit needs --period (seconds, or a duration as 24h)");
    if (f.periodLimit === undefined) throw new CliError("--period needs --period-limit, what may be spent per period");
    const period = periodJson(f.period);
    const reset = Math.floor(now / 1000) + parsePositiveInt(period.slice(0, -1), "--period");
    if (expiration !== undefined && reset > expiration)
      throw new CliError(`the first period (${f.period}) would end after --expiration ${f.expiration}`);
    const limit = coinsJson(f.periodLimit);
    allowance = {
      "@type": PERIODIC_ALLOWANCE,
      basic,
      period,
      period_spend_limit: limit,
      period_can_spend: limit,
      period_reset: timeJson(reset),
    };
  }
  const allowed = list(f.allowedMessages);
  for (const m of allowed)
    if (!m.startsWith("/"))
      throw new CliError(`invalid --allowed-messages entry "${m}": expected a type URL as /pkg.Msg`);
  if (allowed.length > 0) allowance = { "@type": ALLOWED_MSG_ALLOWANCE, allowance, allowed_messages: allowed };
  return allowance;
}

export function grantAllowanceMsg(grantee: string, f: AllowanceFlags, now = Date.now()): MakeMsg {
  checkAddress(grantee, "grantee address");
  const allowance = anyFromJson(allowanceJson(f, now), "allowance");
  return (granter) => {
    if (granter === grantee) throw new CliError("a fee allowance cannot be granted to its granter");
    return {
      typeUrl: MsgGrantAllowance.typeUrl,
      value: MsgGrantAllowance.fromPartial({ granter, grantee, allowance }),
    };
  };
}

export function revokeAllowanceMsg(grantee: string): MakeMsg {
  checkAddress(grantee, "grantee address");
  return (granter) => ({
    typeUrl: MsgRevokeAllowance.typeUrl,
    value: MsgRevokeAllowance.fromPartial({ granter, grantee }),
  });
}

// ---- queries ----

const query = (url: string, method: string, request: Uint8Array, height?: string) =>
  abciQueryJson(url, "cosmos.feegrant.v1beta1.Query", method, request, height);

/** `query feegrant grant GRANTER GRANTEE`: {allowance: {granter, grantee, allowance}} */
export function queryAllowance(url: string, granter: string, grantee: string, height?: string) {
  const req = {
    granter: checkAddress(granter, "granter address"),
    grantee: checkAddress(grantee, "grantee address"),
  };
  return query(url, "Allowance", QueryAllowanceRequest.encode(req).finish(), height);
}

export function queryAllowances(url: string, grantee: string, f: PageFlags) {
  const req = { grantee: checkAddress(grantee, "grantee address"), pagination: pageRequest(f) };
  return query(url, "Allowances", QueryAllowancesRequest.encode(req).finish(), f.height);
}

export function queryAllowancesByGranter(url: string, granter: string, f: PageFlags) {
  const req = { granter: checkAddress(granter, "granter address"), pagination: pageRequest(f) };
  return query(url, "AllowancesByGranter", QueryAllowancesByGranterRequest.encode(req).finish(), f.height);
}
