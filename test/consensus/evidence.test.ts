import assert from "node:assert/strict";
import { test } from "node:test";
import { MisbehaviorType } from "cosmjs-types/tendermint/abci/types";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import { type BlockID, SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import { BlockExecutor, blockIdOf } from "../../chain/consensus/block-executor.ts";
import { ConsensusState } from "../../chain/consensus/consensus-state.ts";
import type { Signer } from "../../chain/consensus/crypto.ts";
import {
  blockIdSortKey,
  EvidencePool,
  evidenceHashOf,
  evidenceToMisbehavior,
  newDuplicateVoteEvidence,
  verifyDuplicateVote,
} from "../../chain/consensus/evidence-pool.ts";
import { type State, StateStore } from "../../chain/consensus/state.ts";
import { LoopbackTransport } from "../../chain/consensus/transport.ts";
import { NIL_BLOCK_ID } from "../../chain/consensus/vote-set.ts";
import { MemoryWal } from "../../chain/consensus/wal.ts";
import { evidenceHash } from "../../chain/types/hash.ts";
import { voteSignBytes } from "../../chain/types/vote.ts";
import { FakeApp, FakeMempool, genesisState, MemBlockStore, makeKeys, silentLogger } from "./helpers.ts";
import { MemoryLevel } from "./memory-level.ts";

const CHAIN = "test-chain";
const keys = makeKeys(4, "ev");

const bid = (fill: number): BlockID => ({
  hash: new Uint8Array(32).fill(fill),
  partSetHeader: { total: 1, hash: new Uint8Array(32).fill(fill + 1) },
});

function signedVote(key: Signer, index: number, height: bigint, blockId: BlockID, round = 0): Vote {
  const v: Vote = {
    type: SignedMsgType.SIGNED_MSG_TYPE_PREVOTE,
    height,
    round,
    blockId,
    timestamp: { seconds: 1000n, nanos: 0 },
    validatorAddress: key.address,
    validatorIndex: index,
    signature: new Uint8Array(),
    extension: new Uint8Array(),
    extensionSignature: new Uint8Array(),
  };
  v.signature = key.sign(voteSignBytes(CHAIN, v));
  return v;
}

/** Genesis state advanced to `lastHeight` with stored blocks (fake headers) and validator sets. */
async function setup(lastHeight: bigint) {
  const genesis = genesisState(keys, { chainId: CHAIN });
  const stateStore = new StateStore(new MemoryLevel());
  const blockStore = new MemBlockStore();
  await stateStore.save(genesis);
  const times: bigint[] = [];
  for (let h = 1n; h <= lastHeight; h++) {
    const time = { seconds: 2000n + h * 10n, nanos: 0 };
    times.push(time.seconds);
    const header = { ...blockHeader(h), time };
    await blockStore.saveBlock({ header, data: { txs: [] }, evidence: { evidence: [] } } as never, bid(Number(h)), {
      height: h,
      round: 0,
      blockId: bid(Number(h)),
      signatures: [],
    });
    await stateStore.save({ ...genesis, lastBlockHeight: h });
  }
  const state: State = {
    ...genesis,
    lastBlockHeight: lastHeight,
    lastBlockTime: { seconds: 2000n + lastHeight * 10n, nanos: 0 },
    lastValidators: genesis.validators.copy(),
  };
  const db = stateStore.raw;
  const pool = new EvidencePool({ chainId: CHAIN }, { db, stateStore, blockStore, logger: silentLogger });
  await pool.setState(state);
  return { genesis, state, pool, stateStore, blockStore, db };
}

function blockHeader(h: bigint) {
  return { height: h, chainId: CHAIN, time: { seconds: 0n, nanos: 0 } };
}

test("DuplicateVoteEvidence orders its votes by block id key and carries powers and the block time", () => {
  const genesis = genesisState(keys, { chainId: CHAIN });
  const a = signedVote(keys[1], 1, 3n, bid(9));
  const b = signedVote(keys[1], 1, 3n, bid(2));
  const time = { seconds: 77n, nanos: 5 };
  const ev = newDuplicateVoteEvidence(a, b, time, genesis.validators);
  const d = ev.duplicateVoteEvidence!;
  assert.equal(d.voteA!.blockId.hash[0], 2, "lower block id key first");
  assert.equal(d.voteB!.blockId.hash[0], 9);
  assert.equal(d.totalVotingPower, 40n);
  assert.equal(d.validatorPower, 10n);
  assert.deepEqual(d.timestamp, time);
  // A nil vote's key is empty, so it sorts first.
  const n = newDuplicateVoteEvidence(a, signedVote(keys[1], 1, 3n, NIL_BLOCK_ID), time, genesis.validators);
  assert.equal(n.duplicateVoteEvidence!.voteA!.blockId.hash.length, 0);
  assert.equal(blockIdSortKey(NIL_BLOCK_ID).length, 0);
  assert.deepEqual(evidenceToMisbehavior([ev]), [
    {
      type: MisbehaviorType.DUPLICATE_VOTE,
      validator: { address: keys[1].address, power: 10n },
      height: 3n,
      time,
      totalVotingPower: 40n,
    },
  ]);
  verifyDuplicateVote(d, CHAIN, genesis.validators);
  // Each rule of VerifyDuplicateVote.
  assert.throws(() => verifyDuplicateVote(d, "other-chain", genesis.validators), /invalid signature/);
  assert.throws(
    () => verifyDuplicateVote({ ...d, voteB: signedVote(keys[1], 1, 3n, d.voteA!.blockId) }, CHAIN, genesis.validators),
    /same/,
  );
  assert.throws(
    () => verifyDuplicateVote({ ...d, voteB: signedVote(keys[1], 1, 3n, bid(9), 1) }, CHAIN, genesis.validators),
    /h\/r\/s/,
  );
  assert.throws(() => verifyDuplicateVote({ ...d, validatorPower: 11n }, CHAIN, genesis.validators), /power/);
  assert.throws(() => verifyDuplicateVote({ ...d, totalVotingPower: 41n }, CHAIN, genesis.validators), /total/);
  const other = makeKeys(1, "stranger")[0];
  const sa = signedVote(other, 0, 3n, bid(2));
  const sb = signedVote(other, 0, 3n, bid(9));
  assert.throws(
    () => verifyDuplicateVote({ ...d, voteA: sa, voteB: sb }, CHAIN, genesis.validators),
    /not a validator/,
  );
  const forged = { ...d.voteB!, signature: keys[2].sign(voteSignBytes(CHAIN, d.voteB!)) };
  assert.throws(() => verifyDuplicateVote({ ...d, voteB: forged }, CHAIN, genesis.validators), /vote_b/);
});

test("the pool turns conflicting votes into evidence after their block, keeps it pending, then committed", async () => {
  const { state, pool, stateStore, blockStore, db } = await setup(2n);
  const announced: Evidence[] = [];
  pool.onNewEvidence((ev) => announced.push(ev));
  // Votes of height 3 wait for block 3.
  pool.reportConflictingVotes(signedVote(keys[0], 0, 3n, bid(5)), signedVote(keys[0], 0, 3n, bid(6)));
  await pool.update(state, []);
  assert.equal(pool.pendingList().length, 0);
  await blockStore.saveBlock(
    { header: { ...blockHeader(3n), time: { seconds: 2030n, nanos: 0 } }, data: { txs: [] } } as never,
    bid(3),
    { height: 3n, round: 0, blockId: bid(3), signatures: [] },
  );
  const s3 = { ...state, lastBlockHeight: 3n, lastBlockTime: { seconds: 2030n, nanos: 0 } };
  await pool.update(s3, []);
  assert.equal(pool.pendingList().length, 1);
  assert.equal(announced.length, 1);
  const ev = pool.pendingList()[0];
  assert.deepEqual(ev.duplicateVoteEvidence!.timestamp, { seconds: 2030n, nanos: 0 });
  // The same conflict reported again (another peer's copy) adds nothing.
  pool.reportConflictingVotes(signedVote(keys[0], 0, 3n, bid(6)), signedVote(keys[0], 0, 3n, bid(5)));
  await pool.update(s3, []);
  assert.equal(pool.pendingList().length, 1);

  // max_bytes: nothing fits in 10 bytes; the whole list fits in its own size.
  assert.equal(pool.pendingEvidence(10n).evidence.length, 0);
  const { size } = pool.pendingEvidence(-1n);
  assert.ok(size > 300);
  assert.equal(pool.pendingEvidence(BigInt(size)).evidence.length, 1);

  // Persistence: a new pool over the same database has it pending.
  const again = new EvidencePool({ chainId: CHAIN }, { db, stateStore, blockStore, logger: silentLogger });
  await again.setState(s3);
  assert.equal(again.pendingList().length, 1);

  // Committed in block 4: no longer pending, refused in a later block, ignored from peers.
  const s4 = { ...s3, lastBlockHeight: 4n, lastBlockTime: { seconds: 2040n, nanos: 0 } };
  // A pool that missed the update (recovery path) still never proposes committed evidence.
  await again.update(s4, [ev]);
  assert.equal((await pool.proposalEvidence(-1n)).evidence.length, 0);
  await pool.update(s4, [ev]);
  assert.equal(pool.pendingList().length, 0);
  assert.equal(await pool.isCommitted(ev), true);
  await assert.rejects(pool.checkEvidence([ev], s4), /already committed/);
  assert.equal(await pool.addEvidence(ev), false);
});

test("evidence from peers is verified: time of its block, validator, expiry, duplicates", async () => {
  const { state, pool, genesis } = await setup(5n);
  const votes = () => [signedVote(keys[2], 2, 2n, bid(7)), signedVote(keys[2], 2, 2n, bid(8))] as const;
  const good = newDuplicateVoteEvidence(...votes(), { seconds: 2020n, nanos: 0 }, genesis.validators);
  const wrongTime = newDuplicateVoteEvidence(...votes(), { seconds: 2021n, nanos: 0 }, genesis.validators);
  await assert.rejects(pool.addEvidence(wrongTime), /different time/);
  const future = newDuplicateVoteEvidence(
    signedVote(keys[2], 2, 9n, bid(7)),
    signedVote(keys[2], 2, 9n, bid(8)),
    { seconds: 2020n, nanos: 0 },
    genesis.validators,
  );
  await assert.rejects(pool.addEvidence(future), /not below the last block/);
  const swapped: Evidence = {
    duplicateVoteEvidence: {
      ...good.duplicateVoteEvidence!,
      voteA: good.duplicateVoteEvidence!.voteB,
      voteB: good.duplicateVoteEvidence!.voteA,
    },
  };
  await assert.rejects(pool.addEvidence(swapped), /invalid order/);
  assert.equal(await pool.addEvidence(good), true);
  assert.equal(await pool.addEvidence(good), false, "already pending");
  await assert.rejects(pool.checkEvidence([good, good], state), /duplicate evidence/);
  await pool.checkEvidence([good], state);

  // Expired only when older than both max_age_num_blocks and max_age_duration.
  const params = structuredClone(state.consensusParams);
  params.evidence = { maxAgeNumBlocks: 2n, maxAgeDuration: { seconds: 5n, nanos: 0 }, maxBytes: 1_048_576n };
  const old = { ...state, consensusParams: params };
  const other = newDuplicateVoteEvidence(
    signedVote(keys[3], 3, 2n, bid(7)),
    signedVote(keys[3], 3, 2n, bid(8)),
    { seconds: 2020n, nanos: 0 },
    genesis.validators,
  );
  await assert.rejects(pool.checkEvidence([other], old), /too old/);
  params.evidence.maxAgeNumBlocks = 10n;
  await pool.checkEvidence([other], old);
  // Expired pending evidence is dropped at the next update.
  params.evidence.maxAgeNumBlocks = 1n;
  await pool.update(old, []);
  assert.equal(pool.pendingList().length, 0);
});

test("proposals carry pending evidence; validateBlock checks their hash and size", async () => {
  const { state, pool, stateStore, blockStore, genesis } = await setup(2n);
  const ev = newDuplicateVoteEvidence(
    signedVote(keys[1], 1, 1n, bid(7)),
    signedVote(keys[1], 1, 1n, bid(8)),
    { seconds: 2010n, nanos: 0 },
    genesis.validators,
  );
  assert.equal(await pool.addEvidence(ev), true);
  const app = new FakeApp();
  const exec = new BlockExecutor(
    { chainId: CHAIN },
    { app, blockStore, mempool: new FakeMempool(), stateStore, logger: silentLogger, evidencePool: pool },
  );
  const lastCommit = { height: 2n, round: 0, blockId: state.lastBlockId, extendedSignatures: [] };
  const block = await exec.createProposalBlock(state, 3n, lastCommit, keys[0].address, {
    seconds: 3000n,
    nanos: 0,
  });
  assert.equal(block.evidence.evidence.length, 1);
  assert.deepEqual(block.header.evidenceHash, evidenceHash([ev]));
  assert.deepEqual(evidenceHashOf(block.evidence.evidence[0]), evidenceHashOf(ev));
  const tampered = structuredClone(block);
  tampered.evidence.evidence = [];
  assert.throws(() => exec.validateBlock(state, tampered), /evidence_hash/);
  const small = { ...state, consensusParams: structuredClone(state.consensusParams) };
  small.consensusParams.evidence!.maxBytes = 100n;
  assert.throws(() => exec.validateBlock(small, block), /max_bytes/);
  await exec.validateBlockEvidence(state, block);
  // A block with evidence this node has not seen verifies it (and keeps it pending).
  const fresh = new EvidencePool(
    { chainId: CHAIN },
    { db: new MemoryLevel(), stateStore, blockStore, logger: silentLogger },
  );
  await fresh.setState(state);
  await fresh.checkEvidence(block.evidence.evidence, state);
  assert.equal(fresh.pendingList().length, 1);
  assert.ok(blockIdOf(block).blockId.hash.length === 32);
});

test("on start, evidence in the last stored block is marked committed (crash before the pool's update)", async () => {
  const { state, pool, stateStore, blockStore, genesis, db } = await setup(2n);
  const ev = newDuplicateVoteEvidence(
    signedVote(keys[1], 1, 1n, bid(7)),
    signedVote(keys[1], 1, 1n, bid(8)),
    { seconds: 2010n, nanos: 0 },
    genesis.validators,
  );
  assert.equal(await pool.addEvidence(ev), true);
  const stored = blockStore.blocks.get(2)!;
  stored.block = { ...stored.block, evidence: { evidence: [ev] } };
  const cs = new ConsensusState(
    { chainId: CHAIN, timeouts: { commitMs: 60_000 } },
    {
      app: new FakeApp(),
      blockStore,
      mempool: new FakeMempool(),
      stateStore,
      wal: new MemoryWal(),
      logger: silentLogger,
      transport: new LoopbackTransport(),
      evidencePool: new EvidencePool({ chainId: CHAIN }, { db, stateStore, blockStore, logger: silentLogger }),
    },
  );
  await cs.start(state);
  await cs.stop();
  assert.equal(cs.evidencePool.pendingList().length, 0);
  assert.equal(await cs.evidencePool.isCommitted(ev), true);
});
