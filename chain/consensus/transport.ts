// How consensus messages leave and reach the engine. The single-node case uses a loopback; an
// in-memory network joins several engines in one process (tests); the p2p layer implements the same
// interface over libp2p. Delivery may duplicate or drop messages: the engine tolerates both.

import type { Block } from "cosmjs-types/tendermint/types/block";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import type { BlockID, Proposal, Vote } from "cosmjs-types/tendermint/types/types";

export type ConsensusMessage =
  | { type: "proposal"; proposal: Proposal }
  /** The whole proto-encoded block; receivers recompute its part set header to match the block id. */
  | {
      type: "block";
      height: bigint;
      round: number;
      block: Uint8Array;
      /**
       * The engine's own proposal as built, on its internal copy only (never sent or logged): the
       * engine then keeps the very tx byte objects the mempool and the app already decoded and
       * verified (app caches keyed by them hit) instead of decoding its own block again.
       */
      own?: { block: Block; blockId: BlockID };
    }
  | { type: "vote"; vote: Vote }
  /** Evidence of misbehavior (duplicate votes), gossiped until it is committed in a block. */
  | { type: "evidence"; evidence: Evidence };

export interface Transport {
  broadcast(msg: ConsensusMessage): void;
  /** Registers the engine's handler; returns an unsubscribe function. */
  onMessage(fn: (msg: ConsensusMessage, from: string) => void): () => void;
}

/** Delivers a node's own messages back to it (asynchronously), for a single-validator chain. */
export class LoopbackTransport implements Transport {
  private handlers: ((msg: ConsensusMessage, from: string) => void)[] = [];

  broadcast(msg: ConsensusMessage): void {
    setImmediate(() => {
      for (const h of this.handlers) h(msg, "self");
    });
  }

  onMessage(fn: (msg: ConsensusMessage, from: string) => void): () => void {
    this.handlers.push(fn);
    return () => {
      this.handlers = this.handlers.filter((h) => h !== fn);
    };
  }
}

/** An in-process network: each joined peer's broadcasts reach every other (non-silenced) peer. */
export class InMemoryNetwork {
  private readonly peers = new Map<string, { handlers: ((msg: ConsensusMessage, from: string) => void)[] }>();
  private readonly silenced = new Set<string>();

  join(id: string): Transport {
    const peer = { handlers: [] as ((msg: ConsensusMessage, from: string) => void)[] };
    this.peers.set(id, peer);
    return {
      broadcast: (msg) => {
        if (this.silenced.has(id)) return;
        for (const [pid, p] of this.peers) {
          if (pid === id || this.silenced.has(pid)) continue;
          setImmediate(() => {
            for (const h of p.handlers) h(msg, id);
          });
        }
      },
      onMessage: (fn) => {
        peer.handlers.push(fn);
        return () => {
          peer.handlers = peer.handlers.filter((h) => h !== fn);
        };
      },
    };
  }

  /** A silenced peer neither sends nor receives (a crashed or partitioned validator). */
  silence(id: string, on = true): void {
    if (on) this.silenced.add(id);
    else this.silenced.delete(id);
  }
}
