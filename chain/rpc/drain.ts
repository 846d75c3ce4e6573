// Answering a refused request (a body over the limit, a parse error mid-body) only after reading and
// discarding the rest of its body: answering and closing while the client still uploads makes its
// socket fail (EPIPE / ECONNRESET) before it can read the answer. Shared by the RPC and REST servers.
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** The most of a refused request's body read and discarded before its answer (then the socket closes). */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
export const DRAIN_MAX_MS = 10_000;

/** Reads and discards what is left of a request body, up to `maxBytes` or `maxMs`. */
export function drainRequest(raw: IncomingMessage, maxBytes: number, maxMs: number): Promise<void> {
  if (raw.complete || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let read = 0;
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > maxBytes) done();
    };
    const done = () => {
      clearTimeout(timer);
      raw.off("data", onData);
      raw.off("end", done);
      raw.off("close", done);
      raw.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    raw.on("data", onData);
    raw.once("end", done);
    raw.once("close", done);
    raw.once("error", done);
    raw.resume();
  });
}

/**
 * Writes `answer` and ends a raw socket gracefully: what the client still sends is read and
 * discarded (up to `maxBytes` or `maxMs`) until it closes its side, so the answer is never lost
 * to a reset of a socket closed under unread data.
 */
export function answerAndEnd(socket: Duplex, answer: string, maxBytes: number, maxMs: number): void {
  let read = 0;
  const timer = setTimeout(() => socket.destroy(), maxMs);
  timer.unref();
  socket.on("data", (chunk: Buffer) => {
    read += chunk.length;
    if (read > maxBytes) socket.destroy();
  });
  socket.once("close", () => clearTimeout(timer));
  socket.once("end", () => socket.destroy());
  socket.on("error", () => socket.destroy());
  socket.end(answer);
  socket.resume();
}

/** A whole HTTP/1.1 answer, for a socket no longer (or not yet) under the HTTP server's control. */
export function rawHttpAnswer(status: number, contentType: string, body: string, headers = ""): string {
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nConnection: close\r\nContent-Type: ${contentType}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`
  );
}
