// CosmJS amino converters for x/authz (SIGN_MODE_LEGACY_AMINO_JSON: Ledger, Keplr's amino mode), which
// CosmJS does not ship (its createAuthzAminoConverters is empty): cosmos-sdk/MsgGrant, MsgRevoke and
// MsgExec, written as the SDK v0.50 aminojson encoder writes them. Their Anys become {type: amino name,
// value}: a grant's authorization (cosmos-sdk/GenericAuthorization, cosmos-sdk/SendAuthorization,
// dgrid/InferenceAuthorization) and each message of a MsgExec, converted by the converter of its own
// type (amino-any-msg.ts: CosmJS's defaults, the DGrid Msgs, feegrant, gov v1 and these).
// The app uses the same converters to check amino signatures, so client and node agree byte for byte.
import type { AminoConverter, AminoConverters } from "@cosmjs/stargate";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { MsgExec, MsgGrant, MsgRevoke } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { SendAuthorization } from "cosmjs-types/cosmos/bank/v1beta1/authz";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { InferenceAuthorization } from "../proto/gen/dgrid/inference/v1/authz.ts";
import { Coin, field, msg } from "./amino.ts";
import { msgListFromAmino, msgListToAmino } from "./amino-any-msg.ts";
import { type AminoAny, aminoAny, type MessageSpec, messageFromAmino, messageToAmino } from "./amino-json.ts";

/** An authorization type: its type URL, amino name, field table and ts-proto codec. */
export interface AminoAuthorization {
  typeUrl: string;
  aminoType: string;
  spec: MessageSpec;
  codec: {
    decode(bytes: Uint8Array): unknown;
    encode(message: any): { finish(): Uint8Array };
    fromPartial(object: any): any;
  };
}

export const authzAminoAuthorizations: readonly AminoAuthorization[] = [
  {
    typeUrl: GenericAuthorization.typeUrl,
    aminoType: "cosmos-sdk/GenericAuthorization",
    spec: msg("cosmos.authz.v1beta1.GenericAuthorization", field("msg", "string")),
    codec: GenericAuthorization,
  },
  {
    typeUrl: SendAuthorization.typeUrl,
    aminoType: "cosmos-sdk/SendAuthorization",
    spec: msg(
      "cosmos.bank.v1beta1.SendAuthorization",
      field("spend_limit", Coin, { repeated: true, dontOmitEmpty: true }),
      field("allow_list", "string", { repeated: true }),
    ),
    codec: SendAuthorization,
  },
  {
    typeUrl: "/dgrid.inference.v1.InferenceAuthorization",
    aminoType: "dgrid/InferenceAuthorization",
    spec: msg(
      "dgrid.inference.v1.InferenceAuthorization",
      field("spend_limit", Coin, { repeated: true, dontOmitEmpty: true }),
      field("max_fee_per_request", Coin),
      field("allowed_models", "string", { repeated: true }),
      field("period", "duration"),
      field("period_spend_limit", Coin, { repeated: true }),
      field("period_can_spend", Coin, { repeated: true }),
      field("period_reset", "timestamp"),
    ),
    codec: InferenceAuthorization,
  },
];

const byTypeUrl = new Map(authzAminoAuthorizations.map((a) => [a.typeUrl, a]));
const byAminoType = new Map(authzAminoAuthorizations.map((a) => [a.aminoType, a]));

/** {type, value} must be an object with a string type and an object value */
function authorizationToAmino(any: Any): AminoAny {
  const a = byTypeUrl.get(any.typeUrl);
  if (!a) throw new Error(`amino JSON: authorization ${any.typeUrl} has no amino form`);
  return { type: a.aminoType, value: messageToAmino(a.spec, a.codec.decode(any.value)) };
}

function authorizationFromAmino(json: unknown): Any {
  const j = aminoAny(json, "grant.authorization");
  const a = byAminoType.get(j.type);
  if (!a) throw new Error(`amino JSON: grant.authorization: unknown type ${j.type}`);
  const value = a.codec.fromPartial(messageFromAmino(a.spec, j.value));
  return { typeUrl: a.typeUrl, value: a.codec.encode(value).finish() };
}

const grantSpec = msg("cosmos.authz.v1beta1.Grant", field("expiration", "timestamp"));

const msgGrant: AminoConverter = {
  aminoType: "cosmos-sdk/MsgGrant",
  toAmino: (m: MsgGrant) => {
    const value = messageToAmino(
      msg("cosmos.authz.v1beta1.MsgGrant", field("granter", "string"), field("grantee", "string")),
      m,
    );
    // grant is (amino.dont_omitempty): written even when empty; a grant's authorization and expiration are omitempty
    const grant = messageToAmino(grantSpec, m.grant ?? {});
    if (m.grant?.authorization) grant.authorization = authorizationToAmino(m.grant.authorization) as never;
    return { ...value, grant };
  },
  fromAmino: (v: Record<string, unknown>) => {
    const base = messageFromAmino(msg("MsgGrant", field("granter", "string"), field("grantee", "string")), v);
    const g = (v.grant ?? {}) as Record<string, unknown>;
    const grant = {
      authorization:
        g.authorization === undefined || g.authorization === null ? undefined : authorizationFromAmino(g.authorization),
      expiration: messageFromAmino(grantSpec, g, "grant").expiration as MsgGrant["grant"]["expiration"],
    };
    return MsgGrant.fromPartial({ ...base, grant });
  },
};

const revokeSpec = msg(
  "cosmos.authz.v1beta1.MsgRevoke",
  field("granter", "string"),
  field("grantee", "string"),
  field("msg_type_url", "string"),
);

const msgRevoke: AminoConverter = {
  aminoType: "cosmos-sdk/MsgRevoke",
  toAmino: (m: MsgRevoke) => messageToAmino(revokeSpec, m),
  fromAmino: (v: unknown) => MsgRevoke.fromPartial(messageFromAmino(revokeSpec, v) as Partial<MsgRevoke>),
};

const msgExec: AminoConverter = {
  aminoType: "cosmos-sdk/MsgExec",
  toAmino: (m: MsgExec) => {
    const value: Record<string, unknown> = m.grantee ? { grantee: m.grantee } : {};
    const msgs = msgListToAmino(m.msgs, "msgs");
    if (msgs) value.msgs = msgs;
    return value;
  },
  fromAmino: (v: Record<string, unknown>) => {
    const grantee = messageFromAmino(msg("MsgExec", field("grantee", "string")), v).grantee as string;
    return MsgExec.fromPartial({ grantee, msgs: msgListFromAmino(v.msgs, "msgs") });
  },
};

/** typeUrl -> CosmJS amino converter for MsgGrant, MsgRevoke and MsgExec. */
export const authzAminoConverters: AminoConverters = {
  [MsgGrant.typeUrl]: msgGrant,
  [MsgRevoke.typeUrl]: msgRevoke,
  [MsgExec.typeUrl]: msgExec,
};
