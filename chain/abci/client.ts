// One ABCI socket connection from the engine's side (abci/client/socket_client.go): a call writes its
// Request followed by Request{flush}, and the Responses come back in request order. Calls may be
// pipelined. An exception, a response out of order, a malformed frame or a lost connection makes the
// client unusable: every pending and later call rejects with that error, and `onFailure` listeners
// hear it once. It does not reconnect: an engine whose app went away must stop (CometBFT kills the
// node), and a restart reconnects and handshakes.
import { connect as netConnect, type Socket } from "node:net";
import type { DeepPartial } from "cosmjs-types/helpers";
import { type Request, Response } from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import { parseSocketAddress } from "./address.ts";
import { DEFAULT_MAX_MESSAGE_BYTES, FrameDecoder } from "./framing.ts";
import { type RequestKind, requestFrame, responseKind } from "./messages.ts";

export interface AbciSocketClientOptions {
  /** "tcp://host:port" or "unix:///path" */
  address: string;
  /** which of the engine's connections this is (consensus, mempool, query, snapshot): for errors and logs */
  name: string;
  maxMessageBytes?: number;
}

export class AbciConnectionError extends Error {
  override name = "AbciConnectionError";
}

interface Pending {
  kind: RequestKind;
  resolve?: (res: Response) => void;
  reject?: (err: Error) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AbciSocketClient {
  /** why the client became unusable (undefined while it works) */
  failure?: Error;
  private socket?: Socket;
  private readonly pending: Pending[] = [];
  private readonly decoder: FrameDecoder;
  private readonly listeners: ((err: Error) => void)[] = [];
  private closed = false;
  private readonly log: Logger;

  constructor(
    readonly options: AbciSocketClientOptions,
    deps: { logger: Logger },
  ) {
    this.decoder = new FrameDecoder({ maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES });
    this.log = deps.logger.child({ module: "abci-client", conn: options.name });
  }

  /** Connects, retrying every `retryMs` while nothing listens, for up to `timeoutMs` (0: one try). */
  async connect(opts: { timeoutMs?: number; retryMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (opts.timeoutMs ?? 0);
    let warnedAt = 0;
    for (;;) {
      try {
        this.socket = await this.dial();
        break;
      } catch (e) {
        if (this.closed) throw new AbciConnectionError(`ABCI ${this.options.name} connection closed while connecting`);
        const msg = `cannot connect to the ABCI application at ${this.options.address}: ${(e as Error).message}`;
        if (Date.now() >= deadline) throw new AbciConnectionError(msg);
        if (Date.now() - warnedAt > 5000) {
          warnedAt = Date.now();
          this.log.warn(`${msg}; retrying`);
        }
        await sleep(opts.retryMs ?? 250);
      }
    }
    const socket = this.socket;
    if (this.closed) {
      // closed while the dial was under way
      socket.destroy();
      throw new AbciConnectionError(`ABCI ${this.options.name} connection closed while connecting`);
    }
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.fail(`connection error: ${err.message}`));
    socket.on("close", () => this.fail("connection closed (did the application process exit?)"));
  }

  private dial(): Promise<Socket> {
    const addr = parseSocketAddress(this.options.address);
    return new Promise((resolve, reject) => {
      const socket =
        addr.kind === "unix" ? netConnect(addr.path) : netConnect({ host: addr.host, port: addr.port, noDelay: true });
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(socket);
      });
      socket.once("error", reject);
    });
  }

  /** Sends `req` then a flush; resolves with the matching Response. */
  call(req: DeepPartial<Request>, kind: RequestKind): Promise<Response> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed || !this.socket) return Promise.reject(new AbciConnectionError(this.describe("not connected")));
    return new Promise<Response>((resolve, reject) => {
      const socket = this.socket as Socket;
      this.pending.push({ kind, resolve, reject });
      if (kind === "flush") {
        socket.write(requestFrame(req));
        return;
      }
      this.pending.push({ kind: "flush" });
      socket.write(Buffer.concat([requestFrame(req), requestFrame({ flush: {} })]));
    });
  }

  async echo(message: string): Promise<string> {
    const res = await this.call({ echo: { message } }, "echo");
    return res.echo?.message ?? "";
  }

  async flush(): Promise<void> {
    await this.call({ flush: {} }, "flush");
  }

  /** Called once when the client fails (not after `close()`). */
  onFailure(fn: (err: Error) => void): void {
    this.listeners.push(fn);
  }

  /** Closes the connection; pending calls reject with `reason` (default: closed). */
  close(reason?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.rejectAll(reason ?? new AbciConnectionError(this.describe("client closed")));
    this.socket?.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.failure || this.closed) return;
    const problem = this.receive(chunk);
    if (problem) this.fail(problem);
  }

  /** Matches the responses completed by `chunk` to the pending calls; returns what broke the stream, if anything. */
  private receive(chunk: Buffer): string | undefined {
    const frames = this.decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    for (const frame of frames) {
      let res: Response;
      try {
        res = Response.decode(frame);
      } catch (e) {
        return `malformed response from the application: ${(e as Error).message}`;
      }
      const kind = responseKind(res);
      if (kind === "exception") return `the application answered with an exception: ${res.exception?.error}`;
      if (typeof kind !== "string") return `unknown response from the application: ${kind.error}`;
      const next = this.pending[0];
      if (!next) return `unexpected response ${kind} when no call was made`;
      if (next.kind !== kind) return `unexpected response ${kind} to the request ${next.kind}`;
      this.pending.shift();
      next.resolve?.(res);
    }
    return this.decoder.error ? `malformed frame from the application: ${this.decoder.error.message}` : undefined;
  }

  private fail(reason: string): void {
    if (this.failure || this.closed) return;
    const err = new AbciConnectionError(this.describe(reason));
    this.failure = err;
    this.log.error({ err: err.message }, "ABCI connection failed");
    this.rejectAll(err);
    this.socket?.destroy();
    for (const fn of this.listeners) fn(err);
  }

  private rejectAll(err: Error): void {
    for (const p of this.pending.splice(0)) p.reject?.(err);
  }

  private describe(reason: string): string {
    return `ABCI ${this.options.name} connection to ${this.options.address}: ${reason}`;
  }
}
