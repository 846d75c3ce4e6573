// One accepted ABCI connection on the server side: reads length-delimited Requests, handles them one
// at a time in arrival order, and writes the Responses in the same order. Responses are buffered
// until a Flush request's answer (or a full buffer), as CometBFT's bufio writer does. A malformed
// frame, an undecodable or unknown request, or an app error ends the connection with
// Response{exception} after the responses before it; the process and the other connections go on.
import type { Socket } from "node:net";
import { Request, type Response } from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import { FrameDecoder } from "./framing.ts";
import { exceptionFrame, type RequestKind, requestKind, responseFrame } from "./messages.ts";

/** Write buffered responses once this many bytes wait, flush or not (bufio's "buffer full"). */
const WRITE_BUFFER_BYTES = 64 * 1024;
/** Stop reading while this many requests wait to be handled; resume below the low mark. */
const QUEUE_HIGH = 256;
const QUEUE_LOW = 64;

export type RequestHandler = (req: Request, kind: RequestKind) => Promise<Partial<Response>>;

type Item = { req: Request; kind: RequestKind } | { error: string };

export interface ServerConnectionDeps {
  socket: Socket;
  handle: RequestHandler;
  logger: Logger;
  onClose: () => void;
}

export class ServerConnection {
  private readonly decoder: FrameDecoder;
  private readonly queue: Item[] = [];
  private out: Uint8Array[] = [];
  private outBytes = 0;
  private pumping = false;
  private paused = false;
  /** no more requests are read (an error is queued, or the socket closed) */
  private ended = false;
  private closed = false;

  constructor(
    readonly options: { id: number; maxMessageBytes: number },
    private readonly deps: ServerConnectionDeps,
  ) {
    this.decoder = new FrameDecoder({ maxMessageBytes: options.maxMessageBytes });
    const { socket } = deps;
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => deps.logger.debug({ conn: options.id, err: err.message }, "ABCI connection error"));
    socket.on("close", () => {
      this.closed = true;
      this.ended = true;
      this.queue.length = 0;
      deps.onClose();
    });
  }

  /** Closes the socket at once (server shutdown); queued requests are dropped. */
  destroy(): void {
    this.ended = true;
    this.queue.length = 0;
    this.deps.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.ended) return;
    const problem = this.read(chunk);
    if (this.queue.length >= QUEUE_HIGH && !this.paused) {
      this.paused = true;
      this.deps.socket.pause();
    }
    if (problem) this.endWith(problem);
    else void this.pump();
  }

  /** Queues the requests completed by `chunk`; returns what makes the stream unusable, if anything. */
  private read(chunk: Buffer): string | undefined {
    const frames = this.decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    for (const frame of frames) {
      let req: Request;
      try {
        req = Request.decode(frame);
      } catch (e) {
        return `malformed request: ${(e as Error).message}`;
      }
      const kind = requestKind(req);
      if (typeof kind !== "string") return `unknown request from client: ${kind.error}`;
      this.queue.push({ req, kind });
    }
    return this.decoder.error ? `malformed frame: ${this.decoder.error.message}` : undefined;
  }

  /** Queues the exception that ends this connection; nothing after it is read. */
  private endWith(error: string): void {
    this.ended = true;
    this.deps.socket.pause();
    this.queue.push({ error });
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const item = this.queue.shift() as Item;
        if (this.paused && this.queue.length <= QUEUE_LOW && !this.ended) {
          this.paused = false;
          this.deps.socket.resume();
        }
        if ("error" in item) return this.writeException(item.error);
        let res: Partial<Response>;
        try {
          res = await this.deps.handle(item.req, item.kind);
        } catch (e) {
          // any app error goes back as an exception and ends the connection (socket_server.go)
          return this.writeException((e as Error)?.message ?? String(e));
        }
        if (this.closed) return;
        this.buffer(responseFrame(res));
        if (item.kind === "flush" || this.outBytes >= WRITE_BUFFER_BYTES) this.writeOut();
      }
    } finally {
      this.pumping = false;
    }
  }

  private buffer(frame: Uint8Array): void {
    this.out.push(frame);
    this.outBytes += frame.length;
  }

  private writeOut(): void {
    if (this.out.length === 0 || this.closed) return;
    this.deps.socket.write(this.out.length === 1 ? this.out[0] : Buffer.concat(this.out));
    this.out = [];
    this.outBytes = 0;
  }

  private writeException(error: string): void {
    this.deps.logger.warn({ conn: this.options.id, error }, "ABCI request failed; closing the connection");
    this.ended = true;
    this.queue.length = 0;
    this.buffer(exceptionFrame(error));
    const socket = this.deps.socket;
    if (this.closed) return;
    socket.end(Buffer.concat(this.out));
    this.out = [];
    this.outBytes = 0;
    // end() only half-closes; the connection is over once the exception is written
    socket.once("finish", () => socket.destroy());
  }
}
