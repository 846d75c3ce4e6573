// Sign bytes of votes, vote extensions and proposals (cometbft types/vote.go, proposal.go, canonical.go):
// length-delimited CanonicalVote / CanonicalVoteExtension / CanonicalProposal.
import { BinaryWriter } from "cosmjs-types/binary";
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Proposal, Vote } from "cosmjs-types/tendermint/types/types";
import { delimited, goTime, isZeroBlockId, writeCanonicalBlockId } from "./encoding.ts";

/** CanonicalVote{type=1, height=2 sfixed64, round=3 sfixed64, block_id=4, timestamp=5, chain_id=6}. */
export function canonicalVoteBytes(chainId: string, vote: Vote): Uint8Array {
  const w = BinaryWriter.create();
  if (vote.type !== 0) w.uint32(8).int32(vote.type);
  if (vote.height !== 0n) w.uint32(17).sfixed64(vote.height);
  if (vote.round !== 0) w.uint32(25).sfixed64(BigInt(vote.round));
  if (!isZeroBlockId(vote.blockId)) {
    w.uint32(34).fork();
    writeCanonicalBlockId(vote.blockId, w);
    w.ldelim();
  }
  Timestamp.encode(goTime(vote.timestamp), w.uint32(42).fork()).ldelim();
  if (chainId.length > 0) w.uint32(50).string(chainId);
  return w.finish();
}

export function voteSignBytes(chainId: string, vote: Vote): Uint8Array {
  return delimited(canonicalVoteBytes(chainId, vote));
}

/** CanonicalVoteExtension{extension=1, height=2 sfixed64, round=3 sfixed64, chain_id=4}, delimited. */
export function voteExtensionSignBytes(chainId: string, vote: Vote): Uint8Array {
  const w = BinaryWriter.create();
  if (vote.extension && vote.extension.length > 0) w.uint32(10).bytes(vote.extension);
  if (vote.height !== 0n) w.uint32(17).sfixed64(vote.height);
  if (vote.round !== 0) w.uint32(25).sfixed64(BigInt(vote.round));
  if (chainId.length > 0) w.uint32(34).string(chainId);
  return delimited(w.finish());
}

/** CanonicalProposal{type=1, height=2, round=3, pol_round=4 int64, block_id=5, timestamp=6, chain_id=7}, delimited. */
export function proposalSignBytes(chainId: string, proposal: Proposal): Uint8Array {
  const w = BinaryWriter.create();
  if (proposal.type !== 0) w.uint32(8).int32(proposal.type);
  if (proposal.height !== 0n) w.uint32(17).sfixed64(proposal.height);
  if (proposal.round !== 0) w.uint32(25).sfixed64(BigInt(proposal.round));
  if (proposal.polRound !== 0) w.uint32(32).int64(BigInt(proposal.polRound));
  if (!isZeroBlockId(proposal.blockId)) {
    w.uint32(42).fork();
    writeCanonicalBlockId(proposal.blockId, w);
    w.ldelim();
  }
  Timestamp.encode(goTime(proposal.timestamp), w.uint32(50).fork()).ldelim();
  if (chainId.length > 0) w.uint32(58).string(chainId);
  return delimited(w.finish());
}
