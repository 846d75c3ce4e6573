// CometBFT's CORS semantics on the RPC server through @fastify/cors: exact origins, "*", one wildcard
// per origin (http://127.0.0.1:*), case-insensitive; nothing without configured origins.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pino } from "pino";
import { EventBus } from "../../chain/events/event-bus.ts";
import { originMatcher } from "../../chain/rpc/cors.ts";
import { RpcServer } from "../../chain/rpc/server.ts";
import { FakeBackend } from "../rpc/fake-backend.ts";

test("origin matching: exact, any, one wildcard", () => {
  const m = originMatcher(["http://127.0.0.1:*", "http://localhost", "https://*.example.com"]);
  assert.ok(m("http://127.0.0.1:8080"));
  assert.ok(m("HTTP://127.0.0.1:3000"));
  assert.ok(m("http://localhost"));
  assert.ok(m("https://app.example.com"));
  assert.ok(!m("http://localhost:3000"));
  assert.ok(!m("http://127.0.0.2:8080"));
  assert.ok(!m("https://example.com"));
  assert.ok(!m("https://evil.com"));
  assert.ok(originMatcher(["*"])("https://anything"));
  assert.ok(!originMatcher([])("http://127.0.0.1:1"));
});

async function withRpc(origins: string[] | undefined, fn: (url: string) => Promise<void>) {
  const bus = new EventBus();
  const server = new RpcServer(
    { laddr: "tcp://127.0.0.1:0", corsAllowedOrigins: origins },
    { backend: new FakeBackend(1), eventBus: bus, logger: pino({ level: "silent" }) },
  );
  await server.start();
  try {
    await fn(server.url);
  } finally {
    await server.close();
  }
}

test("RPC with a wildcard origin: allowed origins echoed, preflight with CometBFT's methods and headers", async () => {
  await withRpc(["http://127.0.0.1:*"], async (url) => {
    const ok = await fetch(`${url}/health`, { headers: { origin: "http://127.0.0.1:5173" } });
    assert.equal(ok.headers.get("access-control-allow-origin"), "http://127.0.0.1:5173");
    const pre = await fetch(url, {
      method: "OPTIONS",
      headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "POST" },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-methods"), "HEAD, GET, POST");
    assert.match(pre.headers.get("access-control-allow-headers") ?? "", /Content-Type/);
    const other = await fetch(`${url}/health`, { headers: { origin: "http://localhost:5173" } });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  });
  await withRpc(["*"], async (url) => {
    const any = await fetch(`${url}/health`, { headers: { origin: "https://x.example" } });
    assert.equal(any.headers.get("access-control-allow-origin"), "*");
  });
  await withRpc(undefined, async (url) => {
    const none = await fetch(`${url}/health`, { headers: { origin: "http://127.0.0.1:5173" } });
    assert.equal(none.headers.get("access-control-allow-origin"), null);
    assert.equal((await fetch(url, { method: "OPTIONS" })).status, 204);
  });
});
