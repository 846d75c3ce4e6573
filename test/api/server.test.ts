// The REST gateway over a scripted dispatcher: requests built from path, query and body; answers in
// the SDK gateway's JSON; errors, limits and content types; CORS; Swagger. The server keeps serving.
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, test } from "node:test";
import type { ApiServer } from "../../chain/api/server.ts";
import { GrpcCode, ServiceError } from "../../chain/services/dispatcher.ts";
import { QueryRequestRequest } from "../../proto/gen/dgrid/inference/v1/query.ts";
import { QueryModelRequest, QueryModelsRequest, QueryModelsResponse } from "../../proto/gen/dgrid/registry/v1/query.ts";
import { type ScriptedDispatcher, startApi } from "./support.ts";

describe("REST gateway", { timeout: 30_000 }, () => {
  let server: ApiServer;
  let dispatcher: ScriptedDispatcher;
  before(async () => {
    ({ server, dispatcher } = await startApi({ maxBodyBytes: 4096 }));
  });
  after(() => server.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });
  const last = () => dispatcher.calls.at(-1)!;

  test("a path variable and the SDK gateway JSON of the answer (proto names, int64 as strings, defaults, nulls)", async () => {
    dispatcher.answers.set("/dgrid.registry.v1.Query/Models", () => ({
      value: QueryModelsResponse.encode({
        models: [
          {
            id: "ab12",
            name: "mlp",
            version: "1",
            creator: "dgrid1xyz",
            inputs: [{ name: "x", dtype: "float32", shape: [{ size: 4, symbol: "" }] }],
            outputs: [],
            sessionOptions: undefined,
            policy: { exact: {} },
            pricePerCall: { denom: "udgrid", amount: "10" },
            creatorSharePpm: 100_000n,
            goldenVectors: [
              { inputs: [{ name: "x", dtype: "float32", shape: [1], data: new Uint8Array([1, 2]) }], outputs: [] },
            ],
            sizeBytes: 12_345_678_901n,
            registeredHeight: 3n,
            delisted: false,
            card: undefined,
            supersededBy: "",
          },
        ],
        pagination: { nextKey: new Uint8Array(), total: 1n },
      }).finish(),
      height: 42n,
    }));
    const res = await get("/dgrid/registry/v1/models");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(res.headers.get("grpc-metadata-x-cosmos-block-height"), "42");
    assert.equal(
      await res.text(),
      JSON.stringify({
        models: [
          {
            id: "ab12",
            name: "mlp",
            version: "1",
            creator: "dgrid1xyz",
            inputs: [{ name: "x", dtype: "float32", shape: [{ size: 4, symbol: "" }] }],
            outputs: [],
            session_options: null,
            policy: { exact: {} },
            price_per_call: { denom: "udgrid", amount: "10" },
            creator_share_ppm: "100000",
            golden_vectors: [{ inputs: [{ name: "x", dtype: "float32", shape: [1], data: "AQI=" }], outputs: [] }],
            size_bytes: "12345678901",
            registered_height: "3",
            delisted: false,
            card: null,
            superseded_by: "",
          },
        ],
        pagination: { next_key: null, total: "1" },
      }),
    );
    assert.equal(last().path, "/dgrid.registry.v1.Query/Models");
    assert.equal(last().ctx.height, undefined);
  });

  test("path variables are URL-decoded into their fields; uint64 from text", async () => {
    await get("/dgrid/registry/v1/models/a%2Fb%20c");
    assert.deepEqual(QueryModelRequest.decode(last().request), { id: "a/b c" });
    await get("/dgrid/inference/v1/requests/18446744073709551615");
    assert.equal(QueryRequestRequest.decode(last().request).id, 18446744073709551615n);
  });

  test("pagination query parameters (key base64, offset, limit, count_total, reverse), by proto or JSON name", async () => {
    await get(
      "/dgrid/registry/v1/models?pagination.key=AQID%2B%2F8%3D&pagination.offset=5&pagination.limit=10" +
        "&pagination.count_total=true&pagination.reverse=1&unknown=ignored",
    );
    assert.deepEqual(QueryModelsRequest.decode(last().request).pagination, {
      key: new Uint8Array([1, 2, 3, 0xfb, 0xff]),
      offset: 5n,
      limit: 10n,
      countTotal: true,
      reverse: true,
    });
    await get("/dgrid/registry/v1/models?pagination.countTotal=T&pagination.key=AQID-_8");
    const p = QueryModelsRequest.decode(last().request).pagination!;
    assert.equal(p.countTotal, true);
    assert.deepEqual(p.key, new Uint8Array([1, 2, 3, 0xfb, 0xff]));
  });

  test("x-cosmos-block-height reaches the dispatcher; a bad one is a 400", async () => {
    await get("/dgrid/registry/v1/params", { "x-cosmos-block-height": "17" });
    assert.equal(last().ctx.height, 17n);
    const calls = dispatcher.calls.length;
    for (const bad of ["abc", "-1", "1.5", "99999999999999999999"]) {
      const res = await get("/dgrid/registry/v1/params", { "x-cosmos-block-height": bad });
      assert.equal(res.status, 400, bad);
      const body: any = await res.json();
      assert.equal(body.code, GrpcCode.INVALID_ARGUMENT);
      assert.match(body.message, /height/);
      assert.deepEqual(body.details, []);
    }
    assert.equal(dispatcher.calls.length, calls, "no call made for a bad height");
  });

  test("malformed parameters are 400 {code: 3, message, details: []}", async () => {
    for (const path of [
      "/dgrid/inference/v1/requests/abc",
      "/dgrid/inference/v1/requests/-1",
      "/dgrid/registry/v1/models?pagination.limit=ten",
      "/dgrid/registry/v1/models?pagination.count_total=maybe",
      "/dgrid/registry/v1/models?pagination.key=%25%25",
      "/dgrid/registry/v1/models?pagination.limit=1&pagination.limit=2",
      "/dgrid/registry/v1/models?pagination=x",
      "/dgrid/registry/v1/models/%E0%A4%A",
    ]) {
      const res = await get(path);
      assert.equal(res.status, 400, path);
      const body: any = await res.json();
      assert.equal(body.code, 3, path);
      assert.equal(typeof body.message, "string");
      assert.deepEqual(body.details, []);
    }
  });

  test("service errors map to the gateway's HTTP statuses", async () => {
    const cases: [number, number][] = [
      [GrpcCode.NOT_FOUND, 404],
      [GrpcCode.INVALID_ARGUMENT, 400],
      [GrpcCode.UNIMPLEMENTED, 501],
      [GrpcCode.UNAUTHENTICATED, 401],
      [GrpcCode.FAILED_PRECONDITION, 400],
      [GrpcCode.UNKNOWN, 500],
    ];
    for (const [code, status] of cases) {
      dispatcher.answers.set("/dgrid.registry.v1.Query/Model", () => {
        throw new ServiceError(code as GrpcCode, `model x (${code})`);
      });
      const res = await get("/dgrid/registry/v1/models/x");
      assert.equal(res.status, status);
      assert.deepEqual(await res.json(), { code, message: `model x (${code})`, details: [] });
    }
  });

  test("unknown routes are 404 Not Found; a known path with another method is 405", async () => {
    for (const path of ["/", "/nope", "/dgrid/registry/v1/models/a/b/c", "/dgrid/registry/v2/models"]) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(await res.json(), { code: 5, message: "Not Found", details: [] });
    }
    const res = await fetch(`${server.url}/dgrid/registry/v1/models`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(res.status, 405);
    assert.equal(((await res.json()) as any).code, GrpcCode.UNIMPLEMENTED);
  });

  test("a body over the limit is 413, answered before the connection closes; wrong content type 415", async () => {
    const big = await rawPost(server.url, "/dgrid/registry/v1/models", "application/json", "x".repeat(64 * 1024));
    assert.equal(big.status, 413);
    assert.equal(JSON.parse(big.body).code, GrpcCode.RESOURCE_EXHAUSTED);
    assert.match(JSON.parse(big.body).message, /too large/);
    const xml = await fetch(`${server.url}/dgrid/registry/v1/models`, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: "<x/>",
    });
    assert.equal(xml.status, 415);
    const body: any = await xml.json();
    assert.equal(body.code, 3);
    assert.match(body.message, /content type/);
    // still serving
    assert.equal((await get("/dgrid/registry/v1/params")).status, 200);
  });

  test("Swagger UI and the OpenAPI document", async () => {
    const doc: any = await (await get("/swagger/openapi.json")).json();
    assert.equal(doc.openapi, "3.0.3");
    assert.ok(doc.paths["/dgrid/registry/v1/models/{id}"].get);
    const ui = await get("/swagger");
    assert.equal(ui.status, 200);
    assert.match(ui.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await ui.text(), /swagger/i);
  });

  test("no CORS headers unless enabled", async () => {
    const res = await get("/dgrid/registry/v1/params", { origin: "http://127.0.0.1:3000" });
    assert.equal(res.headers.get("access-control-allow-origin"), null);
  });
});

describe("REST gateway with api.enabled-unsafe-cors", { timeout: 10_000 }, () => {
  test("any origin; preflight answered", async () => {
    const { server } = await startApi({ enabledUnsafeCors: true });
    try {
      const res = await fetch(`${server.url}/dgrid/registry/v1/params`, { headers: { origin: "https://app.example" } });
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      const pre = await fetch(`${server.url}/dgrid/registry/v1/params`, {
        method: "OPTIONS",
        headers: {
          origin: "https://app.example",
          "access-control-request-method": "GET",
          "access-control-request-headers": "x-cosmos-block-height",
        },
      });
      assert.equal(pre.status, 204);
      assert.match(pre.headers.get("access-control-allow-headers") ?? "", /x-cosmos-block-height/);
    } finally {
      await server.close();
    }
  });
});

/** A POST through node:http that writes the whole body even after an early answer, and reads that answer. */
function rawPost(base: string, path: string, type: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: "POST", headers: { "content-type": type } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
