import assert from "node:assert/strict";
import { test } from "node:test";
import { MisbehaviorType } from "cosmjs-types/tendermint/abci/types";
import { SignedMsgType } from "cosmjs-types/tendermint/types/types";
import { ConsensusState, isTestChainId } from "../../chain/consensus/consensus-state.ts";
import { FilePV } from "../../chain/consensus/privval.ts";
import { StateStore } from "../../chain/consensus/state.ts";
import { LoopbackTransport } from "../../chain/consensus/transport.ts";
import { MemoryWal } from "../../chain/consensus/wal.ts";
import { FakeApp, FakeMempool, MemBlockStore, makeKeys, silentLogger, waitFor } from "./helpers.ts";
import { MemoryLevel } from "./memory-level.ts";
import { makeNet } from "./net-helpers.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("testDoubleSign is refused outside test chain ids", () => {
  assert.ok(isTestChainId("test-chain") && isTestChainId("dgrid-localnet") && isTestChainId("dgrid-test-1"));
  assert.ok(!isTestChainId("dgrid-1") && !isTestChainId("dgrid-devnet-1"));
  const deps = {
    app: new FakeApp(),
    blockStore: new MemBlockStore(),
    mempool: new FakeMempool(),
    stateStore: new StateStore(new MemoryLevel()),
    privValidator: new FilePV(makeKeys(1, "ds")[0], undefined),
    wal: new MemoryWal(),
    logger: silentLogger,
    transport: new LoopbackTransport(),
  };
  assert.throws(() => new ConsensusState({ chainId: "dgrid-1", testDoubleSign: true }, deps), /test-only/);
  assert.ok(new ConsensusState({ chainId: "test-x", testDoubleSign: true }, deps));
});

test("a validator run with testDoubleSign produces evidence that reaches a block and FinalizeBlock", async () => {
  const { nodes, keys } = await makeNet(4, { tag: "dsnet", options: (i) => ({ testDoubleSign: i === 2 }) });
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
    // Once evidence against it is committed, the harness stops double-signing.
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
