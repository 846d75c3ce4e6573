// A body over rpc.max_body_bytes gets its 413 JSON-RPC error every time, plain or chunked: the
// server reads and discards the rest of the body (bounded) before it answers and closes, so the
// client is never cut off mid-upload (EPIPE / ECONNRESET) before it can read the answer.
import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { EventBus } from "../../chain/events/event-bus.ts";
import { RpcServer } from "../../chain/rpc/server.ts";
import { FakeBackend } from "./fake-backend.ts";

const MB = 1024 * 1024;

/** POSTs `total` bytes (with a content-length, or chunked) and resolves with the status and body. */
function postBig(url: string, total: number, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: chunked
          ? { "content-type": "application/json", "transfer-encoding": "chunked" }
          : { "content-type": "application/json", "content-length": String(total) },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    const piece = Buffer.alloc(256 * 1024, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < total) {
        const n = Math.min(piece.length, total - sent);
        sent += n;
        if (!req.write(n === piece.length ? piece : piece.subarray(0, n))) {
          req.once("drain", write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

/**
 * The same over a raw socket, as a client that writes its whole request before it reads (the way
 * most probes and many HTTP libraries do): the answer must be readable after the upload.
 */
function postBigRaw(url: string, total: number, chunked: boolean): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), hostname);
    let answer = "";
    sock.setEncoding("utf8");
    sock.on("data", (c) => (answer += c));
    sock.on("error", (e) =>
      reject(new Error(`${(e as NodeJS.ErrnoException).code ?? e.message} after ${answer.length} answer bytes`)),
    );
    sock.on("close", () => resolve(answer));
    const head = chunked
      ? "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
      : `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`;
    sock.write(head);
    const piece = Buffer.alloc(256 * 1024, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < total) {
        const n = Math.min(piece.length, total - sent);
        sent += n;
        const data = n === piece.length ? piece : piece.subarray(0, n);
        let ok: boolean;
        if (chunked) {
          sock.write(`${n.toString(16)}\r\n`);
          sock.write(data);
          ok = sock.write("\r\n");
        } else ok = sock.write(data);
        if (!ok) {
          sock.once("drain", write);
          return;
        }
      }
      if (chunked) sock.write("0\r\n\r\n");
    };
    write();
  });
}

describe("oversized RPC requests", { timeout: 300_000 }, () => {
  const bus = new EventBus();
  const server = new RpcServer(
    { laddr: "tcp://127.0.0.1:0", maxBodyBytes: 1_000_000 },
    { backend: new FakeBackend(5, bus), eventBus: bus, logger: pino({ level: "silent" }) },
  );
  before(() => server.start());
  after(() => server.close());

  for (const chunked of [false, true]) {
    it(`a 10 MB ${chunked ? "chunked" : "plain"} POST reads the 413 JSON-RPC error 100 times in a row (an HTTP client, and a raw socket that writes all first)`, async () => {
      for (let i = 0; i < 100; i++) {
        const r = await postBig(server.url, 10 * MB, chunked);
        assert.equal(r.status, 413, `attempt ${i}`);
        const json = JSON.parse(r.body);
        assert.equal(json.error.code, -32600);
        assert.match(json.error.data, /request body too large \(limit 1000000 bytes, rpc\.max_body_bytes;/);
      }
      for (let i = 0; i < 100; i++) {
        const answer = await postBigRaw(server.url, 10 * MB, chunked);
        assert.match(answer, /^HTTP\/1\.1 413 /, `raw attempt ${i}: ${answer.slice(0, 80)}`);
        assert.match(answer, /request body too large \(limit 1000000 bytes, rpc\.max_body_bytes;/);
      }
      // and the server keeps serving
      const ok = await fetch(server.url, {
        method: "POST",
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "health" }),
      });
      assert.equal(ok.status, 200);
    });
  }
});
