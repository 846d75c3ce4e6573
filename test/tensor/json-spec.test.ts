// The tensor library's JSON form (chain/tensor/json.ts) and its specs (chain/tensor/spec.ts): model
// specs with symbolic dims, and tensors matched against them (registration, requests, reveals).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { tensorsEqual } from "../../chain/tensor/canonical.ts";
import { DTYPE_NAMES, DTYPES, type DType, type Tensor } from "../../chain/tensor/dtype.ts";
import { tensorFromJson, tensorToJson, tensorValues } from "../../chain/tensor/json.ts";
import { checkSpecs, matchSpecs } from "../../chain/tensor/spec.ts";
import type { NamedTensor, TensorSpec } from "../../proto/gen/dgrid/registry/v1/registry.ts";

describe("tensor JSON", () => {
  it("reads numeric or base64 data and checks the byte count", () => {
    const a = tensorFromJson({ dtype: "float32", shape: [1, 2], data: [0.5, -1] });
    assert.deepEqual(tensorValues(a), [0.5, -1]);
    const b = tensorFromJson({ dtype: "float32", shape: [1, 2], data: Buffer.from(a.data).toString("base64") });
    assert.deepEqual(b.data, a.data);
    const c = tensorFromJson({ dtype: "int64", shape: [2], data: ["9007199254740993", 3] });
    assert.deepEqual(tensorValues(c), ["9007199254740993", "3"]);
    assert.deepEqual(tensorFromJson({ dtype: "bool", shape: [3], data: [true, 0, 1] }).data, Uint8Array.of(1, 0, 1));
    assert.throws(
      () => tensorFromJson({ dtype: "float32", shape: [3], data: [1, 2] }, "in"),
      /^Error: in: 8 data bytes/,
    );
    assert.throws(() => tensorFromJson({ dtype: "complex", shape: [1], data: [1] }), /unknown dtype "complex"/);
    assert.throws(() => tensorFromJson({ dtype: "int8", shape: [1], data: [""] }), /bad element ""/);
    assert.throws(() => tensorFromJson({ dtype: "int8", shape: [-1], data: [] }), /non-negative integers/);
    assert.throws(() => tensorFromJson({ dtype: "int8", shape: [1], data: "%%" }), /not valid base64/);
  });

  it("refuses int64 elements that are not integers in range with a plain Error naming the tensor (fuzz)", () => {
    // bench/fuzz tensor target, seed 1: a null element threw "TypeError: Cannot convert null to a BigInt"
    const fuzzed = [false, 0, false, 0, 0, false, null, "1", "1", 0, "1", false, 0, 0, 0, 0];
    const bad: unknown[][] = [fuzzed, [null], ["abc"], [1.5], [""], ["1e3"], ["9223372036854775808"], [-(2 ** 63) * 2]];
    for (const data of bad) {
      assert.throws(
        () => tensorFromJson({ dtype: "int64", shape: [data.length], data: data as never }, "t"),
        (e: unknown) =>
          e instanceof Error && e.constructor === Error && /^t: (bad int64 element|int64 element)/.test(e.message),
        JSON.stringify(data),
      );
    }
    const ok = tensorFromJson({ dtype: "int64", shape: [4], data: ["-5", 7, true, " 9223372036854775807 "] });
    assert.deepEqual([...new BigInt64Array(ok.data.buffer)], [-5n, 7n, 1n, 9223372036854775807n]);
  });

  it("refuses a shape whose element count leaves the safe integers, as checkTensor does (fuzz)", () => {
    // bench/fuzz tensor target, seed 46: accepted with 0 bytes (2^31 x (2^32+1) x 0), then
    // checkTensor and canonicalOutput refused the tensor it returned ("tensor too large")
    assert.throws(
      () => tensorFromJson({ dtype: "int8", shape: [2147483648, 4294967297, 0], data: "" }, "t"),
      /^Error: t: shape \[2147483648,4294967297,0\]: tensor too large/,
    );
    assert.equal(tensorFromJson({ dtype: "int8", shape: [0, 4294967297], data: "" }).data.length, 0);
  });

  it("tensorToJson and tensorFromJson round trip every dtype (property)", () => {
    const tensor = fc
      .record({
        dtype: fc.constantFrom(...DTYPE_NAMES) as fc.Arbitrary<DType>,
        shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
      })
      .chain(({ dtype, shape }) => {
        const n = shape.reduce((x, y) => x * y, 1) * DTYPES[dtype].size;
        return fc.uint8Array({ minLength: n, maxLength: n }).map((data): Tensor => ({ dtype, shape, data }));
      });
    fc.assert(
      fc.property(tensor, (t) => {
        const j = JSON.parse(JSON.stringify(tensorToJson(t)));
        assert.ok(tensorsEqual(tensorFromJson(j), t));
      }),
    );
  });
});

const limits = { maxTensors: 4, maxRank: 3, maxNameLength: 8 };
const dim = (d: number | string) => (typeof d === "number" ? { size: d, symbol: "" } : { size: 0, symbol: d });
const spec = (name: string, dtype: string, shape: (number | string)[]): TensorSpec => ({
  name,
  dtype,
  shape: shape.map(dim),
});
const named = (name: string, dtype: DType, shape: number[], bytes?: number): NamedTensor => ({
  name,
  dtype,
  shape,
  data: new Uint8Array(bytes ?? shape.reduce((x, y) => x * y, 1) * DTYPES[dtype].size),
});

describe("tensor specs", () => {
  const specs = [spec("x", "float32", ["batch", 3]), spec("m", "int64", ["batch"])];

  it("checkSpecs refuses malformed specs with the reason", () => {
    checkSpecs(specs, "inputs", limits);
    const bad: [TensorSpec[], RegExp][] = [
      [[], /inputs: at least one tensor is required/],
      [[spec("a", "int8", []), spec("a", "int8", [])], /duplicate tensor name a/],
      [[spec("a", "q", [])], /inputs\.a: unknown dtype "q"/],
      [[{ name: "a", dtype: "int8", shape: [{ size: 1, symbol: "s" }] }], /either a size or a symbol/],
      [[spec("a", "int8", ["1s"])], /invalid symbol "1s"/],
      [[spec("a", "int8", [0])], /a fixed dimension must be at least 1/],
      [[spec("a", "int8", [1, 1, 1, 1])], /rank above 3/],
      [[spec("waytoolong", "int8", [])], /invalid tensor name/],
    ];
    for (const [s, re] of bad) assert.throws(() => checkSpecs(s, "inputs", limits), re);
  });

  it("matchSpecs refuses a spec of an unknown dtype with a plain Error (fuzz)", () => {
    // bench/fuzz tensor target, seed 3: "TypeError: Cannot read properties of undefined (reading 'size')"
    const spec = [{ name: "x", dtype: "float16", shape: [] }];
    const tensors = [{ name: "x", dtype: "float16", shape: [], data: new Uint8Array(4) }];
    assert.throws(
      () => matchSpecs(spec, tensors, "inputs"),
      (e: unknown) =>
        e instanceof Error && e.constructor === Error && /inputs\.x: unknown dtype "float16"/.test(e.message),
    );
  });

  it("matchSpecs binds each symbol to one value and counts the data bytes", () => {
    assert.equal(matchSpecs(specs, [named("x", "float32", [2, 3]), named("m", "int64", [2])], "inputs"), 40);
    const bad: [NamedTensor[], RegExp][] = [
      [[named("x", "float32", [2, 3]), named("m", "int64", [3])], /inputs\.m: batch = 3 but 2 elsewhere/],
      [[named("x", "float32", [0, 3]), named("m", "int64", [0])], /dimension 0 must be at least 1/],
      [[named("x", "float32", [2, 4]), named("m", "int64", [2])], /dimension 1 is 4, spec says 3/],
      [[named("x", "float32", [2, 3]), named("m", "int32", [2])], /dtype int32, spec says int64/],
      [[named("x", "float32", [2, 3])], /missing tensor m/],
      [[named("x", "float32", [2, 3]), named("m", "int64", [2]), named("z", "int8", [1])], /unexpected tensor z/],
      [[named("x", "float32", [2, 3], 5), named("m", "int64", [2])], /5 data bytes, shape needs 24/],
    ];
    for (const [t, re] of bad) assert.throws(() => matchSpecs(specs, t, "inputs"), re);
  });
});
