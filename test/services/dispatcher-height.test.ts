// ServiceDispatcher.callWithHeight: the height an answer was read at, which the gRPC door echoes as
// x-cosmos-block-height: the ABCI query's own height, or the requested one for node-served handlers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RequestQuery, ResponseQuery } from "cosmjs-types/tendermint/abci/types";
import { GrpcCode, ServiceDispatcher, ServiceError } from "../../chain/services/dispatcher.ts";

function response(r: Partial<ResponseQuery>): ResponseQuery {
  return {
    code: 0,
    log: "",
    info: "",
    index: 0n,
    key: new Uint8Array(),
    value: new Uint8Array(),
    height: 0n,
    codespace: "",
    ...r,
  };
}

describe("ServiceDispatcher.callWithHeight", () => {
  const asked: RequestQuery[] = [];
  const dispatcher = new ServiceDispatcher({
    abciQuery: async (req) => {
      asked.push(req);
      if (req.path === "/x.Query/Fail") return response({ code: 18, codespace: "sdk", log: "bad: invalid request" });
      return response({ value: Uint8Array.of(1, 2), height: req.height === 0n ? 12n : req.height });
    },
    handlers: new Map([["/node.Service/Status", async () => Uint8Array.of(9)]]),
  });

  it("answers the ABCI query's height, latest or requested", async () => {
    assert.deepEqual(await dispatcher.callWithHeight("/x.Query/A", new Uint8Array()), {
      value: Uint8Array.of(1, 2),
      height: 12n,
    });
    assert.equal((await dispatcher.callWithHeight("/x.Query/A", new Uint8Array(), { height: 5n })).height, 5n);
    assert.equal(asked.at(-1)?.height, 5n);
    assert.deepEqual(await dispatcher.call("/x.Query/A", new Uint8Array()), Uint8Array.of(1, 2));
  });

  it("answers a node handler's requested height, none at latest", async () => {
    assert.deepEqual(await dispatcher.callWithHeight("/node.Service/Status", new Uint8Array(), { height: 7n }), {
      value: Uint8Array.of(9),
      height: 7n,
    });
    assert.deepEqual(await dispatcher.callWithHeight("/node.Service/Status", new Uint8Array()), {
      value: Uint8Array.of(9),
    });
  });

  it("still refuses what the app refuses, with the gRPC code", async () => {
    await assert.rejects(dispatcher.callWithHeight("/x.Query/Fail", new Uint8Array()), (e: ServiceError) => {
      assert.ok(e instanceof ServiceError);
      assert.equal(e.code, GrpcCode.INVALID_ARGUMENT);
      return true;
    });
  });
});
