import assert from "node:assert/strict";
import { test } from "node:test";
import { MisbehaviorType } from "cosmjs-types/tendermint/abci/types";
import { SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import { voteSignBytes } from "../../chain/types/vote.ts";
import { waitFor } from "./helpers.ts";
import { makeNet } from "./net-helpers.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("a duplicate prevote seen on the network becomes evidence in one block and FinalizeBlock misbehavior", async () => {
  const { net, nodes, keys, chainId } = await makeNet(4, { tag: "evnet" });
  // A byzantine copy of validator 1's key, outside its engine: it prevotes another block once at height 2.
  const evil = net.join("evil");
  let sent = false;
  evil.onMessage((msg) => {
    if (sent || msg.type !== "vote") return;
    const v = msg.vote;
    if (
      v.height !== 2n ||
      v.type !== SignedMsgType.SIGNED_MSG_TYPE_PREVOTE ||
      hex(v.validatorAddress) !== hex(keys[1].address)
    )
      return;
    sent = true;
    const bad: Vote = {
      ...v,
      blockId: {
        hash: new Uint8Array(32).fill(0xee),
        partSetHeader: { total: 1, hash: new Uint8Array(32).fill(0xef) },
      },
    };
    bad.signature = keys[1].sign(voteSignBytes(chainId, bad));
    evil.broadcast({ type: "vote", vote: bad });
  });
  await Promise.all(nodes.map((n) => n.cs.start(n.state)));
  try {
    const hasMisbehavior = (n: (typeof nodes)[number]) => n.app.finalized.some((r) => r.misbehavior.length > 0);
    await waitFor(() => nodes.every(hasMisbehavior), 15000, "misbehavior in FinalizeBlock on every node");
    const req = nodes[0].app.finalized.find((r) => r.misbehavior.length > 0)!;
    assert.equal(req.misbehavior.length, 1);
    const m = req.misbehavior[0];
    assert.equal(m.type, MisbehaviorType.DUPLICATE_VOTE);
    assert.equal(hex(m.validator.address), hex(keys[1].address));
    assert.equal(m.validator.power, 10n);
    assert.equal(m.height, 2n);
    assert.equal(m.totalVotingPower, 40n);
    const block2 = await nodes[0].blockStore.loadBlock(2);
    assert.deepEqual(m.time, block2!.header.time, "evidence time = block time of the infraction height");
    for (const n of nodes) {
      const r = n.app.finalized.find((x) => x.height === req.height)!;
      assert.deepEqual(r.misbehavior, req.misbehavior, "same misbehavior everywhere");
    }
    const block = await nodes[0].blockStore.loadBlock(Number(req.height));
    assert.equal(block!.evidence.evidence.length, 1);
    // Submitted again (RPC broadcast_evidence path): committed evidence is not new; a forged copy is refused.
    const ev = block!.evidence.evidence[0];
    assert.equal(await nodes[3].cs.submitEvidence(ev), false);
    const forged = structuredClone(ev);
    forged.duplicateVoteEvidence!.voteB!.signature[0] ^= 1;
    await assert.rejects(nodes[3].cs.submitEvidence(forged), /signature/);
    // It is never included twice.
    const at = nodes[0].blockStore.height();
    await waitFor(() => nodes.every((n) => n.blockStore.height() >= at + 3), 10000, "3 more blocks");
    for (const n of nodes) {
      const withEv = n.app.finalized.filter((r) => r.misbehavior.length > 0);
      assert.equal(withEv.length, 1, `${n.id} saw the misbehavior once`);
      assert.equal(n.cs.evidencePool.pendingList().length, 0);
    }
  } finally {
    await Promise.all(nodes.map((n) => n.cs.stop()));
  }
});
