// Locking rules (paper lines 22-43), driven message by message against one engine among 4 validators.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Block } from "cosmjs-types/tendermint/types/block";
import { type BlockID, type Proposal, SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import { BlockExecutor, blockIdOf, emptyCommit } from "../../chain/consensus/block-executor.ts";
import { ConsensusState } from "../../chain/consensus/consensus-state.ts";
import type { Signer } from "../../chain/consensus/crypto.ts";
import { FilePV } from "../../chain/consensus/privval.ts";
import { type State, StateStore } from "../../chain/consensus/state.ts";
import type { ConsensusMessage, Transport } from "../../chain/consensus/transport.ts";
import { blockIdEqual, NIL_BLOCK_ID } from "../../chain/consensus/vote-set.ts";
import { MemoryWal } from "../../chain/consensus/wal.ts";
import { proposalSignBytes, voteSignBytes } from "../../chain/types/vote.ts";
import { FakeApp, FakeMempool, genesisState, MemBlockStore, makeKeys, silentLogger, waitFor } from "./helpers.ts";
import { MemoryLevel } from "./memory-level.ts";

class ManualTransport implements Transport {
  sent: ConsensusMessage[] = [];
  private handler: ((m: ConsensusMessage, from: string) => void) | undefined;
  broadcast(msg: ConsensusMessage): void {
    this.sent.push(msg);
  }
  onMessage(fn: (m: ConsensusMessage, from: string) => void) {
    this.handler = fn;
    return () => {
      this.handler = undefined;
    };
  }
  deliver(msg: ConsensusMessage): void {
    this.handler?.(msg, "peer");
  }
}

async function setup() {
  const keys = makeKeys(4, "lock");
  const app = new FakeApp();
  await app.initChain();
  const state: State = { ...genesisState(keys), appHash: app.appHash };
  const proposerAt = (r: number) => {
    const v = state.validators.copy();
    if (r > 0) v.incrementProposerPriority(r);
    const addr = Buffer.from(v.getProposer().address).toString("hex");
    return keys.find((k) => Buffer.from(k.address).toString("hex") === addr) as Signer;
  };
  const me = proposerAt(3); // not a proposer in rounds 0..2
  const others = keys.filter((k) => k !== me);
  const transport = new ManualTransport();
  const stateStore = new StateStore(new MemoryLevel());
  await stateStore.save(state);
  const deps = { app, blockStore: new MemBlockStore(), mempool: new FakeMempool(), stateStore, logger: silentLogger };
  const wal = new MemoryWal();
  const privValidator = new FilePV(me, undefined);
  const makeCs = () =>
    new ConsensusState(
      {
        chainId: "test-chain",
        timeouts: {
          proposeMs: 10_000,
          prevoteMs: 20,
          prevoteDeltaMs: 0,
          precommitMs: 20,
          precommitDeltaMs: 0,
          commitMs: 1,
        },
      },
      { ...deps, privValidator, wal, transport },
    );
  const cs = makeCs();
  const exec = new BlockExecutor({ chainId: "test-chain" }, deps);
  const makeBlock = (proposer: Signer, tx: string): { block: Block; blockId: BlockID } => {
    const time = { seconds: state.lastBlockTime.seconds + 1n, nanos: 0 };
    const block = exec.makeBlock(state, 1n, [new TextEncoder().encode(tx)], emptyCommit(), proposer.address, time);
    return { block, blockId: blockIdOf(block).blockId };
  };
  const propose = (round: number, polRound: number, b: { block: Block; blockId: BlockID }) => {
    const proposer = proposerAt(round);
    const p: Proposal = {
      type: SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL,
      height: 1n,
      round,
      polRound,
      blockId: b.blockId,
      timestamp: b.block.header.time,
      signature: new Uint8Array(),
    };
    p.signature = proposer.sign(proposalSignBytes("test-chain", p));
    transport.deliver({ type: "proposal", proposal: p });
    const { bytes } = blockIdOf(b.block);
    transport.deliver({ type: "block", height: 1n, round, block: bytes });
  };
  const vote = (from: Signer, type: SignedMsgType, round: number, blockId: BlockID) => {
    const index = state.validators.getByAddress(from.address)?.index as number;
    const v: Vote = {
      type,
      height: 1n,
      round,
      blockId,
      timestamp: { seconds: state.lastBlockTime.seconds + 2n, nanos: 0 },
      validatorAddress: from.address,
      validatorIndex: index,
      signature: new Uint8Array(),
      extension: new Uint8Array(),
      extensionSignature: new Uint8Array(),
    };
    v.signature = from.sign(voteSignBytes("test-chain", v));
    transport.deliver({ type: "vote", vote: v });
  };
  const myVote = (type: SignedMsgType, round: number): Vote | undefined =>
    transport.sent
      .filter((m): m is { type: "vote"; vote: Vote } => m.type === "vote")
      .map((m) => m.vote)
      .find((v) => v.type === type && v.round === round);
  const waitMyVote = async (type: SignedMsgType, round: number) => {
    await waitFor(() => myVote(type, round) !== undefined, 3000, `own ${SignedMsgType[type]} in round ${round}`);
    return myVote(type, round) as Vote;
  };
  return { cs, makeCs, transport, wal, others, makeBlock, propose, vote, waitMyVote, state };
}

const PREVOTE = SignedMsgType.SIGNED_MSG_TYPE_PREVOTE;
const PRECOMMIT = SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT;

test("a node locked on B prevotes nil for another block, and B again when it is re-proposed with its polka", async () => {
  const t = await setup();
  await t.cs.start(t.state);
  try {
    const B = t.makeBlock(t.others[0], "tx-B");
    const B2 = t.makeBlock(t.others[1], "tx-B2");
    // Round 0: proposal B, we prevote it; a polka for B makes us precommit and lock it.
    t.propose(0, -1, B);
    assert.ok(blockIdEqual((await t.waitMyVote(PREVOTE, 0)).blockId, B.blockId));
    t.vote(t.others[0], PREVOTE, 0, B.blockId);
    t.vote(t.others[1], PREVOTE, 0, B.blockId);
    assert.ok(blockIdEqual((await t.waitMyVote(PRECOMMIT, 0)).blockId, B.blockId));
    assert.equal(t.cs.lockedRound, 0);
    // The others precommit nil: round 0 fails, round 1 starts after timeoutPrecommit.
    for (const k of t.others) t.vote(k, PRECOMMIT, 0, NIL_BLOCK_ID);
    // Round 1: a different block with no POL: locked, we prevote nil.
    t.propose(1, -1, B2);
    const pv1 = await t.waitMyVote(PREVOTE, 1);
    assert.ok(blockIdEqual(pv1.blockId, NIL_BLOCK_ID), "locked node prevotes nil for another block");
    assert.equal(t.cs.lockedRound, 0, "still locked");
    for (const k of t.others) t.vote(k, PRECOMMIT, 1, NIL_BLOCK_ID);
    // Round 2: B re-proposed with POL round 0 (its polka): we prevote B.
    t.propose(2, 0, B);
    const pv2 = await t.waitMyVote(PREVOTE, 2);
    assert.ok(blockIdEqual(pv2.blockId, B.blockId), "locked node prevotes its locked block");
  } finally {
    await t.cs.stop();
  }
});

test("a newer polka for another block moves the lock", async () => {
  const t = await setup();
  await t.cs.start(t.state);
  try {
    const B = t.makeBlock(t.others[0], "tx-B");
    const B2 = t.makeBlock(t.others[1], "tx-B2");
    t.propose(0, -1, B);
    await t.waitMyVote(PREVOTE, 0);
    t.vote(t.others[0], PREVOTE, 0, B.blockId);
    t.vote(t.others[1], PREVOTE, 0, B.blockId);
    await t.waitMyVote(PRECOMMIT, 0);
    for (const k of t.others) t.vote(k, PRECOMMIT, 0, NIL_BLOCK_ID);
    t.propose(1, -1, B2);
    assert.ok(blockIdEqual((await t.waitMyVote(PREVOTE, 1)).blockId, NIL_BLOCK_ID));
    // The three others prevote B2 in round 1: a polka newer than our lock.
    for (const k of t.others) t.vote(k, PREVOTE, 1, B2.blockId);
    const pc1 = await t.waitMyVote(PRECOMMIT, 1);
    assert.ok(blockIdEqual(pc1.blockId, B2.blockId), "precommits the newer polka's block");
    assert.equal(t.cs.lockedRound, 1);
    const rs = t.cs.roundState();
    assert.equal(rs.round, 1);
    assert.equal(rs.lockedRound, 1);
    assert.equal(rs.votes[1].prevotesPower, 40n);
    // And the others' precommits for B2 commit it.
    for (const k of t.others) t.vote(k, PRECOMMIT, 1, B2.blockId);
    await waitFor(() => t.cs.height === 2n, 3000, "commit of B2");
    assert.ok(blockIdEqual(t.cs.getState().lastBlockId, B2.blockId));
  } finally {
    await t.cs.stop();
  }
});

test("without a polka, a locked node keeps its lock across a nil-polka round", async () => {
  const t = await setup();
  await t.cs.start(t.state);
  try {
    const B = t.makeBlock(t.others[0], "tx-B");
    t.propose(0, -1, B);
    await t.waitMyVote(PREVOTE, 0);
    t.vote(t.others[0], PREVOTE, 0, B.blockId);
    t.vote(t.others[1], PREVOTE, 0, B.blockId);
    await t.waitMyVote(PRECOMMIT, 0);
    for (const k of t.others) t.vote(k, PRECOMMIT, 0, NIL_BLOCK_ID);
    // Round 1: another block is proposed (we prevote nil), the others prevote nil too: a nil polka.
    t.propose(1, -1, t.makeBlock(t.others[1], "tx-B2"));
    await t.waitMyVote(PREVOTE, 1);
    for (const k of t.others) t.vote(k, PREVOTE, 1, NIL_BLOCK_ID);
    const pc1 = await t.waitMyVote(PRECOMMIT, 1);
    assert.ok(blockIdEqual(pc1.blockId, NIL_BLOCK_ID));
    assert.equal(t.cs.lockedRound, 0, "a nil polka does not unlock (CometBFT v0.38)");
    assert.ok(t.cs.lockedBlock);
  } finally {
    await t.cs.stop();
  }
});

test("a restart replays the WAL: the lock, the proposal and the own votes of the height come back", async () => {
  const t = await setup();
  await t.cs.start(t.state);
  const B = t.makeBlock(t.others[0], "tx-B");
  t.propose(0, -1, B);
  await t.waitMyVote(PREVOTE, 0);
  t.vote(t.others[0], PREVOTE, 0, B.blockId);
  t.vote(t.others[1], PREVOTE, 0, B.blockId);
  const pc = await t.waitMyVote(PRECOMMIT, 0);
  await t.cs.stop();

  const restarted = t.makeCs();
  t.transport.sent = [];
  await restarted.start(t.state);
  await waitFor(() => restarted.lockedRound === 0, 3000, "lock restored from the WAL");
  try {
    assert.ok(restarted.proposal && restarted.proposal.round === 0);
    assert.ok(blockIdEqual(restarted.votes.precommits(0).getByIndex(pc.validatorIndex)?.blockId, B.blockId));
    // The replayed prevotes are counted once (own + two others), not duplicated.
    assert.equal(restarted.votes.prevotes(0).votedPower(), 30n);
    // The rest of the height proceeds: the others precommit B and the block commits.
    for (const k of t.others.slice(0, 2)) t.vote(k, PRECOMMIT, 0, B.blockId);
    await waitFor(() => restarted.height === 2n, 3000, "commit after restart");
  } finally {
    await restarted.stop();
  }
});

test("malformed and forged messages are dropped without stopping the engine", async () => {
  const t = await setup();
  await t.cs.start(t.state);
  try {
    const B = t.makeBlock(t.others[0], "tx-B");
    const junk: unknown[] = [
      { type: "block", height: 1n, round: 0, block: new Uint8Array([0xff, 0xff, 0xff, 0x01]) },
      { type: "vote", vote: { height: 1n, round: 0, type: 1 } },
      { type: "vote", vote: { height: 1n, round: -5, type: 1, validatorIndex: 0, blockId: undefined } },
      { type: "proposal", proposal: { type: 32, height: 1n, round: 0, polRound: 7, blockId: B.blockId } },
      { type: "nonsense" },
    ];
    for (const j of junk) t.transport.deliver(j as ConsensusMessage);
    // A proposal signed by the wrong validator is ignored; the right one is accepted.
    const forged = t.makeBlock(t.others[1], "tx-forged");
    const p: Proposal = {
      type: SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL,
      height: 1n,
      round: 0,
      polRound: -1,
      blockId: forged.blockId,
      timestamp: forged.block.header.time,
      signature: new Uint8Array(),
    };
    p.signature = t.others[2].sign(proposalSignBytes("test-chain", p));
    t.transport.deliver({ type: "proposal", proposal: p });
    t.propose(0, -1, B);
    const pv = await t.waitMyVote(PREVOTE, 0);
    assert.ok(blockIdEqual(pv.blockId, B.blockId));
    assert.equal(t.cs.halted, undefined);
  } finally {
    await t.cs.stop();
  }
});
