// One websocket client (CometBFT rpc/jsonrpc/server/ws_handler.go + rpc/core/events.go): JSON-RPC over
// text frames, every HTTP method plus subscribe / unsubscribe / unsubscribe_all. Each matching event
// is sent as a success response carrying the subscribe request's id and a ResultEvent
// `{query, data: {type, value}, events}`.
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { EventBus, PublishedEvent } from "../events/event-bus.ts";
import { matchQuery, parseQuery, type Query } from "../txindex/query.ts";
import { errorResponse, type JsonRpcId, PARSE_ERROR, RpcError, SERVER_ERROR } from "./errors.ts";
import { handleRequest, serialize } from "./jsonrpc.ts";
import { MAX_QUERY_LENGTH, type MethodContext } from "./methods.ts";
import type { Params } from "./params.ts";

export interface WsLimits {
  maxSubscriptionsPerClient: number;
  maxSubscriptionClients: number;
  /** A client whose unsent backlog exceeds this loses its subscriptions (slow consumer). */
  maxBufferedBytes: number;
}

/** Shared between connections: the count of clients holding subscriptions, and the event encoder. */
export interface WsShared {
  subscribedClients: number;
  encodeEvent(e: PublishedEvent): unknown;
}

interface Subscription {
  query: Query;
  id: JsonRpcId;
}

export class WsConnection {
  private readonly subs = new Map<string, Subscription>();
  private unsubscribeBus: (() => void) | undefined;
  private closed = false;
  /** Cleared at each heartbeat ping, set again by the client's pong. */
  private alive = true;

  constructor(
    private readonly socket: WebSocket,
    private readonly ctx: MethodContext,
    private readonly eventBus: EventBus,
    private readonly limits: WsLimits,
    private readonly shared: WsShared,
    private readonly logger: Logger,
  ) {
    socket.on("message", (data, isBinary) => {
      this.onMessage(isBinary ? Buffer.from(data as Buffer).toString("utf8") : data.toString()).catch((err: Error) =>
        this.logger.debug({ err: err.message }, "websocket message failed"),
      );
    });
    socket.on("pong", () => {
      this.alive = true;
    });
    socket.on("close", () => this.close());
    socket.on("error", (err) => {
      this.logger.debug({ err: err.message }, "websocket error");
      this.close();
    });
  }

  private send(value: unknown): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(serialize(value));
  }

  private async onMessage(text: string): Promise<void> {
    let req: unknown;
    try {
      req = JSON.parse(text);
    } catch (e) {
      this.send(errorResponse(null, new RpcError(PARSE_ERROR, `error unmarshaling request: ${(e as Error).message}`)));
      return;
    }
    const res = await handleRequest(
      this.ctx,
      req,
      (method, params, id) => this.wsMethod(method, params, id),
      (method, ms, err) =>
        this.logger.debug({ method, ms: Math.round(ms), transport: "ws", error: err?.data }, "rpc call"),
    );
    if (res) this.send(res);
  }

  private async wsMethod(method: string, params: Params, id: JsonRpcId): Promise<unknown> {
    const query = (params.query as string | undefined) ?? "";
    if (method === "subscribe") return this.subscribe(query, id);
    if (method === "unsubscribe") {
      if (!this.subs.delete(query)) throw new Error("subscription not found");
      this.releaseBusIfIdle();
      return {};
    }
    this.subs.clear();
    this.releaseBusIfIdle();
    return {};
  }

  private subscribe(query: string, id: JsonRpcId): unknown {
    if (query.length > MAX_QUERY_LENGTH) throw new Error("maximum query length exceeded");
    if (this.subs.has(query)) throw new Error("already subscribed");
    if (this.subs.size >= this.limits.maxSubscriptionsPerClient)
      throw new Error(`max_subscriptions_per_client ${this.limits.maxSubscriptionsPerClient} reached`);
    if (!this.unsubscribeBus && this.shared.subscribedClients >= this.limits.maxSubscriptionClients)
      throw new Error(`max_subscription_clients ${this.limits.maxSubscriptionClients} reached`);
    let parsed: Query;
    try {
      parsed = parseQuery(query);
    } catch (e) {
      throw new Error(`failed to parse query: ${(e as Error).message}`);
    }
    this.subs.set(query, { query: parsed, id });
    if (!this.unsubscribeBus) {
      this.shared.subscribedClients++;
      this.unsubscribeBus = this.eventBus.subscribe((e) => this.onEvent(e));
    }
    this.logger.debug({ query }, "subscribed");
    return {};
  }

  private onEvent(e: PublishedEvent): void {
    if (this.closed) return;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      for (const sub of this.subs.values()) {
        const reason = "subscription was canceled (reason: client is not pulling messages fast enough)";
        this.send(errorResponse(sub.id, new RpcError(SERVER_ERROR, reason)));
      }
      this.subs.clear();
      this.releaseBusIfIdle();
      return;
    }
    let data: unknown;
    let events: Record<string, string[]> | undefined;
    for (const [query, sub] of this.subs) {
      let matched = false;
      try {
        matched = matchQuery(sub.query, e.attributes);
      } catch (err) {
        this.logger.debug({ query, err: (err as Error).message }, "query match failed");
      }
      if (!matched) continue;
      data ??= this.shared.encodeEvent(e);
      events ??= Object.fromEntries(e.attributes);
      this.send({ jsonrpc: "2.0", id: sub.id, result: { query, data, events } });
    }
  }

  private releaseBusIfIdle(): void {
    if (this.subs.size > 0 || !this.unsubscribeBus) return;
    this.unsubscribeBus();
    this.unsubscribeBus = undefined;
    this.shared.subscribedClients--;
  }

  /** Pings the client; a client that did not answer the previous ping is dropped (CometBFT pingPeriod/readWait). */
  heartbeat(): void {
    if (this.closed) return;
    if (!this.alive) {
      this.logger.debug("websocket client did not answer ping; closing");
      this.socket.terminate();
      this.close();
      return;
    }
    this.alive = false;
    try {
      this.socket.ping();
    } catch {
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.subs.clear();
    this.releaseBusIfIdle();
    this.closed = true;
  }
}
