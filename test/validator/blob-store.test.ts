// The node's blob store (validator/blob-store): content addressing, the size bounds, retention, the
// HTTP endpoint (409 on bytes that do not match the name, 413 over the limit with the registered
// error) and fetching from peers by hash (a peer that serves other bytes is skipped); plus the
// chain's checks of blob references (modules/inference/blobs.ts).
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { checkItemBlobs, withBlobData } from "../../modules/inference/blobs.ts";
import { ErrInvalidBlob, ErrInvalidInput } from "../../modules/inference/errors.ts";
import { BlobStore } from "../../validator/blob-store/blob-store.ts";
import { BlobFetcher } from "../../validator/blob-store/fetch.ts";
import { blobStoreRoutes } from "../../validator/blob-store/http.ts";
import { FORWARDED_HEADER, outputStoreRoutes } from "../../validator/blob-store/output-routes.ts";
import {
  ErrBlobHashMismatch,
  ErrBlobNotFound,
  ErrBlobTooLarge,
  ErrBlobUnavailable,
  ErrInvalidBlobHash,
} from "../../validator/errors.ts";

const logger = pino({ level: "silent" });
const hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function serve(store: BlobStore): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify() as unknown as FastifyInstance;
  await app.register(blobStoreRoutes(store));
  await app.listen({ host: "127.0.0.1", port: 0 });
  const addr = app.server.address();
  return { app, url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}` };
}

describe("blob store", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "dgrid-blobs-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const store = (home: string, opts: Partial<{ max: number; total: number; retention: number }> = {}) =>
    new BlobStore(
      {
        home,
        maxBlobBytes: opts.max ?? 4096,
        maxTotalBytes: opts.total ?? 1 << 20,
        retentionMs: opts.retention ?? 60_000,
      },
      { logger },
    );

  it("keeps bytes under their sha256, refuses other bytes, oversized ones and bad names", async () => {
    const s = store(join(dir, "a"));
    await s.init();
    const b = randomBytes(1000);
    assert.deepEqual(await s.put(hex(b), b), { created: true });
    assert.deepEqual(await s.put(hex(b), b), { created: false });
    assert.deepEqual(Buffer.from(await s.read(hex(b))), b);
    await assert.rejects(s.put(hex(randomBytes(5)), b), (e) => ErrBlobHashMismatch.is(e));
    await assert.rejects(s.put(hex(b), b, 999), (e) => ErrBlobHashMismatch.is(e));
    const big = randomBytes(4097);
    await assert.rejects(s.put(hex(big), big), (e) => ErrBlobTooLarge.is(e));
    await assert.rejects(s.read("../etc/passwd"), (e) => ErrInvalidBlobHash.is(e));
    await assert.rejects(s.read(hex(randomBytes(3))), (e) => ErrBlobNotFound.is(e));
  });

  it("evicts the oldest blobs past the total bound and prunes past the retention window", async () => {
    const s = store(join(dir, "b"), { total: 2500, retention: 60_000 });
    await s.init();
    const blobs = [randomBytes(1000), randomBytes(1000), randomBytes(1000)];
    for (const [i, b] of blobs.entries()) {
      await s.put(hex(b), b);
      const t = new Date(Date.now() - (10 - i) * 1000);
      await utimes(join(s.dir, hex(b)), t, t);
    }
    assert.equal(await s.size(hex(blobs[0])), undefined, "the oldest went to make room");
    assert.equal(await s.size(hex(blobs[2])), 1000);
    const old = new Date(Date.now() - 120_000);
    await utimes(join(s.dir, hex(blobs[1])), old, old);
    assert.equal(await s.prune(), 1);
    assert.equal(await s.size(hex(blobs[1])), undefined);
    assert.equal(await s.size(hex(blobs[2])), 1000);
  });

  it("after settlement: prunes the blobs no pending request names once past the grace; an upload again restarts it", async () => {
    const s = store(join(dir, "settled"), { retention: 3_600_000 });
    await s.init();
    const [settled, pending, fresh, again] = [randomBytes(100), randomBytes(100), randomBytes(100), randomBytes(100)];
    const ago = (ms: number) => new Date(Date.now() - ms);
    for (const b of [settled, pending, fresh, again]) await s.put(hex(b), b);
    for (const b of [settled, pending, again]) await utimes(join(s.dir, hex(b)), ago(400_000), ago(400_000));
    await utimes(join(s.dir, hex(fresh)), ago(10_000), ago(10_000));
    // the next request with the same input uploads it again: its grace starts anew
    assert.deepEqual(await s.put(hex(again), again), { created: false });
    // nothing past the grace: the chain's pending requests are not even asked for
    let asked = 0;
    const count = async () => {
      asked++;
      return new Set<string>();
    };
    assert.deepEqual([await s.pruneSettled(count, 3_600_000), asked], [0, 0]);
    assert.equal(await s.pruneSettled(async () => new Set([hex(pending)]), 300_000), 1);
    assert.equal(await s.size(hex(settled)), undefined, "no pending request names it, past the grace");
    assert.equal(await s.size(hex(pending)), 100, "a pending request names it");
    assert.equal(await s.size(hex(fresh)), 100, "within the grace (its tx may not be in a block yet)");
    assert.equal(await s.size(hex(again)), 100, "uploaded again within the grace");
    // once its request settled too
    assert.equal(await s.pruneSettled(async () => new Set(), 300_000), 1);
    assert.equal(await s.size(hex(pending)), undefined);
    assert.equal((await s.list()).length, 2);
  });

  it("HTTP: PUT 201, GET the bytes, 409 on a mismatch, 413 over the limit (registered error), 404 unknown", async () => {
    const s = store(join(dir, "c"));
    await s.init();
    const { app, url } = await serve(s);
    try {
      const b = randomBytes(2000);
      const put = await fetch(`${url}/blobs/${hex(b)}`, { method: "PUT", body: b });
      assert.equal(put.status, 201);
      const got = await fetch(`${url}/blobs/${hex(b)}`);
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), b);
      const head = await fetch(`${url}/blobs/${hex(b)}`, { method: "HEAD" });
      assert.equal(head.headers.get("content-length"), "2000");
      const bad = await fetch(`${url}/blobs/${hex(randomBytes(1))}`, { method: "PUT", body: b });
      assert.equal(bad.status, 409);
      assert.equal(((await bad.json()) as { code: number }).code, ErrBlobHashMismatch.code);
      const big = randomBytes(5000);
      const over = await fetch(`${url}/blobs/${hex(big)}`, { method: "PUT", body: big });
      assert.equal(over.status, 413);
      const body = (await over.json()) as { codespace: string; code: number };
      assert.deepEqual([body.codespace, body.code], ["blobstore", ErrBlobTooLarge.code]);
      assert.equal((await fetch(`${url}/blobs/${hex(big)}`)).status, 404);
      assert.equal((await fetch(`${url}/blobs/nothex`)).status, 400);
    } finally {
      await app.close();
    }
  });

  it("fetches from a peer by hash, skips a peer serving other bytes, gives up with ErrBlobUnavailable", async () => {
    const peer = store(join(dir, "peer"));
    await peer.init();
    const b = randomBytes(3000);
    await peer.put(hex(b), b);
    const { app, url } = await serve(peer);
    // a lying peer: answers every hash with the same other bytes
    const liar = Fastify() as unknown as FastifyInstance;
    liar.get("/blobs/:h", async (_req, reply) => reply.send(randomBytes(3000)));
    await liar.listen({ host: "127.0.0.1", port: 0 });
    const liarUrl = `http://127.0.0.1:${(liar.server.address() as { port: number }).port}`;
    try {
      const local = store(join(dir, "local"));
      await local.init();
      const f = new BlobFetcher({ peers: [liarUrl, url], waitMs: 500, retryMs: 50 }, { store: local, logger });
      assert.deepEqual(Buffer.from(await f.obtain(hex(b), 3000)), b);
      assert.equal(await local.size(hex(b)), 3000, "kept in the local store");
      const t0 = Date.now();
      await assert.rejects(f.obtain(hex(randomBytes(4)), 3000), (e) => ErrBlobUnavailable.is(e));
      assert.ok(Date.now() - t0 >= 400, "kept trying for the wait window");
    } finally {
      await app.close();
      await liar.close();
    }
  });
});

describe("output store routes", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "dgrid-outputs-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const outputs = (home: string) =>
    new BlobStore(
      { home, subdir: "outputs", maxBlobBytes: 1 << 20, maxTotalBytes: 1 << 22, retentionMs: 60_000 },
      { logger },
    );
  async function serveOutputs(store: BlobStore, peers: string[]) {
    const app = Fastify() as unknown as FastifyInstance;
    await app.register(outputStoreRoutes(store, { peers, peerTimeoutMs: 2000 }, { logger }));
    await app.listen({ host: "127.0.0.1", port: 0 });
    return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
  }

  it("serves held outputs, asks peers once for others (keeping what hashes right), never forwards a forwarded request", async () => {
    const executor = outputs(join(dir, "executor"));
    await executor.init();
    assert.ok(executor.dir.endsWith(join("data", "outputs")));
    const bytes = randomBytes(5000);
    await executor.put(hex(bytes), bytes);
    const a = await serveOutputs(executor, []);
    // a lying peer first: it answers every hash with other bytes
    const liar = Fastify() as unknown as FastifyInstance;
    liar.get("/outputs/:h", async (_req, reply) => reply.send(randomBytes(5000)));
    await liar.listen({ host: "127.0.0.1", port: 0 });
    const liarUrl = `http://127.0.0.1:${(liar.server.address() as { port: number }).port}`;
    const local = outputs(join(dir, "client-node"));
    await local.init();
    const b = await serveOutputs(local, [liarUrl, a.url]);
    try {
      const head = await fetch(`${a.url}/outputs/${hex(bytes)}`, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get("content-length"), "5000");
      // the client's node does not hold them: it asks its peers, skips the liar, keeps the right bytes
      assert.equal((await fetch(`${b.url}/outputs/${hex(bytes)}`, { method: "HEAD" })).status, 404);
      const res = await fetch(`${b.url}/outputs/${hex(bytes)}`);
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
      assert.equal(await local.size(hex(bytes)), 5000);
      // unknown anywhere: 404 with the registered code; a forwarded request is answered locally only
      const unknown = hex(randomBytes(8));
      const miss = await fetch(`${b.url}/outputs/${unknown}`);
      assert.equal(miss.status, 404);
      assert.equal(((await miss.json()) as { codespace: string }).codespace, "blobstore");
      const fwd = await fetch(`${a.url}/outputs/${hex(randomBytes(8))}`, { headers: { [FORWARDED_HEADER]: "1" } });
      assert.equal(fwd.status, 404);
      assert.equal((await fetch(`${b.url}/outputs/not-a-hash`)).status, 400);
      // read-only: no upload route
      assert.equal((await fetch(`${b.url}/outputs/${hex(bytes)}`, { method: "PUT", body: bytes })).status, 404);
    } finally {
      await a.app.close();
      await b.app.close();
      await liar.close();
    }
  });
});

describe("blob references (chain checks)", () => {
  const t = (name: string, rows: number, data = new Uint8Array()) => ({
    name,
    dtype: "float32",
    shape: [rows, 16],
    data,
  });
  const ref = (name: string, size: bigint, sha = new Uint8Array(32)) => ({ name, sha256: sha, sizeBytes: size });

  it("sizes by name for matchSpecs; malformed references are ErrInvalidBlob; inline over the threshold ErrInvalidInput", () => {
    assert.deepEqual([...checkItemBlobs([t("x", 4)], [ref("x", 256n)], "inputs", 1024n)], [["x", 256]]);
    assert.throws(
      () => checkItemBlobs([t("x", 4)], [ref("y", 256n)], "inputs", 1024n),
      (e) => ErrInvalidBlob.is(e),
    );
    assert.throws(
      () => checkItemBlobs([t("x", 4)], [ref("x", 256n), ref("x", 256n)], "inputs", 1024n),
      (e) => ErrInvalidBlob.is(e),
    );
    assert.throws(
      () => checkItemBlobs([t("x", 4)], [ref("x", 256n, new Uint8Array(31))], "inputs", 1024n),
      (e) => ErrInvalidBlob.is(e),
    );
    assert.throws(
      () => checkItemBlobs([t("x", 4, new Uint8Array(256))], [ref("x", 256n)], "inputs", 1024n),
      (e) => ErrInvalidBlob.is(e),
    );
    assert.throws(
      () => checkItemBlobs([t("x", 32, new Uint8Array(2048))], [], "inputs", 1024n),
      (e) => ErrInvalidInput.is(e) && /blob_threshold_bytes/.test((e as Error).message),
    );
    assert.equal(checkItemBlobs([t("x", 32, new Uint8Array(2048))], [], "inputs", 0n).size, 0, "0: no bound");
  });

  it("withBlobData puts each blob's bytes in its tensor", () => {
    const bytes = new Uint8Array(256).fill(7);
    const out = withBlobData([t("x", 4), t("y", 1, new Uint8Array(64))], [ref("x", 256n)], () => bytes);
    assert.equal(out[0].data, bytes);
    assert.equal(out[1].data.length, 64);
  });
});
