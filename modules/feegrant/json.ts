// The SDK's proto3 JSON of the allowances (genesis import / export): {"@type": type URL, snake_case
// fields}, coins as {denom, amount}, times RFC 3339, durations "86400s", an absent expiration null.
import { AllowedMsgAllowance, BasicAllowance, PeriodicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import { type Coin, fromProtoCoins, toProtoCoins } from "../../chain/baseapp/coins.ts";
import { durationFromJson, durationToJson, timeFromJson, timeToJson } from "../../chain/baseapp/time.ts";
import { ErrJSONUnmarshal } from "../../chain/errors/errors.ts";
import type { Basic, FeeAllowance } from "./allowance.ts";

type Json = Record<string, unknown>;

function coinsFromJson(v: unknown, what: string): Coin[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw ErrJSONUnmarshal.wrap(`${what} must be a list of coins`);
  return fromProtoCoins(v.map((c) => ({ denom: String(c?.denom ?? ""), amount: String(c?.amount ?? "") })));
}

function basicFromJson(j: Json): Basic {
  const exp = j.expiration;
  return {
    kind: "basic",
    spendLimit: coinsFromJson(j.spend_limit, "spend_limit"),
    expirationNs: exp === undefined || exp === null ? undefined : timeFromJson(String(exp)),
  };
}

function basicFields(b: Basic): Json {
  return {
    spend_limit: toProtoCoins(b.spendLimit),
    expiration: b.expirationNs === undefined ? null : timeToJson(b.expirationNs),
  };
}

export function allowanceToJson(a: FeeAllowance): Json {
  switch (a.kind) {
    case "basic":
      return { "@type": BasicAllowance.typeUrl, ...basicFields(a) };
    case "periodic":
      return {
        "@type": PeriodicAllowance.typeUrl,
        basic: basicFields(a.basic),
        period: durationToJson(a.periodNs),
        period_spend_limit: toProtoCoins(a.periodSpendLimit),
        period_can_spend: toProtoCoins(a.periodCanSpend),
        period_reset: timeToJson(a.periodResetNs),
      };
    case "allowedMsg":
      return {
        "@type": AllowedMsgAllowance.typeUrl,
        allowance: a.allowance ? allowanceToJson(a.allowance) : null,
        allowed_messages: a.allowedMessages,
      };
  }
}

export function allowanceFromJson(v: unknown): FeeAllowance {
  if (!v || typeof v !== "object") throw ErrJSONUnmarshal.wrap("allowance must be an object");
  const j = v as Json;
  switch (j["@type"]) {
    case BasicAllowance.typeUrl:
      return basicFromJson(j);
    case PeriodicAllowance.typeUrl:
      return {
        kind: "periodic",
        basic: basicFromJson((j.basic ?? {}) as Json),
        periodNs: durationFromJson(String(j.period ?? "0s")),
        periodSpendLimit: coinsFromJson(j.period_spend_limit, "period_spend_limit"),
        periodCanSpend: coinsFromJson(j.period_can_spend, "period_can_spend"),
        periodResetNs: j.period_reset ? timeFromJson(String(j.period_reset)) : 0n,
      };
    case AllowedMsgAllowance.typeUrl: {
      const msgs = j.allowed_messages ?? [];
      if (!Array.isArray(msgs)) throw ErrJSONUnmarshal.wrap("allowed_messages must be a list");
      return {
        kind: "allowedMsg",
        allowance: j.allowance ? allowanceFromJson(j.allowance) : undefined,
        allowedMessages: msgs.map(String),
      };
    }
    default:
      throw ErrJSONUnmarshal.wrap(`unknown allowance type ${String(j["@type"])}`);
  }
}
