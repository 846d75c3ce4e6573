// x/gov events (x/gov/types/events.go, v0.50).
import { newEvent, type SdkEvent } from "../../chain/baseapp/events.ts";

export const EventTypeSubmitProposal = "submit_proposal";
export const EventTypeProposalDeposit = "proposal_deposit";
export const EventTypeProposalVote = "proposal_vote";
export const EventTypeInactiveProposal = "inactive_proposal";
export const EventTypeActiveProposal = "active_proposal";
export const EventTypeCancelProposal = "cancel_proposal";

export const AttributeKeyProposalID = "proposal_id";
export const AttributeKeyProposalResult = "proposal_result";
export const AttributeKeyProposalLog = "proposal_log";
export const AttributeKeyVoter = "voter";
export const AttributeKeyOption = "option";
export const AttributeKeyDepositor = "depositor";
export const AttributeKeyProposalMessages = "proposal_messages";
export const AttributeKeyVotingPeriodStart = "voting_period_start";

export const AttributeValueProposalDropped = "proposal_dropped";
export const AttributeValueProposalPassed = "proposal_passed";
export const AttributeValueProposalRejected = "proposal_rejected";
export const AttributeValueProposalFailed = "proposal_failed";
export const AttributeValueExpeditedProposalRejected = "expedited_proposal_rejected";

export function submitProposal(id: bigint, msgTypeUrls: string[]): SdkEvent {
  return newEvent(EventTypeSubmitProposal, [
    [AttributeKeyProposalID, id.toString()],
    [AttributeKeyProposalMessages, msgTypeUrls.join(",")],
  ]);
}

export function votingPeriodStart(type: string, id: bigint): SdkEvent {
  return newEvent(type, [[AttributeKeyVotingPeriodStart, id.toString()]]);
}

export function proposalDeposit(depositor: string, amount: string, id: bigint): SdkEvent {
  return newEvent(EventTypeProposalDeposit, [
    [AttributeKeyDepositor, depositor],
    ["amount", amount],
    [AttributeKeyProposalID, id.toString()],
  ]);
}

export function proposalVote(voter: string, options: string, id: bigint): SdkEvent {
  return newEvent(EventTypeProposalVote, [
    [AttributeKeyVoter, voter],
    [AttributeKeyOption, options],
    [AttributeKeyProposalID, id.toString()],
  ]);
}

export function inactiveProposal(id: bigint, result: string): SdkEvent {
  return newEvent(EventTypeInactiveProposal, [
    [AttributeKeyProposalID, id.toString()],
    [AttributeKeyProposalResult, result],
  ]);
}

export function activeProposal(id: bigint, result: string, log: string): SdkEvent {
  return newEvent(EventTypeActiveProposal, [
    [AttributeKeyProposalID, id.toString()],
    [AttributeKeyProposalResult, result],
    [AttributeKeyProposalLog, log],
  ]);
}

export function cancelProposal(sender: string, id: bigint): SdkEvent {
  return newEvent(EventTypeCancelProposal, [
    ["sender", sender],
    [AttributeKeyProposalID, id.toString()],
  ]);
}
