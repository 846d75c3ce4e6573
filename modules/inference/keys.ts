// Store layout of the inference module, store key "inference".
import { concat, readU64be, u64be } from "../../chain/types/bytes.ts";

export const StoreKey = "inference";
export const ModuleName = "inference";
/** module account holding the escrowed fees */
export const EscrowAccountName = "inference";
/** module account of the community pool (the SDK keeps community pool funds in the distribution module account) */
export const CommunityPoolAccountName = "distribution";

/** 0x00 -> Params */
export const ParamsKey = new Uint8Array([0x00]);
/** 0x01 -> next request id (u64be) */
export const NextIdKey = new Uint8Array([0x01]);
/** 0x02 -> number of pending requests (u64be) */
export const PendingCountKey = new Uint8Array([0x02]);
/** 0x10 | u64be(id) -> InferenceRequest */
export const RequestsPrefix = new Uint8Array([0x10]);
/** 0x11 | u64be(id) -> InferenceResult */
export const ResultsPrefix = new Uint8Array([0x11]);
/** 0x12 | len(addr) | addr | u64be(id) -> empty: requests by requester */
export const ByRequesterPrefix = new Uint8Array([0x12]);
/** 0x20 | u64be(id) -> empty: created in this block, waiting for assignment at EndBlock */
export const UnassignedPrefix = new Uint8Array([0x20]);
/** 0x21 | u64be(id) -> empty: not yet settled (the escrow invariant sums these) */
export const PendingPrefix = new Uint8Array([0x21]);
/** 0x22 | u64be(deadline height) | u64be(id) -> empty: phase deadlines */
export const DeadlinePrefix = new Uint8Array([0x22]);
/** 0x23 | cons address (20) | u64be(id) -> empty: pending work per executor (validator duties) */
export const ByExecutorPrefix = new Uint8Array([0x23]);

export const requestKey = (id: bigint) => concat(RequestsPrefix, u64be(id));
export const resultKey = (id: bigint) => concat(ResultsPrefix, u64be(id));
export const unassignedKey = (id: bigint) => concat(UnassignedPrefix, u64be(id));
export const pendingKey = (id: bigint) => concat(PendingPrefix, u64be(id));
export const deadlineKey = (height: bigint, id: bigint) => concat(DeadlinePrefix, u64be(height), u64be(id));
export const byExecutorPrefix = (cons: Uint8Array) => concat(ByExecutorPrefix, cons);
export const byExecutorKey = (cons: Uint8Array, id: bigint) => concat(ByExecutorPrefix, cons, u64be(id));

export function byRequesterPrefix(addr: Uint8Array): Uint8Array {
  return concat(ByRequesterPrefix, new Uint8Array([addr.length]), addr);
}

export function byRequesterKey(addr: Uint8Array, id: bigint): Uint8Array {
  return concat(byRequesterPrefix(addr), u64be(id));
}

export const readU64 = readU64be;
