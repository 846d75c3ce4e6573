// The double-signing validator of test/support/double-signer.ts on the engine's ConsensusHooks: the
// hooks themselves (own votes only, a throwing hook does not stop consensus), the signer's rules
// (one conflicting prevote per height, until evidence against it is committed), and a network where
// its votes become evidence in a block and FinalizeBlock's misbehavior.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MisbehaviorType } from "cosmjs-types/tendermint/abci/types";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import { SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import type { CommitInfoEvent } from "../../chain/consensus/consensus-state.ts";
import { ed25519Verify } from "../../chain/consensus/crypto.ts";
import { voteSignBytes } from "../../chain/types/vote.ts";
import { DoubleSigner } from "../support/double-signer.ts";
import { makeKeys, silentLogger, waitFor } from "./helpers.ts";
import { makeNet } from "./net-helpers.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("consensus hooks see each node's own votes and commits; a hook that throws does not stop consensus", async () => {
  const seen: { node: number; vote: Vote }[] = [];
  const commits = [0, 0, 0, 0];
  const { nodes, keys } = await makeNet(4, {
    tag: "hooknet",
    hooks: (i) => ({
      onOwnVote(vote) {
        seen.push({ node: i, vote });
        throw new Error("a broken hook");
      },
      onCommit() {
        commits[i]++;
        throw new Error("a broken hook");
      },
    }),
  });
  await Promise.all(nodes.map((n) => n.cs.start(n.state)));
  try {
    await waitFor(() => nodes.every((n) => n.blockStore.height() >= 3), 15000, "3 blocks despite throwing hooks");
    for (const { node, vote } of seen) assert.equal(hex(vote.validatorAddress), hex(keys[node].address));
    for (let i = 0; i < 4; i++) {
      const types = new Set(seen.filter((s) => s.node === i).map((s) => s.vote.type));
      assert.deepEqual([...types].sort(), [
        SignedMsgType.SIGNED_MSG_TYPE_PREVOTE,
        SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
      ]);
      assert.ok(commits[i] >= 3, `node ${i} onCommit per block`);
    }
  } finally {
    await Promise.all(nodes.map((n) => n.cs.stop()));
  }
});

test("the double signer: one conflicting, validly signed prevote per height, none once evidence against it is committed", () => {
  const [key, other] = makeKeys(2, "dsunit");
  const signer = new DoubleSigner({ chainId: "test-chain" }, { key, logger: silentLogger });
  const vote = (height: bigint, type = SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, from = key): Vote => ({
    type,
    height,
    round: 0,
    blockId: { hash: new Uint8Array(32).fill(1), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(2) } },
    timestamp: { seconds: 1n, nanos: 0 },
    validatorAddress: from.address,
    validatorIndex: 0,
    signature: new Uint8Array(64),
    extension: new Uint8Array(),
    extensionSignature: new Uint8Array(),
  });
  const sent: Vote[] = [];
  const send = (v: Vote) => sent.push(v);
  signer.onOwnVote(vote(5n), send);
  assert.equal(sent.length, 1);
  const c = sent[0];
  assert.equal(c.height, 5n);
  assert.equal(c.type, SignedMsgType.SIGNED_MSG_TYPE_PREVOTE);
  assert.notEqual(hex(c.blockId.hash), hex(vote(5n).blockId.hash), "a different block id");
  assert.ok(ed25519Verify(key.pubKey, voteSignBytes("test-chain", c), c.signature), "signed by the validator key");
  signer.onOwnVote(vote(5n), send); // a later round of the same height
  signer.onOwnVote(vote(6n, SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT), send);
  signer.onOwnVote(vote(6n, SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, other), send);
  assert.equal(sent.length, 1, "once per height, prevotes of its own key only");
  signer.onOwnVote(vote(6n), send);
  assert.equal(sent.length, 2);
  // evidence against another validator changes nothing; against this one it stops
  const evidence = (against: typeof key): Evidence =>
    ({ duplicateVoteEvidence: { voteA: vote(6n, undefined, against), voteB: c } }) as unknown as Evidence;
  const commit = (ev: Evidence) => ({ block: { evidence: { evidence: [ev] } } }) as unknown as CommitInfoEvent;
  signer.onCommit(commit(evidence(other)));
  signer.onOwnVote(vote(7n), send);
  assert.equal(sent.length, 3);
  signer.onCommit(commit(evidence(key)));
  assert.equal(signer.caught, true);
  signer.onOwnVote(vote(8n), send);
  assert.equal(sent.length, 3, "stopped once caught");
});

test("a validator run with the double signer produces evidence that reaches a block and FinalizeBlock", async () => {
  const { nodes, keys } = await makeNet(4, {
    tag: "dsnet",
    hooks: (i, key) =>
      i === 2 ? new DoubleSigner({ chainId: "test-chain" }, { key, logger: silentLogger }) : undefined,
  });
  const doubleSigned = new Map<string, Set<string>>();
  // Watch node 2's prevotes as a peer sees them: two different block ids at one height/round.
  nodes[0].transport.onMessage((msg) => {
    if (msg.type !== "vote" || msg.vote.type !== SignedMsgType.SIGNED_MSG_TYPE_PREVOTE) return;
    if (hex(msg.vote.validatorAddress) !== hex(keys[2].address)) return;
    const k = `${msg.vote.height}/${msg.vote.round}`;
    const s = doubleSigned.get(k) ?? new Set();
    s.add(hex(msg.vote.blockId.hash));
    doubleSigned.set(k, s);
  });
  await Promise.all(nodes.map((n) => n.cs.start(n.state)));
  try {
    const finalized = (n: (typeof nodes)[number]) => n.app.finalized.some((r) => r.misbehavior.length > 0);
    await waitFor(() => nodes.every(finalized), 15000, "misbehavior in FinalizeBlock everywhere");
    assert.ok(
      [...doubleSigned.values()].some((s) => s.size === 2),
      "node 2 broadcast two prevotes at one H/R",
    );
    for (const n of nodes) {
      const req = n.app.finalized.find((r) => r.misbehavior.length > 0)!;
      const m = req.misbehavior[0];
      assert.equal(m.type, MisbehaviorType.DUPLICATE_VOTE);
      assert.equal(hex(m.validator.address), hex(keys[2].address));
      const block = await n.blockStore.loadBlock(Number(req.height));
      assert.ok(block!.evidence.evidence.length >= 1, "the evidence is in the block");
    }
    // Once evidence against it is committed, the double signer stops.
    const at = nodes[0].blockStore.height();
    await waitFor(() => nodes.every((n) => n.blockStore.height() >= at + 4), 10000, "4 more blocks");
    const lastDouble = Math.max(
      ...[...doubleSigned.entries()].filter(([, s]) => s.size === 2).map(([k]) => Number(k.split("/")[0])),
    );
    assert.ok(lastDouble <= at, `no double-signing after evidence was committed (last at ${lastDouble})`);
    // The other validators never double-signed.
    const offenders = new Set(
      nodes.flatMap((n) => n.app.finalized.flatMap((r) => r.misbehavior.map((x) => hex(x.validator.address)))),
    );
    assert.deepEqual([...offenders], [hex(keys[2].address)]);
  } finally {
    await Promise.all(nodes.map((n) => n.cs.stop()));
  }
});
