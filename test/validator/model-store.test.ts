import assert from "node:assert/strict";
import { mkdtemp, open, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { CodedError } from "../../chain/errors/errors.ts";
import {
  ErrInvalidModel,
  ErrInvalidModelId,
  ErrModelCorrupt,
  ErrModelEmpty,
  ErrModelExternalData,
  ErrModelHashMismatch,
  ErrModelNotFound,
  ErrModelTooLarge,
  ErrModelUnavailable,
} from "../../validator/errors.ts";
import { fetchModel } from "../../validator/model-store/fetch.ts";
import { startModelStoreServer } from "../../validator/model-store/http.ts";
import { ModelStore } from "../../validator/model-store/model-store.ts";
import { encodeModel, floatInitializer, OnnxDataType, tensorValueInfo } from "../../validator/onnx/onnx-proto.ts";
import { buildExternalDataModel, buildMlpModel, seededFloats } from "../support/mlp-model.ts";
import { sha256Hex } from "../support/models.ts";

const logger = pino({ level: "silent" });
const mlp = buildMlpModel({ inputs: 16, hidden: 32, outputs: 4, seed: 7 });
const mlpId = sha256Hex(mlp);
const other = buildMlpModel({ inputs: 8, hidden: 8, outputs: 2, seed: 9 });

async function rejectsWith(p: Promise<unknown>, registered: { is(e: unknown): boolean }, what: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CodedError, `${what}: not a CodedError: ${e}`);
    assert.ok(registered.is(e), `${what}: wrong code: ${(e as Error).message}`);
    return true;
  });
}

/** A ModelProto whose initializer declares 2^30 x 2^30 floats and carries none of them. */
function hugeDeclaredTensorModel(): Uint8Array {
  return encodeModel({
    ir_version: 8,
    opset_import: [{ domain: "", version: 13 }],
    graph: {
      name: "huge",
      node: [{ op_type: "Add", input: ["x", "w"], output: ["y"] }],
      initializer: [{ ...floatInitializer("w", [1 << 30, 1 << 30], []), raw_data: new Uint8Array(8) }],
      input: [tensorValueInfo("x", OnnxDataType.FLOAT, [1])],
      output: [tensorValueInfo("y", OnnxDataType.FLOAT, [1])],
    },
  });
}

describe("ModelStore", () => {
  let home: string;
  let store: ModelStore;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), "dgrid-models-"));
    store = new ModelStore({ home, maxModelBytes: 64 * 1024 }, { logger });
    await store.init();
  });
  after(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it("puts, reads, lists and deletes content-addressed files", async () => {
    const res = await store.put(mlp);
    assert.equal(res.id, mlpId);
    assert.equal(res.created, true);
    assert.deepEqual(res.meta?.inputs, [{ name: "input", type: "float32", shape: ["batch", 16] }]);
    assert.deepEqual(await readdir(join(home, "data", "models")), [`${mlpId}.onnx`, "tmp"]);
    assert.equal(await store.has(mlpId), true);
    assert.deepEqual(await store.read(mlpId), mlp);
    const again = await store.put(Readable.from([mlp.subarray(0, 100), mlp.subarray(100)]));
    assert.deepEqual([again.id, again.created], [mlpId, false]);
    const b = await store.put(other);
    assert.deepEqual(
      (await store.list()).map((m) => m.id),
      [mlpId, b.id].sort(),
    );
    assert.equal(await store.delete(b.id), true);
    assert.equal(await store.delete(b.id), false);
    assert.equal(await store.has(b.id), false);
    await rejectsWith(store.read(b.id), ErrModelNotFound, "deleted");
  });

  it("refuses hostile and broken files with registered codes, leaving nothing behind", async () => {
    await rejectsWith(store.put(new Uint8Array(Buffer.from(seededFloats(5, 1024).buffer))), ErrInvalidModel, "random");
    await rejectsWith(store.put(mlp.subarray(0, Math.floor(mlp.length / 2))), ErrInvalidModel, "truncated");
    // field 7 (graph), length-delimited, declaring 2^40 bytes
    const declared = Uint8Array.from([0x08, 0x08, 0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1, 2, 3]);
    await rejectsWith(store.put(declared), ErrInvalidModel, "huge declared length");
    await rejectsWith(store.put(hugeDeclaredTensorModel()), ErrInvalidModel, "huge declared tensor");
    await rejectsWith(store.put(buildExternalDataModel()), ErrModelExternalData, "external data");
    await rejectsWith(store.put(new Uint8Array(0)), ErrModelEmpty, "empty");
    const wrongId = "0".repeat(64);
    await rejectsWith(store.put(other, { expectedId: wrongId }), ErrModelHashMismatch, "expected id");
    await rejectsWith(store.read("../../etc/passwd"), ErrInvalidModelId, "traversal");
    assert.deepEqual(await readdir(join(home, "data", "models", "tmp")), []);
    assert.deepEqual(
      (await store.list()).map((m) => m.id),
      [mlpId],
    );
  });

  it("fsyncs only a file it keeps: a refused upload costs no disk flush", async () => {
    // FileHandle.prototype.sync, counted: the file (and then the directory) of a kept model only
    const probe = await open(join(home, "sync-probe"), "w");
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const original = proto.sync;
    let syncs = 0;
    proto.sync = function (this: unknown) {
      syncs++;
      return original.call(this);
    };
    try {
      await rejectsWith(store.put(mlp.subarray(0, 200)), ErrInvalidModel, "truncated");
      await rejectsWith(store.put(buildExternalDataModel()), ErrModelExternalData, "external data");
      assert.equal(syncs, 0, "refused uploads are not flushed");
      const kept = await store.put(buildMlpModel({ inputs: 4, hidden: 4, outputs: 2, seed: 3 }));
      assert.equal(kept.created, true);
      assert.equal(syncs, 2, "the kept file and its directory");
      assert.equal(await store.delete(kept.id), true);
    } finally {
      proto.sync = original;
      await rm(join(home, "sync-probe"), { force: true });
    }
  });

  it("enforces the size limit while streaming", async () => {
    const big = new Uint8Array(70 * 1024);
    await rejectsWith(store.put(big), ErrModelTooLarge, "bytes");
    async function* endless() {
      for (;;) yield new Uint8Array(16 * 1024);
    }
    await rejectsWith(store.put(endless()), ErrModelTooLarge, "endless stream");
    assert.deepEqual(await readdir(join(home, "data", "models", "tmp")), []);
  });

  it("verifies the sha256 on every read", async () => {
    const s2home = await mkdtemp(join(tmpdir(), "dgrid-models-"));
    try {
      const s2 = new ModelStore({ home: s2home }, { logger });
      await s2.init();
      const { id } = await s2.put(other);
      const corrupt = new Uint8Array(other);
      corrupt[corrupt.length - 1] ^= 1;
      await writeFile(s2.path(id), corrupt);
      await rejectsWith(s2.read(id), ErrModelCorrupt, "corrupt");
      await s2.close();
    } finally {
      await rm(s2home, { recursive: true, force: true });
    }
  });
});

describe("model store over HTTP and fetch from peers", () => {
  let homeA: string;
  let homeB: string;
  let storeA: ModelStore;
  let storeB: ModelStore;
  let serverA: Awaited<ReturnType<typeof startModelStoreServer>>;
  let liar: Server;
  let liarUrl: string;
  before(async () => {
    homeA = await mkdtemp(join(tmpdir(), "dgrid-models-a-"));
    homeB = await mkdtemp(join(tmpdir(), "dgrid-models-b-"));
    storeA = new ModelStore({ home: homeA, maxModelBytes: 64 * 1024 }, { logger });
    storeB = new ModelStore({ home: homeB, maxModelBytes: 64 * 1024 }, { logger });
    await Promise.all([storeA.init(), storeB.init()]);
    serverA = await startModelStoreServer({ host: "127.0.0.1", port: 0 }, { store: storeA, logger });
    // a peer that serves the wrong file for every id
    liar = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(other);
    });
    await new Promise<void>((r) => liar.listen(0, "127.0.0.1", r));
    liarUrl = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;
  });
  after(async () => {
    await serverA.app.close();
    await Promise.all([storeA.close(), storeB.close()]);
    await new Promise((r) => liar.close(r));
    await rm(homeA, { recursive: true, force: true });
    await rm(homeB, { recursive: true, force: true });
  });

  it("uploads with PUT /models, downloads with GET, answers HEAD", async () => {
    const put = await fetch(`${serverA.url}/models`, { method: "PUT", body: mlp });
    assert.equal(put.status, 201);
    assert.deepEqual(await put.json(), { id: mlpId, size: mlp.length, created: true });
    const again = await fetch(`${serverA.url}/models`, {
      method: "PUT",
      body: mlp,
      headers: { "content-type": "application/json" },
    });
    assert.equal(again.status, 200);
    const get = await fetch(`${serverA.url}/models/${mlpId}`);
    assert.equal(get.status, 200);
    assert.deepEqual(new Uint8Array(await get.arrayBuffer()), mlp);
    const head = await fetch(`${serverA.url}/models/${mlpId}`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(mlp.length));
    assert.equal((await fetch(`${serverA.url}/models/${"0".repeat(64)}`, { method: "HEAD" })).status, 404);
    const missing = await fetch(`${serverA.url}/models/${"0".repeat(64)}`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: number }).code, ErrModelNotFound.code);
    assert.equal((await fetch(`${serverA.url}/models/nothex`)).status, 400);
    const list = await (await fetch(`${serverA.url}/models`)).json();
    assert.deepEqual(list, { models: [{ id: mlpId, size: mlp.length }] });
  });

  it("answers bad uploads with coded errors and keeps serving", async () => {
    const garbage = await fetch(`${serverA.url}/models`, { method: "PUT", body: new Uint8Array(100).fill(0xff) });
    assert.equal(garbage.status, 400);
    const body = (await garbage.json()) as { codespace: string; code: number };
    assert.deepEqual([body.codespace, body.code], ["modelstore", ErrInvalidModel.code]);
    const big = await fetch(`${serverA.url}/models`, { method: "PUT", body: new Uint8Array(65 * 1024) });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { code: number }).code, ErrModelTooLarge.code);
    // no content-length: chunked upload past the limit
    const chunked = await fetch(`${serverA.url}/models`, {
      method: "PUT",
      body: Readable.toWeb(Readable.from([new Uint8Array(40 * 1024), new Uint8Array(40 * 1024)])) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    assert.equal(chunked.status, 413);
    assert.equal((await fetch(`${serverA.url}/models/${mlpId}`, { method: "HEAD" })).status, 200);
  });

  it("fetches from peers: skips a peer with the wrong file, verifies, stores", async () => {
    await rejectsWith(fetchModel(mlpId, [liarUrl], { store: storeB, logger }), ErrModelUnavailable, "liar only");
    await rejectsWith(fetchModel(mlpId, [], { store: storeB, logger }), ErrModelUnavailable, "no peers");
    const res = await fetchModel(mlpId, [liarUrl, "http://127.0.0.1:1", serverA.url], { store: storeB, logger });
    assert.deepEqual([res.id, res.peer], [mlpId, serverA.url]);
    assert.deepEqual(await storeB.read(mlpId), mlp);
    const cached = await fetchModel(mlpId, [], { store: storeB, logger });
    assert.equal(cached.peer, undefined);
    try {
      await fetchModel(other.length ? sha256Hex(new Uint8Array([9])) : "", [liarUrl, serverA.url], {
        store: storeB,
        logger,
      });
      assert.fail("should not fetch");
    } catch (e) {
      assert.ok(ErrModelUnavailable.is(e));
      assert.match((e as Error).message, /HTTP 404/);
      assert.match((e as Error).message, /do not match the expected sha256/);
    }
  });
});
