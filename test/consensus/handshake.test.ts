import assert from "node:assert/strict";
import { test } from "node:test";
import { BlockExecutor } from "../../chain/consensus/block-executor.ts";
import { ConsensusState } from "../../chain/consensus/consensus-state.ts";
import { HandshakeError, handshake } from "../../chain/consensus/handshake.ts";
import { FilePV } from "../../chain/consensus/privval.ts";
import { type State, StateStore } from "../../chain/consensus/state.ts";
import { LoopbackTransport } from "../../chain/consensus/transport.ts";
import { MemoryWal } from "../../chain/consensus/wal.ts";
import { FakeApp, FakeMempool, genesisState, MemBlockStore, makeKeys, silentLogger, waitFor } from "./helpers.ts";
import { MemoryLevel } from "./memory-level.ts";

test("handshake: InitChain at genesis, replays stored blocks to an app that lost its state, detects app hash mismatch", async () => {
  const keys = makeKeys(1, "hs");
  const genesis = genesisState(keys);
  const blockStore = new MemBlockStore();
  const stateStore = new StateStore(new MemoryLevel());
  const mempool = new FakeMempool();
  const app = new FakeApp();
  const exec = (a: FakeApp) =>
    new BlockExecutor({ chainId: "test-chain" }, { app: a, blockStore, mempool, stateStore, logger: silentLogger });
  const deps = (a: FakeApp) => ({
    stateStore,
    executor: exec(a),
    logger: silentLogger,
    appStateBytes: new Uint8Array(),
    genesis,
  });

  const s0 = await handshake(app, genesis, blockStore, deps(app));
  assert.deepEqual(s0.appHash, app.appHash, "InitChain's app hash becomes the state's");
  const cs = new ConsensusState(
    { chainId: "test-chain", skipTimeoutCommit: true, timeouts: { commitMs: 1 } },
    {
      app,
      blockStore,
      mempool,
      stateStore,
      privValidator: new FilePV(keys[0], undefined),
      wal: new MemoryWal(),
      logger: silentLogger,
      transport: new LoopbackTransport(),
    },
  );
  const states = new Map<bigint, State>();
  cs.onCommit((e) => states.set(e.height, e.state));
  mempool.txs.push(new Uint8Array([1, 2, 3]));
  await cs.start(s0);
  await waitFor(() => blockStore.height() >= 4, 5000, "4 blocks");
  await cs.stop();
  const stored = await stateStore.load();
  assert.ok(stored);

  // A fresh app (height 0) is brought up to the stored height block by block.
  const fresh = new FakeApp();
  const s1 = await handshake(fresh, stored, blockStore, deps(fresh));
  assert.equal(fresh.height, BigInt(blockStore.height()));
  assert.deepEqual(fresh.appHash, app.appHash);
  assert.equal(s1.lastBlockHeight, stored.lastBlockHeight);

  // Block stored but state not updated (a crash between saving the block and applying it).
  const lastH = BigInt(blockStore.height());
  const before = states.get(lastH - 1n);
  assert.ok(before);
  const behindApp = new FakeApp();
  const s2 = await handshake(behindApp, before, blockStore, deps(behindApp));
  assert.equal(s2.lastBlockHeight, lastH, "the stored block is applied");
  assert.deepEqual(s2.appHash, stored.appHash);
  assert.deepEqual(s2.lastBlockId, stored.lastBlockId);
  // The app committed it too, only the state is behind: rebuilt from the saved FinalizeBlock response.
  const s3 = await handshake(app, before, blockStore, deps(app));
  assert.equal(s3.lastBlockHeight, lastH);
  assert.deepEqual(s3.nextValidators.hash(), stored.nextValidators.hash());
  // A state two blocks behind the store is refused.
  const older = states.get(lastH - 2n);
  assert.ok(older);
  await assert.rejects(handshake(new FakeApp(), older, blockStore, deps(new FakeApp())), HandshakeError);

  // A diverging app (different app hash) is refused.
  const liar = new FakeApp();
  liar.finalizeBlock = async (req) => {
    const r = await FakeApp.prototype.finalizeBlock.call(liar, req);
    return { ...r, appHash: new Uint8Array(32) };
  };
  await assert.rejects(handshake(liar, stored, blockStore, deps(liar)), /app hash mismatch/);
});
