// In-process event bus between the consensus engine (publisher) and the RPC websocket / indexers
// (subscribers). Event shapes follow CometBFT's types/events.go: every published event carries the
// composite attribute map ("tm.event", "tx.hash", "tx.height", "<type>.<attr>") that
// CometBFT queries (chain/txindex/query.ts) are matched against.
import { EventEmitter } from "node:events";
import type { Event as AbciEvent, ExecTxResult, ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { BlockID, Header } from "cosmjs-types/tendermint/types/types";

export interface NewBlockEvent {
  type: "NewBlock";
  block: Block;
  blockId: BlockID;
  resultFinalizeBlock: ResponseFinalizeBlock;
}
export interface NewBlockHeaderEvent {
  type: "NewBlockHeader";
  header: Header;
}
export interface TxEvent {
  type: "Tx";
  height: number;
  index: number;
  tx: Uint8Array;
  result: ExecTxResult;
}
export type BusEvent = NewBlockEvent | NewBlockHeaderEvent | TxEvent;

/** Attribute map used for query matching: composite key -> all values (CometBFT keeps duplicates). */
export type EventAttributes = Map<string, string[]>;

/**
 * Flattens ABCI events into CometBFT's composite-key map ("transfer.sender" -> [...]). `indexedOnly`:
 * only the attributes the app marked `index` (what CometBFT's kv indexer stores and searches; event
 * subscriptions see every attribute).
 */
export function flattenEvents(
  events: readonly AbciEvent[],
  into: EventAttributes = new Map(),
  indexedOnly = false,
): EventAttributes {
  for (const ev of events) {
    if (!ev.type) continue;
    for (const attr of ev.attributes) {
      if (indexedOnly && !attr.index) continue;
      const key = `${ev.type}.${attr.key}`;
      const list = into.get(key);
      if (list) list.push(attr.value);
      else into.set(key, [attr.value]);
    }
  }
  return into;
}

export interface PublishedEvent {
  event: BusEvent;
  attributes: EventAttributes;
}

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(event: BusEvent, attributes: EventAttributes): void {
    const tm = attributes.get("tm.event");
    if (!tm) attributes.set("tm.event", [event.type]);
    this.emitter.emit("event", { event, attributes } satisfies PublishedEvent);
  }

  /** Whether anyone listens: publishers may skip building events (attribute maps, hashes) nobody reads. */
  hasSubscribers(): boolean {
    return this.emitter.listenerCount("event") > 0;
  }

  subscribe(listener: (e: PublishedEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}
