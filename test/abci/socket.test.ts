// The ABCI socket server and client: every method through ProxyApplication's four connections, echo,
// flush and the snapshot methods, ordering and pipelining, one app call at a time, malformed input
// and app errors answered with Response{exception} while other connections keep working, a vanished
// app failing calls with a clear error, unix sockets (a stale one from a killed process included) and
// connecting before the app listens.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  CheckTxType,
  RequestCheckTx,
  RequestExtendVote,
  RequestFinalizeBlock,
  RequestInfo,
  RequestInitChain,
  RequestPrepareProposal,
  RequestProcessProposal,
  RequestQuery,
  RequestVerifyVoteExtension,
  Response,
  ResponseApplySnapshotChunk_Result,
  ResponseCheckTx,
  ResponseOfferSnapshot_Result,
} from "cosmjs-types/tendermint/abci/types";
import { pino } from "pino";
import { AbciSocketClient } from "../../chain/abci/client.ts";
import { encodeFrame, FrameDecoder } from "../../chain/abci/framing.ts";
import { requestFrame } from "../../chain/abci/messages.ts";
import { ProxyApplication } from "../../chain/abci/proxy-application.ts";
import { AbciSocketServer } from "../../chain/abci/server.ts";
import { testTempDir } from "../support/temp-dir.ts";
import { CANNED, RecordingApp } from "./recording-app.ts";

const logger = pino({ level: "silent" });
const b = (s: string) => new TextEncoder().encode(s);
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function serve(app = new RecordingApp(), laddr = "tcp://127.0.0.1:0") {
  const server = new AbciSocketServer({ laddr }, { app, logger });
  await server.start();
  cleanups.push(() => server.close());
  return { app, server };
}

async function proxy(address: string, connectTimeoutMs = 0) {
  const p = new ProxyApplication({ address, connectTimeoutMs }, { logger });
  await p.start();
  cleanups.push(() => p.close());
  return p;
}

/** Writes `bytes` on a fresh connection; collects the Responses until the server closes it. */
function rawExchange(address: string, bytes: Uint8Array): Promise<{ responses: Response[]; closed: boolean }> {
  const port = Number(address.split(":").at(-1));
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: "127.0.0.1", port });
    const dec = new FrameDecoder({ maxMessageBytes: 1 << 20 });
    const responses: Response[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ responses, closed: false });
    }, 3000);
    socket.on("connect", () => socket.write(bytes));
    socket.on("data", (d) => {
      for (const f of dec.push(new Uint8Array(d))) responses.push(Response.decode(f));
    });
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ responses, closed: true });
    });
  });
}

describe("abci socket: every method", () => {
  it("ProxyApplication reaches each Application method and gets the app's response back", async () => {
    const { app, server } = await serve();
    const p = await proxy(server.address);
    const time = { seconds: 1_700_000_000n, nanos: 5 };
    const requests = {
      info: RequestInfo.fromPartial({ version: "0.38.0", blockVersion: 11n, p2pVersion: 8n, abciVersion: "2.0.0" }),
      initChain: RequestInitChain.fromPartial({
        time,
        chainId: "test-chain",
        appStateBytes: b("{}"),
        initialHeight: 1n,
        validators: [{ pubKey: { ed25519: new Uint8Array(32).fill(3) }, power: 10n }],
        consensusParams: { block: { maxBytes: 1000n, maxGas: -1n } },
      }),
      prepareProposal: RequestPrepareProposal.fromPartial({ maxTxBytes: 1000n, txs: [b("t1")], height: 2n, time }),
      processProposal: RequestProcessProposal.fromPartial({ txs: [b("t1")], hash: b("h"), height: 2n, time }),
      extendVote: RequestExtendVote.fromPartial({ hash: b("h"), height: 2n, txs: [b("t1")] }),
      verifyVoteExtension: RequestVerifyVoteExtension.fromPartial({
        hash: b("h"),
        validatorAddress: b("v"),
        height: 2n,
        voteExtension: b("ext"),
      }),
      finalizeBlock: RequestFinalizeBlock.fromPartial({
        txs: [b("t1"), b("t2")],
        decidedLastCommit: { round: 1, votes: [{ validator: { address: b("v"), power: 10n }, blockIdFlag: 2 }] },
        hash: b("h"),
        height: 2n,
        time,
        nextValidatorsHash: b("n"),
        proposerAddress: b("p"),
      }),
      commit: {},
    };
    assert.deepEqual(await p.info(requests.info), CANNED.info);
    assert.deepEqual(await p.initChain(requests.initChain), CANNED.initChain);
    assert.deepEqual(await p.prepareProposal(requests.prepareProposal), CANNED.prepareProposal);
    assert.deepEqual(await p.processProposal(requests.processProposal), CANNED.processProposal);
    assert.deepEqual(await p.extendVote(requests.extendVote), CANNED.extendVote);
    assert.deepEqual(await p.verifyVoteExtension(requests.verifyVoteExtension), CANNED.verifyVoteExtension);
    assert.deepEqual(await p.finalizeBlock(requests.finalizeBlock), CANNED.finalizeBlock);
    assert.deepEqual(await p.commit(requests.commit), CANNED.commit);
    const tx = await p.checkTx(RequestCheckTx.fromPartial({ tx: b("a tx"), type: CheckTxType.RECHECK }));
    assert.deepEqual(tx, ResponseCheckTx.fromPartial({ data: b("a tx"), gasWanted: 1n }));
    const q = await p.query(RequestQuery.fromPartial({ path: "/x/y", data: b("key"), height: 3n, prove: true }));
    assert.deepEqual([q.key, q.value], [b("/x/y"), b("key")]);

    // the app got each request as sent
    const got = Object.fromEntries(app.calls.map((c) => [c.method, c.req]));
    for (const [method, req] of Object.entries(requests)) assert.deepEqual(got[method], req, method);
    assert.deepEqual(got.checkTx, RequestCheckTx.fromPartial({ tx: b("a tx"), type: CheckTxType.RECHECK }));
    assert.deepEqual(got.query, RequestQuery.fromPartial({ path: "/x/y", data: b("key"), height: 3n, prove: true }));
  });

  it("answers echo, flush and the snapshot methods as an app without snapshots", async () => {
    const { app, server } = await serve();
    const c = new AbciSocketClient({ address: server.address, name: "snapshot" }, { logger });
    await c.connect();
    cleanups.push(() => c.close());
    assert.equal(await c.echo("hello ABCI"), "hello ABCI");
    await c.flush();
    const list = await c.call({ listSnapshots: {} }, "listSnapshots");
    assert.deepEqual(list.listSnapshots?.snapshots, []);
    const offer = await c.call(
      { offerSnapshot: { snapshot: { height: 5n, format: 1 }, appHash: b("x") } },
      "offerSnapshot",
    );
    assert.equal(offer.offerSnapshot?.result, ResponseOfferSnapshot_Result.ABORT);
    const load = await c.call({ loadSnapshotChunk: { height: 5n, format: 1, chunk: 0 } }, "loadSnapshotChunk");
    assert.equal(load.loadSnapshotChunk?.chunk.length, 0);
    const apply = await c.call({ applySnapshotChunk: { index: 0, chunk: b("c"), sender: "s" } }, "applySnapshotChunk");
    assert.equal(apply.applySnapshotChunk?.result, ResponseApplySnapshotChunk_Result.ABORT);
    assert.equal(app.calls.length, 0, "none of these reach the app");
  });

  it("holds responses until a flush, then writes them in request order", async () => {
    const { server } = await serve();
    const bytes = Buffer.concat([
      requestFrame({ echo: { message: "one" } }),
      requestFrame({ checkTx: { tx: b("two") } }),
      requestFrame({ echo: { message: "three" } }),
    ]);
    const noFlush = await rawExchangeFor(server.address, bytes, 400);
    assert.equal(noFlush.length, 0, "nothing written before a flush");
    const flushed = await rawExchangeFor(server.address, Buffer.concat([bytes, requestFrame({ flush: {} })]), 400);
    assert.deepEqual(
      flushed.map((r) => Object.keys(r).find((k) => (r as any)[k] !== undefined)),
      ["echo", "checkTx", "echo", "flush"],
    );
    assert.equal(flushed[0].echo?.message, "one");
    assert.deepEqual(flushed[1].checkTx?.data, b("two"));
  });

  it("pipelined calls on one connection come back in order; the app never runs two calls at once", async () => {
    const app = new RecordingApp();
    app.delayMs = 2;
    const { server } = await serve(app);
    const p = await proxy(server.address);
    const txs = Array.from({ length: 40 }, (_, i) => b(`tx-${i}`));
    const [checks, queries] = await Promise.all([
      Promise.all(txs.map((tx) => p.checkTx({ tx, type: CheckTxType.NEW }))),
      Promise.all(txs.map((tx) => p.query({ path: "/p", data: tx, height: 0n, prove: false }))),
      Promise.all(txs.slice(0, 10).map(() => p.commit({}))),
    ]);
    assert.deepEqual(
      checks.map((r) => r.data),
      txs,
    );
    assert.deepEqual(
      queries.map((r) => r.value),
      txs,
    );
    assert.equal(app.maxInFlight, 1);
  });
});

/** Like rawExchange, but gives up after `ms` (for exchanges the server does not close). */
async function rawExchangeFor(address: string, bytes: Uint8Array, ms: number): Promise<Response[]> {
  const port = Number(address.split(":").at(-1));
  const socket = connect({ host: "127.0.0.1", port });
  const dec = new FrameDecoder({ maxMessageBytes: 1 << 20 });
  const out: Response[] = [];
  socket.on("data", (d) => {
    for (const f of dec.push(new Uint8Array(d))) out.push(Response.decode(f));
  });
  socket.write(bytes);
  await new Promise((r) => setTimeout(r, ms));
  socket.destroy();
  return out;
}

describe("abci socket: errors", () => {
  it("a malformed frame gets the earlier responses, then an exception, then the connection closes", async () => {
    const { server } = await serve();
    const p = await proxy(server.address);
    const garbage = new Uint8Array(11).fill(0xff); // a varint that never ends
    const r = await rawExchange(
      server.address,
      Buffer.concat([requestFrame({ echo: { message: "before" } }), requestFrame({ flush: {} }), garbage]),
    );
    assert.equal(r.closed, true);
    assert.equal(r.responses.length, 3);
    assert.equal(r.responses[0].echo?.message, "before");
    assert.ok(r.responses[1].flush);
    assert.match(r.responses[2].exception?.error ?? "", /malformed frame: varint/);
    // the other connections keep working
    assert.deepEqual(await p.info(RequestInfo.fromPartial({})), CANNED.info);
  });

  it("an over-long frame, an undecodable message and an unknown request each end only their connection", async () => {
    const { server } = await serve(new RecordingApp(), "tcp://127.0.0.1:0");
    const small = new AbciSocketServer(
      { laddr: "tcp://127.0.0.1:0", maxMessageBytes: 100 },
      { app: new RecordingApp(), logger },
    );
    await small.start();
    cleanups.push(() => small.close());
    const big = await rawExchange(small.address, requestFrame({ checkTx: { tx: new Uint8Array(200) } }));
    assert.match(big.responses[0]?.exception?.error ?? "", /exceeds max size \(20\d > 100\)/);
    assert.equal(big.closed, true);

    const truncated = await rawExchange(server.address, encodeFrame(Uint8Array.from([0x0a, 0x7f, 0x01])));
    assert.match(truncated.responses[0]?.exception?.error ?? "", /malformed request/);
    assert.equal(truncated.closed, true);

    // field 9 was deliver_tx before ABCI 2.0: no v0.38 variant is set
    const legacy = await rawExchange(server.address, encodeFrame(Uint8Array.from([0x4a, 0x00])));
    assert.match(legacy.responses[0]?.exception?.error ?? "", /unknown request from client: no known variant set/);
    assert.equal(legacy.closed, true);

    const p = await proxy(server.address);
    assert.equal((await p.query(RequestQuery.fromPartial({ path: "/ok" }))).code, 0);
  });

  it("an app error ends the connection with an exception; the proxy fails once, clearly, and stays failed", async () => {
    const app = new RecordingApp();
    const { server } = await serve(app);
    const p = await proxy(server.address);
    const failures: Error[] = [];
    p.onFailure((e) => failures.push(e));
    app.failing = { method: "finalizeBlock", message: "store is corrupt" };
    await assert.rejects(
      p.finalizeBlock(RequestFinalizeBlock.fromPartial({ height: 1n })),
      /exception: store is corrupt/,
    );
    assert.equal(failures.length, 1);
    assert.match(failures[0].message, /is unreachable \(.*consensus connection.*store is corrupt\)/);
    await assert.rejects(p.info(RequestInfo.fromPartial({})), /is unreachable/);
    // a listener registered after the failure hears it too
    const late = await new Promise<Error>((resolve) => p.onFailure(resolve));
    assert.equal(late, failures[0]);
    // the server serves a new client
    app.failing = undefined;
    const again = await proxy(server.address);
    assert.deepEqual(await again.commit({}), CANNED.commit);
  });

  it("when the app goes away, pending and later calls fail with a clear error", async () => {
    const app = new RecordingApp();
    app.delayMs = 300;
    const { server } = await serve(app);
    const p = await proxy(server.address);
    const failures: Error[] = [];
    p.onFailure((e) => failures.push(e));
    const pending = p.finalizeBlock(RequestFinalizeBlock.fromPartial({ height: 1n }));
    await new Promise((r) => setTimeout(r, 50));
    const closing = server.close();
    await assert.rejects(pending, /connection closed \(did the application process exit\?\)/);
    await closing;
    await assert.rejects(p.commit({}), /is unreachable/);
    assert.equal(failures.length, 1);
  });
});

describe("abci socket: addresses and connecting", () => {
  it("serves on a unix socket, replacing a stale socket file a killed process left", async () => {
    const path = join(testTempDir("dgrid-abci-"), "app.sock");
    // a process that listens on the path and is killed with SIGKILL leaves the socket file behind
    spawnSync(process.execPath, [
      "-e",
      `require("net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`,
    ]);
    assert.ok(existsSync(path), "stale socket file present");
    const { server } = await serve(new RecordingApp(), `unix://${path}`);
    assert.equal(server.address, `unix://${path}`);
    const p = await proxy(server.address);
    assert.deepEqual(await p.info(RequestInfo.fromPartial({})), CANNED.info);
    // a second server on a live socket is refused
    const twin = new AbciSocketServer({ laddr: `unix://${path}` }, { app: new RecordingApp(), logger });
    await assert.rejects(twin.start(), /in use by another process/);
  });

  it("waits for the app to listen, and gives up after its timeout", async () => {
    const path = join(testTempDir("dgrid-abci-"), "late.sock");
    const starting = proxy(`unix://${path}`, 10_000);
    await new Promise((r) => setTimeout(r, 400));
    await serve(new RecordingApp(), `unix://${path}`);
    const p = await starting;
    assert.deepEqual(await p.commit({}), CANNED.commit);

    const nowhere = new ProxyApplication(
      { address: `unix://${join(testTempDir("dgrid-abci-"), "none.sock")}`, connectTimeoutMs: 300 },
      { logger },
    );
    await assert.rejects(nowhere.start(), /cannot connect to the ABCI application at unix:\/\//);
  });
});
