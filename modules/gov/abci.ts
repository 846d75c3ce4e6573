// x/gov EndBlocker (SDK v0.50 x/gov/abci.go): drops proposals whose deposit period ended without the
// minimum deposit (refund or burn per burn_proposal_deposit_prevote), tallies proposals whose voting
// period ended, refunds or burns deposits, and executes passed proposals' messages atomically.
import { coinsToString, fromProtoCoins } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { nsToTimestamp, timestampToNs } from "../../chain/baseapp/time.ts";
import * as ev from "./events.ts";
import { blockTimeNs, type GovKeeper, StatusFailed, StatusPassed, StatusRejected } from "./keeper.ts";
import { ActiveProposalQueuePrefix, InactiveProposalQueuePrefix, queueKey, StoreKey, u64be } from "./keys.ts";
import { durationNs } from "./params.ts";
import { tally } from "./tally.ts";

export async function endBlocker(ctx: Context, k: GovKeeper): Promise<void> {
  const now = blockTimeNs(ctx);
  const store = ctx.kvStore(StoreKey);

  for (const { endNs, id } of await k.queueUntil(ctx, InactiveProposalQueuePrefix, now)) {
    const proposal = await k.getProposal(ctx, id);
    if (!proposal) {
      store.delete(queueKey(InactiveProposalQueuePrefix, endNs, id));
      continue;
    }
    k.deleteProposal(ctx, proposal);
    const params = await k.getParams(ctx);
    if (params.burnProposalDepositPrevote) await k.deleteAndBurnDeposits(ctx, id);
    else await k.refundAndDeleteDeposits(ctx, id);
    ctx.eventManager.emit(ev.inactiveProposal(id, ev.AttributeValueProposalDropped));
    k.logger.info(
      {
        proposal: id.toString(),
        expedited: proposal.expedited,
        title: proposal.title,
        min_deposit: coinsToString(k.minDepositFor(params, proposal.expedited)),
        total_deposit: coinsToString(fromProtoCoins(proposal.totalDeposit)),
      },
      "proposal did not meet minimum deposit; deleted",
    );
  }

  for (const { endNs, id } of await k.queueUntil(ctx, ActiveProposalQueuePrefix, now)) {
    const proposal = await k.getProposal(ctx, id);
    if (!proposal) {
      store.delete(queueKey(ActiveProposalQueuePrefix, endNs, id));
      continue;
    }
    const { passes, burnDeposits, tally: tallyResult } = await tally(ctx, k, proposal);
    const convertExpedited = proposal.expedited && !passes;
    if (!convertExpedited) {
      if (burnDeposits) await k.deleteAndBurnDeposits(ctx, id);
      else await k.refundAndDeleteDeposits(ctx, id);
      await k.deleteVotes(ctx, id); // the SDK's tally removes the votes it counted
    }
    store.delete(queueKey(ActiveProposalQueuePrefix, timestampToNs(proposal.votingEndTime), id));

    let tag: string;
    let logMsg: string;
    if (passes) {
      const r = await k.executeMessages(ctx, proposal);
      if (r.ok) {
        proposal.status = StatusPassed;
        tag = ev.AttributeValueProposalPassed;
        logMsg = "passed";
      } else {
        proposal.status = StatusFailed;
        proposal.failedReason = r.error;
        tag = ev.AttributeValueProposalFailed;
        logMsg = `passed, but msg ${r.index} (${r.typeUrl}) failed on execution: ${r.error}`;
      }
    } else if (proposal.expedited) {
      // a failed expedited proposal becomes a regular one: voting runs on to the regular period
      proposal.expedited = false;
      const params = await k.getParams(ctx);
      const end = timestampToNs(proposal.votingStartTime) + durationNs(params.votingPeriod);
      proposal.votingEndTime = nsToTimestamp(end);
      store.set(queueKey(ActiveProposalQueuePrefix, end, id), u64be(id));
      tag = ev.AttributeValueExpeditedProposalRejected;
      logMsg = "expedited proposal converted to regular";
    } else {
      proposal.status = StatusRejected;
      proposal.failedReason = "proposal did not get enough votes to pass";
      tag = ev.AttributeValueProposalRejected;
      logMsg = "rejected";
    }
    proposal.finalTallyResult = tallyResult;
    k.setProposal(ctx, proposal);
    k.logger.info(
      {
        proposal: id.toString(),
        status: proposal.status,
        expedited: proposal.expedited,
        title: proposal.title,
        results: logMsg,
      },
      "proposal tallied",
    );
    ctx.eventManager.emit(ev.activeProposal(id, tag, logMsg));
  }
}
