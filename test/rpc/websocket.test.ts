// Websocket subscriptions: CosmJS' WebsocketClient decodes our events; raw frames check the exact shape,
// query filtering, unsubscribe and the per-client limit.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Comet38Client, WebsocketClient } from "@cosmjs/tendermint-rpc";
import { pino } from "pino";
import { WebSocket } from "ws";
import { EventBus } from "../../chain/events/event-bus.ts";
import { RpcServer } from "../../chain/rpc/server.ts";
import { txHash } from "../../chain/types/hash.ts";
import { disconnectForGood } from "../support/cosmjs-ws.ts";
import { FakeBackend, makeTx } from "./fake-backend.ts";

const logger = pino({ level: "silent" });

/** A raw JSON-RPC websocket client that queues every frame. */
class RawWs {
  readonly frames: any[] = [];
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (d) => {
      this.frames.push(JSON.parse(d.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static async open(url: string): Promise<RawWs> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return new RawWs(ws);
  }
  send(obj: unknown): void {
    this.ws.send(typeof obj === "string" ? obj : JSON.stringify(obj));
  }
  /** Waits for a frame matching `pred`, removing it from the queue. */
  async next(pred: (f: any) => boolean = () => true, timeoutMs = 2000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a websocket frame");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
  close(): void {
    this.ws.close();
  }
}

describe("rpc websocket", { timeout: 20_000 }, () => {
  const bus = new EventBus();
  const backend = new FakeBackend(2, bus);
  const server = new RpcServer(
    { laddr: "tcp://127.0.0.1:0", maxSubscriptionsPerClient: 3 },
    { backend, eventBus: bus, logger },
  );
  let wsUrl: string;

  before(async () => {
    await server.start();
    wsUrl = `${server.url.replace("http://", "ws://")}/websocket`;
  });
  after(async () => {
    await server.close();
  });

  test("CosmJS subscribeNewBlock / subscribeNewBlockHeader / subscribeTx receive published events", async () => {
    const wsClient = new WebsocketClient(server.url.replace("http://", "ws://"));
    const client = Comet38Client.create(wsClient);
    try {
      const blocks: number[] = [];
      const headers: number[] = [];
      const txs: { height: number; hash: Uint8Array; gasUsed: bigint }[] = [];
      const gotAll = new Promise<void>((resolve, reject) => {
        const check = () => {
          if (blocks.length >= 2 && headers.length >= 2 && txs.length >= 1) resolve();
        };
        client.subscribeNewBlock().subscribe({
          next: (b) => {
            blocks.push(b.header.height);
            check();
          },
          error: reject,
        });
        client.subscribeNewBlockHeader().subscribe({
          next: (h) => {
            headers.push(h.height);
            check();
          },
          error: reject,
        });
        client.subscribeTx("tm.event='Tx' AND transfer.amount EXISTS").subscribe({
          next: (t) => {
            txs.push({ height: t.height, hash: t.hash, gasUsed: t.result.gasUsed });
            check();
          },
          error: reject,
        });
      });
      // CosmJS sends subscribe requests lazily; give them a moment to be registered.
      await new Promise((r) => setTimeout(r, 200));
      const tx = makeTx(777);
      backend.produceBlock(0, [tx]);
      backend.produceBlock(0);
      await gotAll;
      assert.deepEqual(blocks.slice(0, 2), [3, 4]);
      assert.deepEqual(headers.slice(0, 2), [3, 4]);
      assert.equal(txs[0]!.height, 3);
      assert.deepEqual(txs[0]!.hash, txHash(tx));
      assert.equal(txs[0]!.gasUsed, 50000n);
    } finally {
      disconnectForGood(wsClient);
    }
  });

  test("raw frames: subscribe result, filtered Tx event shape, unsubscribe", async () => {
    const ws = await RawWs.open(wsUrl);
    try {
      const tx = makeTx(4242);
      const hashHex = Buffer.from(txHash(tx)).toString("hex").toUpperCase();
      ws.send({
        jsonrpc: "2.0",
        id: "sub-1",
        method: "subscribe",
        params: { query: `tm.event='Tx' AND tx.hash='${hashHex}'` },
      });
      assert.deepEqual(await ws.next((f) => f.id === "sub-1"), { jsonrpc: "2.0", id: "sub-1", result: {} });
      backend.produceBlock(2); // other txs: must not be delivered
      backend.produceBlock(0, [tx]);
      const ev = await ws.next((f) => f.id === "sub-1");
      assert.equal(ev.result.query, `tm.event='Tx' AND tx.hash='${hashHex}'`);
      assert.equal(ev.result.data.type, "tendermint/event/Tx");
      assert.equal(ev.result.data.value.TxResult.height, String(backend.height()));
      assert.equal(ev.result.data.value.TxResult.tx, Buffer.from(tx).toString("base64"));
      assert.equal(ev.result.data.value.TxResult.result.gas_wanted, "200000");
      assert.deepEqual(ev.result.events["tx.hash"], [hashHex]);
      assert.deepEqual(ev.result.events["tm.event"], ["Tx"]);
      assert.equal(ws.frames.length, 0, "only the matching tx is delivered");

      ws.send({
        jsonrpc: "2.0",
        id: 2,
        method: "unsubscribe",
        params: { query: `tm.event='Tx' AND tx.hash='${hashHex}'` },
      });
      assert.deepEqual((await ws.next((f) => f.id === 2)).result, {});
      ws.send({ jsonrpc: "2.0", id: 3, method: "unsubscribe", params: { query: "tm.event='Tx'" } });
      assert.match((await ws.next((f) => f.id === 3)).error.data, /subscription not found/);
      backend.produceBlock(0, [tx]);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(ws.frames.length, 0, "no events after unsubscribe");

      // Plain methods work over the websocket too.
      ws.send({ jsonrpc: "2.0", id: 4, method: "status" });
      const st = await ws.next((f) => f.id === 4);
      assert.equal(st.result.sync_info.latest_block_height, String(backend.height()));
    } finally {
      ws.close();
    }
  });

  test("NewBlock event carries block, block_id and result_finalize_block", async () => {
    const ws = await RawWs.open(wsUrl);
    try {
      ws.send({ jsonrpc: "2.0", id: 7, method: "subscribe", params: ["tm.event = 'NewBlock'"] });
      await ws.next((f) => f.id === 7 && f.result && !f.result.data);
      backend.produceBlock(1);
      const ev = await ws.next((f) => f.id === 7);
      const v = ev.result.data.value;
      assert.equal(ev.result.data.type, "tendermint/event/NewBlock");
      assert.equal(v.block.header.height, String(backend.height()));
      assert.match(v.block_id.hash, /^[0-9A-F]{64}$/);
      assert.equal(v.block_id.parts.total, 1);
      assert.equal(v.result_finalize_block.tx_results.length, 1);
      assert.equal(typeof v.result_finalize_block.app_hash, "string");
      assert.deepEqual(ev.result.events["block.height"], [String(backend.height())]);
    } finally {
      ws.close();
    }
  });

  test("subscription errors: limit per client, duplicates, bad query, bad JSON", async () => {
    const ws = await RawWs.open(wsUrl);
    try {
      for (let i = 0; i < 3; i++) {
        ws.send({ jsonrpc: "2.0", id: i, method: "subscribe", params: { query: `tx.height > ${i}` } });
        assert.deepEqual((await ws.next((f) => f.id === i)).result, {});
      }
      ws.send({ jsonrpc: "2.0", id: 10, method: "subscribe", params: { query: "tx.height > 99" } });
      const limit = await ws.next((f) => f.id === 10);
      assert.equal(limit.error.code, -32603);
      assert.match(limit.error.data, /max_subscriptions_per_client 3 reached/);

      ws.send({ jsonrpc: "2.0", id: 11, method: "unsubscribe_all" });
      assert.deepEqual((await ws.next((f) => f.id === 11)).result, {});
      ws.send({ jsonrpc: "2.0", id: 12, method: "subscribe", params: { query: "tx.height > 0" } });
      assert.deepEqual((await ws.next((f) => f.id === 12)).result, {});
      ws.send({ jsonrpc: "2.0", id: 13, method: "subscribe", params: { query: "tx.height > 0" } });
      assert.match((await ws.next((f) => f.id === 13)).error.data, /already subscribed/);
      ws.send({ jsonrpc: "2.0", id: 14, method: "subscribe", params: { query: "tx.height >>> 'x" } });
      assert.match((await ws.next((f) => f.id === 14)).error.data, /failed to parse query/);
      ws.send({ jsonrpc: "2.0", id: 15, method: "subscribe", params: { query: 5 } });
      assert.equal((await ws.next((f) => f.id === 15)).error.code, -32602);
      ws.send("{not json");
      assert.equal((await ws.next((f) => f.error?.code === -32700)).id, null);
      ws.send({ jsonrpc: "2.0", id: 16, method: "nope" });
      assert.equal((await ws.next((f) => f.id === 16)).error.code, -32601);
      ws.send({ jsonrpc: "2.0", id: 17, method: "health" });
      assert.deepEqual((await ws.next((f) => f.id === 17)).result, {});
    } finally {
      ws.close();
    }
  });

  test("subscribe is not available over plain HTTP", async () => {
    const res = await fetch(server.url, {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query: "tm.event='Tx'" } }),
    });
    const body = (await res.json()) as any;
    assert.equal(body.error.code, -32601);
  });
});

describe("rpc websocket heartbeat", { timeout: 10_000 }, () => {
  test("clients that answer pings stay, silent clients are dropped", async () => {
    const bus = new EventBus();
    const server = new RpcServer(
      { laddr: "tcp://127.0.0.1:0", wsPingIntervalMs: 100 },
      { backend: new FakeBackend(1), eventBus: bus, logger },
    );
    await server.start();
    const url = `${server.url.replace("http://", "ws://")}/websocket`;
    const open = async (autoPong: boolean) => {
      const ws = new WebSocket(url, { autoPong });
      await new Promise((resolve, reject) => {
        ws.once("open", resolve);
        ws.once("error", reject);
      });
      return ws;
    };
    const good = await open(true);
    const silent = await open(false);
    const silentClosed = new Promise<void>((resolve) => silent.once("close", () => resolve()));
    try {
      await silentClosed;
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(good.readyState, WebSocket.OPEN);
    } finally {
      good.close();
      silent.terminate();
      await server.close();
    }
  });
});
