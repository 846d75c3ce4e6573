import assert from "node:assert/strict";
import { test } from "node:test";
import { ConsensusState } from "../../chain/consensus/consensus-state.ts";
import { FilePV } from "../../chain/consensus/privval.ts";
import { StateStore } from "../../chain/consensus/state.ts";
import { InMemoryNetwork } from "../../chain/consensus/transport.ts";
import { MemoryWal } from "../../chain/consensus/wal.ts";
import { FakeApp, FakeMempool, genesisState, MemBlockStore, makeKeys, silentLogger, waitFor } from "./helpers.ts";
import { MemoryLevel } from "./memory-level.ts";

async function makeNetwork(n: number, opts: { voteExtensionsHeight?: bigint } = {}) {
  const keys = makeKeys(n, "net");
  const genesis = genesisState(keys, opts);
  const net = new InMemoryNetwork();
  const nodes = [];
  for (let i = 0; i < n; i++) {
    const app = new FakeApp();
    await app.initChain();
    const state = { ...genesis, appHash: app.appHash };
    const blockStore = new MemBlockStore();
    const mempool = new FakeMempool();
    const stateStore = new StateStore(new MemoryLevel());
    await stateStore.save(state);
    const cs = new ConsensusState(
      {
        chainId: "test-chain",
        skipTimeoutCommit: true,
        timeouts: {
          proposeMs: 150,
          proposeDeltaMs: 50,
          prevoteMs: 50,
          prevoteDeltaMs: 25,
          precommitMs: 50,
          precommitDeltaMs: 25,
          commitMs: 10,
        },
      },
      {
        app,
        blockStore,
        mempool,
        stateStore,
        privValidator: new FilePV(keys[i], undefined),
        wal: new MemoryWal(),
        logger: silentLogger,
        transport: net.join(`node${i}`),
      },
    );
    nodes.push({ app, blockStore, mempool, cs, state, id: `node${i}` });
  }
  return { net, nodes, keys };
}

test("4 validators joined in memory decide the same blocks, and keep going with 1 of 4 silent", async () => {
  const { net, nodes } = await makeNetwork(4);
  nodes[2].mempool.txs.push(new TextEncoder().encode("net-tx"));
  await Promise.all(nodes.map((n) => n.cs.start(n.state)));
  try {
    await waitFor(() => nodes.every((n) => n.blockStore.height() >= 3), 8000, "4 nodes at height 3");
    for (let h = 1; h <= 3; h++) {
      const ids = await Promise.all(
        nodes.map(async (n) => Buffer.from((await n.blockStore.loadBlockMeta(h))!.blockId.hash).toString("hex")),
      );
      assert.equal(new Set(ids).size, 1, `same block at height ${h}`);
    }
    const proposers = new Set<string>();
    for (let h = 1; h <= 3; h++)
      proposers.add(Buffer.from((await nodes[0].blockStore.loadBlock(h))!.header.proposerAddress).toString("hex"));
    assert.ok(proposers.size >= 2, "the proposer rotates");
    assert.ok(
      nodes.every((n) => n.app.txCount === 1),
      "the tx is executed everywhere",
    );

    // Silence node 3: the other three hold 3/4 > 2/3 of the power and continue.
    net.silence("node3");
    const start = nodes[0].blockStore.height();
    await waitFor(
      () => nodes.slice(0, 3).every((n) => n.blockStore.height() >= start + 4),
      12000,
      "4 more heights without node3",
    );
    const h = start + 4;
    const ids = await Promise.all(
      nodes
        .slice(0, 3)
        .map(async (n) => Buffer.from((await n.blockStore.loadBlockMeta(h))!.blockId.hash).toString("hex")),
    );
    assert.equal(new Set(ids).size, 1);
    const last = await nodes[0].blockStore.loadBlock(h);
    const absent = last!.lastCommit!.signatures.filter((s) => s.blockIdFlag !== 2).length;
    assert.ok(absent >= 1, "node3 is absent from later commits");
  } finally {
    await Promise.all(nodes.map((n) => n.cs.stop()));
  }
});

test("vote extensions ride on precommits and reach the next proposer", async () => {
  const { nodes } = await makeNetwork(4, { voteExtensionsHeight: 1n });
  await Promise.all(nodes.map((n) => n.cs.start(n.state)));
  try {
    await waitFor(() => nodes.every((n) => n.blockStore.height() >= 2), 8000, "height 2");
    const ext = await nodes[0].blockStore.loadExtendedCommit(1);
    assert.ok(ext, "extended commit saved");
    const withExt = ext.extendedSignatures.filter((s) => s.extension.length > 0);
    assert.ok(withExt.length >= 3);
    assert.equal(new TextDecoder().decode(withExt[0].extension), "ext-1");
    const seen = nodes.flatMap((n) => n.app.extensionsSeen.map((e) => new TextDecoder().decode(e)));
    assert.ok(seen.includes("ext-1"), "PrepareProposal got the extensions of the last height");
  } finally {
    await Promise.all(nodes.map((n) => n.cs.stop()));
  }
});
