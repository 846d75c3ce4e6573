// CosmJS amino converters for x/feegrant (SIGN_MODE_LEGACY_AMINO_JSON: Ledger, Keplr's amino mode), which
// CosmJS does not ship (its createFeegrantAminoConverters is empty): cosmos-sdk/MsgGrantAllowance,
// MsgRevokeAllowance and MsgPruneAllowances, written as the SDK v0.50 aminojson encoder writes them. A
// grant's allowance Any becomes {type: amino name, value}: cosmos-sdk/BasicAllowance, PeriodicAllowance
// (its basic, period, limits and reset always written: dont_omitempty) and AllowedMsgAllowance (whose
// own allowance is converted the same way). The app checks amino signatures with these same converters,
// so client and node agree byte for byte (`dgrid agent create` sends a MsgGrantAllowance).
import type { AminoConverter, AminoConverters } from "@cosmjs/stargate";
import { AllowedMsgAllowance, BasicAllowance, PeriodicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import { MsgGrantAllowance, MsgPruneAllowances, MsgRevokeAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { Coin, field, msg } from "./amino.ts";
import { type AminoAny, aminoAny, type MessageSpec, messageFromAmino, messageToAmino } from "./amino-json.ts";

const basicSpec = msg(
  "cosmos.feegrant.v1beta1.BasicAllowance",
  field("spend_limit", Coin, { repeated: true, dontOmitEmpty: true }),
  field("expiration", "timestamp"),
);

const periodicSpec = msg(
  "cosmos.feegrant.v1beta1.PeriodicAllowance",
  field("basic", basicSpec, { dontOmitEmpty: true }),
  field("period", "duration", { dontOmitEmpty: true }),
  field("period_spend_limit", Coin, { repeated: true, dontOmitEmpty: true }),
  field("period_can_spend", Coin, { repeated: true, dontOmitEmpty: true }),
  field("period_reset", "timestamp", { dontOmitEmpty: true }),
);

/** the fields of AllowedMsgAllowance besides its allowance Any */
const allowedSpec = msg(
  "cosmos.feegrant.v1beta1.AllowedMsgAllowance",
  field("allowed_messages", "string", { repeated: true }),
);

/** An allowance type: its type URL, amino name and field table (AllowedMsgAllowance's Any aside). */
export interface AminoAllowance {
  typeUrl: string;
  aminoType: string;
  spec: MessageSpec;
}

export const feegrantAminoAllowances: readonly AminoAllowance[] = [
  { typeUrl: BasicAllowance.typeUrl, aminoType: "cosmos-sdk/BasicAllowance", spec: basicSpec },
  { typeUrl: PeriodicAllowance.typeUrl, aminoType: "cosmos-sdk/PeriodicAllowance", spec: periodicSpec },
  { typeUrl: AllowedMsgAllowance.typeUrl, aminoType: "cosmos-sdk/AllowedMsgAllowance", spec: allowedSpec },
];

const ZERO_TIME = { seconds: 0n, nanos: 0 };

/** An allowance Any as amino JSON {type, value}. */
export function allowanceToAmino(any: Any, path = "allowance"): AminoAny {
  switch (any.typeUrl) {
    case BasicAllowance.typeUrl:
      return { type: "cosmos-sdk/BasicAllowance", value: messageToAmino(basicSpec, BasicAllowance.decode(any.value)) };
    case PeriodicAllowance.typeUrl: {
      // non-nullable in the SDK (gogoproto): an absent one is its zero value, written as such
      const p = PeriodicAllowance.decode(any.value);
      const filled = {
        ...p,
        basic: p.basic ?? BasicAllowance.fromPartial({}),
        period: p.period ?? ZERO_TIME,
        periodReset: p.periodReset ?? ZERO_TIME,
      };
      return { type: "cosmos-sdk/PeriodicAllowance", value: messageToAmino(periodicSpec, filled) };
    }
    case AllowedMsgAllowance.typeUrl: {
      const a = AllowedMsgAllowance.decode(any.value);
      const value: Record<string, unknown> = a.allowance
        ? { allowance: allowanceToAmino(a.allowance, `${path}.allowance`) }
        : {};
      return { type: "cosmos-sdk/AllowedMsgAllowance", value: { ...value, ...messageToAmino(allowedSpec, a) } };
    }
    default:
      throw new Error(`amino JSON: ${path}: allowance ${any.typeUrl} has no amino form`);
  }
}

/** Amino JSON {type, value} of an allowance back to its Any. */
export function allowanceFromAmino(json: unknown, path = "allowance"): Any {
  const j = aminoAny(json, path);
  switch (j.type) {
    case "cosmos-sdk/BasicAllowance": {
      const v = BasicAllowance.fromPartial(messageFromAmino(basicSpec, j.value, path) as Partial<BasicAllowance>);
      return { typeUrl: BasicAllowance.typeUrl, value: BasicAllowance.encode(v).finish() };
    }
    case "cosmos-sdk/PeriodicAllowance": {
      const v = PeriodicAllowance.fromPartial(
        messageFromAmino(periodicSpec, j.value, path) as Partial<PeriodicAllowance>,
      );
      return { typeUrl: PeriodicAllowance.typeUrl, value: PeriodicAllowance.encode(v).finish() };
    }
    case "cosmos-sdk/AllowedMsgAllowance": {
      const inner = j.value.allowance;
      const v = AllowedMsgAllowance.fromPartial({
        ...messageFromAmino(allowedSpec, j.value, path),
        allowance: inner === undefined || inner === null ? undefined : allowanceFromAmino(inner, `${path}.allowance`),
      });
      return { typeUrl: AllowedMsgAllowance.typeUrl, value: AllowedMsgAllowance.encode(v).finish() };
    }
    default:
      throw new Error(`amino JSON: ${path}: unknown allowance type ${j.type}`);
  }
}

const pairSpec = msg(
  "cosmos.feegrant.v1beta1.MsgRevokeAllowance",
  field("granter", "string"),
  field("grantee", "string"),
);
const pruneSpec = msg("cosmos.feegrant.v1beta1.MsgPruneAllowances", field("pruner", "string"));

const msgGrantAllowance: AminoConverter = {
  aminoType: "cosmos-sdk/MsgGrantAllowance",
  toAmino: (m: MsgGrantAllowance) => {
    const value: Record<string, unknown> = messageToAmino(pairSpec, m, "MsgGrantAllowance");
    if (m.allowance) value.allowance = allowanceToAmino(m.allowance);
    return value;
  },
  fromAmino: (v: Record<string, unknown>) =>
    MsgGrantAllowance.fromPartial({
      ...messageFromAmino(pairSpec, v, "MsgGrantAllowance"),
      allowance: v.allowance === undefined || v.allowance === null ? undefined : allowanceFromAmino(v.allowance),
    }),
};

const msgRevokeAllowance: AminoConverter = {
  aminoType: "cosmos-sdk/MsgRevokeAllowance",
  toAmino: (m: MsgRevokeAllowance) => messageToAmino(pairSpec, m),
  fromAmino: (v: unknown) =>
    MsgRevokeAllowance.fromPartial(messageFromAmino(pairSpec, v) as Partial<MsgRevokeAllowance>),
};

const msgPruneAllowances: AminoConverter = {
  aminoType: "cosmos-sdk/MsgPruneAllowances",
  toAmino: (m: MsgPruneAllowances) => messageToAmino(pruneSpec, m),
  fromAmino: (v: unknown) =>
    MsgPruneAllowances.fromPartial(messageFromAmino(pruneSpec, v) as Partial<MsgPruneAllowances>),
};

/** typeUrl -> CosmJS amino converter for MsgGrantAllowance, MsgRevokeAllowance and MsgPruneAllowances. */
export const feegrantAminoConverters: AminoConverters = {
  [MsgGrantAllowance.typeUrl]: msgGrantAllowance,
  [MsgRevokeAllowance.typeUrl]: msgRevokeAllowance,
  [MsgPruneAllowances.typeUrl]: msgPruneAllowances,
};
