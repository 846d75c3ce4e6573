// EventManager as Cosmos SDK types/events.go: modules emit typed events with string attributes;
// the app turns them into ABCI events. Which attributes the node's indexer stores is app.toml's
// `index-events` (SDK MarkEventsToIndex): "type.key" entries, or every attribute when empty.
import type { Event as AbciEvent } from "cosmjs-types/tendermint/abci/types";

export interface SdkEvent {
  type: string;
  attributes: { key: string; value: string }[];
}

export function newEvent(type: string, attrs: Record<string, string> | [string, string][]): SdkEvent {
  const list = Array.isArray(attrs) ? attrs : Object.entries(attrs);
  return { type, attributes: list.map(([key, value]) => ({ key, value })) };
}

export class EventManager {
  private list: SdkEvent[] = [];

  emit(event: SdkEvent): void {
    this.list.push(event);
  }

  emitMany(events: readonly SdkEvent[]): void {
    for (const e of events) this.list.push(e);
  }

  events(): SdkEvent[] {
    return this.list;
  }
}

/** What an app.toml index-events entry looks like: an event type and an attribute key, "type.key". */
export const INDEX_EVENT_PATTERN = "^[^.\\s]+\\.\\S+$";

/** ABCI events; an attribute is marked `index` when `indexSet` is empty or absent, or names its "type.key". */
export function toAbciEvents(events: readonly SdkEvent[], indexSet?: ReadonlySet<string>): AbciEvent[] {
  const all = !indexSet || indexSet.size === 0;
  return events.map((e) => ({
    type: e.type,
    attributes: e.attributes.map((a) => ({
      key: a.key,
      value: a.value,
      index: all || indexSet.has(`${e.type}.${a.key}`),
    })),
  }));
}

/** Appends an attribute to every event (the SDK's msg_index, mode=BeginBlock/EndBlock). */
export function withAttribute(events: readonly SdkEvent[], key: string, value: string): SdkEvent[] {
  return events.map((e) => ({ type: e.type, attributes: [...e.attributes, { key, value }] }));
}
