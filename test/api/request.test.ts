// Query parameters and path variables onto request fields as grpc-gateway maps them: nested fields,
// repeated keys, enums by name or number, bools, 64-bit integers, bytes; bad values refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BadRequestError, requestJson } from "../../chain/api/request.ts";
import { testCatalog } from "./support.ts";

const registry = testCatalog().registry;
const schema = (name: string) => registry.getMessage(name)!;

test("repeated scalars by repeating the key, enums by name or number, bools, int64 as strings", () => {
  const tensor = schema("dgrid.registry.v1.NamedTensor");
  assert.deepEqual(
    requestJson(tensor, { bodyField: "", query: { shape: ["1", "2", "3"], data: ["AQI="] }, pathParams: new Map() }),
    { shape: [1, 2, 3], data: "AQI=" },
  );
  const req = schema("dgrid.inference.v1.InferenceRequest");
  assert.deepEqual(
    requestJson(req, {
      bodyField: "",
      query: { status: ["2"], redundancy: ["3"], created_height: ["9007199254740993"], "max_fee.denom": ["udgrid"] },
      pathParams: new Map(),
    }),
    { status: 2, redundancy: 3, created_height: "9007199254740993", max_fee: { denom: "udgrid" } },
  );
  const byName = requestJson(req, {
    bodyField: "",
    query: { status: ["REQUEST_STATUS_COMMIT"] },
    pathParams: new Map(),
  });
  assert.deepEqual(byName, { status: "REQUEST_STATUS_COMMIT" });
});

test("path variables win over query parameters of the same name", () => {
  const m = schema("dgrid.registry.v1.QueryModelRequest");
  assert.deepEqual(requestJson(m, { bodyField: "", query: { id: ["q"] }, pathParams: new Map([["id", "p"]]) }), {
    id: "p",
  });
});

test("a body '*' is the request, and query parameters are then ignored", () => {
  const m = schema("dgrid.registry.v1.QueryModelRequest");
  assert.deepEqual(requestJson(m, { body: { id: "b" }, bodyField: "*", query: { id: ["q"] }, pathParams: new Map() }), {
    id: "b",
  });
  assert.throws(() => requestJson(m, { body: [1], bodyField: "*", query: {}, pathParams: new Map() }), BadRequestError);
});

test("bad values are BadRequestError", () => {
  const req = schema("dgrid.inference.v1.InferenceRequest");
  for (const query of [
    { redundancy: ["x"] },
    { created_height: ["1e3"] },
    { "max_fee.denom": ["a", "b"] },
    { "executors.x": ["1"] },
    { max_fee: ["x"] },
  ])
    assert.throws(
      () => requestJson(req, { bodyField: "", query, pathParams: new Map() }),
      BadRequestError,
      JSON.stringify(query),
    );
});
