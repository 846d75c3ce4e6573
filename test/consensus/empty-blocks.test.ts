import assert from "node:assert/strict";
import { test } from "node:test";
import { ConsensusState } from "../../chain/consensus/consensus-state.ts";
import { FilePV } from "../../chain/consensus/privval.ts";
import { StateStore } from "../../chain/consensus/state.ts";
import { LoopbackTransport } from "../../chain/consensus/transport.ts";
import { MemoryWal } from "../../chain/consensus/wal.ts";
import { FakeApp, FakeMempool, genesisState, MemBlockStore, makeKeys, silentLogger, waitFor } from "./helpers.ts";
import { MemoryLevel } from "./memory-level.ts";

test("createEmptyBlocks=false: waits for a tx, but still makes the blocks that record an app hash change", async () => {
  const keys = makeKeys(1, "empty");
  const app = new FakeApp();
  app.hashByCountOnly = true;
  await app.initChain();
  const genesis = { ...genesisState(keys), appHash: app.appHash };
  const blockStore = new MemBlockStore();
  const stateStore = new StateStore(new MemoryLevel());
  const mempool = new FakeMempool();
  const cs = new ConsensusState(
    { chainId: "test-chain", createEmptyBlocks: false, timeouts: { commitMs: 5 } },
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
  await cs.start(genesis);
  try {
    // Block 1 (first) and 2 (records block 1's app hash change) are made; then the chain waits.
    await waitFor(() => blockStore.height() >= 2, 3000, "2 blocks");
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(blockStore.height(), 2, "no empty block without an app hash change");
    mempool.add(new Uint8Array([9]));
    await waitFor(() => blockStore.height() >= 4, 3000, "the tx block and its proof block");
    assert.equal((await blockStore.loadBlock(3))?.data.txs.length, 1);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(blockStore.height(), 4);
  } finally {
    await cs.stop();
  }
});
