// The engine/application boundary (ARCHITECTURE.md section 2): the ABCI 2.0 methods of CometBFT v0.38,
// typed with the request/response messages of cosmjs-types. The embedded consensus engine calls this
// object in process; chain/abci serves the same object over CometBFT's socket protocol.
import type {
  RequestCheckTx,
  RequestCommit,
  RequestExtendVote,
  RequestFinalizeBlock,
  RequestInfo,
  RequestInitChain,
  RequestPrepareProposal,
  RequestProcessProposal,
  RequestQuery,
  RequestVerifyVoteExtension,
  ResponseCheckTx,
  ResponseCommit,
  ResponseExtendVote,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseInitChain,
  ResponsePrepareProposal,
  ResponseProcessProposal,
  ResponseQuery,
  ResponseVerifyVoteExtension,
} from "cosmjs-types/tendermint/abci/types";

export interface Application {
  info(req: RequestInfo): Promise<ResponseInfo>;
  initChain(req: RequestInitChain): Promise<ResponseInitChain>;
  checkTx(req: RequestCheckTx): Promise<ResponseCheckTx>;
  query(req: RequestQuery): Promise<ResponseQuery>;
  prepareProposal(req: RequestPrepareProposal): Promise<ResponsePrepareProposal>;
  processProposal(req: RequestProcessProposal): Promise<ResponseProcessProposal>;
  extendVote(req: RequestExtendVote): Promise<ResponseExtendVote>;
  verifyVoteExtension(req: RequestVerifyVoteExtension): Promise<ResponseVerifyVoteExtension>;
  finalizeBlock(req: RequestFinalizeBlock): Promise<ResponseFinalizeBlock>;
  commit(req: RequestCommit): Promise<ResponseCommit>;
}
