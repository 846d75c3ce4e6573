// Store layout of x/feegrant (SDK v0.50 x/feegrant/key.go), store key "feegrant":
//   0x00 | len(grantee) | grantee | len(granter) | granter            -> Grant proto
//   0x01 | FormatTimeBytes(expiration) | len(grantee) | grantee | len(granter) | granter -> empty
// Grants sit under their grantee, so "allowances of a grantee" is one prefix scan.
import { concat } from "../../chain/types/bytes.ts";

export const ModuleName = "feegrant";
export const StoreKey = "feegrant";

export const FeeAllowanceKeyPrefix = new Uint8Array([0x00]);
export const FeeAllowanceQueueKeyPrefix = new Uint8Array([0x01]);

/** length of sdk.FormatTimeBytes: "2006-01-02T15:04:05.000000000" */
const TIME_BYTES_LEN = 29;

const enc = new TextEncoder();

function lengthPrefixed(addr: Uint8Array): Uint8Array {
  if (addr.length > 255) throw new Error(`address length ${addr.length} exceeds 255`);
  return concat([addr.length], addr);
}

/** len(grantee) | grantee | len(granter) | granter: the pair part shared by both keys */
export function granteeGranterKey(granter: Uint8Array, grantee: Uint8Array): Uint8Array {
  return concat(lengthPrefixed(grantee), lengthPrefixed(granter));
}

export function feeAllowanceKey(granter: Uint8Array, grantee: Uint8Array): Uint8Array {
  return concat(FeeAllowanceKeyPrefix, granteeGranterKey(granter, grantee));
}

/** the prefix of every grant a grantee holds */
export function feeAllowancePrefixByGrantee(grantee: Uint8Array): Uint8Array {
  return concat(FeeAllowanceKeyPrefix, lengthPrefixed(grantee));
}

/** Splits a pair key (without its 0x00 or queue prefix) into its addresses. */
export function parseGranteeGranterKey(key: Uint8Array): { grantee: Uint8Array; granter: Uint8Array } {
  const n = key[0];
  const grantee = key.subarray(1, 1 + n);
  const m = key[1 + n];
  const granter = key.subarray(2 + n, 2 + n + m);
  if (grantee.length !== n || granter.length !== m || n === undefined || m === undefined) {
    throw new Error("malformed fee allowance key");
  }
  return { grantee, granter };
}

/** sdk.FormatTimeBytes of a time in nanoseconds since the epoch (UTC, nine fraction digits). */
export function formatTimeBytes(ns: bigint): Uint8Array {
  const ms = ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString(); // 2006-01-02T15:04:05.000Z
  const frac = (((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, "0");
  return enc.encode(`${iso.slice(0, 19)}.${frac}`);
}

/** 0x01 | FormatTimeBytes(exp): every queue entry up to and including exp sorts at or before this */
export function allowanceByExpTimeKey(expNs: bigint): Uint8Array {
  return concat(FeeAllowanceQueueKeyPrefix, formatTimeBytes(expNs));
}

export function feeAllowanceQueueKey(expNs: bigint, granter: Uint8Array, grantee: Uint8Array): Uint8Array {
  return concat(allowanceByExpTimeKey(expNs), granteeGranterKey(granter, grantee));
}

/** The pair of a queue key (with its 0x01 prefix). */
export function parseQueueKey(key: Uint8Array): { grantee: Uint8Array; granter: Uint8Array } {
  return parseGranteeGranterKey(key.subarray(1 + TIME_BYTES_LEN));
}
