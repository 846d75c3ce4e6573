import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BlockStore } from "../../chain/blockstore/block-store.ts";
import { BlockExecutor, blockIdOf } from "../../chain/consensus/block-executor.ts";
import { ConsensusState } from "../../chain/consensus/consensus-state.ts";
import { handshake } from "../../chain/consensus/handshake.ts";
import { FilePV } from "../../chain/consensus/privval.ts";
import { StateStore } from "../../chain/consensus/state.ts";
import { LoopbackTransport } from "../../chain/consensus/transport.ts";
import { verifyCommit } from "../../chain/consensus/vote-set.ts";
import { FileWal } from "../../chain/consensus/wal.ts";
import { EventBus } from "../../chain/events/event-bus.ts";
import { Mempool } from "../../chain/mempool/mempool.ts";
import { TxIndexer } from "../../chain/txindex/tx-indexer.ts";
import { headerHash, txHash } from "../../chain/types/hash.ts";
import { FakeApp, genesisState, makeKeys, openDb, silentLogger, sub, waitFor } from "./helpers.ts";

const home = mkdtempSync(join(tmpdir(), "dgrid-cs-"));
after(() => rmSync(home, { recursive: true, force: true }));

const [key] = makeKeys(1, "single");
const app = new FakeApp(); // survives "restarts" like an app with its own database
const mempool = new Mempool(
  { maxTxs: 100, maxTxsBytes: 1 << 20, maxTxBytes: 1 << 16, cacheSize: 100, recheck: true },
  { app, logger: silentLogger },
);

async function bootNode() {
  const db = openDb(join(home, "data", "dgrid.db"));
  await db.open();
  const blockStore = new BlockStore({}, { db: sub(db, "blocks") });
  await blockStore.load();
  const stateStore = new StateStore(sub(db, "consensus"));
  const eventBus = new EventBus();
  const txIndexer = new TxIndexer({}, { db: sub(db, "txindex") });
  const executor = new BlockExecutor(
    { chainId: "test-chain" },
    { app, blockStore, mempool, stateStore, eventBus, txIndexer, logger: silentLogger },
  );
  const stored = await stateStore.load();
  const state = await handshake(app, stored ?? genesisState([key]), blockStore, {
    stateStore,
    executor,
    logger: silentLogger,
    appStateBytes: new Uint8Array(),
  });
  const wal = new FileWal({ path: join(home, "data", "cs.wal") });
  const privValidator = new FilePV(key, join(home, "data", "priv_validator_state.json"));
  const cs = new ConsensusState(
    { chainId: "test-chain", skipTimeoutCommit: true, timeouts: { commitMs: 5, proposeMs: 500 } },
    {
      app,
      blockStore,
      mempool,
      stateStore,
      privValidator,
      wal,
      eventBus,
      txIndexer,
      logger: silentLogger,
      transport: new LoopbackTransport(),
    },
  );
  return { db, blockStore, stateStore, eventBus, wal, privValidator, cs, state, txIndexer };
}

test("a single validator commits heights through propose/prevote/precommit and restarts where it stopped", async () => {
  const n1 = await bootNode();
  const events: string[] = [];
  n1.eventBus.subscribe((e) =>
    events.push(`${e.event.type}:${e.attributes.get("tx.hash")?.[0] ?? e.attributes.get("block.height")?.[0]}`),
  );
  for (const tx of ["tx-one", "tx-two"]) assert.equal((await mempool.checkTx(new TextEncoder().encode(tx))).code, 0);
  await n1.cs.start(n1.state);
  await waitFor(() => n1.blockStore.height() >= 5, 5000, "5 blocks");
  await n1.cs.stop();
  const height1 = n1.blockStore.height();

  // Blocks chain together and carry valid commits signed with the validator key.
  const vals = n1.state.validators;
  for (let h = 1; h <= height1; h++) {
    const block = await n1.blockStore.loadBlock(h);
    assert.ok(block);
    const meta = await n1.blockStore.loadBlockMeta(h);
    assert.deepEqual(meta?.blockId.hash, headerHash(block.header));
    assert.deepEqual(blockIdOf(block).blockId, meta?.blockId);
    const seen = await n1.blockStore.loadSeenCommit(h);
    assert.ok(seen);
    verifyCommit("test-chain", vals, meta.blockId, BigInt(h), seen);
    if (h > 1) {
      const prev = await n1.blockStore.loadBlockMeta(h - 1);
      assert.deepEqual(block.header.lastBlockId, prev?.blockId);
      verifyCommit("test-chain", vals, prev!.blockId, BigInt(h - 1), block.lastCommit!);
    }
  }
  const b1 = await n1.blockStore.loadBlock(1);
  assert.equal(b1?.data.txs.length, 2, "mempool txs are in block 1");
  assert.equal(mempool.size(), 0, "committed txs leave the mempool");
  const indexed = await n1.txIndexer.getTx(txHash(new TextEncoder().encode("tx-two")));
  assert.equal(indexed?.height, 1);
  assert.equal(indexed?.index, 1);
  assert.equal(app.height, BigInt(height1));
  assert.ok(events.includes("NewBlock:1"));
  assert.ok(events.some((e) => e.startsWith("Tx:") && /^Tx:[0-9A-F]{64}$/.test(e)));

  const state1 = await n1.stateStore.load();
  assert.equal(state1?.lastBlockHeight, BigInt(height1));
  assert.deepEqual(state1?.appHash, app.appHash);
  n1.wal.close();
  await n1.db.close();

  // Restart from the same database + WAL: continues at the next height with the same state.
  const n2 = await bootNode();
  assert.equal(n2.state.lastBlockHeight, BigInt(height1));
  assert.deepEqual(n2.state.appHash, state1?.appHash);
  await n2.cs.start(n2.state);
  await waitFor(() => n2.blockStore.height() >= height1 + 3, 5000, "3 more blocks");
  await n2.cs.stop();
  const b = await n2.blockStore.loadBlock(height1 + 1);
  const prevMeta = await n2.blockStore.loadBlockMeta(height1);
  assert.deepEqual(b?.header.lastBlockId, prevMeta?.blockId);
  assert.ok(n2.privValidator.lastSignState().height > BigInt(height1));
  n2.wal.close();
  await n2.db.close();
});
