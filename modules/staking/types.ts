// Validator / delegation arithmetic as x/staking/types/validator.go, on the cosmjs-types structures
// (tokens: Int as a decimal string; delegator_shares and shares: LegacyDec atoms strings).
import { createHash } from "node:crypto";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { BondStatus, type Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import {
  type Dec,
  decFromInt,
  decFromProtoString,
  decQuo,
  decQuoTruncate,
  decToProtoString,
  decTruncateInt,
} from "../../chain/baseapp/dec.ts";
import { ErrInvalidPubKey } from "../../chain/errors/errors.ts";
import {
  addressFromString,
  addressToString,
  Bech32PrefixAccAddr,
  Bech32PrefixValAddr,
} from "../../chain/types/address.ts";
import { Ed25519PubKeyTypeUrl, ed25519PubKeyAny } from "../../chain/types/pubkey.ts";
import { ErrInsufficientShares } from "./errors.ts";

export type { Validator };
// the consensus key Any (chain/types/pubkey.ts), re-exported for staking's own files
export { BondStatus, Ed25519PubKeyTypeUrl, ed25519PubKeyAny };

export const Bech32PrefixConsAddr = "dgridvalcons";

// ---- addresses ----

export function valAddrFromString(s: string): Uint8Array {
  return addressFromString(s, Bech32PrefixValAddr);
}

export function valAddrToString(b: Uint8Array): string {
  return addressToString(b, Bech32PrefixValAddr);
}

export function accAddrFromString(s: string): Uint8Array {
  return addressFromString(s, Bech32PrefixAccAddr);
}

export function accAddrToString(b: Uint8Array): string {
  return addressToString(b, Bech32PrefixAccAddr);
}

/** The account address that operates a validator (same bytes, account prefix). */
export function operatorAccount(valoper: string): string {
  return accAddrToString(valAddrFromString(valoper));
}

export function consAddrToString(b: Uint8Array): string {
  return addressToString(b, Bech32PrefixConsAddr);
}

// ---- consensus keys ----

/** The raw ed25519 key of a consensus pubkey Any; throws ErrInvalidPubKey on anything else. */
export function consPubKeyBytes(any: Any | undefined): Uint8Array {
  if (!any) throw ErrInvalidPubKey.wrap("missing consensus public key");
  if (any.typeUrl !== Ed25519PubKeyTypeUrl) throw ErrInvalidPubKey.wrap(`unsupported consensus key ${any.typeUrl}`);
  const key = Ed25519PubKey.decode(any.value).key;
  if (key.length !== 32) throw ErrInvalidPubKey.wrap(`ed25519 public key must be 32 bytes, got ${key.length}`);
  return key;
}

/** CometBFT address: first 20 bytes of sha256(pubkey). */
export function consAddressOfKey(key: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(key).digest().subarray(0, 20));
}

export function consAddress(v: Validator): Uint8Array {
  return consAddressOfKey(consPubKeyBytes(v.consensusPubkey));
}

// ---- time ----

export function msToTimestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

export function timestampToMs(t: Timestamp | undefined): number {
  if (!t) return 0;
  return Number(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000);
}

/** time.Unix(0, 0): what NewValidator stores as "no unbonding time". */
export const EPOCH_TIMESTAMP: Timestamp = { seconds: 0n, nanos: 0 };

// ---- validator arithmetic ----

export function tokensOf(v: Validator): bigint {
  return v.tokens === "" ? 0n : BigInt(v.tokens);
}

export function sharesOf(v: Validator): Dec {
  return decFromProtoString(v.delegatorShares);
}

export function setTokens(v: Validator, t: bigint): void {
  v.tokens = t.toString();
}

export function setShares(v: Validator, s: Dec): void {
  v.delegatorShares = decToProtoString(s);
}

export function isBonded(v: Validator): boolean {
  return v.status === BondStatus.BOND_STATUS_BONDED;
}

export function isUnbonding(v: Validator): boolean {
  return v.status === BondStatus.BOND_STATUS_UNBONDING;
}

export function isUnbonded(v: Validator): boolean {
  return v.status === BondStatus.BOND_STATUS_UNBONDED;
}

/** tokens / powerReduction (sdk.TokensToConsensusPower) */
export function potentialConsensusPower(v: Validator, powerReduction: bigint): bigint {
  return tokensOf(v) / powerReduction;
}

/** Consensus power: 0 unless bonded. */
export function consensusPower(v: Validator, powerReduction: bigint): bigint {
  return isBonded(v) ? potentialConsensusPower(v, powerReduction) : 0n;
}

/** No tokens but shares outstanding: delegating would divide by zero (InvalidExRate). */
export function invalidExRate(v: Validator): boolean {
  return tokensOf(v) === 0n && sharesOf(v) > 0n;
}

/** shares * tokens / delegatorShares, rounded (TokensFromShares) */
export function tokensFromShares(v: Validator, shares: Dec): Dec {
  return decQuo(shares * tokensOf(v), sharesOf(v));
}

/** shares * tokens / delegatorShares, truncated (TokensFromSharesTruncated) */
export function tokensFromSharesTruncated(v: Validator, shares: Dec): Dec {
  return decQuoTruncate(shares * tokensOf(v), sharesOf(v));
}

/** delegatorShares * amt / tokens (SharesFromTokens: MulInt then QuoInt, which truncates) */
export function sharesFromTokens(v: Validator, amt: bigint): Dec {
  const tokens = tokensOf(v);
  if (tokens === 0n) throw ErrInsufficientShares.wrap("validator has no tokens");
  return (sharesOf(v) * amt) / tokens;
}

/** delegatorShares * amt / tokens, truncated (SharesFromTokensTruncated) */
export function sharesFromTokensTruncated(v: Validator, amt: bigint): Dec {
  const tokens = tokensOf(v);
  if (tokens === 0n) throw ErrInsufficientShares.wrap("validator has no tokens");
  return decQuoTruncate(sharesOf(v) * amt, decFromInt(tokens));
}

/** AddTokensFromDel: adds tokens, returns the shares issued for them. */
export function addTokensFromDel(v: Validator, amount: bigint): Dec {
  const shares = sharesOf(v);
  const issued = shares === 0n ? decFromInt(amount) : (shares * amount) / tokensOf(v);
  setTokens(v, tokensOf(v) + amount);
  setShares(v, shares + issued);
  return issued;
}

/** RemoveDelShares: removes shares, returns the tokens they were worth (truncated). */
export function removeDelShares(v: Validator, delShares: Dec): bigint {
  const remaining = sharesOf(v) - delShares;
  let issued: bigint;
  if (remaining === 0n) {
    issued = tokensOf(v);
    setTokens(v, 0n);
  } else {
    issued = decTruncateInt(tokensFromShares(v, delShares));
    const left = tokensOf(v) - issued;
    if (left < 0n) throw new Error("attempting to remove more tokens than available in validator");
    setTokens(v, left);
  }
  setShares(v, remaining);
  return issued;
}

export function abciValidatorUpdate(v: Validator, power: bigint): ValidatorUpdate {
  return { pubKey: { ed25519: consPubKeyBytes(v.consensusPubkey) }, power };
}
