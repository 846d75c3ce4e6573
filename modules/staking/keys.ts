// Store layout of x/staking (SDK v0.50 x/staking/types/keys.go prefixes), store key "staking".
// Addresses inside keys are length-prefixed (address.MustLengthPrefix); queues are keyed by time in
// sdk.FormatTimeBytes form ("2006-01-02T15:04:05.000000000", UTC) so byte order is time order.

import { concat, readU64be, u64be } from "../../chain/types/bytes.ts";
import { formatTimeBytes } from "../../chain/types/time.ts";

export const StoreKey = "staking";
export const ModuleName = "staking";
export const BondedPoolName = "bonded_tokens_pool";
export const NotBondedPoolName = "not_bonded_tokens_pool";

/** 0x11 | len | operator -> last consensus power (int64 decimal string) */
export const LastValidatorPowerKey = new Uint8Array([0x11]);
/** 0x12 -> last total power (decimal string) */
export const LastTotalPowerKey = new Uint8Array([0x12]);
/** 0x21 | len | operator -> Validator proto */
export const ValidatorsKey = new Uint8Array([0x21]);
/** 0x22 | len | consensus address -> operator address bytes */
export const ValidatorsByConsAddrKey = new Uint8Array([0x22]);
/** 0x23 | power (uint64 BE) | len | ^operator -> operator address bytes */
export const ValidatorsByPowerIndexKey = new Uint8Array([0x23]);
/** 0x31 | len | delegator | len | validator -> Delegation proto */
export const DelegationKey = new Uint8Array([0x31]);
/** 0x32 | len | delegator | len | validator -> UnbondingDelegation proto */
export const UnbondingDelegationKey = new Uint8Array([0x32]);
/** 0x33 | len | validator | len | delegator -> empty */
export const UnbondingDelegationByValIndexKey = new Uint8Array([0x33]);
/** 0x34 | len | delegator | len | src | len | dst -> Redelegation proto */
export const RedelegationKey = new Uint8Array([0x34]);
/** 0x35 | len | src | len | delegator | len | dst -> empty */
export const RedelegationByValSrcIndexKey = new Uint8Array([0x35]);
/** 0x36 | len | dst | len | delegator | len | src -> empty */
export const RedelegationByValDstIndexKey = new Uint8Array([0x36]);
/** 0x71 | len | validator | len | delegator -> empty (v0.50 DelegationByValIndexKey) */
export const DelegationByValIndexKey = new Uint8Array([0x71]);
/** 0x37 -> last unbonding id (decimal string) */
export const UnbondingIDKey = new Uint8Array([0x37]);
/** 0x41 | time -> DVPairs proto */
export const UnbondingQueueKey = new Uint8Array([0x41]);
/** 0x42 | time -> DVVTriplets proto */
export const RedelegationQueueKey = new Uint8Array([0x42]);
/** 0x43 | len(time) (uint64 BE) | time | height (uint64 BE) -> ValAddresses proto */
export const ValidatorQueueKey = new Uint8Array([0x43]);
/** 0x50 | height (decimal text) -> HistoricalInfo proto (not written: see README) */
export const HistoricalInfoKey = new Uint8Array([0x50]);
/** 0x51 -> Params proto */
export const ParamsKey = new Uint8Array([0x51]);
/** 0x61 -> ValidatorUpdates proto (the updates of the last EndBlock) */
export const ValidatorUpdatesKey = new Uint8Array([0x61]);

export function lengthPrefixed(addr: Uint8Array): Uint8Array {
  if (addr.length > 255) throw new Error(`address length ${addr.length} exceeds 255`);
  return concat(new Uint8Array([addr.length]), addr);
}

/** Reads a length-prefixed address at `offset`; returns it and the offset after it. */
export function readLengthPrefixed(key: Uint8Array, offset: number): { addr: Uint8Array; next: number } {
  const n = key[offset];
  return { addr: key.subarray(offset + 1, offset + 1 + n), next: offset + 1 + n };
}

export { readU64be, u64be } from "../../chain/types/bytes.ts";

export function validatorKey(operator: Uint8Array): Uint8Array {
  return concat(ValidatorsKey, lengthPrefixed(operator));
}

export function validatorByConsAddrKey(consAddr: Uint8Array): Uint8Array {
  return concat(ValidatorsByConsAddrKey, lengthPrefixed(consAddr));
}

export function lastValidatorPowerKey(operator: Uint8Array): Uint8Array {
  return concat(LastValidatorPowerKey, lengthPrefixed(operator));
}

/** getValidatorPowerRank: power big-endian, then the operator address inverted, so a reverse
 * iteration yields highest power first and, at equal power, the lowest address first. */
export function validatorPowerIndexKey(consensusPower: bigint, operator: Uint8Array): Uint8Array {
  const inv = operator.map((b) => ~b & 0xff);
  return concat(ValidatorsByPowerIndexKey, u64be(consensusPower), lengthPrefixed(inv));
}

export function delegationKey(del: Uint8Array, val: Uint8Array): Uint8Array {
  return concat(DelegationKey, lengthPrefixed(del), lengthPrefixed(val));
}

export function delegationsByDelegatorPrefix(del: Uint8Array): Uint8Array {
  return concat(DelegationKey, lengthPrefixed(del));
}

export function delegationByValIndexKey(val: Uint8Array, del: Uint8Array): Uint8Array {
  return concat(DelegationByValIndexKey, lengthPrefixed(val), lengthPrefixed(del));
}

export function delegationsByValidatorPrefix(val: Uint8Array): Uint8Array {
  return concat(DelegationByValIndexKey, lengthPrefixed(val));
}

export function ubdKey(del: Uint8Array, val: Uint8Array): Uint8Array {
  return concat(UnbondingDelegationKey, lengthPrefixed(del), lengthPrefixed(val));
}

export function ubdsByDelegatorPrefix(del: Uint8Array): Uint8Array {
  return concat(UnbondingDelegationKey, lengthPrefixed(del));
}

export function ubdByValIndexKey(val: Uint8Array, del: Uint8Array): Uint8Array {
  return concat(UnbondingDelegationByValIndexKey, lengthPrefixed(val), lengthPrefixed(del));
}

export function ubdsByValidatorPrefix(val: Uint8Array): Uint8Array {
  return concat(UnbondingDelegationByValIndexKey, lengthPrefixed(val));
}

export function redKey(del: Uint8Array, src: Uint8Array, dst: Uint8Array): Uint8Array {
  return concat(RedelegationKey, lengthPrefixed(del), lengthPrefixed(src), lengthPrefixed(dst));
}

export function redsByDelegatorPrefix(del: Uint8Array): Uint8Array {
  return concat(RedelegationKey, lengthPrefixed(del));
}

export function redsByDelegatorSrcPrefix(del: Uint8Array, src: Uint8Array): Uint8Array {
  return concat(RedelegationKey, lengthPrefixed(del), lengthPrefixed(src));
}

export function redByValSrcIndexKey(del: Uint8Array, src: Uint8Array, dst: Uint8Array): Uint8Array {
  return concat(RedelegationByValSrcIndexKey, lengthPrefixed(src), lengthPrefixed(del), lengthPrefixed(dst));
}

export function redsBySrcPrefix(src: Uint8Array): Uint8Array {
  return concat(RedelegationByValSrcIndexKey, lengthPrefixed(src));
}

export function redByValDstIndexKey(del: Uint8Array, src: Uint8Array, dst: Uint8Array): Uint8Array {
  return concat(RedelegationByValDstIndexKey, lengthPrefixed(dst), lengthPrefixed(del), lengthPrefixed(src));
}

/** Redelegations into `dst` by `del` (HasReceivingRedelegation) */
export function redsByDstDelegatorPrefix(dst: Uint8Array, del: Uint8Array): Uint8Array {
  return concat(RedelegationByValDstIndexKey, lengthPrefixed(dst), lengthPrefixed(del));
}

/** sdk.FormatTimeBytes of a time in milliseconds (staking keeps its queue times in ms). */
function formatTimeBytesMs(ms: number): Uint8Array {
  return formatTimeBytes(BigInt(ms) * 1_000_000n);
}

export function parseTimeBytes(b: Uint8Array): number {
  const s = new TextDecoder().decode(b);
  return Date.parse(`${s.slice(0, 23)}Z`);
}

export function ubdQueueKey(ms: number): Uint8Array {
  return concat(UnbondingQueueKey, formatTimeBytesMs(ms));
}

export function redQueueKey(ms: number): Uint8Array {
  return concat(RedelegationQueueKey, formatTimeBytesMs(ms));
}

export function validatorQueueKey(ms: number, height: bigint): Uint8Array {
  const t = formatTimeBytesMs(ms);
  return concat(ValidatorQueueKey, u64be(BigInt(t.length)), t, u64be(height));
}

export function parseValidatorQueueKey(key: Uint8Array): { timeMs: number; height: bigint } {
  const n = Number(readU64be(key, 1));
  const t = key.subarray(9, 9 + n);
  return { timeMs: parseTimeBytes(t), height: readU64be(key, 9 + n) };
}

/** Smallest key after every key that starts with `k` (storetypes.InclusiveEndBytes). */
export function inclusiveEnd(k: Uint8Array): Uint8Array {
  return concat(k, new Uint8Array([0]));
}
