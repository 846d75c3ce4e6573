import assert from "node:assert/strict";
import { test } from "node:test";
import { type BlockID, SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import type { Signer } from "../../chain/consensus/crypto.ts";
import { ValidatorSet } from "../../chain/consensus/validator-set.ts";
import { blockIdEqual, NIL_BLOCK_ID, VoteError, VoteSet, verifyCommit } from "../../chain/consensus/vote-set.ts";
import { voteExtensionSignBytes, voteSignBytes } from "../../chain/types/vote.ts";
import { makeKeys } from "./helpers.ts";

const keys = makeKeys(4, "vset");
const vals = ValidatorSet.create(keys.map((k) => ({ pubKey: k.pubKey, votingPower: 10n })));
const A: BlockID = { hash: new Uint8Array(32).fill(7), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(8) } };
const B: BlockID = { hash: new Uint8Array(32).fill(9), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(8) } };
const PRECOMMIT = SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT;

function signed(k: Signer, blockId: BlockID, type = PRECOMMIT, ext?: string): Vote {
  const v: Vote = {
    type,
    height: 3n,
    round: 1,
    blockId,
    timestamp: { seconds: 1000n, nanos: 0 },
    validatorAddress: k.address,
    validatorIndex: vals.getByAddress(k.address)!.index,
    signature: new Uint8Array(),
    extension: ext ? new TextEncoder().encode(ext) : new Uint8Array(),
    extensionSignature: new Uint8Array(),
  };
  v.signature = k.sign(voteSignBytes("c", v));
  if (ext !== undefined) v.extensionSignature = k.sign(voteExtensionSignBytes("c", v));
  return v;
}

test("+2/3 majority for a block, for nil, conflicts and bad signatures", () => {
  const set = new VoteSet("c", 3n, 1, PRECOMMIT, vals);
  set.addVote(signed(keys[0], A));
  set.addVote(signed(keys[1], A));
  assert.equal(set.hasTwoThirdsAny(), false);
  set.addVote(signed(keys[2], NIL_BLOCK_ID));
  assert.equal(set.hasTwoThirdsAny(), true);
  assert.equal(set.twoThirdsMajority(), undefined, "30 of 40 is > 2/3 any but no single block has it");
  assert.equal(set.addVote(signed(keys[0], A)).added, false, "duplicate is not re-added");
  const { conflict } = set.addVote(signed(keys[0], B));
  assert.ok(conflict, "conflicting vote reported as evidence");
  const bad = signed(keys[3], A);
  bad.signature = new Uint8Array(64);
  assert.throws(() => set.addVote(bad), VoteError);
  assert.throws(() => set.addVote({ ...signed(keys[3], A), validatorIndex: 9 }), VoteError);
  set.addVote(signed(keys[3], A));
  assert.ok(blockIdEqual(set.twoThirdsMajority(), A));
  assert.ok(set.hasAll());

  const commit = set.makeCommit();
  assert.deepEqual(
    commit.signatures.map((s) => s.blockIdFlag),
    vals.validators.map((v) => {
      const i = keys.findIndex((k) => Buffer.compare(k.address, v.address) === 0);
      return i === 2 ? BlockIDFlag.BLOCK_ID_FLAG_NIL : BlockIDFlag.BLOCK_ID_FLAG_COMMIT;
    }),
  );
  verifyCommit("c", vals, A, 3n, commit);
  assert.throws(() => verifyCommit("c", vals, B, 3n, commit), /another block/);
  assert.throws(() => verifyCommit("other-chain", vals, A, 3n, commit), /invalid commit signature/);

  const nilSet = new VoteSet("c", 3n, 1, PRECOMMIT, vals);
  for (const k of keys.slice(0, 3)) nilSet.addVote(signed(k, NIL_BLOCK_ID));
  assert.ok(blockIdEqual(nilSet.twoThirdsMajority(), NIL_BLOCK_ID));
  assert.throws(() => nilSet.makeCommit(), VoteError);
});

test("with vote extensions enabled, non-nil precommits need a valid extension signature", () => {
  const set = new VoteSet("c", 3n, 1, PRECOMMIT, vals, true);
  assert.throws(() => set.addVote(signed(keys[0], A)), /extension signature/);
  set.addVote(signed(keys[0], A, PRECOMMIT, "hello"));
  set.addVote(signed(keys[1], NIL_BLOCK_ID));
  const off = new VoteSet("c", 3n, 1, PRECOMMIT, vals, false);
  assert.throws(() => off.addVote(signed(keys[0], A, PRECOMMIT, "hello")), /unexpected vote extension/);
  set.addVote(signed(keys[2], A, PRECOMMIT, "x"));
  set.addVote(signed(keys[3], A, PRECOMMIT, "y"));
  const ext = set.makeExtendedCommit();
  assert.equal(ext.extendedSignatures.filter((s) => s.extension.length > 0).length, 3);
});
