// Store layout of x/authz (SDK v0.50 x/authz/keeper/keys.go), store key "authz", plus the index of
// inference requests paid under an InferenceAuthorization (prefixes 0x03 / 0x04, DGrid's own).

import { concat, u64be } from "../../chain/types/bytes.ts";
import { formatTimeBytes } from "../../chain/types/time.ts";

export const StoreKey = "authz";
export const ModuleName = "authz";

/** 0x01 | len(granter) | granter | len(grantee) | grantee | msg type URL -> Grant */
export const GrantPrefix = new Uint8Array([0x01]);
/** 0x02 | expiration (sdk.FormatTimeBytes) | len(granter) | granter | len(grantee) | grantee -> GrantQueueItem */
export const GrantQueuePrefix = new Uint8Array([0x02]);
/** 0x03 | request id (u64 BE) -> GrantedRequest */
export const GrantedRequestPrefix = new Uint8Array([0x03]);
/** 0x04 | len(granter) | granter | len(grantee) | grantee | request id -> empty (the pair's open requests) */
export const GrantedRequestByPairPrefix = new Uint8Array([0x04]);

const enc = new TextEncoder();
const dec = new TextDecoder();

function lenPrefixed(b: Uint8Array): Uint8Array {
  if (b.length > 255) throw new Error(`address of ${b.length} bytes is too long`);
  return concat([b.length], b);
}

/** granter and grantee, length-prefixed (the SDK's address.MustLengthPrefix twice). */
export function pairBytes(granter: Uint8Array, grantee: Uint8Array): Uint8Array {
  return concat(lenPrefixed(granter), lenPrefixed(grantee));
}

/** The grant key; with msgType "" the prefix of all grants from granter to grantee. */
export function grantStoreKey(granter: Uint8Array, grantee: Uint8Array, msgType: string): Uint8Array {
  return concat(GrantPrefix, pairBytes(granter, grantee), enc.encode(msgType));
}

export function granterPrefix(granter: Uint8Array): Uint8Array {
  return concat(GrantPrefix, lenPrefixed(granter));
}

/** Splits a grant key without its 0x01 prefix. */
export function parseGrantKey(rest: Uint8Array): { granter: Uint8Array; grantee: Uint8Array; msgType: string } {
  const n1 = rest[0];
  const granter = rest.subarray(1, 1 + n1);
  const n2 = rest[1 + n1];
  const grantee = rest.subarray(2 + n1, 2 + n1 + n2);
  return { granter, grantee, msgType: dec.decode(rest.subarray(2 + n1 + n2)) };
}

export function grantQueueTimePrefix(ns: bigint): Uint8Array {
  return concat(GrantQueuePrefix, formatTimeBytes(ns));
}

export function grantQueueKey(ns: bigint, granter: Uint8Array, grantee: Uint8Array): Uint8Array {
  return concat(grantQueueTimePrefix(ns), pairBytes(granter, grantee));
}

/** Splits a queue key without its 0x02 prefix (the time is 29 bytes). */
export function parseGrantQueueKey(rest: Uint8Array): { granter: Uint8Array; grantee: Uint8Array } {
  const { granter, grantee } = parseGrantKey(rest.subarray(29));
  return { granter, grantee };
}

export function grantedRequestKey(id: bigint): Uint8Array {
  return concat(GrantedRequestPrefix, u64be(id));
}

export function grantedRequestPairPrefix(granter: Uint8Array, grantee: Uint8Array): Uint8Array {
  return concat(GrantedRequestByPairPrefix, pairBytes(granter, grantee));
}

export function grantedRequestPairKey(granter: Uint8Array, grantee: Uint8Array, id: bigint): Uint8Array {
  return concat(grantedRequestPairPrefix(granter, grantee), u64be(id));
}
