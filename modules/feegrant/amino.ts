// Legacy amino JSON of the feegrant messages (SIGN_MODE_LEGACY_AMINO_JSON), as the SDK v0.50 aminojson
// encoder writes them: amino names from the proto declarations, legacy_coins lists always present,
// an absent expiration omitted, times RFC 3339 with trailing zeros trimmed, durations as a string of
// nanoseconds. CosmJS ships no feegrant converters (createFeegrantAminoConverters is empty).
import type {
  MsgGrantAllowance,
  MsgPruneAllowances,
  MsgRevokeAllowance,
} from "cosmjs-types/cosmos/feegrant/v1beta1/tx";
import { toProtoCoins } from "../../chain/baseapp/coins.ts";
import { nsToTimestamp } from "../../chain/baseapp/time.ts";
import { type Basic, decodeAllowance, type FeeAllowance } from "./allowance.ts";

type Amino = { type: string; value: Record<string, unknown> };

function aminoTime(ns: bigint): string {
  const { seconds, nanos } = nsToTimestamp(ns);
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const frac = nanos === 0 ? "" : `.${String(nanos).padStart(9, "0").replace(/0+$/, "")}`;
  return `${base}${frac}Z`;
}

function basicValue(b: Basic): Record<string, unknown> {
  const v: Record<string, unknown> = { spend_limit: toProtoCoins(b.spendLimit) };
  if (b.expirationNs !== undefined) v.expiration = aminoTime(b.expirationNs);
  return v;
}

export function allowanceToAmino(a: FeeAllowance): Amino {
  switch (a.kind) {
    case "basic":
      return { type: "cosmos-sdk/BasicAllowance", value: basicValue(a) };
    case "periodic":
      return {
        type: "cosmos-sdk/PeriodicAllowance",
        value: {
          basic: basicValue(a.basic),
          period: a.periodNs.toString(),
          period_spend_limit: toProtoCoins(a.periodSpendLimit),
          period_can_spend: toProtoCoins(a.periodCanSpend),
          period_reset: aminoTime(a.periodResetNs),
        },
      };
    case "allowedMsg": {
      const v: Record<string, unknown> = {};
      if (a.allowance) v.allowance = allowanceToAmino(a.allowance);
      if (a.allowedMessages.length > 0) v.allowed_messages = a.allowedMessages;
      return { type: "cosmos-sdk/AllowedMsgAllowance", value: v };
    }
  }
}

/** strings are omitted when empty, as the aminojson encoder omits zero values */
function strings(o: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== ""));
}

export function grantAllowanceToAmino(m: MsgGrantAllowance): Amino {
  const value = strings({ granter: m.granter, grantee: m.grantee });
  if (m.allowance) value.allowance = allowanceToAmino(decodeAllowance(m.allowance));
  return { type: "cosmos-sdk/MsgGrantAllowance", value };
}

export function revokeAllowanceToAmino(m: MsgRevokeAllowance): Amino {
  return { type: "cosmos-sdk/MsgRevokeAllowance", value: strings({ granter: m.granter, grantee: m.grantee }) };
}

export function pruneAllowancesToAmino(m: MsgPruneAllowances): Amino {
  return { type: "cosmos-sdk/MsgPruneAllowances", value: strings({ pruner: m.pruner }) };
}
