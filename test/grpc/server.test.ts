// The gRPC door with a fake dispatcher: calls reach the dispatcher with the request's bytes and the
// x-cosmos-block-height metadata, the answer's height comes back as response metadata, ServiceErrors
// keep their code and message, and bad calls are refused without stopping the server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DescMessage, fromJson, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import type { GrpcServer } from "../../chain/grpc/server.ts";
import { GrpcCode, ServiceError } from "../../chain/services/dispatcher.ts";
import { GrpcReflectionClient } from "../support/grpc-reflection-client.ts";
import { FakeDispatcher, startServer, testCatalog } from "./fixture.ts";

const PARAMS = "/dgrid.registry.v1.Query/Params";
const MODEL = "/dgrid.registry.v1.Query/Model";
const catalog = testCatalog();

/** A QueryModelRequest's bytes. */
function modelRequest(id: string): Uint8Array {
  const input = catalog.method(MODEL)?.desc.input as DescMessage;
  return toBinary(input, fromJson(input, { id }));
}

/** What the fake answers: a QueryModelResponse-shaped reply per path, or the error a test asks for. */
function answer(path: string, request: Uint8Array) {
  if (path === MODEL) {
    const id = new TextDecoder().decode(request.subarray(2));
    if (id === "missing") throw new ServiceError(GrpcCode.NOT_FOUND, "model missing not found");
    if (id === "boom") throw new Error("disk on fire");
  }
  return { value: Uint8Array.of(0x0a, 0x00), height: 42n };
}

describe("gRPC server", () => {
  const dispatcher = new FakeDispatcher((c) => answer(c.path, c.request));
  let server: GrpcServer;
  let client: GrpcReflectionClient;

  before(async () => {
    server = await startServer(dispatcher, { maxRecvMsgSize: 64 * 1024 }, catalog);
    client = new GrpcReflectionClient({ address: server.address });
  });
  after(async () => {
    client.close();
    await server.close(1_000);
  });

  it("binds a free port and says which", () => {
    assert.match(server.address, /^127\.0\.0\.1:[1-9][0-9]*$/);
  });

  it("hands a call to the dispatcher with its bytes and the requested height", async () => {
    const req = modelRequest("m1");
    const res = await client.callRaw(MODEL, req, { height: 7n });
    const last = dispatcher.calls.at(-1);
    assert.equal(last?.path, MODEL);
    assert.deepEqual(last?.request, req);
    assert.equal(last?.ctx.height, 7n);
    assert.deepEqual([...res.bytes], [0x0a, 0x00]);
    assert.equal(res.height, "42", "the answer's height is the response's x-cosmos-block-height");
  });

  it("reads no height as latest (undefined), and 0 too", async () => {
    await client.callRaw(PARAMS, new Uint8Array());
    assert.equal(dispatcher.calls.at(-1)?.ctx.height, undefined);
    await client.callRaw(PARAMS, new Uint8Array(), { height: 0n });
    assert.equal(dispatcher.calls.at(-1)?.ctx.height, undefined);
  });

  it("refuses a bad or negative height with INVALID_ARGUMENT before dispatching", async () => {
    const before = dispatcher.calls.length;
    for (const bad of ["abc", "1.5", "-3", "9223372036854775808", ""]) {
      const md = new grpc.Metadata();
      md.set("x-cosmos-block-height", bad);
      await assert.rejects(client.callRaw(PARAMS, new Uint8Array(), { metadata: md }), (e: grpc.ServiceError) => {
        assert.equal(e.code, grpc.status.INVALID_ARGUMENT, bad);
        assert.match(e.details, bad === "-3" ? /height < 0/ : /invalid height header "x-cosmos-block-height"/);
        return true;
      });
    }
    assert.equal(dispatcher.calls.length, before);
  });

  it("maps a ServiceError to its code and message, anything else to UNKNOWN", async () => {
    await assert.rejects(client.callRaw(MODEL, modelRequest("missing")), (e: grpc.ServiceError) => {
      assert.equal(e.code, grpc.status.NOT_FOUND);
      assert.equal(e.details, "model missing not found");
      return true;
    });
    await assert.rejects(client.callRaw(MODEL, modelRequest("boom")), (e: grpc.ServiceError) => {
      assert.equal(e.code, grpc.status.UNKNOWN);
      return true;
    });
  });

  it("refuses malformed request bytes with INVALID_ARGUMENT and keeps serving", async () => {
    const before = dispatcher.calls.length;
    const garbage = [
      Uint8Array.of(0xff, 0xff, 0xff), // a tag whose varint never ends
      Uint8Array.of(0x0a, 0x05, 0x61), // a string field longer than the message
      Uint8Array.of(0x0b), // wire type 3 (start group) with no end
    ];
    for (const bytes of garbage)
      await assert.rejects(client.callRaw(MODEL, bytes), (e: grpc.ServiceError) => {
        assert.equal(e.code, grpc.status.INVALID_ARGUMENT, String([...bytes]));
        assert.match(e.details, /cannot decode the request as dgrid\.registry\.v1\.QueryModelRequest/);
        return true;
      });
    assert.equal(dispatcher.calls.length, before, "nothing malformed reached the dispatcher");
    const ok = await client.callRaw(PARAMS, new Uint8Array());
    assert.deepEqual([...ok.bytes], [0x0a, 0x00]);
  });

  it("answers UNIMPLEMENTED for a method it does not serve, Msg services included", async () => {
    for (const path of [
      "/dgrid.registry.v1.Query/Nope",
      "/no.such.Service/Call",
      "/dgrid.registry.v1.Msg/RegisterModel",
    ])
      await assert.rejects(client.callRaw(path, new Uint8Array()), (e: grpc.ServiceError) => {
        assert.equal(e.code, grpc.status.UNIMPLEMENTED, path);
        return true;
      });
  });

  it("refuses a request over max receive size with RESOURCE_EXHAUSTED", async () => {
    const big = modelRequest("x".repeat(70 * 1024));
    await assert.rejects(client.callRaw(MODEL, big), (e: grpc.ServiceError) => {
      assert.equal(e.code, grpc.status.RESOURCE_EXHAUSTED);
      return true;
    });
  });
});

describe("gRPC server lifecycle", () => {
  it("close() waits for a running call, then stops listening", async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const dispatcher = new FakeDispatcher(async () => {
      await gate;
      return { value: new Uint8Array() };
    });
    const server = await startServer(dispatcher, {}, catalog);
    const client = new GrpcReflectionClient({ address: server.address });
    const running = client.callRaw(PARAMS, new Uint8Array());
    while (dispatcher.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    const closing = server.close(5_000);
    release();
    const res = await running;
    assert.equal(res.height, undefined, "no height known: no height metadata");
    await closing;
    await assert.rejects(client.callRaw(PARAMS, new Uint8Array()), (e: grpc.ServiceError) => {
      assert.equal(e.code, grpc.status.UNAVAILABLE);
      return true;
    });
    client.close();
  });

  it("close() cuts off a call still running after the timeout", async () => {
    const dispatcher = new FakeDispatcher(() => new Promise(() => {}));
    const server = await startServer(dispatcher, {}, catalog);
    const client = new GrpcReflectionClient({ address: server.address });
    const running = client.callRaw(PARAMS, new Uint8Array());
    while (dispatcher.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    await server.close(200);
    assert.ok(Date.now() - t0 < 2_000);
    await assert.rejects(running);
    client.close();
  });

  it("refuses an unusable laddr with a clear error", async () => {
    await assert.rejects(
      startServer(new FakeDispatcher(() => ({ value: new Uint8Array() })), { laddr: "nonsense" }, catalog),
      /invalid listen address "nonsense"/,
    );
  });
});
