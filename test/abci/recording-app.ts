// An Application for the socket tests: records every request it gets, answers each method with a
// fixed, distinctive response, counts how many calls run at once, and can be made to wait or fail.
import {
  ResponseCheckTx,
  ResponseCommit,
  ResponseExtendVote,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseInitChain,
  ResponsePrepareProposal,
  ResponseProcessProposal,
  ResponseProcessProposal_ProposalStatus,
  ResponseQuery,
  ResponseVerifyVoteExtension,
  ResponseVerifyVoteExtension_VerifyStatus,
} from "cosmjs-types/tendermint/abci/types";
import type { Application } from "../../chain/abci/application.ts";

const b = (s: string) => new TextEncoder().encode(s);

/** The responses RecordingApp gives, by method (CheckTx and Query echo their input into `data` / `value`). */
export const CANNED = {
  info: ResponseInfo.fromPartial({
    data: "recording",
    version: "1.2.3",
    appVersion: 7n,
    lastBlockHeight: 41n,
    lastBlockAppHash: b("app-hash-41"),
  }),
  initChain: ResponseInitChain.fromPartial({
    validators: [{ pubKey: { ed25519: new Uint8Array(32).fill(9) }, power: 5n }],
    appHash: b("genesis-hash"),
    consensusParams: { abci: { voteExtensionsEnableHeight: 2n } },
  }),
  commit: ResponseCommit.fromPartial({ retainHeight: 3n }),
  prepareProposal: ResponsePrepareProposal.fromPartial({ txs: [b("tx-a"), b("tx-b")] }),
  processProposal: ResponseProcessProposal.fromPartial({ status: ResponseProcessProposal_ProposalStatus.ACCEPT }),
  extendVote: ResponseExtendVote.fromPartial({ voteExtension: b("my-extension") }),
  verifyVoteExtension: ResponseVerifyVoteExtension.fromPartial({
    status: ResponseVerifyVoteExtension_VerifyStatus.REJECT,
  }),
  finalizeBlock: ResponseFinalizeBlock.fromPartial({
    events: [{ type: "begin", attributes: [{ key: "k", value: "v", index: true }] }],
    txResults: [
      { code: 0, data: b("ok"), gasUsed: 10n, gasWanted: 20n, events: [] },
      { code: 5, log: "failed" },
    ],
    validatorUpdates: [{ pubKey: { ed25519: new Uint8Array(32).fill(1) }, power: 0n }],
    appHash: b("app-hash-42"),
  }),
};

export class RecordingApp implements Application {
  readonly calls: { method: string; req: unknown }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** per-call delay in ms (to show the server never runs two app calls at once) */
  delayMs = 0;
  /** a method that throws this error's message instead of answering */
  failing: { method: string; message: string } | undefined;

  private async record<T>(method: string, req: unknown, res: T): Promise<T> {
    this.calls.push({ method, req });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.failing?.method === method) throw new Error(this.failing.message);
      return res;
    } finally {
      this.inFlight--;
    }
  }

  info(req: any) {
    return this.record("info", req, CANNED.info);
  }
  initChain(req: any) {
    return this.record("initChain", req, CANNED.initChain);
  }
  checkTx(req: any) {
    return this.record("checkTx", req, ResponseCheckTx.fromPartial({ code: 0, data: req.tx, gasWanted: 1n }));
  }
  query(req: any) {
    return this.record("query", req, ResponseQuery.fromPartial({ code: 0, key: b(req.path), value: req.data }));
  }
  prepareProposal(req: any) {
    return this.record("prepareProposal", req, CANNED.prepareProposal);
  }
  processProposal(req: any) {
    return this.record("processProposal", req, CANNED.processProposal);
  }
  extendVote(req: any) {
    return this.record("extendVote", req, CANNED.extendVote);
  }
  verifyVoteExtension(req: any) {
    return this.record("verifyVoteExtension", req, CANNED.verifyVoteExtension);
  }
  finalizeBlock(req: any) {
    return this.record("finalizeBlock", req, CANNED.finalizeBlock);
  }
  commit(req: any) {
    return this.record("commit", req, CANNED.commit);
  }
}
