// x/gov errors, codespace "gov", same codes as the SDK (x/gov/types/errors.go, v0.50). Code 13 is
// raised by other modules too: chain/errors registers it, gov re-exports it under the SDK's name.
import { ErrGovInvalidSigner, GovCodespace, register } from "../../chain/errors/errors.ts";

export const Codespace = GovCodespace;
export const ErrUnknownProposal = register(Codespace, 2, "unknown proposal");
export const ErrInactiveProposal = register(Codespace, 3, "inactive proposal");
export const ErrAlreadyActiveProposal = register(Codespace, 4, "proposal already active");
export const ErrInvalidProposalContent = register(Codespace, 5, "invalid proposal content");
export const ErrInvalidProposalType = register(Codespace, 6, "invalid proposal type");
export const ErrInvalidVote = register(Codespace, 7, "invalid vote option");
export const ErrInvalidGenesis = register(Codespace, 8, "invalid genesis state");
export const ErrNoProposalHandlerExists = register(Codespace, 9, "no handler exists for proposal type");
export const ErrUnroutableProposalMsg = register(Codespace, 10, "proposal message not recognized by router");
export const ErrNoProposalMsgs = register(Codespace, 11, "no messages proposed");
export const ErrInvalidProposalMsg = register(Codespace, 12, "invalid proposal message");
export const ErrInvalidSigner = ErrGovInvalidSigner;
export const ErrMetadataTooLong = register(Codespace, 15, "metadata too long");
export const ErrMinDepositTooSmall = register(Codespace, 16, "minimum deposit is too small");
export const ErrInvalidProposer = register(Codespace, 18, "invalid proposer");
export const ErrVotingPeriodEnded = register(Codespace, 20, "voting period already ended");
export const ErrInvalidProposal = register(Codespace, 21, "invalid proposal");
export const ErrSummaryTooLong = register(Codespace, 22, "summary too long");
export const ErrInvalidDepositDenom = register(Codespace, 23, "invalid deposit denom");
