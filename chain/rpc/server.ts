// The CometBFT-compatible RPC server (fastify): JSON-RPC 2.0 over HTTP POST at `/` (single and batch),
// the GET URI form (`/block?height=5`), and `/websocket` with event subscriptions.

import type { Duplex } from "node:stream";
import { toBase64 } from "@cosmjs/encoding";
import cors from "@fastify/cors";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { EventBus, PublishedEvent } from "../events/event-bus.ts";
import type { RpcBackend } from "./backend.ts";
import { maxBroadcastTxBytes, maxSimulateTxBytes } from "./body-limit.ts";
import { ConnectionLimit } from "./connection-limit.ts";
import { cometCorsOptions } from "./cors.ts";
import { answerAndEnd, DRAIN_MAX_BYTES, DRAIN_MAX_MS, drainRequest, rawHttpAnswer } from "./drain.ts";
import * as enc from "./encode.ts";
import { errorResponse, INVALID_REQUEST, PARSE_ERROR, RpcError, SERVER_ERROR, toRpcError } from "./errors.ts";
import { handleRequest, type JsonRpcResponse, lookupMethod, serialize } from "./jsonrpc.ts";
import { METHODS, type MethodContext } from "./methods.ts";
import { paramsFromUri } from "./params.ts";
import { WsConnection, type WsShared } from "./websocket.ts";

export interface RpcServerOptions {
  /** "tcp://host:port"; port 0 picks a free port (see `url`). */
  laddr: string;
  maxBodyBytes?: number;
  maxSubscriptionsPerClient?: number;
  maxSubscriptionClients?: number;
  /** Most requests in one JSON-RPC batch (CometBFT max_request_batch_size); 0 = unlimited. */
  maxRequestBatchSize?: number;
  timeoutBroadcastTxCommitMs?: number;
  /** CometBFT cors_allowed_origins: "*" or origins, each with at most one "*" wildcard; none = no CORS */
  corsAllowedOrigins?: readonly string[];
  /** CometBFT cors_allowed_methods (default HEAD, GET, POST) */
  corsAllowedMethods?: readonly string[];
  /** CometBFT cors_allowed_headers */
  corsAllowedHeaders?: readonly string[];
  /** Most simultaneous connections (CometBFT max_open_connections, default 900). */
  maxOpenConnections?: number;
  /** Time allowed to receive a whole request (default 10 s). */
  readTimeoutMs?: number;
  /** Websocket ping period; a client missing a pong by the next ping is dropped (default 27 s). */
  wsPingIntervalMs?: number;
}

export interface RpcServerDependencies {
  backend: RpcBackend;
  eventBus: EventBus;
  logger: Logger;
}

/** CometBFT's URI handlers answer with this id. */
const URI_ID = -1;

export function parseLaddr(laddr: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?(\[[^\]]+\]|[^:/]*):(\d{1,5})$/.exec(laddr);
  if (!m) throw new Error(`invalid rpc laddr ${JSON.stringify(laddr)}: expected tcp://host:port`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`invalid rpc laddr port ${port}`);
  const host = (m[1] ?? "").replace(/^\[|\]$/g, "");
  return { host: host === "" ? "0.0.0.0" : host, port };
}

export function encodeEventData(e: PublishedEvent): unknown {
  const ev = e.event;
  switch (ev.type) {
    case "NewBlock":
      return {
        type: "tendermint/event/NewBlock",
        value: {
          block: enc.block(ev.block),
          block_id: enc.blockId(ev.blockId),
          result_finalize_block: enc.finalizeBlockResponse(ev.resultFinalizeBlock),
        },
      };
    case "NewBlockHeader":
      return { type: "tendermint/event/NewBlockHeader", value: { header: enc.header(ev.header) } };
    case "Tx": {
      const txResult: Record<string, unknown> = { height: String(ev.height) };
      if (ev.index !== 0) txResult.index = ev.index;
      if (ev.tx.length > 0) txResult.tx = toBase64(ev.tx);
      txResult.result = enc.execTxResult(ev.result);
      return { type: "tendermint/event/Tx", value: { TxResult: txResult } };
    }
  }
}

export class RpcServer {
  private readonly app: FastifyInstance;
  private readonly logger: Logger;
  private readonly ctx: MethodContext;
  private readonly listen: { host: string; port: number };
  private readonly connections = new Set<WsConnection>();
  private boundUrl: string | undefined;
  private connectionLimit: ConnectionLimit | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: RpcServerOptions,
    deps: RpcServerDependencies,
  ) {
    this.logger = deps.logger.child({ module: "rpc" });
    this.listen = parseLaddr(options.laddr);
    this.ctx = {
      backend: deps.backend,
      eventBus: deps.eventBus,
      timeoutBroadcastTxCommitMs: options.timeoutBroadcastTxCommitMs ?? 10_000,
    };
    const bodyLimit = options.maxBodyBytes ?? 2_250_000;
    // requestTimeout bounds reading a request (CometBFT's ReadTimeout), not the time to answer it.
    this.app = Fastify({ logger: false, bodyLimit, requestTimeout: options.readTimeoutMs ?? 10_000 });
    this.routes(deps.eventBus, bodyLimit);
  }

  /** http://host:port the server is bound to (after start()). */
  get url(): string {
    if (!this.boundUrl) throw new Error("rpc server not started");
    return this.boundUrl;
  }

  async start(): Promise<void> {
    await this.app.listen({ host: this.listen.host, port: this.listen.port });
    this.connectionLimit = new ConnectionLimit(
      { max: this.options.maxOpenConnections ?? 900 },
      { server: this.app.server },
    );
    // A refused websocket handshake (no key, a bad version, ...) is answered like `ws` answers it,
    // but the socket ends gracefully, so a client that already sends frames still reads the 400.
    this.app.websocketServer.on("wsClientError", (err: Error, socket: Duplex) => {
      this.logger.debug({ err: err.message }, "websocket handshake refused");
      const extra = /Sec-WebSocket-Version/.test(err.message) ? "Sec-WebSocket-Version: 13, 8\r\n" : "";
      answerAndEnd(socket, rawHttpAnswer(400, "text/plain", err.message, extra), DRAIN_MAX_BYTES, DRAIN_MAX_MS);
    });
    const addr = this.app.server.address();
    const port = typeof addr === "object" && addr ? addr.port : this.listen.port;
    const host = this.listen.host.includes(":") ? `[${this.listen.host}]` : this.listen.host;
    this.boundUrl = `http://${host}:${port}`;
    this.heartbeat = setInterval(() => {
      for (const c of this.connections) c.heartbeat();
    }, this.options.wsPingIntervalMs ?? 27_000);
    this.heartbeat.unref();
    this.logger.info({ url: this.boundUrl }, "rpc server listening");
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.connections) c.close();
    this.connections.clear();
    for (const client of this.app.websocketServer?.clients ?? []) client.terminate();
    await this.app.close();
  }

  private logCall = (method: string, ms: number, err?: RpcError) => {
    this.logger.debug({ method, ms: Math.round(ms), error: err?.data || err?.message }, "rpc call");
  };

  private routes(eventBus: EventBus, bodyLimit: number): void {
    const app = this.app;
    // Bodies are taken as text whatever the content type; JSON parsing (and its errors) is ours.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "string", bodyLimit }, (_req, body, done) => done(null, body));

    const origins = this.options.corsAllowedOrigins ?? [];
    if (origins.length > 0)
      app.register(cors, {
        ...cometCorsOptions({
          allowedOrigins: origins,
          allowedMethods: this.options.corsAllowedMethods,
          allowedHeaders: this.options.corsAllowedHeaders,
        }),
      });
    else app.options("*", async (_req, reply) => reply.code(204).send());

    // A connection accepted past max_open_connections gets a 503 naming the limit, then closes.
    app.addHook("onRequest", async (req, reply) => {
      const limit = this.connectionLimit;
      if (!limit?.refuses(req.raw.socket)) return;
      const err = new RpcError(
        SERVER_ERROR,
        `too many open connections (limit ${limit.max}, rpc max_open_connections); try again later`,
      );
      if (req.raw.headers.upgrade) {
        // a websocket upgrade: its socket is outside the HTTP server's keeping; answer and end it here
        reply.hijack();
        const body = serialize(errorResponse(null, err));
        answerAndEnd(req.raw.socket, rawHttpAnswer(503, "application/json", body), DRAIN_MAX_BYTES, DRAIN_MAX_MS);
        return reply;
      }
      await drainRequest(req.raw, DRAIN_MAX_BYTES, DRAIN_MAX_MS);
      return reply
        .code(503)
        .header("connection", "close")
        .type("application/json")
        .send(serialize(errorResponse(null, err)));
    });

    app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
      // An early refusal (413, or a parse error mid-body) is answered only once the rest of the body
      // is read and discarded (bounded): answering and closing while the client still uploads makes
      // its socket fail (EPIPE / ECONNRESET) before it can read the answer.
      if (status === 413 || !req.raw.complete) {
        await drainRequest(req.raw, DRAIN_MAX_BYTES, DRAIN_MAX_MS);
        reply.header("connection", "close");
      }
      const rpcErr =
        err.code === "FST_ERR_CTP_BODY_TOO_LARGE"
          ? new RpcError(
              INVALID_REQUEST,
              `error reading request body: request body too large (limit ${bodyLimit} bytes, rpc.max_body_bytes; ` +
                `the largest tx it lets through is ${maxBroadcastTxBytes(bodyLimit)} bytes in broadcast_tx_* (base64) ` +
                `and ${maxSimulateTxBytes(bodyLimit)} bytes in abci_query /Simulate (hex))`,
            )
          : toRpcError(err);
      this.logger.debug({ err: err.message, status }, "rpc request failed");
      return reply
        .code(status)
        .type("application/json")
        .send(serialize(errorResponse(null, rpcErr)));
    });

    const shared: WsShared = { subscribedClients: 0, encodeEvent: cachedEncoder() };
    const limits = {
      maxSubscriptionsPerClient: this.options.maxSubscriptionsPerClient ?? 5,
      maxSubscriptionClients: this.options.maxSubscriptionClients ?? 100,
      maxBufferedBytes: 16 * 1024 * 1024,
    };

    app.register(websocket, {
      options: { maxPayload: bodyLimit },
      errorHandler: (err, socket) => this.onWsError(err, socket, bodyLimit),
    });
    app.register(async (scope) => {
      scope.get("/websocket", { websocket: true }, (socket) => {
        const conn = new WsConnection(socket, this.ctx, eventBus, limits, shared, this.logger);
        this.connections.add(conn);
        socket.on("close", () => this.connections.delete(conn));
      });
    });

    app.post("/", async (req, reply) => this.handlePost(req.body, reply));
    app.get("/", async (_req, reply) => reply.type("text/html").send(endpointList()));

    app.get("/:method", async (req, reply) => {
      const name = (req.params as { method: string }).method;
      const m = lookupMethod(name);
      if (!m || m.wsOnly || !m.handler) return reply.code(404).type("text/plain").send("404 page not found\n");
      const started = performance.now();
      let res: JsonRpcResponse;
      try {
        const params = paramsFromUri(m.params, (req.query ?? {}) as Record<string, unknown>);
        res = { jsonrpc: "2.0", id: URI_ID, result: await m.handler(this.ctx, params) };
        this.logCall(name, performance.now() - started);
      } catch (e) {
        const err = toRpcError(e);
        this.logCall(name, performance.now() - started, err);
        res = errorResponse(URI_ID, err);
      }
      return reply
        .code("error" in res ? 500 : 200)
        .type("application/json")
        .send(serialize(res));
    });
  }

  /**
   * A websocket error. A protocol error (`ws`'s WS_ERR_* codes: a message over rpc.max_body_bytes,
   * a bad frame) has already had its close frame (1009, 1002, ...) queued by `ws`, which then reads
   * and discards what the client still sends and ends the connection once the close frame is out:
   * terminating here (the plugin's default) would destroy the socket under unread data, resetting it
   * before the client reads why (CometBFT's gorilla read limit likewise answers with close 1009).
   * Other errors are the socket's own (a reset peer) and end it at once.
   */
  private onWsError(err: Error & { code?: string }, socket: WebSocket, bodyLimit: number): void {
    if (err.code?.startsWith("WS_ERR_")) {
      const tooBig = err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";
      this.logger.debug(
        { err: err.message, code: err.code, ...(tooBig ? { limit: bodyLimit, key: "rpc.max_body_bytes" } : {}) },
        "websocket message refused; closing",
      );
      return;
    }
    this.logger.debug({ err: err.message }, "websocket socket error");
    socket.terminate();
  }

  private async handlePost(body: unknown, reply: FastifyReply): Promise<FastifyReply> {
    const text = typeof body === "string" ? body : "";
    if (text.trim() === "") return reply.type("text/html").send(endpointList());
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      const err = new RpcError(PARSE_ERROR, `error unmarshaling request: ${(e as Error).message}`);
      return reply
        .code(500)
        .type("application/json")
        .send(serialize(errorResponse(null, err)));
    }
    if (Array.isArray(parsed)) {
      const max = this.options.maxRequestBatchSize ?? 10;
      if (parsed.length === 0 || (max > 0 && parsed.length > max)) {
        const detail =
          parsed.length === 0
            ? "empty batch request"
            : `batch request exceeds maximum (${max}) allowed number of requests`;
        return reply
          .code(400)
          .type("application/json")
          .send(serialize(errorResponse(null, new RpcError(INVALID_REQUEST, detail))));
      }
      const out: JsonRpcResponse[] = [];
      for (const r of parsed) {
        const res = await handleRequest(this.ctx, r, undefined, this.logCall);
        if (res) out.push(res);
      }
      if (out.length === 0) return reply.code(200).send("");
      return reply.type("application/json").send(serialize(out));
    }
    const res = await handleRequest(this.ctx, parsed, undefined, this.logCall);
    if (!res) return reply.code(200).send("");
    return reply.type("application/json").send(serialize(res));
  }
}

function cachedEncoder(): (e: PublishedEvent) => unknown {
  const cache = new WeakMap<PublishedEvent, unknown>();
  return (e) => {
    let v = cache.get(e);
    if (v === undefined) {
      v = encodeEventData(e);
      cache.set(e, v);
    }
    return v;
  };
}

function endpointList(): string {
  const names = Object.keys(METHODS)
    .filter((n) => !METHODS[n]!.wsOnly)
    .sort();
  const links = names.map((n) => `<a href="/${n}">/${n}</a></br>`).join("\n");
  return `<html><body><br>Available endpoints:<br>\n${links}\n</body></html>\n`;
}
