// The ABCI socket messages: `tendermint.abci.Request` / `Response` of CometBFT v0.38 (cosmjs-types
// 0.11 has every v0.38 oneof variant and field: extend_vote, verify_vote_extension, finalize_block,
// prepare_proposal, process_proposal). cosmjs-types models the oneof as optional fields; exactly one
// must be set. The variant names are the same on both sides, so a response is keyed like its request.
import type { DeepPartial } from "cosmjs-types/helpers";
import { Request, Response } from "cosmjs-types/tendermint/abci/types";
import { encodeFrame } from "./framing.ts";
// int64/uint64 in [2^31, 2^32) (gas, powers, 2038+ times) need the corrected writer
import "../types/binary-writer.ts";

/** Request variants in field-number order (echo = 1 ... finalize_block = 20). */
export const REQUEST_KINDS = [
  "echo",
  "flush",
  "info",
  "initChain",
  "query",
  "checkTx",
  "commit",
  "listSnapshots",
  "offerSnapshot",
  "loadSnapshotChunk",
  "applySnapshotChunk",
  "prepareProposal",
  "processProposal",
  "extendVote",
  "verifyVoteExtension",
  "finalizeBlock",
] as const satisfies readonly (keyof Request)[];

export type RequestKind = (typeof REQUEST_KINDS)[number];
export type ResponseKind = RequestKind | "exception";

/** The one variant set in `msg` (a decoded Request or Response), or an error text. */
function onlyVariant<K extends string>(msg: object, kinds: readonly K[]): K | { error: string } {
  const set = kinds.filter((k) => (msg as Record<string, unknown>)[k] !== undefined);
  if (set.length === 1) return set[0];
  return { error: set.length === 0 ? "no known variant set" : `several variants set (${set.join(", ")})` };
}

export function requestKind(req: Request): RequestKind | { error: string } {
  return onlyVariant(req, REQUEST_KINDS);
}

const RESPONSE_KINDS: readonly ResponseKind[] = ["exception", ...REQUEST_KINDS];

export function responseKind(res: Response): ResponseKind | { error: string } {
  return onlyVariant(res, RESPONSE_KINDS);
}

/** A Request as a frame (fromPartial first: callers may omit fields whose defaults are empty). */
export function requestFrame(req: DeepPartial<Request>): Uint8Array {
  return encodeFrame(Request.encode(Request.fromPartial(req)).finish());
}

export function responseFrame(res: DeepPartial<Response>): Uint8Array {
  return encodeFrame(Response.encode(Response.fromPartial(res)).finish());
}

export function exceptionFrame(error: string): Uint8Array {
  return responseFrame({ exception: { error } });
}
