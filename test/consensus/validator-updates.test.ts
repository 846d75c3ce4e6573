import assert from "node:assert/strict";
import { test } from "node:test";
import { ConsensusState } from "../../chain/consensus/consensus-state.ts";
import { FilePV } from "../../chain/consensus/privval.ts";
import { StateStore } from "../../chain/consensus/state.ts";
import { LoopbackTransport } from "../../chain/consensus/transport.ts";
import { MemoryWal } from "../../chain/consensus/wal.ts";
import { FakeApp, FakeMempool, genesisState, MemBlockStore, makeKeys, silentLogger, waitFor } from "./helpers.ts";
import { MemoryLevel } from "./memory-level.ts";

test("validator updates from FinalizeBlock at H take effect at H+2", async () => {
  const [me, newcomer] = makeKeys(2, "upd");
  const app = new FakeApp();
  await app.initChain();
  app.validatorUpdatesAt.set(2n, [{ pubKey: { ed25519: newcomer.pubKey }, power: 1n }]);
  const genesis = { ...genesisState([me]), appHash: app.appHash };
  const blockStore = new MemBlockStore();
  const stateStore = new StateStore(new MemoryLevel());
  const cs = new ConsensusState(
    { chainId: "test-chain", skipTimeoutCommit: true, timeouts: { commitMs: 1 } },
    {
      app,
      blockStore,
      mempool: new FakeMempool(),
      stateStore,
      privValidator: new FilePV(me, undefined),
      wal: new MemoryWal(),
      logger: silentLogger,
      transport: new LoopbackTransport(),
    },
  );
  await cs.start(genesis);
  // 10 of 11 power is still > 2/3: the single signer keeps the chain going after the change.
  await waitFor(() => blockStore.height() >= 6, 5000, "6 blocks");
  await cs.stop();
  const hdr = async (h: number) => (await blockStore.loadBlock(h))!.header;
  const h2 = await hdr(2);
  const h3 = await hdr(3);
  const h4 = await hdr(4);
  assert.deepEqual(h3.validatorsHash, h2.validatorsHash, "block 3 still signed by the old set");
  assert.notDeepEqual(h3.nextValidatorsHash, h3.validatorsHash, "block 3 announces the new set");
  assert.deepEqual(h4.validatorsHash, h3.nextValidatorsHash, "block 4 uses it");
  const s4 = await stateStore.loadValidators(4n);
  assert.equal(s4?.size(), 2);
  assert.equal(s4?.totalVotingPower(), 11n);
  const state = await stateStore.load();
  assert.equal(state?.lastHeightValidatorsChanged, 4n);
  // Block 5's last commit (for block 4) has a slot for the newcomer, absent.
  const lc = (await blockStore.loadBlock(5))!.lastCommit!;
  assert.equal(lc.signatures.length, 2);
  assert.equal(lc.signatures.filter((s) => s.blockIdFlag === 1).length, 1);
  // FinalizeBlock of block 5 tells the app about both validators of height 4.
  const req5 = app.finalized.find((r) => r.height === 5n);
  assert.equal(req5?.decidedLastCommit.votes.length, 2);
});
