// The SDK's JSON form of a signed transaction (protojson with original field names, as
// `simd genesis gentx` writes it) for gentxs: TxRaw <-> JSON. Only MsgCreateValidator (and MsgDelegate)
// messages are supported, which is all a gentx may carry. Decoding re-encodes body and auth info with
// the same deterministic protobuf encoding, so the signed bytes are reproduced exactly.
import { fromBase64, toBase64 } from "@cosmjs/encoding";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { MsgCreateValidator, MsgDelegate } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { SignMode, signModeFromJSON, signModeToJSON } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { decFromProtoString, decToProtoString, formatDec, parseDec } from "../../chain/baseapp/dec.ts";
import { ErrTxDecode } from "../../chain/errors/errors.ts";

export type TxJson = {
  body: {
    messages: Record<string, any>[];
    memo: string;
    timeout_height: string;
    extension_options: unknown[];
    non_critical_extension_options: unknown[];
  };
  auth_info: {
    signer_infos: {
      public_key: { "@type": string; key: string } | null;
      mode_info: { single: { mode: string } };
      sequence: string;
    }[];
    fee: { amount: { denom: string; amount: string }[]; gas_limit: string; payer: string; granter: string };
    tip: null;
  };
  signatures: string[];
};

const ED25519 = "/cosmos.crypto.ed25519.PubKey";
const SECP256K1 = "/cosmos.crypto.secp256k1.PubKey";

function pubKeyToJson(any: Any): { "@type": string; key: string } {
  if (any.typeUrl === ED25519) return { "@type": ED25519, key: toBase64(Ed25519PubKey.decode(any.value).key) };
  if (any.typeUrl === SECP256K1) return { "@type": SECP256K1, key: toBase64(Secp256k1PubKey.decode(any.value).key) };
  throw ErrTxDecode.wrap(`unsupported public key type ${any.typeUrl}`);
}

function pubKeyFromJson(j: { "@type": string; key: string }): Any {
  if (j?.["@type"] === ED25519)
    return { typeUrl: ED25519, value: Ed25519PubKey.encode({ key: fromBase64(j.key) }).finish() };
  if (j?.["@type"] === SECP256K1)
    return { typeUrl: SECP256K1, value: Secp256k1PubKey.encode({ key: fromBase64(j.key) }).finish() };
  throw ErrTxDecode.wrap(`unsupported public key type ${String(j?.["@type"])}`);
}

function msgToJson(any: Any): Record<string, any> {
  if (any.typeUrl === MsgCreateValidator.typeUrl) {
    const m = MsgCreateValidator.decode(any.value);
    if (!m.pubkey) throw ErrTxDecode.wrap("MsgCreateValidator without pubkey");
    return {
      "@type": any.typeUrl,
      description: {
        moniker: m.description.moniker,
        identity: m.description.identity,
        website: m.description.website,
        security_contact: m.description.securityContact,
        details: m.description.details,
      },
      commission: {
        rate: formatDec(decFromProtoString(m.commission.rate)),
        max_rate: formatDec(decFromProtoString(m.commission.maxRate)),
        max_change_rate: formatDec(decFromProtoString(m.commission.maxChangeRate)),
      },
      min_self_delegation: m.minSelfDelegation,
      delegator_address: m.delegatorAddress,
      validator_address: m.validatorAddress,
      pubkey: pubKeyToJson(m.pubkey),
      value: { denom: m.value.denom, amount: m.value.amount },
    };
  }
  if (any.typeUrl === MsgDelegate.typeUrl) {
    const m = MsgDelegate.decode(any.value);
    return {
      "@type": any.typeUrl,
      delegator_address: m.delegatorAddress,
      validator_address: m.validatorAddress,
      amount: { denom: m.amount.denom, amount: m.amount.amount },
    };
  }
  throw ErrTxDecode.wrap(`message ${any.typeUrl} is not supported in a genesis transaction`);
}

function msgFromJson(j: Record<string, any>): Any {
  const t = j?.["@type"];
  if (t === MsgCreateValidator.typeUrl) {
    const d = j.description ?? {};
    const c = j.commission ?? {};
    const m = MsgCreateValidator.fromPartial({
      description: {
        moniker: String(d.moniker ?? ""),
        identity: String(d.identity ?? ""),
        website: String(d.website ?? ""),
        securityContact: String(d.security_contact ?? ""),
        details: String(d.details ?? ""),
      },
      commission: {
        rate: decToProtoString(parseDec(String(c.rate ?? "0"))),
        maxRate: decToProtoString(parseDec(String(c.max_rate ?? "0"))),
        maxChangeRate: decToProtoString(parseDec(String(c.max_change_rate ?? "0"))),
      },
      minSelfDelegation: String(j.min_self_delegation ?? ""),
      delegatorAddress: String(j.delegator_address ?? ""),
      validatorAddress: String(j.validator_address ?? ""),
      pubkey: pubKeyFromJson(j.pubkey),
      value: { denom: String(j.value?.denom ?? ""), amount: String(j.value?.amount ?? "") },
    });
    return { typeUrl: t, value: MsgCreateValidator.encode(m).finish() };
  }
  if (t === MsgDelegate.typeUrl) {
    const m = MsgDelegate.fromPartial({
      delegatorAddress: String(j.delegator_address ?? ""),
      validatorAddress: String(j.validator_address ?? ""),
      amount: { denom: String(j.amount?.denom ?? ""), amount: String(j.amount?.amount ?? "") },
    });
    return { typeUrl: t, value: MsgDelegate.encode(m).finish() };
  }
  throw ErrTxDecode.wrap(`message ${String(t)} is not supported in a genesis transaction`);
}

export function txToJson(raw: TxRaw): TxJson {
  const body = TxBody.decode(raw.bodyBytes);
  const auth = AuthInfo.decode(raw.authInfoBytes);
  if (body.extensionOptions.length > 0 || body.nonCriticalExtensionOptions.length > 0)
    throw ErrTxDecode.wrap("extension options are not supported in a genesis transaction");
  return {
    body: {
      messages: body.messages.map(msgToJson),
      memo: body.memo,
      timeout_height: body.timeoutHeight.toString(),
      extension_options: [],
      non_critical_extension_options: [],
    },
    auth_info: {
      signer_infos: auth.signerInfos.map((s) => {
        const mode = s.modeInfo?.single?.mode;
        if (mode === undefined) throw ErrTxDecode.wrap("only single-signer mode infos are supported");
        return {
          public_key: s.publicKey ? pubKeyToJson(s.publicKey) : null,
          mode_info: { single: { mode: signModeToJSON(mode) } },
          sequence: s.sequence.toString(),
        };
      }),
      fee: {
        amount: (auth.fee?.amount ?? []).map((c) => ({ denom: c.denom, amount: c.amount })),
        gas_limit: (auth.fee?.gasLimit ?? 0n).toString(),
        payer: auth.fee?.payer ?? "",
        granter: auth.fee?.granter ?? "",
      },
      tip: null,
    },
    signatures: raw.signatures.map((s) => toBase64(s)),
  };
}

export function txFromJson(json: unknown): TxRaw {
  const j = json as TxJson;
  if (!j || typeof j !== "object" || !j.body || !j.auth_info || !Array.isArray(j.signatures))
    throw ErrTxDecode.wrap("a transaction must have body, auth_info and signatures");
  const body = TxBody.fromPartial({
    messages: (j.body.messages ?? []).map(msgFromJson),
    memo: String(j.body.memo ?? ""),
    timeoutHeight: BigInt(j.body.timeout_height ?? "0"),
  });
  const fee = j.auth_info.fee ?? { amount: [], gas_limit: "0", payer: "", granter: "" };
  const auth = AuthInfo.fromPartial({
    signerInfos: (j.auth_info.signer_infos ?? []).map((s) => {
      const mode = signModeFromJSON(s.mode_info?.single?.mode);
      if (mode === SignMode.UNRECOGNIZED) throw ErrTxDecode.wrap(`unknown sign mode ${s.mode_info?.single?.mode}`);
      return {
        publicKey: s.public_key ? pubKeyFromJson(s.public_key) : undefined,
        modeInfo: { single: { mode } },
        sequence: BigInt(s.sequence ?? "0"),
      };
    }),
    fee: {
      amount: (fee.amount ?? []).map((c) => ({ denom: String(c.denom), amount: String(c.amount) })),
      gasLimit: BigInt(fee.gas_limit ?? "0"),
      payer: String(fee.payer ?? ""),
      granter: String(fee.granter ?? ""),
    },
  });
  return {
    bodyBytes: TxBody.encode(body).finish(),
    authInfoBytes: AuthInfo.encode(auth).finish(),
    signatures: j.signatures.map((s) => fromBase64(String(s))),
  };
}

export function txBytesFromJson(json: unknown): Uint8Array {
  return TxRaw.encode(txFromJson(json)).finish();
}
