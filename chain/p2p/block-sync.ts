// Block sync: a node that is behind (new, restarted, partitioned at startup) fetches blocks and
// their commits from peers by height, checks that +2/3 of the validator set signed each one (vote
// sign bytes from chain/types), validates and applies them through the BlockExecutor, and stops when
// no peer is ahead; the node then starts consensus. Every node also answers peers' block requests.
import { Block } from "cosmjs-types/tendermint/types/block";
import type { Logger } from "pino";
import { type BlockExecutor, blockIdOf } from "../consensus/block-executor.ts";
import type { BlockStoreLike } from "../consensus/deps.ts";
import type { State } from "../consensus/state.ts";
import { voteExtensionsEnabled } from "../consensus/state.ts";
import { verifyCommit } from "../consensus/vote-set.ts";
import type { ConsensusReactor } from "./consensus-reactor.ts";
import type { P2PSwitch, Peer } from "./switch.ts";
import { type BlockResponse, MsgType } from "./wire.ts";

export interface BlockSyncOptions {
  chainId: string;
  /** a request not answered in this time is asked of another peer (default 5 s) */
  requestTimeoutMs?: number;
  /** blocks requested ahead of the one being applied (default 16) */
  window?: number;
  /** how long to wait for a first peer status before starting consensus alone (default 5 s) */
  waitForPeersMs?: number;
  /** after a first peer status, how long to wait for others before deciding nobody is ahead (default 1 s) */
  settleMs?: number;
}

export interface BlockSyncDeps {
  sw: P2PSwitch;
  reactor: ConsensusReactor;
  blockStore: BlockStoreLike & {
    loadBlockBytes(height: number): Promise<Uint8Array | undefined>;
    loadSeenCommit(height: number): Promise<import("cosmjs-types/tendermint/types/types").Commit | undefined>;
    loadExtendedCommit(
      height: number,
    ): Promise<import("cosmjs-types/tendermint/types/types").ExtendedCommit | undefined>;
  };
  executor: BlockExecutor;
  logger: Logger;
}

interface Pending {
  resolve: (r: BlockResponse | undefined) => void;
  timer: NodeJS.Timeout;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class BlockSync {
  /** true while run() is fetching blocks (status.sync_info.catching_up) */
  catchingUp = false;
  private readonly pending = new Map<string, Pending>();
  private readonly log: Logger;
  private stopped = false;
  /** blocks applied by block sync since start */
  synced = 0;
  /** the state after the last block block sync applied (undefined before run()) */
  state: State | undefined;

  constructor(
    private readonly options: BlockSyncOptions,
    private readonly deps: BlockSyncDeps,
  ) {
    this.log = deps.logger.child({ module: "blocksync" });
    deps.sw.onMessage((p, m) => {
      if (m.type === MsgType.BlockRequest) void this.serve(p, m.height);
      else if (m.type === MsgType.BlockResponse) this.settle(p, m.response.height, m.response);
      else if (m.type === MsgType.NoBlockResponse) this.settle(p, m.height, undefined);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.resolve(undefined);
    }
    this.pending.clear();
  }

  private async serve(p: Peer, height: bigint): Promise<void> {
    const h = Number(height);
    const bs = this.deps.blockStore;
    const block = h >= 1 ? await bs.loadBlockBytes(h) : undefined;
    const commit = block ? await bs.loadSeenCommit(h) : undefined;
    if (!block || !commit) {
      p.send({ type: MsgType.NoBlockResponse, height });
      return;
    }
    const extendedCommit = (await bs.loadExtendedCommit(h)) ?? undefined;
    p.send({ type: MsgType.BlockResponse, response: { height, block, commit, extendedCommit } });
  }

  private settle(p: Peer, height: bigint, r: BlockResponse | undefined): void {
    const k = `${p.id}:${height}`;
    const pending = this.pending.get(k);
    if (!pending) return;
    this.pending.delete(k);
    clearTimeout(pending.timer);
    pending.resolve(r);
  }

  private request(p: Peer, height: bigint): Promise<BlockResponse | undefined> {
    const k = `${p.id}:${height}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(k);
        resolve(undefined);
      }, this.options.requestTimeoutMs ?? 5_000);
      this.pending.set(k, { resolve, timer });
      p.send({ type: MsgType.BlockRequest, height });
    });
  }

  /** Peers whose last block is above `height`, with the highest such last block. */
  private ahead(height: bigint): { peers: Peer[]; max: bigint; anyStatus: boolean } {
    const peers: Peer[] = [];
    let max = 0n;
    let anyStatus = false;
    for (const [p, s] of this.deps.reactor.peerStatuses()) {
      if (!s) continue;
      anyStatus = true;
      const last = s.height - 1n;
      if (last > height && s.base > 0n && s.base <= height + 1n) {
        peers.push(p);
        if (last > max) max = last;
      }
    }
    return { peers, max, anyStatus };
  }

  /** Fetches and applies blocks until no peer is ahead; returns the new state. */
  async run(initial: State): Promise<State> {
    let state = initial;
    this.state = initial;
    const started = Date.now();
    let firstStatusMs = 0;
    const window = BigInt(this.options.window ?? 16);
    const inflight = new Map<bigint, { peer: Peer; res: Promise<BlockResponse | undefined> }>();
    let rr = 0;
    this.catchingUp = true;
    try {
      while (!this.stopped) {
        const ours = state.lastBlockHeight;
        const { peers, max, anyStatus } = this.ahead(ours);
        if (anyStatus && firstStatusMs === 0) firstStatusMs = Date.now();
        const settled = anyStatus && Date.now() - firstStatusMs >= (this.options.settleMs ?? 1_000);
        // Within one block of the best peer: consensus catch-up fetches the rest (CometBFT's IsCaughtUp).
        if (settled && this.synced > 0 && max <= ours + 1n && !inflight.has(ours + 1n)) break;
        if (peers.length === 0) {
          const now = Date.now();
          if (anyStatus && now - firstStatusMs >= (this.options.settleMs ?? 1_000)) break;
          if (!anyStatus && now - started >= (this.options.waitForPeersMs ?? 5_000)) break;
          await sleep(50);
          continue;
        }
        for (let h = ours + 1n; h <= ours + window && h <= max; h++) {
          if (inflight.has(h)) continue;
          const withBlock = peers.filter((p) => (this.deps.reactor.peerStatuses().get(p)?.height ?? 0n) - 1n >= h);
          if (withBlock.length === 0) break;
          const peer = withBlock[rr++ % withBlock.length];
          inflight.set(h, { peer, res: this.request(peer, h) });
        }
        const next = ours + 1n;
        const req = inflight.get(next);
        if (!req) {
          await sleep(50);
          continue;
        }
        const r = await req.res;
        inflight.delete(next);
        if (!r) continue; // timed out or the peer lacks it: asked again (maybe of another peer)
        try {
          state = await this.applyOne(state, next, r);
          this.state = state;
          this.synced++;
          if (this.synced % 100 === 0 || next === max)
            this.log.info({ height: next.toString(), target: max.toString() }, "block sync progress");
        } catch (e) {
          this.log.warn(
            { peer: req.peer.id, height: next.toString(), err: (e as Error).message },
            "bad block from peer",
          );
          this.deps.sw.dropPeer(req.peer, "sent an invalid block");
          for (const [h, f] of inflight) if (f.peer === req.peer) inflight.delete(h);
        }
      }
    } finally {
      this.catchingUp = false;
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.resolve(undefined);
      }
      this.pending.clear();
    }
    if (this.synced > 0)
      this.log.info({ height: state.lastBlockHeight.toString(), blocks: this.synced }, "block sync done");
    return state;
  }

  private async applyOne(state: State, height: bigint, r: BlockResponse): Promise<State> {
    if (r.height !== height) throw new Error(`response for height ${r.height}, asked ${height}`);
    const block = Block.decode(r.block);
    if (!block.header || block.header.height !== height) throw new Error("block for another height");
    const { blockId } = blockIdOf(block);
    verifyCommit(this.options.chainId, state.validators, blockId, height, r.commit);
    this.deps.executor.validateBlock(state, block);
    const ext = voteExtensionsEnabled(state.consensusParams, height) ? r.extendedCommit : undefined;
    if (BigInt(this.deps.blockStore.height()) < height)
      await this.deps.blockStore.saveBlock(block, blockId, r.commit, ext);
    return this.deps.executor.applyBlock(state, blockId, block);
  }
}
