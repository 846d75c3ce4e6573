// Store layout of x/feegrant (SDK v0.50 x/feegrant/key.go), store key "feegrant":
//   0x00 | len(grantee) | grantee | len(granter) | granter            -> Grant proto
//   0x01 | FormatTimeBytes(expiration) | len(grantee) | grantee | len(granter) | granter -> empty
// Grants sit under their grantee, so "allowances of a grantee" is one prefix scan.

import { concat } from "../../chain/types/bytes.ts";
import { formatTimeBytes } from "../../chain/types/time.ts";

export const ModuleName = "feegrant";
export const StoreKey = "feegrant";

export const FeeAllowanceKeyPrefix = new Uint8Array([0x00]);
export const FeeAllowanceQueueKeyPrefix = new Uint8Array([0x01]);

/** length of sdk.FormatTimeBytes: "2006-01-02T15:04:05.000000000" */
const TIME_BYTES_LEN = 29;

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
