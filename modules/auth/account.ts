// Accounts as the SDK stores them: Any-packed cosmos.auth.v1beta1.BaseAccount / ModuleAccount.
// In memory one shape covers both (module set for module accounts).
import { BaseAccount, ModuleAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { Any } from "cosmjs-types/google/protobuf/any";
import { ErrInvalidPubKey, ErrInvalidRequest, ErrUnpackAny } from "../../chain/errors/errors.ts";
import { Secp256k1PubKeyTypeUrl, secp256k1PubKeyAny } from "../../chain/types/pubkey.ts";

export const BaseAccountTypeUrl = "/cosmos.auth.v1beta1.BaseAccount";
export const ModuleAccountTypeUrl = "/cosmos.auth.v1beta1.ModuleAccount";

export interface Account {
  address: string;
  pubKey?: Any;
  accountNumber: bigint;
  sequence: bigint;
  module?: { name: string; permissions: string[] };
}

export function accountToAny(a: Account): Any {
  const base: BaseAccount = {
    address: a.address,
    pubKey: a.pubKey,
    accountNumber: a.accountNumber,
    sequence: a.sequence,
  };
  if (a.module) {
    return {
      typeUrl: ModuleAccountTypeUrl,
      value: ModuleAccount.encode({
        baseAccount: base,
        name: a.module.name,
        permissions: a.module.permissions,
      }).finish(),
    };
  }
  return { typeUrl: BaseAccountTypeUrl, value: BaseAccount.encode(base).finish() };
}

export function accountFromAny(any: Any): Account {
  if (any.typeUrl === BaseAccountTypeUrl) {
    const b = BaseAccount.decode(any.value);
    return { address: b.address, pubKey: b.pubKey, accountNumber: b.accountNumber, sequence: b.sequence };
  }
  if (any.typeUrl === ModuleAccountTypeUrl) {
    const m = ModuleAccount.decode(any.value);
    const b = m.baseAccount ?? BaseAccount.fromPartial({});
    return {
      address: b.address,
      pubKey: b.pubKey,
      accountNumber: b.accountNumber,
      sequence: b.sequence,
      module: { name: m.name, permissions: m.permissions },
    };
  }
  throw ErrUnpackAny.wrap(`unknown account type ${any.typeUrl}`);
}

export function encodeAccount(a: Account): Uint8Array {
  return Any.encode(accountToAny(a)).finish();
}

/** Accounts already decoded, by the stored bytes object (stores hand back the same object per read). */
const decodedAccounts = new WeakMap<Uint8Array, Account>();

/** Decodes stored account bytes; the result is the caller's own (callers change sequence, pubKey). */
export function decodeAccount(b: Uint8Array): Account {
  let a = decodedAccounts.get(b);
  if (!a) {
    a = accountFromAny(Any.decode(b));
    decodedAccounts.set(b, a);
  }
  const copy: Account = { ...a };
  if (a.module) copy.module = { name: a.module.name, permissions: [...a.module.permissions] };
  return copy;
}

// ---- genesis / amino-JSON shapes (snake_case, "@type", numbers as strings) ----

type Json = Record<string, unknown>;

function pubKeyToJson(pk: Any | undefined): Json | null {
  if (!pk) return null;
  if (pk.typeUrl === Secp256k1PubKeyTypeUrl) {
    return { "@type": pk.typeUrl, key: Buffer.from(Secp256k1PubKey.decode(pk.value).key).toString("base64") };
  }
  return { "@type": pk.typeUrl, value: Buffer.from(pk.value).toString("base64") };
}

function pubKeyFromJson(j: unknown): Any | undefined {
  if (j === null || j === undefined) return undefined;
  const o = j as Json;
  if (o["@type"] === Secp256k1PubKeyTypeUrl && typeof o.key === "string") {
    return secp256k1PubKeyAny(new Uint8Array(Buffer.from(o.key, "base64")));
  }
  throw ErrInvalidPubKey.wrap(`unsupported genesis pub_key ${JSON.stringify(j)}`);
}

function baseToJson(a: Account): Json {
  return {
    address: a.address,
    pub_key: pubKeyToJson(a.pubKey),
    account_number: a.accountNumber.toString(),
    sequence: a.sequence.toString(),
  };
}

function u64(v: unknown, name: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === "string" && /^[0-9]+$/.test(v)) return BigInt(v);
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw ErrInvalidRequest.wrap(`invalid ${name}: ${String(v)}`);
}

function baseFromJson(o: Json): Account {
  if (typeof o.address !== "string") throw ErrInvalidRequest.wrap("account without address");
  return {
    address: o.address,
    pubKey: pubKeyFromJson(o.pub_key),
    accountNumber: u64(o.account_number, "account_number"),
    sequence: u64(o.sequence, "sequence"),
  };
}

export function accountToJson(a: Account): Json {
  if (a.module) {
    return {
      "@type": ModuleAccountTypeUrl,
      base_account: baseToJson(a),
      name: a.module.name,
      permissions: [...a.module.permissions],
    };
  }
  return { "@type": BaseAccountTypeUrl, ...baseToJson(a) };
}

export function accountFromJson(j: unknown): Account {
  const o = (j ?? {}) as Json;
  if (o["@type"] === BaseAccountTypeUrl) return baseFromJson(o);
  if (o["@type"] === ModuleAccountTypeUrl) {
    const base = baseFromJson((o.base_account ?? {}) as Json);
    if (typeof o.name !== "string" || o.name === "") throw ErrInvalidRequest.wrap("module account without name");
    const perms = Array.isArray(o.permissions) ? o.permissions.map(String) : [];
    return { ...base, module: { name: o.name, permissions: perms } };
  }
  throw ErrInvalidRequest.wrap(`unknown genesis account type ${String(o["@type"])}`);
}
