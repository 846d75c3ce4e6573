// ABCI query failures as the gRPC statuses an SDK node answers (the REST status follows from them).
import assert from "node:assert/strict";
import { test } from "node:test";
import { invalidArgument, notFound } from "../../chain/baseapp/grpc-errors.ts";
import { abciInfo } from "../../chain/errors/errors.ts";
import { GrpcCode, grpcCodeOfAbci, ServiceDispatcher, serviceErrorOfAbci } from "../../chain/services/dispatcher.ts";

test("a query handler's gRPC status comes back with its own message", () => {
  const nf = abciInfo(notFound("account dgrid1x not found"));
  const e = serviceErrorOfAbci(nf.code, nf.codespace, nf.log);
  assert.equal(e.code, GrpcCode.NOT_FOUND);
  assert.equal(e.message, "account dgrid1x not found");
  assert.deepEqual(e.abci, { code: 22, codespace: "sdk" });
  const ia = abciInfo(invalidArgument("empty model id"));
  assert.deepEqual(
    [serviceErrorOfAbci(ia.code, ia.codespace, ia.log).code, serviceErrorOfAbci(ia.code, ia.codespace, ia.log).message],
    [GrpcCode.INVALID_ARGUMENT, "empty model id"],
  );
});

test("other errors: the inverse of baseapp's gRPCErrorToSDKError, else UNKNOWN", () => {
  assert.equal(grpcCodeOfAbci(22, "sdk"), GrpcCode.NOT_FOUND);
  assert.equal(grpcCodeOfAbci(38, "sdk"), GrpcCode.NOT_FOUND);
  assert.equal(grpcCodeOfAbci(18, "sdk"), GrpcCode.INVALID_ARGUMENT);
  assert.equal(grpcCodeOfAbci(4, "sdk"), GrpcCode.UNAUTHENTICATED);
  assert.equal(grpcCodeOfAbci(6, "sdk"), GrpcCode.UNIMPLEMENTED);
  assert.equal(grpcCodeOfAbci(1, "undefined"), GrpcCode.INTERNAL);
  assert.equal(grpcCodeOfAbci(5, "sdk"), GrpcCode.UNKNOWN);
  assert.equal(grpcCodeOfAbci(3, "registry"), GrpcCode.UNKNOWN);
  assert.equal(
    serviceErrorOfAbci(18, "sdk", "cannot query with height in the future: invalid request").message,
    "cannot query with height in the future: invalid request",
  );
});

test("the dispatcher reports the height an ABCI query read; handlers first", async () => {
  const d = new ServiceDispatcher({
    abciQuery: async (req) => ({
      code: 0,
      log: "",
      info: "",
      index: 0n,
      key: new Uint8Array(),
      value: new Uint8Array([1]),
      proofOps: undefined,
      height: req.height === 0n ? 9n : req.height,
      codespace: "",
    }),
    handlers: new Map([["/x.Service/Y", async () => new Uint8Array([2])]]),
  });
  assert.deepEqual(await d.callWithHeight("/a.Query/B", new Uint8Array(), {}), {
    value: new Uint8Array([1]),
    height: 9n,
  });
  assert.deepEqual(await d.callWithHeight("/a.Query/B", new Uint8Array(), { height: 4n }), {
    value: new Uint8Array([1]),
    height: 4n,
  });
  assert.deepEqual(await d.callWithHeight("/x.Service/Y", new Uint8Array(), {}), { value: new Uint8Array([2]) });
  assert.deepEqual(await d.call("/x.Service/Y", new Uint8Array()), new Uint8Array([2]));
});
