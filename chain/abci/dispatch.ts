// One request to the Application, one response (abci/server/socket_server.go handleRequest). The
// Application has no snapshot methods: the server answers them as an app without snapshots does —
// none listed, every offer aborted (state sync stops rather than waiting on this app), no chunks.
import {
  type Request,
  type Response,
  ResponseApplySnapshotChunk_Result,
  ResponseOfferSnapshot_Result,
} from "cosmjs-types/tendermint/abci/types";
import type { Application } from "./application.ts";
import type { RequestKind } from "./messages.ts";

/** The Response for `req` (whose set variant is `kind`); rejects with the app's error. */
export async function dispatch(app: Application, req: Request, kind: RequestKind): Promise<Partial<Response>> {
  switch (kind) {
    case "echo":
      return { echo: { message: req.echo?.message ?? "" } };
    case "flush":
      return { flush: {} };
    case "info":
      return { info: await app.info(must(req.info)) };
    case "initChain":
      return { initChain: await app.initChain(must(req.initChain)) };
    case "query":
      return { query: await app.query(must(req.query)) };
    case "checkTx":
      return { checkTx: await app.checkTx(must(req.checkTx)) };
    case "commit":
      return { commit: await app.commit(must(req.commit)) };
    case "prepareProposal":
      return { prepareProposal: await app.prepareProposal(must(req.prepareProposal)) };
    case "processProposal":
      return { processProposal: await app.processProposal(must(req.processProposal)) };
    case "extendVote":
      return { extendVote: await app.extendVote(must(req.extendVote)) };
    case "verifyVoteExtension":
      return { verifyVoteExtension: await app.verifyVoteExtension(must(req.verifyVoteExtension)) };
    case "finalizeBlock":
      return { finalizeBlock: await app.finalizeBlock(must(req.finalizeBlock)) };
    case "listSnapshots":
      return { listSnapshots: { snapshots: [] } };
    case "offerSnapshot":
      return { offerSnapshot: { result: ResponseOfferSnapshot_Result.ABORT } };
    case "loadSnapshotChunk":
      return { loadSnapshotChunk: { chunk: new Uint8Array() } };
    case "applySnapshotChunk":
      return {
        applySnapshotChunk: { result: ResponseApplySnapshotChunk_Result.ABORT, refetchChunks: [], rejectSenders: [] },
      };
  }
}

function must<T>(v: T | undefined): T {
  if (v === undefined) throw new Error("request variant missing");
  return v;
}
