// Follows one inference request over the CometBFT websocket instead of polling: subscriptions to
// the NewBlock events that carry the inference module's events for the request id
// (`tm.event='NewBlock' AND executors_assigned.request_id='7'` ...), turned into the states
// assigned -> committed -> revealed -> finalized | refunded.
//
// A NewBlock event carries every event of its block (result_finalize_block), so whichever
// subscription matched, the block's events for the request are read in their order. Six event types
// exceed CometBFT's 5 subscriptions per connection, so progress (assigned, commit closed, revealed)
// and outcome (finalized, failed, refunded) use two connections; before an outcome block is read,
// a round trip on the progress connection makes sure its earlier blocks have arrived. After
// subscribing, the request is queried once, so a request that moved on (or settled) before the
// subscriptions started is reported from its state.
import { WebsocketClient } from "@cosmjs/tendermint-rpc";
import { type InferenceResult, RequestStatus } from "../proto/gen/dgrid/inference/v1/inference.ts";
import { type DGridExtension, isNotFound, type RequestId } from "./queries.ts";

interface Base {
  requestId: bigint;
  /** the block in which it happened; undefined for a state read from the store after subscribing */
  height: number | undefined;
}
export type RequestUpdate =
  | (Base & { state: "assigned"; executors: string[] })
  | (Base & { state: "committed"; committed: number })
  | (Base & { state: "revealed"; validators: string[] })
  /** settled: with outputs, or failed by its input (result.status FAILED, result.error) */
  | (Base & { state: "finalized"; result: InferenceResult })
  /** no quorum, no executors or expired: the fee went back (result.refunded, result.reason) */
  | (Base & { state: "refunded"; result: InferenceResult });
export type RequestState = RequestUpdate["state"];

export interface WatchOptions {
  /** reject when the request has not settled by then (default 300000 ms) */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface WatchDependencies {
  /** the node's RPC address (http(s):// or ws(s)://) */
  rpcUrl: string;
  inference: Pick<DGridExtension["inference"], "request" | "result">;
}

const RANK: Record<RequestState, number> = { assigned: 1, committed: 2, revealed: 3, finalized: 4, refunded: 4 };
const PROGRESS = ["executors_assigned", "commit_phase_closed", "output_revealed"];
const OUTCOME = ["request_finalized", "request_failed", "request_refunded"];

interface BlockEvent {
  type: string;
  attributes: Map<string, string>;
}
type Item = { height: number; events: BlockEvent[]; outcome: boolean } | { error: Error };

/** A queue the websocket callbacks push into and the generator awaits. */
class Inbox {
  private readonly items: Item[] = [];
  private wake: (() => void) | undefined;
  push(item: Item): void {
    this.items.push(item);
    this.wake?.();
  }
  /** Everything queued, waiting for at least one item. */
  async takeAll(): Promise<Item[]> {
    while (this.items.length === 0) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
    return this.drain();
  }
  /** Everything queued now, without waiting. */
  drain(): Item[] {
    return this.items.splice(0);
  }
}

function websocketUrl(rpcUrl: string): string {
  return rpcUrl.replace(/^http/, "ws").replace(/\/websocket\/?$/, "");
}

/** The request's events of a NewBlock subscription event, with the block height. */
function blockEvents(ev: { data: { value: unknown } }, id: string): { height: number; events: BlockEvent[] } {
  const value = ev.data.value as {
    block?: { header?: { height?: string } };
    result_finalize_block?: { events?: { type: string; attributes?: { key: string; value: string }[] }[] };
  };
  const events: BlockEvent[] = [];
  for (const e of value.result_finalize_block?.events ?? []) {
    const attributes = new Map((e.attributes ?? []).map((a) => [a.key, a.value] as const));
    if (attributes.get("request_id") === id) events.push({ type: e.type, attributes });
  }
  return { height: Number(value.block?.header?.height ?? 0), events };
}

/**
 * The updates of request `id` in order, each state at most once, ending with the terminal one
 * (finalized or refunded, with the result). Throws on an unknown request, a lost connection, a
 * timeout or an abort.
 */
export async function* watchRequest(
  id: RequestId,
  options: WatchOptions,
  deps: WatchDependencies,
): AsyncGenerator<RequestUpdate, void, undefined> {
  const requestId = BigInt(id);
  const idText = requestId.toString();
  const inbox = new Inbox();
  const fail = (e: unknown) => inbox.push({ error: e instanceof Error ? e : new Error(String(e)) });
  const url = websocketUrl(deps.rpcUrl);
  const progress = new WebsocketClient(url, fail);
  const outcome = new WebsocketClient(url, fail);
  let nextId = 0;
  const rpcId = () => `dgrid-watch-${idText}-${nextId++}`;
  const roundTrip = (ws: WebsocketClient) => ws.execute({ jsonrpc: "2.0", id: rpcId(), method: "health", params: {} });
  const subscriptions = [
    ...PROGRESS.map((type) => [progress, type, false] as const),
    ...OUTCOME.map((type) => [outcome, type, true] as const),
  ].map(([ws, type, isOutcome]) =>
    ws
      .listen({
        jsonrpc: "2.0",
        id: rpcId(),
        method: "subscribe",
        params: { query: `tm.event='NewBlock' AND ${type}.request_id='${idText}'` },
      })
      .subscribe({
        next: (ev) => inbox.push({ ...blockEvents(ev, idText), outcome: isOutcome }),
        error: (e) => fail(typeof e === "string" ? new Error(`subscription refused: ${e}`) : e),
        complete: () => fail(new Error("the websocket connection closed")),
      }),
  );
  const timeoutMs = options.timeoutMs ?? 300_000;
  const timer = setTimeout(() => fail(new Error(`request ${idText} not settled after ${timeoutMs} ms`)), timeoutMs);
  const onAbort = () => fail(options.signal?.reason ?? new Error("aborted"));
  options.signal?.addEventListener("abort", onAbort);
  if (options.signal?.aborted) onAbort();

  let rank = 0;
  const seen = new Set<number>();
  const advance = <U extends RequestUpdate>(u: U): U | undefined => {
    if (RANK[u.state] <= rank) return undefined;
    rank = RANK[u.state];
    return u;
  };
  const settled = async (height: number | undefined): Promise<RequestUpdate> => {
    const result = await readResult(deps, requestId);
    const state = result.status === RequestStatus.REQUEST_STATUS_REFUNDED ? "refunded" : "finalized";
    return { state, requestId, height: height ?? Number(result.height), result };
  };
  try {
    // the server answers in order: once these return, the subscriptions are in place
    await Promise.all([roundTrip(progress), roundTrip(outcome)]);
    const now = await deps.inference.request(requestId).catch((e) => {
      throw isNotFound(e) ? new Error(`request ${idText} not found`) : e;
    });
    switch (now.status) {
      case RequestStatus.REQUEST_STATUS_COMMIT: {
        const executors = now.executors.map((e) => e.validator);
        yield advance({ state: "assigned", requestId, height: undefined, executors })!;
        break;
      }
      case RequestStatus.REQUEST_STATUS_REVEAL: {
        const committed = now.executors.filter((e) => e.commitment.length > 0).length;
        yield advance({ state: "committed", requestId, height: undefined, committed })!;
        break;
      }
      case RequestStatus.REQUEST_STATUS_UNSPECIFIED:
        break;
      default:
        yield await settled(undefined);
        return;
    }
    for (;;) {
      const items = await inbox.takeAll();
      const failure = items.find((i): i is { error: Error } => "error" in i);
      if (failure) throw failure.error;
      const blocks = items as Exclude<Item, { error: Error }>[];
      // an outcome block: let the progress connection deliver its blocks up to here first
      if (blocks.some((b) => b.outcome)) {
        await roundTrip(progress);
        for (const extra of inbox.drain()) {
          if ("error" in extra) throw extra.error;
          blocks.push(extra);
        }
      }
      blocks.sort((a, b) => a.height - b.height);
      for (const b of blocks) {
        if (seen.has(b.height)) continue;
        seen.add(b.height);
        for (const u of updatesOf(b, requestId)) {
          if (u === "settled") {
            yield await settled(b.height);
            return;
          }
          const next = advance(u);
          if (next) yield next;
        }
      }
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    for (const s of subscriptions) s.unsubscribe();
    disconnectForGood(progress);
    disconnectForGood(outcome);
  }
}

/**
 * CosmJS's ReconnectingSocket (0.39) schedules a reconnect even after an explicit disconnect, which
 * would leave a connection open (and a Node process alive) after every watch; its inner socket's
 * reconnect is turned off first. Checked in test/client/watch-request.test.ts (the process exits).
 */
function disconnectForGood(ws: WebsocketClient): void {
  const inner = (ws as unknown as { socket?: { socket?: { reconnect?: () => void } } }).socket?.socket;
  if (inner?.reconnect) inner.reconnect = () => {};
  ws.disconnect();
}

/** The states one block's events for the request move it through, in order; "settled" ends it. */
function updatesOf(b: { height: number; events: BlockEvent[] }, requestId: bigint): (RequestUpdate | "settled")[] {
  const out: (RequestUpdate | "settled")[] = [];
  const base = { requestId, height: b.height };
  const revealedBy = b.events
    .filter((e) => e.type === "output_revealed")
    .map((e) => e.attributes.get("validator") ?? "");
  for (const e of b.events) {
    if (e.type === "executors_assigned")
      out.push({
        ...base,
        state: "assigned",
        executors: (e.attributes.get("executors") ?? "").split(",").filter(Boolean),
      });
    else if (e.type === "commit_phase_closed")
      out.push({ ...base, state: "committed", committed: Number(e.attributes.get("committed") ?? 0) });
    else if (e.type === "output_revealed") out.push({ ...base, state: "revealed", validators: revealedBy });
    else if (OUTCOME.includes(e.type)) out.push("settled");
  }
  return out;
}

/** The stored result; a few short retries cover a node that publishes the block before its query state. */
async function readResult(deps: WatchDependencies, id: bigint): Promise<InferenceResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.inference.result(id);
    } catch (e) {
      if (!isNotFound(e) || attempt >= 10) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
