import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toUtf8 } from "@cosmjs/encoding";
import { type Proposal, SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import { proposalSignBytes, voteExtensionSignBytes, voteSignBytes } from "../../chain/types/vote.ts";

const ZERO_BID = { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } };
const vote = (p: Partial<Vote>): Vote => ({
  type: 0,
  height: 0n,
  round: 0,
  blockId: ZERO_BID,
  timestamp: undefined as unknown as Vote["timestamp"], // Go zero time
  validatorAddress: new Uint8Array(0),
  validatorIndex: 0,
  signature: new Uint8Array(0),
  extension: new Uint8Array(0),
  extensionSignature: new Uint8Array(0),
  ...p,
});
// Go's zero time as an encoded Timestamp (field 5 of CanonicalVote).
const ZERO_TIME = [0x2a, 0xb, 0x8, 0x80, 0x92, 0xb8, 0xc3, 0x98, 0xfe, 0xff, 0xff, 0xff, 0x1];
const H1R1 = [0x11, 1, 0, 0, 0, 0, 0, 0, 0, 0x19, 1, 0, 0, 0, 0, 0, 0, 0];

// Vectors from CometBFT types/vote_test.go TestVoteSignBytesTestVectors.
describe("voteSignBytes (CometBFT test vectors)", () => {
  it("empty vote", () => {
    assert.deepEqual([...voteSignBytes("", vote({}))], [0xd, ...ZERO_TIME]);
  });
  it("precommit / prevote / no type with height 1 round 1", () => {
    const pc = voteSignBytes("", vote({ height: 1n, round: 1, type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT }));
    assert.deepEqual([...pc], [0x21, 0x8, 0x2, ...H1R1, ...ZERO_TIME]);
    const pv = voteSignBytes("", vote({ height: 1n, round: 1, type: SignedMsgType.SIGNED_MSG_TYPE_PREVOTE }));
    assert.deepEqual([...pv], [0x21, 0x8, 0x1, ...H1R1, ...ZERO_TIME]);
    assert.deepEqual([...voteSignBytes("", vote({ height: 1n, round: 1 }))], [0x1f, ...H1R1, ...ZERO_TIME]);
  });
  it("with chain id", () => {
    const got = voteSignBytes("test_chain_id", vote({ height: 1n, round: 1 }));
    assert.deepEqual([...got], [0x2e, ...H1R1, ...ZERO_TIME, 0x32, 0xd, ...toUtf8("test_chain_id")]);
  });
  it("extension, signature and validator fields are not signed", () => {
    const a = voteSignBytes("c", vote({ height: 5n, round: 0 }));
    const b = voteSignBytes(
      "c",
      vote({
        height: 5n,
        extension: Uint8Array.of(1),
        signature: Uint8Array.of(2),
        validatorIndex: 3,
        validatorAddress: Uint8Array.of(4),
      }),
    );
    assert.deepEqual(a, b);
  });
  it("includes a non-zero block id (CanonicalBlockID)", () => {
    const bid = { hash: new Uint8Array(32).fill(7), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(8) } };
    const got = voteSignBytes("", vote({ height: 1n, round: 1, blockId: bid }));
    // field 4: 0x22, len 0x48 = 2+32 + 2+(2+2+32)
    const idx = 1 + H1R1.length;
    assert.deepEqual([...got.slice(idx, idx + 4)], [0x22, 0x48, 0x0a, 0x20]);
    assert.equal(got[0], got.length - 1);
  });
});

describe("voteExtensionSignBytes", () => {
  it("CanonicalVoteExtension{extension, height, round, chain_id}, delimited", () => {
    const got = voteExtensionSignBytes("test_chain_id", vote({ height: 1n, round: 1, extension: toUtf8("signed") }));
    const body = [0x0a, 6, ...toUtf8("signed"), ...H1R1, 0x22, 0xd, ...toUtf8("test_chain_id")];
    assert.deepEqual([...got], [body.length, ...body]);
  });
});

describe("proposalSignBytes", () => {
  it("encodes pol_round -1 as int64 and differs from the vote encoding", () => {
    const p: Proposal = {
      type: SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL,
      height: 1n,
      round: 1,
      polRound: -1,
      blockId: ZERO_BID,
      timestamp: undefined as unknown as Proposal["timestamp"],
      signature: new Uint8Array(0),
    };
    const got = proposalSignBytes("", p);
    const body = [0x08, 0x20, ...H1R1, 0x20, ...Array(9).fill(0xff), 0x01, 0x32, ...ZERO_TIME.slice(1)];
    assert.deepEqual([...got], [body.length, ...body]);
  });
});
