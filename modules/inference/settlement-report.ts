// What a settled or refunded request reports to the other modules (README.md#measured-usage-and-quality):
// the model's stats to the registry (SettlementRecorderI) and each assigned executor's job to the
// reputation module's per-validator stats. Derived from the request and its result only, in the
// block that settles it (deterministic: assignment order, integer heights).
import type { Context } from "../../chain/baseapp/context.ts";
import {
  type InferenceRequest,
  type InferenceResult,
  RequestStatus,
} from "../../proto/gen/dgrid/inference/v1/inference.ts";
import type { Job, RegistryKeeperI, ReputationKeeperI, SettlementRecord } from "./expected-keepers.ts";

/** The model-side record: items settled and refunded, agreement class, latency, the creator's fee. */
export function settlementRecord(r: InferenceRequest, result: InferenceResult): SettlementRecord {
  const items = Math.max(r.items.length, 1);
  const finalized =
    result.status === RequestStatus.REQUEST_STATUS_FINALIZED || result.status === RequestStatus.REQUEST_STATUS_FAILED;
  if (!finalized) {
    // the reason says why: only a refund for lack of quorum is an agreement measurement
    return { finalized, agreement: result.reason === "no_quorum" ? "no_quorum" : "none", items, itemsRefunded: items };
  }
  const itemsRefunded = result.items.filter((i) => i.status === RequestStatus.REQUEST_STATUS_REFUNDED).length;
  const unanimous = result.dissenting.length === 0 && itemsRefunded === 0;
  const fee = result.creatorPaid;
  return {
    finalized,
    agreement: unanimous ? "unanimous" : "majority",
    items,
    itemsRefunded,
    latencyBlocks: Number(result.height - r.createdHeight),
    creatorFee: fee && BigInt(fee.amount) > 0n ? { denom: fee.denom, amount: fee.amount } : undefined,
  };
}

/**
 * Each assigned executor's job, in assignment order: done (among the result's agreeing), dissented
 * (among its dissenting), missed (no commitment; or no reveal although reveals were open), else
 * unresolved (committed, but the request was refunded before or without a quorum).
 */
export function executorJobs(r: InferenceRequest, result: InferenceResult): { validator: string; job: Job }[] {
  const agreeing = new Set(result.agreeing);
  const dissenting = new Set(result.dissenting);
  const revealsOpened = r.revealDeadline > 0n;
  return r.executors.map((e) => {
    let job: Job;
    if (agreeing.has(e.validator)) job = "done";
    else if (dissenting.has(e.validator)) job = "dissented";
    else if (e.commitment.length === 0 || (revealsOpened && !e.revealed)) job = "missed";
    else job = "unresolved";
    return { validator: e.validator, job };
  });
}

/**
 * Reports one settled request: one recordSettlement (registry: its stats, its creator's earnings and
 * the model's moved index entries) and one recordJob per assigned executor (reputation).
 */
export async function reportSettlement(
  deps: { registryKeeper: RegistryKeeperI; reputationKeeper: ReputationKeeperI },
  ctx: Context,
  r: InferenceRequest,
  result: InferenceResult,
): Promise<void> {
  // models are never deleted; a request of an unknown model (only a hand-made genesis) reports nothing
  if (await deps.registryKeeper.hasModel(ctx, r.modelId))
    await deps.registryKeeper.recordSettlement(ctx, r.modelId, settlementRecord(r, result));
  for (const { validator, job } of executorJobs(r, result)) await deps.reputationKeeper.recordJob(ctx, validator, job);
}
