// Store layout of x/gov (SDK v0.50 x/gov/types/keys.go collection prefixes), store key "gov".
// Queue keys order by end time: the SDK encodes time.Time; we encode nanoseconds since the epoch as a
// big-endian uint64 (same order), then the proposal id.

import { addressFromString } from "../../chain/types/address.ts";
import { concat, u64be } from "../../chain/types/bytes.ts";

export const StoreKey = "gov";
export const ModuleName = "gov";
export const RouterKey = "gov";

/** 0x00 | id -> Proposal */
export const ProposalsPrefix = new Uint8Array([0x00]);
/** 0x01 | voting end (ns) | id -> id */
export const ActiveProposalQueuePrefix = new Uint8Array([0x01]);
/** 0x02 | deposit end (ns) | id -> id */
export const InactiveProposalQueuePrefix = new Uint8Array([0x02]);
/** 0x03 -> next proposal id */
export const ProposalIDKey = new Uint8Array([0x03]);
/** 0x04 | id -> 0x01 while the proposal is in its voting period */
export const VotingPeriodProposalPrefix = new Uint8Array([0x04]);
/** 0x10 | id | len(addr) | addr -> Deposit */
export const DepositsPrefix = new Uint8Array([0x10]);
/** 0x20 | id | len(addr) | addr -> Vote */
export const VotesPrefix = new Uint8Array([0x20]);
/** 0x30 -> Params */
export const ParamsKey = new Uint8Array([0x30]);
/** 0x31 -> constitution (utf-8) */
export const ConstitutionKey = new Uint8Array([0x31]);

export { readU64be, u64be } from "../../chain/types/bytes.ts";

export function proposalKey(id: bigint): Uint8Array {
  return concat(ProposalsPrefix, u64be(id));
}

export function queueKey(prefix: Uint8Array, endNs: bigint, id: bigint): Uint8Array {
  return concat(prefix, u64be(endNs), u64be(id));
}

export function votingPeriodKey(id: bigint): Uint8Array {
  return concat(VotingPeriodProposalPrefix, u64be(id));
}

function lenPrefixed(addr: Uint8Array): Uint8Array {
  return concat(new Uint8Array([addr.length]), addr);
}

/** prefix | id: all deposits / votes of a proposal */
export function byProposalPrefix(prefix: Uint8Array, id: bigint): Uint8Array {
  return concat(prefix, u64be(id));
}

export function depositKey(id: bigint, depositor: string): Uint8Array {
  return concat(byProposalPrefix(DepositsPrefix, id), lenPrefixed(addressFromString(depositor)));
}

export function voteKey(id: bigint, voter: string): Uint8Array {
  return concat(byProposalPrefix(VotesPrefix, id), lenPrefixed(addressFromString(voter)));
}
