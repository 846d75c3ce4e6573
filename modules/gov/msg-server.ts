// x/gov Msg service (cosmos.gov.v1.Msg, SDK v0.50 x/gov/keeper/msg_server.go): SubmitProposal,
// Deposit, Vote, VoteWeighted, CancelProposal, UpdateParams. Validation lives in the handlers, as in v0.50.

import { Proposal } from "cosmjs-types/cosmos/gov/v1/gov";
import {
  MsgCancelProposal,
  MsgCancelProposalResponse,
  MsgDeposit,
  MsgDepositResponse,
  MsgSubmitProposal,
  MsgSubmitProposalResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
  MsgVote,
  MsgVoteResponse,
  MsgVoteWeighted,
  MsgVoteWeightedResponse,
} from "cosmjs-types/cosmos/gov/v1/tx";
import { type Coin, coinsToString, fromProtoCoins, isValidCoins } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { DEC_ONE, parseDec } from "../../chain/baseapp/dec.ts";
import type { Configurator, MsgHandler, MsgType } from "../../chain/baseapp/module.ts";
import { nsToTimestamp } from "../../chain/baseapp/time.ts";
import { ErrInvalidCoins, ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { checkAddress } from "../../chain/types/address.ts";
import {
  ErrInvalidProposalContent,
  ErrInvalidProposalMsg,
  ErrInvalidSigner,
  ErrInvalidVote,
  ErrNoProposalMsgs,
} from "./errors.ts";
import * as ev from "./events.ts";
import {
  blockTimeNs,
  type GovKeeper,
  nonSplitVoteOption,
  validateDepositCoins,
  validVoteOption,
  weightedOptionsString,
} from "./keeper.ts";
import { validateParams } from "./params.ts";

function coinsOf(list: { denom: string; amount: string }[]): Coin[] {
  try {
    return fromProtoCoins(list);
  } catch (e) {
    throw ErrInvalidCoins.wrap(e instanceof Error ? e.message : String(e));
  }
}

/**
 * The stateless part of SDK v0.50's SubmitProposal checks, with its error codes (gov 12: empty title or
 * summary; sdk 7: bad proposer; gov 11: neither messages nor metadata). Run as ValidateBasic too, so a
 * proposal that can never pass is refused at CheckTx, before it costs its proposer a fee.
 */
export function validateSubmitProposalBasic(msg: MsgSubmitProposal): void {
  if (msg.title === "") throw ErrInvalidProposalMsg.wrap("proposal title cannot be empty");
  if (msg.summary === "") throw ErrInvalidProposalMsg.wrap("proposal summary cannot be empty");
  checkAddress(msg.proposer, "proposer");
  if (msg.messages.length === 0 && msg.metadata.length === 0)
    throw ErrNoProposalMsgs.wrap("either metadata or Msgs length must be non-nil");
}

export const MsgSubmitProposalType: MsgType<MsgSubmitProposal> = {
  typeUrl: MsgSubmitProposal.typeUrl,
  decode: (b) => MsgSubmitProposal.decode(b),
  encode: (m) => MsgSubmitProposal.encode(m).finish(),
  signers: (m) => [m.proposer],
  validateBasic: validateSubmitProposalBasic,
};

export const MsgDepositType: MsgType<MsgDeposit> = {
  typeUrl: MsgDeposit.typeUrl,
  decode: (b) => MsgDeposit.decode(b),
  encode: (m) => MsgDeposit.encode(m).finish(),
  signers: (m) => [m.depositor],
};

export const MsgVoteType: MsgType<MsgVote> = {
  typeUrl: MsgVote.typeUrl,
  decode: (b) => MsgVote.decode(b),
  encode: (m) => MsgVote.encode(m).finish(),
  signers: (m) => [m.voter],
};

export const MsgVoteWeightedType: MsgType<MsgVoteWeighted> = {
  typeUrl: MsgVoteWeighted.typeUrl,
  decode: (b) => MsgVoteWeighted.decode(b),
  encode: (m) => MsgVoteWeighted.encode(m).finish(),
  signers: (m) => [m.voter],
};

export const MsgCancelProposalType: MsgType<MsgCancelProposal> = {
  typeUrl: MsgCancelProposal.typeUrl,
  decode: (b) => MsgCancelProposal.decode(b),
  encode: (m) => MsgCancelProposal.encode(m).finish(),
  signers: (m) => [m.proposer],
};

export const MsgUpdateParamsType: MsgType<MsgUpdateParams> = {
  typeUrl: MsgUpdateParams.typeUrl,
  decode: (b) => MsgUpdateParams.decode(b),
  encode: (m) => MsgUpdateParams.encode(m).finish(),
  signers: (m) => [m.authority],
};

/** KVGasConfig WriteCostPerByte (the SDK charges 3x the proposal bytes at submission) */
const WRITE_COST_PER_BYTE = 30;

export async function submitProposal(ctx: Context, k: GovKeeper, msg: MsgSubmitProposal): Promise<bigint> {
  validateSubmitProposalBasic(msg);
  if (msg.metadata.length > 0) {
    let meta: unknown;
    try {
      meta = JSON.parse(msg.metadata);
    } catch {
      meta = undefined; // not the recommended metadata format: allowed
    }
    if (meta && typeof meta === "object") {
      const m = meta as { title?: unknown; summary?: unknown };
      if ((m.title ?? "") !== msg.title)
        throw ErrInvalidProposalContent.wrap(`metadata title '${m.title}' must equal proposal title '${msg.title}'`);
      if ((m.summary ?? "") !== msg.summary)
        throw ErrInvalidProposalContent.wrap(
          `metadata summary '${m.summary}' must equal proposal summary '${msg.summary}'`,
        );
    }
  }
  const initial = coinsOf(msg.initialDeposit);
  if (!isValidCoins(initial)) throw ErrInvalidCoins.wrap(coinsToString(initial));
  await k.validateInitialDeposit(ctx, initial, msg.expedited);
  k.validateDepositDenom(await k.getParams(ctx), initial);
  const proposal = await k.submitProposal(
    ctx,
    msg.messages,
    msg.metadata,
    msg.title,
    msg.summary,
    msg.proposer,
    msg.expedited,
  );
  ctx.gasMeter.consume(3 * WRITE_COST_PER_BYTE * Proposal.encode(proposal).finish().length, "submit proposal");
  const started = await k.addDeposit(ctx, proposal.id, msg.proposer, initial);
  if (started) ctx.eventManager.emit(ev.votingPeriodStart(ev.EventTypeSubmitProposal, proposal.id));
  return proposal.id;
}

export function depositHandler(k: GovKeeper): MsgHandler<MsgDeposit> {
  return async (ctx, msg) => {
    checkAddress(msg.depositor, "depositor");
    const amount = coinsOf(msg.amount);
    if (!isValidCoins(amount)) throw ErrInvalidCoins.wrap(coinsToString(amount));
    validateDepositCoins(amount);
    const started = await k.addDeposit(ctx, msg.proposalId, msg.depositor, amount);
    if (started) ctx.eventManager.emit(ev.votingPeriodStart(ev.EventTypeProposalDeposit, msg.proposalId));
    return { typeUrl: MsgDepositResponse.typeUrl, value: MsgDepositResponse.encode({}).finish() };
  };
}

export function voteHandler(k: GovKeeper): MsgHandler<MsgVote> {
  return async (ctx, msg) => {
    checkAddress(msg.voter, "voter");
    if (!validVoteOption(msg.option)) throw ErrInvalidVote.wrap(String(msg.option));
    await k.addVote(ctx, msg.proposalId, msg.voter, nonSplitVoteOption(msg.option), msg.metadata);
    return { typeUrl: MsgVoteResponse.typeUrl, value: MsgVoteResponse.encode({}).finish() };
  };
}

export function voteWeightedHandler(k: GovKeeper): MsgHandler<MsgVoteWeighted> {
  return async (ctx, msg) => {
    checkAddress(msg.voter, "voter");
    if (msg.options.length === 0) throw ErrInvalidRequest.wrap(weightedOptionsString(msg.options) || "no options");
    let total = 0n;
    const used = new Set<number>();
    for (const o of msg.options) {
      if (!validVoteOption(o.option)) throw ErrInvalidVote.wrap(weightedOptionsString([o]));
      let w: bigint;
      try {
        w = parseDec(o.weight);
      } catch (e) {
        throw ErrInvalidVote.wrap(`invalid weight: ${e instanceof Error ? e.message : String(e)}`);
      }
      total += w;
      if (used.has(o.option)) throw ErrInvalidVote.wrap("duplicated vote option");
      used.add(o.option);
    }
    if (total > DEC_ONE) throw ErrInvalidVote.wrap("total weight overflow 1.00");
    if (total < DEC_ONE) throw ErrInvalidVote.wrap("total weight lower than 1.00");
    await k.addVote(ctx, msg.proposalId, msg.voter, msg.options, msg.metadata);
    return { typeUrl: MsgVoteWeightedResponse.typeUrl, value: MsgVoteWeightedResponse.encode({}).finish() };
  };
}

export function registerMsgServer(cfg: Configurator, k: GovKeeper): void {
  cfg.registerMsg(MsgSubmitProposalType, async (ctx, msg) => {
    const proposalId = await submitProposal(ctx, k, msg);
    return {
      typeUrl: MsgSubmitProposalResponse.typeUrl,
      value: MsgSubmitProposalResponse.encode({ proposalId }).finish(),
    };
  });

  cfg.registerMsg(MsgDepositType, depositHandler(k));

  cfg.registerMsg(MsgVoteType, voteHandler(k));

  cfg.registerMsg(MsgVoteWeightedType, voteWeightedHandler(k));

  cfg.registerMsg(MsgCancelProposalType, async (ctx, msg) => {
    checkAddress(msg.proposer, "proposer");
    await k.cancelProposal(ctx, msg.proposalId, msg.proposer);
    ctx.eventManager.emit(ev.cancelProposal(msg.proposer, msg.proposalId));
    return {
      typeUrl: MsgCancelProposalResponse.typeUrl,
      value: MsgCancelProposalResponse.encode({
        proposalId: msg.proposalId,
        canceledTime: nsToTimestamp(blockTimeNs(ctx)),
        canceledHeight: BigInt(ctx.height),
      }).finish(),
    };
  });

  cfg.registerMsg(MsgUpdateParamsType, async (ctx, msg) => {
    if (msg.authority !== k.authority)
      throw ErrInvalidSigner.wrap(`invalid authority; expected ${k.authority}, got ${msg.authority}`);
    if (!msg.params) throw ErrInvalidRequest.wrap("params cannot be empty");
    validateParams(msg.params);
    k.setParams(ctx, msg.params);
    return { typeUrl: MsgUpdateParamsResponse.typeUrl, value: MsgUpdateParamsResponse.encode({}).finish() };
  });
}
