// Raw HTTP against the RPC server: JSON-RPC error codes, batches, the URI (GET) form, body limits and
// hostile input. The server must answer every request and keep serving.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { pino } from "pino";
import { EventBus } from "../../chain/events/event-bus.ts";
import { RpcServer } from "../../chain/rpc/server.ts";
import { txHash } from "../../chain/types/hash.ts";
import { FakeBackend } from "./fake-backend.ts";

const logger = pino({ level: "silent" });

describe("rpc errors, batches and URI form", { timeout: 30_000 }, () => {
  const bus = new EventBus();
  const backend = new FakeBackend(5, bus);
  const server = new RpcServer(
    { laddr: "tcp://127.0.0.1:0", maxBodyBytes: 10_000, maxRequestBatchSize: 5 },
    { backend, eventBus: bus, logger },
  );
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);

  before(async () => {
    process.on("unhandledRejection", onUnhandled);
    await server.start();
  });
  after(async () => {
    await server.close();
    process.off("unhandledRejection", onUnhandled);
    assert.deepEqual(unhandled, [], "no unhandled rejections");
  });

  async function post(body: string): Promise<{ status: number; json: any; text: string }> {
    const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }
  const call = (method: string, params?: unknown, id: unknown = 1) =>
    post(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
  async function get(path: string): Promise<{ status: number; json: any }> {
    const res = await fetch(`${server.url}${path}`);
    const text = await res.text();
    return { status: res.status, json: res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
  }
  async function assertHealthy(): Promise<void> {
    const r = await call("health", undefined, "h");
    assert.deepEqual(r.json, { jsonrpc: "2.0", id: "h", result: {} });
  }

  test("parse error for malformed JSON", async () => {
    const r = await post('{"jsonrpc":"2.0",');
    assert.equal(r.status, 500);
    assert.equal(r.json.error.code, -32700);
    assert.equal(r.json.error.message, "Parse error");
    assert.equal(r.json.id, null);
    assert.match(r.json.error.data, /error unmarshaling request/);
    await assertHealthy();
  });

  test("invalid request shapes", async () => {
    for (const body of ["5", '"x"', "null", '{"jsonrpc":"2.0","id":{},"method":"health"}', '{"id":1,"method":7}']) {
      const r = await post(body);
      assert.equal(r.json.error.code, -32600, body);
    }
    await assertHealthy();
  });

  test("method not found", async () => {
    for (const m of ["nope", "__proto__", "toString", "constructor"]) {
      const r = await call(m);
      assert.equal(r.status, 200);
      assert.equal(r.json.error.code, -32601, m);
      assert.equal(r.json.error.message, "Method not found");
    }
  });

  test("invalid params", async () => {
    const cases: [string, unknown][] = [
      ["block", { height: "abc" }],
      ["block", { height: "99999999999999999999" }],
      ["block", { height: 1.5 }],
      ["block", { height: {} }],
      ["tx", { hash: "not base64!!" }],
      ["tx", { hash: 12 }],
      ["abci_query", { path: "/x", data: "zz" }],
      ["abci_query", { path: 5 }],
      ["tx_search", { query: "tx.height=1", prove: "maybe" }],
      ["validators", [1, 2, 3, 4]],
      ["status", "just a string"],
    ];
    for (const [method, params] of cases) {
      const r = await call(method, params);
      assert.equal(r.json.error?.code, -32602, `${method} ${JSON.stringify(params)}`);
      assert.equal(r.json.error.message, "Invalid params");
    }
    await assertHealthy();
  });

  test("method errors are internal errors with CometBFT's texts", async () => {
    const cases: [string, unknown, RegExp][] = [
      ["block", { height: -1 }, /height must be greater than 0, but got -1/],
      ["block", { height: "0" }, /height must be greater than 0/],
      ["block", { height: 1000 }, /height 1000 must be less than or equal to the current blockchain height 5/],
      ["block_results", { height: 99 }, /must be less than or equal/],
      ["validators", { page: 0 }, /page should be within \[1, 1\] range, given 0/],
      ["tx", { hash: Buffer.alloc(32, 7).toString("base64") }, /tx \(0707.*\) not found/],
      ["tx", { hash: Buffer.from("short").toString("base64") }, /not found/],
      ["tx_search", { query: "tx.height = = 5" }, /./],
      ["tx_search", { query: "x".repeat(600) }, /maximum query length exceeded/],
      ["tx_search", { query: "tx.height=1", order_by: "sideways" }, /order_by/],
      ["tx_search", { query: "tx.height>=1", page: 50 }, /page should be within/],
      ["blockchain", { minHeight: -5 }, /heights must be non-negative/],
      ["blockchain", { minHeight: 5, maxHeight: 2 }, /can't be greater than max height/],
      ["broadcast_tx_sync", { tx: "" }, /tx is empty/],
      ["genesis_chunked", { chunk: 3 }, /there are 0 chunks, 3 is invalid/],
    ];
    for (const [method, params, re] of cases) {
      const r = await call(method, params);
      assert.equal(r.json.error?.code, -32603, `${method} ${JSON.stringify(params)}`);
      assert.equal(r.json.error.message, "Internal error");
      assert.match(r.json.error.data, re);
    }
    await assertHealthy();
  });

  test("per_page is clamped, not rejected", async () => {
    const r = await call("validators", { per_page: 1_000_000 });
    assert.equal(r.json.result.count, "2");
    const s = await call("tx_search", { query: "tx.height>=1", per_page: "-4" });
    assert.equal(s.json.result.total_count, "6");
    assert.equal(s.json.result.txs.length, 6);
  });

  test("batch requests keep order, skip notifications, reject oversize batches", async () => {
    const r = await post(
      JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "health" },
        { jsonrpc: "2.0", method: "health" },
        { jsonrpc: "2.0", id: "two", method: "nope" },
        { jsonrpc: "2.0", id: 3, method: "block", params: { height: "2" } },
        7,
      ]),
    );
    assert.equal(r.status, 200);
    assert.equal(r.json.length, 4);
    assert.deepEqual(r.json[0], { jsonrpc: "2.0", id: 1, result: {} });
    assert.equal(r.json[1].error.code, -32601);
    assert.equal(r.json[1].id, "two");
    assert.equal(r.json[2].result.block.header.height, "2");
    assert.equal(r.json[3].error.code, -32600);
    const big = await post(
      JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "health" }))),
    );
    assert.equal(big.status, 400);
    assert.match(big.json.error.data, /batch request exceeds maximum \(5\)/);
    const empty = await post("[]");
    assert.equal(empty.json.error.code, -32600);
    const onlyNotification = await post(JSON.stringify({ jsonrpc: "2.0", method: "health" }));
    assert.equal(onlyNotification.status, 200);
    assert.equal(onlyNotification.text, "");
  });

  test("oversize body is refused with a JSON-RPC error and the server keeps serving", async () => {
    const r = await post(
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "broadcast_tx_sync", params: { tx: "A".repeat(20_000) } }),
    );
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, -32600);
    assert.match(
      r.json.error.data,
      /too large \(limit 10000 bytes, rpc\.max_body_bytes; the largest tx it lets through is 6732 bytes in broadcast_tx_\* \(base64\) and 4488 bytes in abci_query \/Simulate \(hex\)\)/,
    );
    await assertHealthy();
  });

  test("empty POST and GET / list the endpoints", async () => {
    const r = await post("");
    assert.match(r.text, /Available endpoints/);
    const g = await get("/");
    assert.match(g.json, /\/block_results/);
  });

  test("URI form: quoted strings, 0x bytes, bare numbers", async () => {
    const st = await get("/status");
    assert.equal(st.status, 200);
    assert.equal(st.json.id, -1);
    assert.equal(st.json.result.sync_info.latest_block_height, "5");
    const b = await get("/block?height=2");
    assert.equal(b.json.result.block.header.height, "2");
    const tx = backend.blocks[2]!.block.data!.txs[0]!;
    const t = await get(`/tx?hash=0x${Buffer.from(txHash(tx)).toString("hex")}&prove=true`);
    assert.equal(t.json.result.height, "3");
    assert.equal(t.json.result.proof.proof.total, "3");
    const q = await get(`/abci_query?path=${encodeURIComponent('"/store/bank/key"')}&data=0x6b31&height=3`);
    assert.equal(q.json.result.response.height, "3");
    assert.equal(Buffer.from(q.json.result.response.value, "base64").toString(), "value-of-k1");
    const qs = await get(`/tx_search?query=${encodeURIComponent('"tx.height=3"')}&per_page=1&page=2`);
    assert.equal(qs.json.result.total_count, "3");
    assert.equal(qs.json.result.txs[0].index, 1);
    const bs = await get(`/block_search?query=${encodeURIComponent('"block.height > 3"')}&order_by="desc"`);
    assert.deepEqual(
      bs.json.result.blocks.map((x: any) => x.block.header.height),
      ["5", "4"],
    );

    const bad = await get("/block?height=abc");
    assert.equal(bad.status, 500);
    assert.equal(bad.json.error.code, -32602);
    const unquoted = await get("/tx_search?query=tx.height=3");
    assert.equal(unquoted.json.error.code, -32602);
    const badHex = await get("/tx?hash=0xZZ");
    assert.equal(badHex.json.error.code, -32602);
    const neg = await get("/block?height=-3");
    assert.equal(neg.json.error.code, -32603);
    const unknown = await get("/definitely_not_a_method");
    assert.equal(unknown.status, 404);
    const wsOnly = await get("/subscribe?query=%22tm.event='Tx'%22");
    assert.equal(wsOnly.status, 404);
  });

  test("remaining methods answer in CometBFT shapes", async () => {
    const ni = await call("net_info");
    assert.deepEqual(ni.json.result, {
      listening: true,
      listeners: ["Listener(@tcp://0.0.0.0:26656)"],
      n_peers: "0",
      peers: [],
    });
    const cp = await call("consensus_params", { height: 2 });
    assert.equal(cp.json.result.block_height, "2");
    assert.equal(cp.json.result.consensus_params.block.max_bytes, "22020096");
    assert.equal(cp.json.result.consensus_params.evidence.max_age_duration, "172800000000000");
    const hd = await call("header", { height: 4 });
    assert.equal(hd.json.result.header.height, "4");
    assert.deepEqual(hd.json.result.header.version, { block: "11" });
    const hash = Buffer.from(backend.blocks[3]!.meta.blockId.hash);
    const hbh = await call("header_by_hash", { hash: hash.toString("hex") });
    assert.equal(hbh.json.result.header.height, "4");
    const bbh = await call("block_by_hash", { hash: hash.toString("base64") });
    assert.equal(bbh.json.result.block_id.hash, hash.toString("hex").toUpperCase());
    const missing = await call("block_by_hash", { hash: Buffer.alloc(32).toString("base64") });
    assert.equal(missing.json.result.block, null);
    const gc = await call("genesis_chunked", { chunk: 0 });
    assert.equal(gc.json.result.total, "1");
    assert.equal(
      JSON.parse(Buffer.from(gc.json.result.data, "base64").toString()).chain_id,
      backend.nodeInfo().network,
    );
    const ct = await call("check_tx", { tx: Buffer.from("hello").toString("base64") });
    assert.deepEqual(ct.json.result, {
      code: 0,
      data: null,
      log: "",
      info: "",
      gas_wanted: "200000",
      gas_used: "50",
      events: [],
      codespace: "",
    });
    backend.mempool.push(new Uint8Array([1, 2, 3]));
    const ut = await call("unconfirmed_txs", { limit: 5 });
    assert.deepEqual(ut.json.result, { n_txs: "1", total: "1", total_bytes: "3", txs: ["AQID"] });
    const c1 = await call("commit", { height: 1 });
    assert.equal(c1.json.result.signed_header.commit.signatures[0].block_id_flag, 2);
    assert.match(
      c1.json.result.signed_header.commit.signatures[0].timestamp,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
    );
    const b1 = await call("block", { height: 1 });
    assert.deepEqual(b1.json.result.block.last_commit, {
      height: "0",
      round: 0,
      block_id: { hash: "", parts: { total: 0, hash: "" } },
      signatures: [],
    });
    assert.deepEqual(b1.json.result.block.evidence, { evidence: [] });
    assert.deepEqual(b1.json.result.block.data, { txs: [] });
  });

  test("property: arbitrary JSON bodies and params never break the server", async () => {
    const methods = ["block", "tx", "validators", "tx_search", "abci_query", "blockchain", "commit", "unconfirmed_txs"];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.oneof(
          fc.jsonValue(),
          fc.dictionary(
            fc.constantFrom("height", "hash", "page", "per_page", "query", "minHeight", "data", "path", "limit"),
            fc.jsonValue(),
          ),
        ),
        fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        async (method, params, id) => {
          const r = await call(method, params, id);
          if (id === null) return;
          assert.ok(r.json && (r.json.result !== undefined || typeof r.json.error?.code === "number"), r.text);
        },
      ),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (body) => {
        const r = await post(body);
        assert.ok(r.status < 600);
      }),
      { numRuns: 100 },
    );
    await assertHealthy();
  });
});

describe("rpc CORS", { timeout: 10_000 }, () => {
  test("allowed origins get CORS headers, others do not", async () => {
    const bus = new EventBus();
    const server = new RpcServer(
      { laddr: "tcp://127.0.0.1:0", corsAllowedOrigins: ["https://wallet.example"] },
      { backend: new FakeBackend(1), eventBus: bus, logger },
    );
    await server.start();
    try {
      const ok = await fetch(`${server.url}/health`, { headers: { origin: "https://wallet.example" } });
      assert.equal(ok.headers.get("access-control-allow-origin"), "https://wallet.example");
      const pre = await fetch(server.url, { method: "OPTIONS", headers: { origin: "https://wallet.example" } });
      assert.equal(pre.status, 204);
      const other = await fetch(`${server.url}/health`, { headers: { origin: "https://evil.example" } });
      assert.equal(other.headers.get("access-control-allow-origin"), null);
      assert.equal(other.status, 200);
    } finally {
      await server.close();
    }
  });
});
