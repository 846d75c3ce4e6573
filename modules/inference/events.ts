// Inference events: one per transition, every attribute indexed (tx_search / block_search /
// websocket queries such as "request_finalized.request_id='7'").
import { newEvent, type SdkEvent } from "../../chain/baseapp/events.ts";
import { toHex } from "../../chain/types/bytes.ts";

/**
 * `redundancy` is the effective one (min of `requested_redundancy` and the eligible executors);
 * `fee` = price x redundancy is escrowed; `uncharged` = price x (requested - effective) is what a
 * request at the requested redundancy would have cost more: it never leaves the requester.
 */
export function requestCreated(a: {
  id: bigint;
  modelId: string;
  requester: string;
  fee: string;
  redundancy: number;
  requestedRedundancy: number;
  uncharged: string;
}): SdkEvent {
  return newEvent("request_created", {
    request_id: a.id.toString(),
    model_id: a.modelId,
    requester: a.requester,
    fee: a.fee,
    redundancy: String(a.redundancy),
    requested_redundancy: String(a.requestedRedundancy),
    uncharged: a.uncharged,
  });
}

/** Fewer executors were eligible at assignment than at inclusion: the fee of the others goes back. */
export function redundancyReduced(id: bigint, requester: string, from: number, to: number, refunded: string): SdkEvent {
  return newEvent("redundancy_reduced", {
    request_id: id.toString(),
    requester,
    from: String(from),
    to: String(to),
    refunded,
  });
}

export function executorsAssigned(id: bigint, modelId: string, executors: string[], commitDeadline: bigint): SdkEvent {
  return newEvent("executors_assigned", {
    request_id: id.toString(),
    model_id: modelId,
    executors: executors.join(","),
    commit_deadline: commitDeadline.toString(),
  });
}

export function outputCommitted(id: bigint, validator: string, commitment: Uint8Array): SdkEvent {
  return newEvent("output_committed", { request_id: id.toString(), validator, commitment: toHex(commitment) });
}

export function commitPhaseClosed(id: bigint, committed: number, revealDeadline: bigint): SdkEvent {
  return newEvent("commit_phase_closed", {
    request_id: id.toString(),
    committed: String(committed),
    reveal_deadline: revealDeadline.toString(),
  });
}

/** `error` is the revealed error class (invalid_input | runtime_error | output_too_large), "" for outputs. */
export function outputRevealed(
  id: bigint,
  validator: string,
  outputHash: Uint8Array,
  valid: boolean,
  error: string,
): SdkEvent {
  return newEvent("output_revealed", {
    request_id: id.toString(),
    validator,
    output_hash: toHex(outputHash),
    valid: String(valid),
    error,
  });
}

export function revealRejected(id: bigint, validator: string, reason: string): SdkEvent {
  return newEvent("reveal_rejected", { request_id: id.toString(), validator, reason });
}

export interface Settled {
  id: bigint;
  modelId: string;
  outputHash: Uint8Array;
  agreeing: string[];
  dissenting: string[];
  missing: string[];
  creatorPaid: string;
  executorsPaid: string;
  communityPaid: string;
}

function settledAttributes(a: Settled): Record<string, string> {
  return {
    request_id: a.id.toString(),
    model_id: a.modelId,
    output_hash: toHex(a.outputHash),
    agreeing: a.agreeing.join(","),
    dissenting: a.dissenting.join(","),
    missing: a.missing.join(","),
    creator_paid: a.creatorPaid,
    executors_paid: a.executorsPaid,
    community_paid: a.communityPaid,
  };
}

export function requestFinalized(a: Settled): SdkEvent {
  return newEvent("request_finalized", settledAttributes(a));
}

/** Settled as failed by its input: the agreeing executors revealed the same error class. */
export function requestFailed(a: Settled & { error: string }): SdkEvent {
  return newEvent("request_failed", { ...settledAttributes(a), error: a.error });
}

/**
 * Why fees go back to a requester (request_refunded.reason, InferenceResult.reason): no executor
 * could be assigned, no outcome reached the quorum, nobody committed, or (a batch) some items reached
 * no quorum and their part of the fee went back while the others settled.
 */
export type RefundReason = "no_executors" | "no_quorum" | "expired" | "items_no_quorum" | "blob_unavailable";

/** An executor could not obtain a request's input blobs (its extension said so instead of committing). */
export function blobUnavailable(id: bigint, validator: string): SdkEvent {
  return newEvent("blob_unavailable", { request_id: id.toString(), validator });
}

export function requestRefunded(id: bigint, requester: string, amount: string, reason: RefundReason): SdkEvent {
  return newEvent("request_refunded", { request_id: id.toString(), requester, amount, reason });
}

export function executorSlashed(id: bigint, validator: string, fractionPpm: bigint): SdkEvent {
  return newEvent("executor_slashed", {
    request_id: id.toString(),
    validator,
    fraction_ppm: fractionPpm.toString(),
  });
}
