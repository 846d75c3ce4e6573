// The consensus engine's Transport over the p2p switch, plus mempool tx gossip.
//
// Gossip: every consensus message (ours or a peer's) is sent once to each peer that has not sent it
// to us and has not been sent it (per-peer seen-sets, keyed by the sha256 of the message bytes).
// Catch-up: peers tell each other their (height, round, step) whenever it changes and every second.
// A message of height h is only sent to a peer working on h-1..h+1 (others would drop it), and it
// is marked as known to that peer only when sent; so when a peer reports a new height, it gets every
// cached message of that height it still lacks (proposal, block, votes of every round). A peer that
// is behind by whole heights gets the stored block and the precommits of its commit, which is all
// the engine needs to commit that height and move on (block sync does the bulk at startup).
import { createHash } from "node:crypto";
import type { ResponseCheckTx } from "cosmjs-types/tendermint/abci/types";
import type { Commit, ExtendedCommit } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import type { Logger } from "pino";
import type { ConsensusMessage, Transport } from "../consensus/transport.ts";
import { commitSigToVote } from "../consensus/vote-set.ts";
import type { P2PSwitch, Peer } from "./switch.ts";
import { consensusHeight, decodeMessage, encodeConsensus, MsgType, type PeerStatus, type WireMessage } from "./wire.ts";

export interface Position {
  height: bigint;
  round: number;
  step: number;
}

export interface ConsensusReactorOptions {
  /** how often the local position is checked for changes (ms, default 50) */
  pollMs?: number;
  /** a status is re-sent at least this often (ms, default 1000) */
  statusEveryMs?: number;
  /** most messages kept per height (default 5000) */
  maxMessagesPerHeight?: number;
  /** a lagging peer is sent a stored block at most this often (ms, default 500) */
  catchupEveryMs?: number;
}

export interface ConsensusReactorDeps {
  sw: P2PSwitch;
  /** where this node's consensus is (engine running) or would start (syncing) */
  position: () => Position;
  blockStore: {
    base(): number;
    height(): number;
    loadBlockBytes(height: number): Promise<Uint8Array | undefined>;
    loadSeenCommit(height: number): Promise<Commit | undefined>;
    loadExtendedCommit(height: number): Promise<ExtendedCommit | undefined>;
  };
  mempool: { checkTx(tx: Uint8Array): Promise<ResponseCheckTx>; txs(limit?: number): Uint8Array[] };
  logger: Logger;
}

interface PeerState {
  status?: PeerStatus;
  /** message keys by height that this peer has or was sent */
  known: Map<bigint, Set<string>>;
  evidence: Set<string>;
  txs: Set<string>;
  lastCatchup: { height: bigint; atMs: number };
}

const key = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const MAX_PEER_TXS = 50_000;

export class ConsensusReactor implements Transport {
  private handlers: ((msg: ConsensusMessage, from: string) => void)[] = [];
  private readonly cache = new Map<bigint, Map<string, Uint8Array>>();
  private readonly evidenceSeen = new Set<string>();
  private readonly peerStates = new Map<Peer, PeerState>();
  private readonly log: Logger;
  private timer?: NodeJS.Timeout;
  private last: Position = { height: 0n, round: -1, step: -1 };
  private lastStatusMs = 0;

  constructor(
    private readonly options: ConsensusReactorOptions,
    private readonly deps: ConsensusReactorDeps,
  ) {
    this.log = deps.logger.child({ module: "p2p-consensus" });
    deps.sw.onPeerAdded((p) => this.addPeer(p));
    deps.sw.onPeerRemoved((p) => this.peerStates.delete(p));
    deps.sw.onMessage((p, m, raw) => this.receive(p, m, raw));
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.options.pollMs ?? 50);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  // ---- Transport ----

  broadcast(msg: ConsensusMessage): void {
    const data = encodeConsensus(msg);
    const k = key(data);
    if (msg.type === "evidence") {
      this.evidenceSeen.add(k);
      this.gossipEvidence(k, data);
      return;
    }
    const h = consensusHeight(msg);
    this.store(h, k, data);
    for (const [p, st] of this.peerStates) this.sendTo(p, st, h, k, data);
  }

  onMessage(fn: (msg: ConsensusMessage, from: string) => void): () => void {
    this.handlers.push(fn);
    // Messages that arrived before the engine subscribed (e.g. during block sync) are handed over now.
    const ours = this.deps.position().height;
    const replay: ConsensusMessage[] = [];
    for (const [h, msgs] of [...this.cache].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (h < ours - 1n) continue;
      for (const data of msgs.values()) {
        // cached bytes were decoded once already, so this cannot fail
        const m = decodeConsensus(data);
        if (m) replay.push(m);
      }
    }
    setImmediate(() => {
      for (const m of replay) fn(m, "cache");
    });
    return () => {
      this.handlers = this.handlers.filter((h) => h !== fn);
    };
  }

  // ---- txs ----

  /** Sends a tx accepted by CheckTx to every peer not known to have it. */
  gossipTx(tx: Uint8Array, from?: Peer): void {
    const k = key(tx);
    for (const [p, st] of this.peerStates) {
      if (p === from || st.txs.has(k)) continue;
      rememberTx(st, k);
      p.send({ type: MsgType.Tx, tx });
    }
  }

  // ---- peers ----

  private addPeer(p: Peer): void {
    const st: PeerState = {
      known: new Map(),
      evidence: new Set(),
      txs: new Set(),
      lastCatchup: { height: -1n, atMs: 0 },
    };
    this.peerStates.set(p, st);
    p.send({ type: MsgType.Status, status: this.status() });
    for (const tx of this.deps.mempool.txs(10_000)) {
      rememberTx(st, key(tx));
      p.send({ type: MsgType.Tx, tx });
    }
  }

  private status(): PeerStatus {
    const pos = this.deps.position();
    return { height: pos.height, round: pos.round, step: pos.step, base: BigInt(this.deps.blockStore.base()) };
  }

  /** Peers' last reported positions (for net_info and block sync). */
  peerStatuses(): Map<Peer, PeerStatus | undefined> {
    return new Map([...this.peerStates].map(([p, s]) => [p, s.status]));
  }

  private tick(): void {
    const pos = this.deps.position();
    const now = Date.now();
    const changed = pos.height !== this.last.height || pos.round !== this.last.round || pos.step !== this.last.step;
    if (pos.height !== this.last.height) this.prune(pos.height);
    if (changed || now - this.lastStatusMs >= (this.options.statusEveryMs ?? 1000)) {
      this.last = { ...pos };
      this.lastStatusMs = now;
      this.deps.sw.broadcast({ type: MsgType.Status, status: this.status() });
    }
  }

  private prune(height: bigint): void {
    for (const h of this.cache.keys()) if (h < height - 1n) this.cache.delete(h);
    for (const st of this.peerStates.values()) for (const h of st.known.keys()) if (h < height - 2n) st.known.delete(h);
    if (this.evidenceSeen.size > 10_000) this.evidenceSeen.clear();
  }

  private store(h: bigint, k: string, data: Uint8Array): boolean {
    let m = this.cache.get(h);
    if (!m) {
      m = new Map();
      this.cache.set(h, m);
    }
    if (m.has(k) || m.size >= (this.options.maxMessagesPerHeight ?? 5000)) return false;
    m.set(k, data);
    return true;
  }

  private sendTo(p: Peer, st: PeerState, h: bigint, k: string, data: Uint8Array): void {
    const ph = st.status?.height;
    if (ph === undefined || h < ph - 1n || h > ph + 1n) return; // it would drop it; sent when it gets there
    let known = st.known.get(h);
    if (!known) {
      known = new Set();
      st.known.set(h, known);
    }
    if (known.has(k)) return;
    known.add(k);
    p.send(data);
  }

  private receive(p: Peer, m: WireMessage, raw: Uint8Array): void {
    const st = this.peerStates.get(p);
    if (!st) return;
    switch (m.type) {
      case MsgType.Status:
        st.status = m.status;
        void this.catchUp(p, st).catch((e) => this.log.debug({ err: (e as Error).message }, "catch-up failed"));
        return;
      case MsgType.Tx:
        void this.receiveTx(p, st, m.tx);
        return;
      case MsgType.Proposal:
      case MsgType.Block:
      case MsgType.Vote:
      case MsgType.Evidence:
        break;
      default:
        return;
    }
    const msg = m.consensus;
    const k = key(raw);
    if (msg.type === "evidence") {
      st.evidence.add(k);
      if (this.evidenceSeen.has(k)) return;
      this.evidenceSeen.add(k);
      this.deliver(msg, p.id);
      this.gossipEvidence(k, raw);
      return;
    }
    const h = consensusHeight(msg);
    let known = st.known.get(h);
    if (!known) {
      known = new Set();
      st.known.set(h, known);
    }
    known.add(k);
    const ours = this.deps.position().height;
    if (h < ours - 1n || h > ours + 1n) return; // not useful now; peers re-send when we get there
    if (!this.store(h, k, raw)) return;
    this.deliver(msg, p.id);
    for (const [q, qs] of this.peerStates) if (q !== p) this.sendTo(q, qs, h, k, raw);
  }

  private deliver(msg: ConsensusMessage, from: string): void {
    for (const h of this.handlers) h(msg, from);
  }

  private gossipEvidence(k: string, data: Uint8Array): void {
    for (const [p, st] of this.peerStates) {
      if (st.evidence.has(k)) continue;
      st.evidence.add(k);
      p.send(data);
    }
  }

  private async receiveTx(p: Peer, st: PeerState, tx: Uint8Array): Promise<void> {
    rememberTx(st, key(tx));
    let res: ResponseCheckTx;
    try {
      res = await this.deps.mempool.checkTx(tx);
    } catch {
      return; // already seen, mempool full, too large: nothing to gossip
    }
    if (res.code === 0) this.gossipTx(tx, p);
  }

  /** Sends a peer what it lacks for the height it works on, or the block it needs to get there. */
  private async catchUp(p: Peer, st: PeerState): Promise<void> {
    const s = st.status;
    if (!s) return;
    for (const h of [s.height - 1n, s.height, s.height + 1n]) {
      const msgs = this.cache.get(h);
      if (msgs) for (const [k, data] of msgs) this.sendTo(p, st, h, k, data);
    }
    const ours = this.deps.position().height;
    const h = Number(s.height);
    if (s.height >= ours || h > this.deps.blockStore.height() || h < this.deps.blockStore.base()) return;
    const now = Date.now();
    if (st.lastCatchup.height === s.height && now - st.lastCatchup.atMs < (this.options.catchupEveryMs ?? 500)) return;
    st.lastCatchup = { height: s.height, atMs: now };
    const blockBytes = await this.deps.blockStore.loadBlockBytes(h);
    const commit: Commit | ExtendedCommit | undefined =
      (await this.deps.blockStore.loadExtendedCommit(h)) ?? (await this.deps.blockStore.loadSeenCommit(h));
    if (!blockBytes || !commit) return;
    const sigs = "extendedSignatures" in commit ? commit.extendedSignatures : commit.signatures;
    p.send(encodeConsensus({ type: "block", height: s.height, round: commit.round, block: blockBytes }));
    sigs.forEach((sig, i) => {
      if (sig.blockIdFlag === BlockIDFlag.BLOCK_ID_FLAG_ABSENT) return;
      p.send(encodeConsensus({ type: "vote", vote: commitSigToVote(commit, i, sig) }));
    });
  }
}

function rememberTx(st: PeerState, k: string): void {
  if (st.txs.size >= MAX_PEER_TXS) st.txs.clear();
  st.txs.add(k);
}

function decodeConsensus(data: Uint8Array): ConsensusMessage | undefined {
  try {
    const m = decodeMessage(data);
    return "consensus" in m ? m.consensus : undefined;
  } catch {
    return undefined;
  }
}
