// Early refusals on the RPC reach the client before its connection closes: a refused websocket
// handshake gets its 400 even when the client already sends frames behind it, and a connection past
// max_open_connections gets a 503 JSON-RPC error naming the limit (Node would otherwise drop it
// unanswered), over HTTP and for a websocket upgrade alike.
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { WebSocket } from "ws";
import { EventBus } from "../../chain/events/event-bus.ts";
import { RpcServer } from "../../chain/rpc/server.ts";
import { FakeBackend } from "./fake-backend.ts";

/** Writes `request` (then `extra`, unread) on a raw socket; resolves with all it reads until the connection closes. */
function raw(url: string, request: string, extra?: Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), hostname);
    let out = "";
    sock.on("data", (c) => (out += c.toString("latin1")));
    sock.on("error", (e) => reject(new Error(`${(e as NodeJS.ErrnoException).code} after: ${out.slice(0, 120)}`)));
    sock.on("close", () => resolve(out));
    sock.write(request);
    if (extra) sock.end(extra);
  });
}

const upgrade = (headers: string) =>
  `GET /websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${headers}\r\n`;

describe("early RPC refusals", { timeout: 120_000 }, () => {
  const bus = new EventBus();
  const logger = pino({ level: "silent" });
  const server = new RpcServer(
    { laddr: "tcp://127.0.0.1:0" },
    { backend: new FakeBackend(5, bus), eventBus: bus, logger },
  );
  const limited = new RpcServer(
    { laddr: "tcp://127.0.0.1:0", maxOpenConnections: 2 },
    { backend: new FakeBackend(5, bus), eventBus: bus, logger },
  );
  before(async () => {
    await server.start();
    await limited.start();
  });
  after(async () => {
    await server.close();
    await limited.close();
  });

  it("a websocket handshake without a key, or of an unknown version, reads its 400 (also with 4 MB of frames behind it), 50 times", async () => {
    const frames = Buffer.alloc(4 * 1024 * 1024, 0x81);
    for (let i = 0; i < 50; i++) {
      const noKey = await raw(server.url, upgrade("Sec-WebSocket-Version: 13\r\n"), frames);
      assert.match(
        noKey,
        /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Missing or invalid Sec-WebSocket-Key header$/,
        `round ${i}`,
      );
      const badVersion = await raw(
        server.url,
        upgrade("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n"),
        frames,
      );
      assert.match(badVersion, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Sec-WebSocket-Version: 13, 8\r\n/, `round ${i}`);
    }
  });

  it("a connection past max_open_connections reads a 503 naming the limit (HTTP and websocket), and is served once one closes", async () => {
    const held: Socket[] = [];
    for (let i = 0; i < 2; i++) {
      const s = connect(Number(new URL(limited.url).port), "127.0.0.1");
      await new Promise((r) => s.once("connect", r));
      held.push(s);
    }
    try {
      await new Promise((r) => setTimeout(r, 50));
      const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "health" });
      for (let i = 0; i < 20; i++) {
        const answer = await raw(
          limited.url,
          `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        );
        assert.match(answer, /^HTTP\/1\.1 503 /, `round ${i}`);
        const json = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
        assert.equal(json.error.code, -32000);
        assert.match(json.error.data, /too many open connections \(limit 2, rpc max_open_connections\)/);
      }
      const ws = new WebSocket(`${limited.url.replace(/^http/, "ws")}/websocket`);
      const status = await new Promise<number>((resolve, reject) => {
        ws.once("unexpected-response", (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once("open", () => reject(new Error("upgraded past the limit")));
        ws.once("error", reject);
      });
      assert.equal(status, 503);
    } finally {
      for (const s of held) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 50));
    const ok = await fetch(limited.url, {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "health" }),
    });
    assert.equal(ok.status, 200);
  });
});
