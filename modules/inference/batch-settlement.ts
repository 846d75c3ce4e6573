// Settlement of a batched request (README.md#batches): agreement per item under the model's policy,
// one settlement per request. Each item is worth fee / items (price x redundancy). An item whose
// outcome reaches the quorum settles like a single request (its part of the fee split between the
// creator, its agreeing executors and the community pool; an error outcome pays no creator); an item
// with no quorum is refunded (its part back to the requester, reason `items_no_quorum`). No item at
// the quorum: the whole request is refunded (`no_quorum`), as a single request.
//
// Reputation moves once per request, not per item: an executor that did not reveal is `missing`; one
// that lost an item against a supermajority of the assigned executors is `dissent` (and slashed once);
// one that agreed on every item it could and on at least one output is `agree`. Transfers are summed
// per recipient (one bank send each), in the executors' assignment order.
import type { Context } from "../../chain/baseapp/context.ts";
import { batchRoot } from "../../chain/tensor/batch-merkle.ts";
import { valoperToAccount } from "../../chain/types/address.ts";
import { sha256 } from "../../chain/types/merkle.ts";
import {
  ExecutionError,
  ExecutorOutcome,
  type InferenceRequest,
  type InferenceResult,
  type ItemResult,
  RequestStatus,
} from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { type Candidate, candidateOf, decide, outputSources, policyOf } from "./agreement.ts";
import * as ev from "./events.ts";
import type { InferenceKeeper } from "./keeper.ts";
import { CommunityPoolAccountName, EscrowAccountName } from "./keys.ts";
import { errorName } from "./outcome.ts";
import { PPM } from "./params.ts";
import { splitFee } from "./settlement.ts";

const NONE = ExecutionError.EXECUTION_ERROR_UNSPECIFIED;

export async function settleBatch(k: InferenceKeeper, ctx: Context, r: InferenceRequest): Promise<void> {
  const p = await k.getParams(ctx);
  const model = await k.deps.registryKeeper.getModelHead(ctx, r.modelId);
  const missing = k.markMissing(r);
  if (!model) return k.refund(ctx, r, "no_quorum", missing);
  const policy = policyOf(model);
  const n = r.items.length;
  const fee = BigInt(r.fee?.amount ?? "0");
  const denom = r.fee?.denom ?? "udgrid";
  // fee = price x items x redundancy, so this is exact; any dust would go to the community pool
  const itemFee = fee / BigInt(n);
  const revealed = r.executors.filter((e) => e.revealed);

  const results: ItemResult[] = [];
  let creator = 0n;
  let executorsPaid = 0n;
  let refunded = 0n;
  const pay = new Map<string, bigint>();
  const dissented = new Set<string>();
  const provable = new Set<string>();
  const agreedOnOutput = new Set<string>();
  for (let i = 0; i < n; i++) {
    const cands: Candidate[] = [];
    for (const e of revealed) {
      const it = e.items[i];
      if (!it || it.invalid) continue;
      cands.push(candidateOf(e.validator, it, it.hash));
    }
    const d = decide(policy, cands, r.quorum);
    if (d.winner === undefined) {
      refunded += itemFee;
      results.push({
        status: RequestStatus.REQUEST_STATUS_REFUNDED,
        outputs: [],
        outputHash: new Uint8Array(),
        error: NONE,
        agreeing: [],
        outputRef: undefined,
        outputSources: [],
      });
      continue;
    }
    const winner = cands[d.winner];
    const failed = winner.error !== undefined;
    const split = splitFee(itemFee, failed ? 0n : model.creatorSharePpm, p.executorSharePpm, d.supporters.length);
    creator += split.creator;
    executorsPaid += split.executors;
    for (const v of d.supporters) pay.set(v, (pay.get(v) ?? 0n) + split.perExecutor);
    const supermajority = BigInt(d.supporters.length) * PPM >= p.slashMinSupportPpm * BigInt(r.executors.length);
    for (const e of revealed) {
      if (!d.supporters.includes(e.validator)) {
        dissented.add(e.validator);
        if (supermajority) provable.add(e.validator);
      } else if (!failed) agreedOnOutput.add(e.validator);
    }
    const item = revealed.find((e) => e.validator === winner.id)!.items[i];
    results.push({
      status: failed ? RequestStatus.REQUEST_STATUS_FAILED : RequestStatus.REQUEST_STATUS_FINALIZED,
      outputs: failed ? [] : item.outputs,
      outputHash: winner.hash,
      error: winner.error ?? NONE,
      agreeing: d.supporters,
      outputRef: item.outputRef,
      outputSources: outputSources(d.supporters, (v) => revealed.find((e) => e.validator === v)?.items[i]?.outputRef),
    });
  }
  if (results.every((x) => x.status === RequestStatus.REQUEST_STATUS_REFUNDED))
    return k.refund(ctx, r, "no_quorum", missing);

  const community = fee - creator - executorsPaid - refunded;
  const bank = k.deps.bankKeeper;
  if (creator > 0n)
    await bank.sendCoinsFromModuleToAccount(ctx, EscrowAccountName, model.creator, [{ denom, amount: creator }]);
  for (const e of r.executors) {
    const amount = pay.get(e.validator) ?? 0n;
    if (amount > 0n)
      await bank.sendCoinsFromModuleToAccount(ctx, EscrowAccountName, valoperToAccount(e.validator), [
        { denom, amount },
      ]);
  }
  if (community > 0n)
    await bank.sendCoinsFromModuleToModule(ctx, EscrowAccountName, CommunityPoolAccountName, [
      { denom, amount: community },
    ]);
  if (refunded > 0n) {
    await bank.sendCoinsFromModuleToAccount(ctx, EscrowAccountName, r.requester, [{ denom, amount: refunded }]);
    await k.deps.hooks?.afterFeeRefunded(ctx, r.id, { denom, amount: refunded });
  }

  const rep = k.deps.reputationKeeper;
  for (const e of r.executors) {
    if (!e.revealed) {
      await rep.recordOutcome(ctx, e.validator, "missing");
      continue;
    }
    e.outcome = dissented.has(e.validator)
      ? ExecutorOutcome.EXECUTOR_OUTCOME_DISSENTED
      : ExecutorOutcome.EXECUTOR_OUTCOME_AGREED;
    if (provable.has(e.validator)) await rep.recordOutcome(ctx, e.validator, "dissent");
    else if (!dissented.has(e.validator) && agreedOnOutput.has(e.validator))
      await rep.recordOutcome(ctx, e.validator, "agree");
  }
  await k.slashDissenters(ctx, r, p, provable);

  const finalized = results.some((x) => x.status === RequestStatus.REQUEST_STATUS_FINALIZED);
  const status = finalized ? RequestStatus.REQUEST_STATUS_FINALIZED : RequestStatus.REQUEST_STATUS_FAILED;
  const root = batchRoot(
    results.map((x) => x.outputHash),
    sha256,
  );
  const agreeing = revealed.filter((e) => !dissented.has(e.validator)).map((e) => e.validator);
  const dissenting = revealed.filter((e) => dissented.has(e.validator)).map((e) => e.validator);
  const coin = (a: bigint) => ({ denom, amount: a.toString() });
  const result: InferenceResult = {
    requestId: r.id,
    status,
    outputs: [],
    outputRef: undefined,
    outputSources: [],
    outputHash: root,
    agreeing,
    dissenting,
    missing,
    height: BigInt(ctx.height),
    creatorPaid: coin(creator),
    executorsPaid: coin(executorsPaid),
    communityPaid: coin(community),
    refunded: coin(refunded),
    reason: refunded > 0n ? "items_no_quorum" : finalized ? "" : "input_failed",
    error: NONE,
    items: results,
    itemsRoot: root,
  };
  k.setResult(ctx, result);
  await k.close(ctx, r, result);
  const settled = {
    id: r.id,
    modelId: r.modelId,
    outputHash: root,
    agreeing,
    dissenting,
    missing,
    creatorPaid: `${creator}${denom}`,
    executorsPaid: `${executorsPaid}${denom}`,
    communityPaid: `${community}${denom}`,
  };
  const firstError = results.find((x) => x.status === RequestStatus.REQUEST_STATUS_FAILED)?.error ?? NONE;
  ctx.eventManager.emit(
    finalized ? ev.requestFinalized(settled) : ev.requestFailed({ ...settled, error: errorName(firstError) }),
  );
  if (refunded > 0n)
    ctx.eventManager.emit(ev.requestRefunded(r.id, r.requester, `${refunded}${denom}`, "items_no_quorum"));
}
