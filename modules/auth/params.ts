// x/auth parameters (cosmos.auth.v1beta1.Params) with the SDK defaults.
import { Params } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";

export type AuthParams = Params;

export function defaultParams(): AuthParams {
  return {
    maxMemoCharacters: 256n,
    txSigLimit: 7n,
    txSizeCostPerByte: 10n,
    sigVerifyCostEd25519: 590n,
    sigVerifyCostSecp256k1: 1000n,
  };
}

export function validateParams(p: AuthParams): void {
  for (const [k, v] of Object.entries(p)) {
    if (typeof v !== "bigint" || v <= 0n) throw ErrInvalidRequest.wrap(`invalid auth parameter ${k}: ${String(v)}`);
  }
}

export function encodeParams(p: AuthParams): Uint8Array {
  return Params.encode(p).finish();
}

export function decodeParams(b: Uint8Array): AuthParams {
  return Params.decode(b);
}

export interface ParamsJson {
  max_memo_characters: string;
  tx_sig_limit: string;
  tx_size_cost_per_byte: string;
  sig_verify_cost_ed25519: string;
  sig_verify_cost_secp256k1: string;
}

export function paramsToJson(p: AuthParams): ParamsJson {
  return {
    max_memo_characters: p.maxMemoCharacters.toString(),
    tx_sig_limit: p.txSigLimit.toString(),
    tx_size_cost_per_byte: p.txSizeCostPerByte.toString(),
    sig_verify_cost_ed25519: p.sigVerifyCostEd25519.toString(),
    sig_verify_cost_secp256k1: p.sigVerifyCostSecp256k1.toString(),
  };
}

function big(v: unknown, name: string): bigint {
  if (typeof v === "string" && /^[0-9]+$/.test(v)) return BigInt(v);
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw ErrInvalidRequest.wrap(`invalid auth parameter ${name}: ${String(v)}`);
}

export function paramsFromJson(j: Partial<ParamsJson> | undefined): AuthParams {
  const d = paramsToJson(defaultParams());
  const x = { ...d, ...(j ?? {}) };
  return {
    maxMemoCharacters: big(x.max_memo_characters, "max_memo_characters"),
    txSigLimit: big(x.tx_sig_limit, "tx_sig_limit"),
    txSizeCostPerByte: big(x.tx_size_cost_per_byte, "tx_size_cost_per_byte"),
    sigVerifyCostEd25519: big(x.sig_verify_cost_ed25519, "sig_verify_cost_ed25519"),
    sigVerifyCostSecp256k1: big(x.sig_verify_cost_secp256k1, "sig_verify_cost_secp256k1"),
  };
}
