import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { type BlockID, SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import { ed25519Verify } from "../../chain/consensus/crypto.ts";
import { FilePV } from "../../chain/consensus/privval.ts";
import { NIL_BLOCK_ID } from "../../chain/consensus/vote-set.ts";
import { FileWal } from "../../chain/consensus/wal.ts";
import { voteSignBytes } from "../../chain/types/vote.ts";
import { makeKeys } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "dgrid-pv-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const [key] = makeKeys(1, "pv");
const blockA: BlockID = {
  hash: new Uint8Array(32).fill(1),
  partSetHeader: { total: 1, hash: new Uint8Array(32).fill(2) },
};
const blockB: BlockID = {
  hash: new Uint8Array(32).fill(3),
  partSetHeader: { total: 1, hash: new Uint8Array(32).fill(4) },
};

function vote(
  blockId: BlockID = blockA,
  round = 0,
  type = SignedMsgType.SIGNED_MSG_TYPE_PREVOTE,
  seconds = 100n,
): Vote {
  return {
    type,
    height: 5n,
    round,
    blockId,
    timestamp: { seconds, nanos: 0 },
    validatorAddress: key.address,
    validatorIndex: 0,
    signature: new Uint8Array(),
    extension: new Uint8Array(),
    extensionSignature: new Uint8Array(),
  };
}

test("FilePV refuses a conflicting vote at the same height/round/step, re-signs identical ones, persists its state", () => {
  const path = join(dir, "priv_validator_state.json");
  const pv = new FilePV(key, path);
  const v1 = vote();
  pv.signVote("c", v1, false);
  assert.ok(ed25519Verify(key.pubKey, voteSignBytes("c", v1), v1.signature));
  const json = JSON.parse(readFileSync(path, "utf8"));
  assert.equal(json.height, "5");
  assert.equal(json.step, 2);
  assert.match(json.signbytes, /^[0-9A-F]+$/);

  // Identical vote: same signature. Differing only by timestamp: the old timestamp and signature.
  const again = vote();
  pv.signVote("c", again, false);
  assert.deepEqual(again.signature, v1.signature);
  const later = vote(blockA, 0, SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, 200n);
  pv.signVote("c", later, false);
  assert.equal(later.timestamp.seconds, 100n);
  assert.deepEqual(later.signature, v1.signature);

  // Another block at the same HRS: refused, also after a restart from the state file.
  assert.throws(() => pv.signVote("c", vote(blockB), false), /conflicting data/);
  const pv2 = new FilePV(key, path);
  assert.throws(() => pv2.signVote("c", vote(NIL_BLOCK_ID), false), /conflicting data/);
  // Regressions are refused; moving forward is fine.
  assert.throws(() => pv2.signVote("c", { ...vote(), height: 4n }, false), /height regression/);
  pv2.signVote("c", vote(blockB, 0, SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT), false);
  assert.throws(
    () => pv2.signVote("c", vote(blockB, 0, SignedMsgType.SIGNED_MSG_TYPE_PREVOTE), false),
    /step regression/,
  );
  pv2.signVote("c", vote(blockB, 1), false);
  assert.equal(pv2.lastSignState().round, 1);
});

test("the WAL replays messages after the last EndHeight and ignores a torn tail", () => {
  const path = join(dir, "cs.wal");
  const wal = new FileWal({ path });
  wal.writeSync({ type: "endHeight", height: 4n });
  wal.write({ type: "vote", vote: vote() });
  wal.writeSync({ type: "endHeight", height: 5n });
  wal.writeSync({ type: "timeout", height: 6n, round: 0, step: 1 });
  wal.writeSync({ type: "vote", vote: { ...vote(blockB), height: 6n } });
  wal.close();
  // Simulate a crash in the middle of a record.
  writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from([0, 0, 1, 0, 9, 9])]));
  const reopened = new FileWal({ path });
  const msgs = reopened.searchForEndHeight(6n);
  assert.ok(msgs);
  assert.deepEqual(
    msgs.map((m) => m.type),
    ["timeout", "vote"],
  );
  const v = msgs[1];
  assert.ok(v.type === "vote" && v.vote.height === 6n && v.vote.blockId.hash[0] === 3);
  assert.equal(reopened.searchForEndHeight(9n), undefined);
  reopened.write({ type: "endHeight", height: 6n });
  assert.deepEqual(reopened.searchForEndHeight(7n), []);
  reopened.close();
});
