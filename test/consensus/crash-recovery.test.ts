// Crash safety in process: a validator's ConsensusState is abandoned in the middle of a round (no
// clean shutdown: its WAL is never closed) and a new one starts from the same stores, WAL file and
// priv_validator_state.json. It must resume the round from its WAL and never sign a conflicting vote.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { RequestExtendVote } from "cosmjs-types/tendermint/abci/types";
import { type BlockID, SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import { ConsensusState } from "../../chain/consensus/consensus-state.ts";
import { ed25519Verify } from "../../chain/consensus/crypto.ts";
import { FilePV } from "../../chain/consensus/privval.ts";
import type { ConsensusMessage } from "../../chain/consensus/transport.ts";
import { blockIdKey } from "../../chain/consensus/vote-set.ts";
import { FileWal, MemoryWal, type WalMessage } from "../../chain/consensus/wal.ts";
import { voteSignBytes } from "../../chain/types/vote.ts";
import { FakeApp, silentLogger, waitFor } from "./helpers.ts";
import { FAST_TIMEOUTS, makeNet, type NetNode } from "./net-helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "dgrid-crash-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** An app whose ExtendVote can be held at a height and then failed (the process "dies" there). */
class GatedApp extends FakeApp {
  gateHeight = 0n;
  reached = false;
  private fail: ((e: Error) => void) | undefined;
  override async extendVote(req: RequestExtendVote) {
    if (req.height === this.gateHeight) {
      this.gateHeight = 0n;
      this.reached = true;
      await new Promise((_, reject) => {
        this.fail = reject;
      });
    }
    return super.extendVote(req);
  }
  crash(): void {
    this.fail?.(new Error("process killed"));
  }
}

const msgHeight = (m: ConsensusMessage): bigint =>
  m.type === "vote" ? m.vote.height : m.type === "proposal" ? m.proposal.height : m.type === "block" ? m.height : 0n;

/** All of one validator's votes must agree per height/round/type. */
function conflictingVotes(votes: Vote[]): string[] {
  const seen = new Map<string, string>();
  const bad: string[] = [];
  for (const v of votes) {
    const k = `${v.height}/${v.round}/${v.type}`;
    const id = blockIdKey(v.blockId);
    const prev = seen.get(k);
    if (prev !== undefined && prev !== id) bad.push(k);
    seen.set(k, id);
  }
  return bad;
}

test("a validator abandoned mid-round restarts from its WAL and privval files without conflicting signatures", async () => {
  const walPath = join(dir, "a", "cs.wal");
  const pvPath = join(dir, "a", "priv_validator_state.json");
  const apps: FakeApp[] = [];
  const { net, nodes, keys, chainId } = await makeNet(4, {
    tag: "crash",
    voteExtensionsHeight: 1n,
    makeApp: (i) => {
      const a = i === 3 ? new GatedApp() : new FakeApp();
      a.hashByCountOnly = true;
      apps.push(a);
      return a;
    },
    options: () => ({ createEmptyBlocks: false }),
    privValidator: (i, key) => (i === 3 ? new FilePV(key, pvPath) : new FilePV(key, undefined)),
    wal: (i) => (i === 3 ? new FileWal({ path: walPath }) : undefined) as never,
  });
  const gated = apps[3] as GatedApp;
  const me = keys[3];
  // A listening peer keeps every message (to check node 3's votes, and to re-send history for catch-up).
  const history: ConsensusMessage[] = [];
  const watcher = net.join("watcher");
  watcher.onMessage((m) => history.push(m));
  const myVotes = () =>
    history
      .filter((m): m is { type: "vote"; vote: Vote } => m.type === "vote")
      .map((m) => m.vote)
      .filter((v) => hex(v.validatorAddress) === hex(me.address));
  const addTx = (s: string) => {
    for (const n of nodes) n.mempool.add(new TextEncoder().encode(s));
  };
  const heights = () => nodes.map((n) => Number(n.blockStore.height()));

  await Promise.all(nodes.map((n) => n.cs.start(n.state)));
  let node3: NetNode = nodes[3];
  try {
    await waitFor(() => heights().every((h) => h === 2), 10000, "the proof blocks 1-2, then idle");

    // Height 3: node 3 prevotes, then dies inside ExtendVote (before its precommit is signed).
    gated.gateHeight = 3n;
    addTx("tx-1");
    await waitFor(() => gated.reached, 10000, "node 3 reaches its precommit at height 3");
    net.silence("node3");
    const stopping = node3.cs.stop(); // abandoned: the WAL is not closed, nothing is flushed
    gated.crash();
    await stopping;
    const pvBefore = new FilePV(me, pvPath).lastSignState();
    assert.equal(pvBefore.height, 3n);
    assert.equal(pvBefore.step, 2, "its last signature is the height-3 prevote");
    const prevote = myVotes().find((v) => v.height === 3n && v.type === SignedMsgType.SIGNED_MSG_TYPE_PREVOTE);
    assert.ok(prevote, "the prevote went out before the crash");

    // The others (3 of 4) go on: block 3, then the proof block 4.
    await waitFor(
      () =>
        heights()
          .slice(0, 3)
          .every((h) => h >= 4),
      10000,
      "others at height 4",
    );

    // Restart from the same stores and files, still cut off from the network.
    const wal = new FileWal({ path: walPath });
    const pv = new FilePV(me, pvPath);
    const cs = new ConsensusState(
      { chainId, skipTimeoutCommit: true, timeouts: FAST_TIMEOUTS, createEmptyBlocks: false },
      {
        app: gated,
        blockStore: node3.blockStore,
        mempool: node3.mempool,
        stateStore: node3.stateStore,
        privValidator: pv,
        wal,
        logger: silentLogger,
        transport: net.join("node3"),
      },
    );
    node3 = { ...node3, cs };
    await cs.start();
    await waitFor(
      () => cs.height > 3n || cs.votes.precommits(0).getByAddress(me.address) !== undefined,
      5000,
      "replay",
    );
    await cs.idle();
    // Peer messages are logged when handled; none was handled after the crash point, so height 3 is open.
    assert.equal(cs.height, 3n);
    {
      // The WAL brought back the round: the proposal, its own prevote (same signature), and it went on to precommit.
      assert.ok(cs.proposal, "proposal replayed");
      const replayed = cs.votes.prevotes(prevote.round).getByAddress(me.address);
      assert.ok(replayed && hex(replayed.signature) === hex(prevote.signature), "own prevote replayed");
      const pc = cs.votes.precommits(prevote.round).getByAddress(me.address);
      assert.ok(pc && blockIdKey(pc.blockId) === blockIdKey(prevote.blockId as BlockID), "precommits what it prevoted");
      assert.ok(ed25519Verify(me.pubKey, voteSignBytes(chainId, pc), pc.signature));
    }

    // Back on the network: catch up on the heights it missed (re-sent history), then take part again.
    net.silence("node3", false);
    while (cs.height <= BigInt(Math.max(...heights().slice(0, 3)))) {
      const h = cs.height;
      for (const m of history) if (msgHeight(m) === h) watcher.broadcast(m);
      await waitFor(() => cs.height > h, 5000, `node 3 past height ${h}`);
    }
    addTx("tx-2");
    await waitFor(
      () => nodes.slice(0, 3).every((n) => n.app.txCount === 2) && gated.txCount === 2,
      10000,
      "tx-2 everywhere",
    );
    const top = Math.min(...heights().slice(0, 3), Number(node3.blockStore.height()));
    for (let h = 1; h <= top; h++) {
      const ids = new Set(
        await Promise.all(
          [...nodes.slice(0, 3), node3].map(async (n) => hex((await n.blockStore.loadBlockMeta(h))!.blockId.hash)),
        ),
      );
      assert.equal(ids.size, 1, `one block at height ${h}`);
    }
    const after = myVotes().filter((v) => v.height > 4n);
    assert.ok(after.length > 0, "node 3 votes again after the restart");
    assert.deepEqual(conflictingVotes(myVotes()), [], "no conflicting votes from node 3");
    wal.close();
  } finally {
    await Promise.all([...nodes.slice(0, 3), node3].map((n) => n.cs.stop()));
  }
});

test("repeated abandon/restart cycles at arbitrary points: progress resumes, one block per height, no double signing", async () => {
  const sub = join(dir, "b");
  const walPath = join(sub, "cs.wal");
  const pvPath = join(sub, "priv_validator_state.json");
  const { net, nodes, keys, chainId } = await makeNet(4, {
    tag: "crash2",
    makeApp: () => Object.assign(new FakeApp(), { hashByCountOnly: true }),
    options: () => ({ createEmptyBlocks: false }),
    privValidator: (i, key) => new FilePV(key, i === 3 ? pvPath : undefined),
    wal: (i) => (i === 3 ? new FileWal({ path: walPath }) : undefined) as never,
  });
  const me = keys[3];
  const history: ConsensusMessage[] = [];
  const watcher = net.join("watcher");
  watcher.onMessage((m) => history.push(m));
  const myVotes = () =>
    history
      .filter((m): m is { type: "vote"; vote: Vote } => m.type === "vote")
      .map((m) => m.vote)
      .filter((v) => hex(v.validatorAddress) === hex(me.address));
  const live = [...nodes];
  const others = () => live.slice(0, 3);
  const addTx = (s: string) => {
    for (const n of live) n.mempool.add(new TextEncoder().encode(s));
  };
  await Promise.all(live.map((n) => n.cs.start(n.state)));
  try {
    for (let cycle = 1; cycle <= 3; cycle++) {
      const target = live[3].cs.height;
      addTx(`tx-${cycle}`);
      // Abandon node 3 as soon as it has signed something at the new height (prevote, precommit or later).
      await waitFor(() => new FilePV(me, pvPath).lastSignState().height >= target, 10000, `node 3 signs at ${target}`);
      net.silence("node3");
      await live[3].cs.stop();
      const old = live[3];
      const cs = new ConsensusState(
        { chainId, skipTimeoutCommit: true, timeouts: FAST_TIMEOUTS, createEmptyBlocks: false },
        {
          app: old.app,
          blockStore: old.blockStore,
          mempool: old.mempool,
          stateStore: old.stateStore,
          privValidator: new FilePV(me, pvPath),
          wal: new FileWal({ path: walPath }),
          logger: silentLogger,
          transport: net.join("node3"),
        },
      );
      live[3] = { ...old, cs };
      await cs.start();
      net.silence("node3", false);
      // Catch up from re-sent history until it is at the others' height.
      const maxOther = () => BigInt(Math.max(...others().map((n) => Number(n.blockStore.height()))));
      await waitFor(() => others().every((n) => n.app.txCount === cycle), 10000, `tx-${cycle} committed`);
      while (cs.height <= maxOther()) {
        const h = cs.height;
        for (const m of history) if (msgHeight(m) === h) watcher.broadcast(m);
        await waitFor(() => cs.height > h, 5000, `node 3 past height ${h}`);
      }
      assert.equal(live[3].app.txCount, cycle);
    }
    addTx("tx-final");
    await waitFor(() => live.every((n) => n.app.txCount === 4), 10000, "all 4 commit the last tx");
    const top = Math.min(...live.map((n) => Number(n.blockStore.height())));
    for (let h = 1; h <= top; h++) {
      const ids = new Set(
        await Promise.all(live.map(async (n) => hex((await n.blockStore.loadBlockMeta(h))!.blockId.hash))),
      );
      assert.equal(ids.size, 1, `one block at height ${h}`);
    }
    assert.ok(myVotes().length > 0);
    assert.deepEqual(conflictingVotes(myVotes()), [], "no conflicting votes from node 3");
  } finally {
    await Promise.all(live.map((n) => n.cs.stop()));
  }
});

test("own proposals, blocks and votes are fsynced to the WAL before they are sent", async () => {
  const log: string[] = [];
  const key = (m: ConsensusMessage) =>
    m.type === "vote"
      ? `vote ${m.vote.height}/${m.vote.round}/${m.vote.type}`
      : m.type === "proposal"
        ? `proposal ${m.proposal.height}/${m.proposal.round}`
        : m.type === "block"
          ? `block ${m.height}/${m.round}`
          : "evidence";
  class SpyWal extends MemoryWal {
    override writeSync(msg: WalMessage): void {
      if (msg.type !== "timeout" && msg.type !== "endHeight") log.push(`fsync ${key(msg)}`);
      super.writeSync(msg);
    }
  }
  const { nodes } = await makeNet(4, { tag: "spy", wal: (i) => (i === 0 ? new SpyWal() : new MemoryWal()) });
  const origBroadcast = nodes[0].transport.broadcast.bind(nodes[0].transport);
  // The engine holds the transport object given to it: wrap its broadcast in place.
  (nodes[0].transport as { broadcast: typeof origBroadcast }).broadcast = (m) => {
    log.push(`send ${key(m)}`);
    origBroadcast(m);
  };
  await Promise.all(nodes.map((n) => n.cs.start(n.state)));
  try {
    await waitFor(() => nodes.every((n) => n.blockStore.height() >= 8), 15000, "height 8");
  } finally {
    await Promise.all(nodes.map((n) => n.cs.stop()));
  }
  const sends = log.filter((l) => l.startsWith("send ") && !l.endsWith("evidence"));
  assert.ok(
    sends.some((l) => l.startsWith("send proposal")),
    "node 0 proposed at least once",
  );
  assert.ok(sends.some((l) => l.startsWith("send vote")));
  for (const s of sends) {
    const i = log.indexOf(s);
    assert.ok(log.slice(0, i).includes(`fsync ${s.slice(5)}`), `${s} was fsynced first`);
  }
});
