// In-process p2p: switches on loopback ports handshake with node-key identities, drop bad peers and
// bad messages without crashing, and the consensus reactor gossips through a middle peer and catches
// up a peer that reaches a height later.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Vote } from "cosmjs-types/tendermint/types/types";
import pino from "pino";
import type { ConsensusMessage } from "../../chain/consensus/transport.ts";
import { nodeIdOfPubKey, type PeerAddress } from "../../chain/p2p/addr.ts";
import { ConsensusReactor, type Position } from "../../chain/p2p/consensus-reactor.ts";
import type { PeerGate } from "../../chain/p2p/peer-gate.ts";
import { P2PSwitch } from "../../chain/p2p/switch.ts";
import { MsgType } from "../../chain/p2p/wire.ts";
import { Ed25519Key, nodeId } from "../../chain/types/keys.ts";
import { freePort } from "../support/node-process.ts";

const logger = pino({ level: "silent" });
const started: P2PSwitch[] = [];

async function makeSwitch(
  opts: { chainId?: string; peers?: P2PSwitch[]; maxFrameBytes?: number; gate?: PeerGate } = {},
) {
  const key = Ed25519Key.generate();
  const port = await freePort();
  const persistentPeers: PeerAddress[] = (opts.peers ?? []).map((p) => ({
    id: p.nodeId,
    host: "127.0.0.1",
    port: Number(p.options.laddr.split(":").pop()),
  }));
  const sw = new P2PSwitch(
    {
      chainId: opts.chainId ?? "p2p-test",
      moniker: `m${port}`,
      version: "0.38.17",
      laddr: `tcp://127.0.0.1:${port}`,
      rpcLaddr: "",
      persistentPeers,
      seeds: [],
      maxFrameBytes: opts.maxFrameBytes,
    },
    { nodeKey: key, logger, gate: opts.gate },
  );
  await sw.start();
  started.push(sw);
  return { sw, key };
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A gate the test opens and closes by node id. */
class SetGate implements PeerGate {
  readonly blocked = new Set<string>();
  private listeners: (() => void)[] = [];
  allows(id: string): boolean {
    return !this.blocked.has(id);
  }
  subscribe(fn: () => void): void {
    this.listeners.push(fn);
  }
  set(ids: string[]): void {
    this.blocked.clear();
    for (const id of ids) this.blocked.add(id);
    for (const f of this.listeners) f();
  }
}

const noStore = {
  base: () => 0,
  height: () => 0,
  loadBlockBytes: async () => undefined,
  loadSeenCommit: async () => undefined,
  loadExtendedCommit: async () => undefined,
};

function makeReactor(sw: P2PSwitch, pos: Position) {
  const got: ConsensusMessage[] = [];
  const txs: Uint8Array[] = [];
  const r = new ConsensusReactor(
    { pollMs: 20 },
    {
      sw,
      position: () => pos,
      blockStore: noStore,
      mempool: {
        checkTx: async (tx) => {
          txs.push(tx);
          return { code: 0 } as any;
        },
        txs: () => [],
      },
      logger,
    },
  );
  r.onMessage((m) => got.push(m));
  r.start();
  return { r, got, txs };
}

const vote = (height: bigint, round: number) =>
  ({
    type: "vote",
    vote: Vote.fromPartial({
      type: 1,
      height,
      round,
      validatorAddress: new Uint8Array(20).fill(1),
      signature: new Uint8Array(64),
    }),
  }) as ConsensusMessage;

describe("p2p switch and consensus reactor (in process)", { timeout: 120_000 }, () => {
  after(async () => {
    for (const s of started) await s.stop();
  });

  it("connects persistent peers, with the CometBFT node id of the node key", async () => {
    const a = await makeSwitch();
    const b = await makeSwitch({ peers: [a.sw] });
    await until(() => a.sw.peers.size === 1 && b.sw.peers.size === 1, "peers connected");
    assert.equal(a.sw.nodeId, nodeId(a.key));
    assert.equal(nodeIdOfPubKey(a.key.pubKey), a.sw.nodeId);
    assert.ok(a.sw.peers.has(b.sw.nodeId));
    assert.equal(b.sw.peers.get(a.sw.nodeId)?.isOutbound, true);
  });

  it("refuses a peer of another chain", async () => {
    const a = await makeSwitch();
    const b = await makeSwitch({ chainId: "other-chain", peers: [a.sw] });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(a.sw.peers.size, 0);
    assert.equal(b.sw.peers.size, 0);
  });

  it("drops malformed messages, disconnects a peer that sends an oversized frame, and keeps running", async () => {
    const a = await makeSwitch({ maxFrameBytes: 1024 });
    const b = await makeSwitch({ peers: [a.sw] });
    const seen: number[] = [];
    a.sw.onMessage((_p, m) => seen.push(m.type));
    await until(() => a.sw.peers.size === 1 && b.sw.peers.size === 1, "peers connected");
    const toA = b.sw.peers.get(a.sw.nodeId)!;
    toA.send(new Uint8Array([99, 1, 2, 3])); // unknown type
    toA.send(new Uint8Array([MsgType.Vote, 0xff, 0xff])); // malformed protobuf
    toA.send({ type: MsgType.Tx, tx: new Uint8Array([7]) });
    await until(() => seen.includes(MsgType.Tx), "the good message after the bad ones");
    assert.equal(a.sw.peers.size, 1, "still connected after malformed messages");
    const before = a.sw.peers.get(b.sw.nodeId);
    toA.send({ type: MsgType.Tx, tx: new Uint8Array(4096) });
    await until(() => a.sw.peers.get(b.sw.nodeId) !== before, "the oversized frame's sender was dropped");
    // b redials (persistent peer): the connection comes back, and a still works
    await until(() => a.sw.peers.size === 1 && b.sw.peers.size === 1, "reconnected");
  });

  it("a peer gate cuts a connected peer off, refuses its redials both ways, and the peers reconnect when it opens", async () => {
    const gate = new SetGate();
    const a = await makeSwitch({ gate });
    const b = await makeSwitch({ peers: [a.sw] });
    const c = await makeSwitch({ peers: [a.sw] });
    await until(() => a.sw.peers.size === 2, "peers connected");
    const seenFromB: number[] = [];
    a.sw.onMessage((p, m) => p.id === b.sw.nodeId && seenFromB.push(m.type));
    gate.set([b.sw.nodeId]);
    await until(() => !a.sw.peers.has(b.sw.nodeId) && b.sw.peers.size === 0, "b cut off");
    // b keeps redialling a (persistent peer, 250 ms backoff): refused every time, c untouched
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(b.sw.peers.size, 0);
    assert.deepEqual([...a.sw.peers.keys()], [c.sw.nodeId]);
    assert.equal(seenFromB.length, 0, "nothing from b got through");
    gate.set([]);
    await until(() => a.sw.peers.size === 2 && b.sw.peers.size === 1, "b reconnected after the gate opened");
    b.sw.peers.get(a.sw.nodeId)!.send({ type: MsgType.Tx, tx: new Uint8Array([9]) });
    await until(() => seenFromB.includes(MsgType.Tx), "b's message delivered again");
  });

  it("gossips through a middle peer, dedupes, and catches up a peer that gets to the height later", async () => {
    const a = await makeSwitch();
    const b = await makeSwitch({ peers: [a.sw] });
    const c = await makeSwitch({ peers: [b.sw] });
    const posA: Position = { height: 5n, round: 0, step: 3 };
    const posB: Position = { height: 5n, round: 0, step: 3 };
    const posC: Position = { height: 2n, round: 0, step: 1 };
    const ra = makeReactor(a.sw, posA);
    const rb = makeReactor(b.sw, posB);
    const rc = makeReactor(c.sw, posC);
    await until(() => a.sw.peers.size === 1 && b.sw.peers.size === 2 && c.sw.peers.size === 1, "line topology");
    await new Promise((r) => setTimeout(r, 200)); // statuses exchanged
    ra.r.broadcast(vote(5n, 0));
    ra.r.broadcast(vote(5n, 0)); // a duplicate is not sent twice
    await until(() => rb.got.length === 1, "b got the vote");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(rb.got.length, 1);
    assert.equal(rc.got.length, 0, "c is at height 2: the height-5 vote is held back");
    posC.height = 5n; // c reaches height 5: its status brings it the vote from b
    await until(() => rc.got.length === 1, "c caught up");
    assert.equal((rc.got[0] as any).vote.height, 5n);
    // txs accepted by one node reach the others once
    ra.r.gossipTx(new Uint8Array([1, 2, 3]));
    await until(() => rc.txs.length === 1, "tx reached c through b");
    assert.equal(rb.txs.length, 1);
    for (const x of [ra, rb, rc]) x.r.stop();
  });
});
