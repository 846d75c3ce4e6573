// Param decoding (JSON-RPC and URI forms) and response serialization, property-tested.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { RpcError } from "../../chain/rpc/errors.ts";
import { serialize } from "../../chain/rpc/jsonrpc.ts";
import { RawJson } from "../../chain/rpc/methods.ts";
import { type ParamSpec, paramsFromJson, paramsFromUri } from "../../chain/rpc/params.ts";

const specs: ParamSpec[] = [
  { name: "height", type: "int" },
  { name: "prove", type: "bool" },
  { name: "query", type: "string" },
  { name: "hash", type: "bytes" },
  { name: "data", type: "hexbytes" },
];

const isInvalidParams = (e: unknown) => e instanceof RpcError && e.code === -32602;

describe("rpc params", () => {
  test("safe integers decode from numbers and decimal strings, in both forms", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        assert.equal(paramsFromJson(specs, { height: n }).height, n);
        assert.equal(paramsFromJson(specs, { height: String(n) }).height, n);
        assert.equal(paramsFromJson(specs, [String(n)]).height, n);
        assert.equal(paramsFromUri(specs, { height: String(n) }).height, n);
        assert.equal(paramsFromUri(specs, { height: `"${n}"` }).height, n);
      }),
    );
  });

  test("non-integers and unsafe integers are Invalid params", () => {
    for (const v of [1.5, "1e3", "abc", "", true, {}, [], "9007199254740993", Number.NaN]) {
      assert.throws(() => paramsFromJson(specs, { height: v }), isInvalidParams, JSON.stringify(v));
    }
  });

  test("bytes: base64 in JSON, 0x-hex or quoted text in URIs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (b) => {
        const hex = Buffer.from(b).toString("hex");
        assert.deepEqual(paramsFromJson(specs, { hash: Buffer.from(b).toString("base64") }).hash, b);
        assert.deepEqual(paramsFromJson(specs, { data: hex }).data, b);
        assert.deepEqual(paramsFromUri(specs, { hash: `0x${hex}` }).hash, b);
        assert.deepEqual(paramsFromUri(specs, { data: `0x${hex.toUpperCase()}` }).data, b);
      }),
    );
    assert.deepEqual(paramsFromUri(specs, { data: '"abc"' }).data, new TextEncoder().encode("abc"));
    assert.throws(() => paramsFromUri(specs, { data: "abc" }), isInvalidParams);
    assert.throws(() => paramsFromJson(specs, { data: "abc" }), isInvalidParams);
    assert.throws(() => paramsFromJson(specs, { hash: "***" }), isInvalidParams);
  });

  test("strings must be quoted in URIs; unknown names are ignored; too many positional params rejected", () => {
    assert.equal(paramsFromUri(specs, { query: "\"tm.event='Tx'\"" }).query, "tm.event='Tx'");
    assert.throws(() => paramsFromUri(specs, { query: "tm.event" }), isInvalidParams);
    assert.deepEqual(paramsFromJson(specs, { other: 1 }), {});
    assert.throws(() => paramsFromJson(specs, [1, true, "q", null, null, 6]), isInvalidParams);
    assert.equal(paramsFromUri(specs, { prove: "true" }).prove, true);
    assert.throws(() => paramsFromUri(specs, { prove: "yes" }), isInvalidParams);
  });

  test("arbitrary input either decodes or throws Invalid params, nothing else", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          paramsFromJson(specs, v);
        } catch (e) {
          assert.ok(isInvalidParams(e), String(e));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("rpc serialize", () => {
  test("bigint as decimal strings and raw JSON spliced verbatim", () => {
    const raw = '{"a": [1, 2, {"b": "\\u0000raw0\\u0000"}]}';
    const text = serialize({ x: 12345678901234567890n, genesis: new RawJson(raw), s: "\u0000raw0\u0000" });
    const parsed = JSON.parse(text);
    assert.equal(parsed.x, "12345678901234567890");
    assert.deepEqual(parsed.genesis, JSON.parse(raw));
    assert.equal(parsed.s, "\u0000raw0\u0000");
  });
});
