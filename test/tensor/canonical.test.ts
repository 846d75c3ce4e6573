// The canonical output encoding of the tensor library (chain/tensor/canonical.ts): the bytes that
// commitments hash and the "exact" policy compares. These tests pin those bytes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { canonicalOutput, namedFromTensors, tensorsFromNamed } from "../../chain/tensor/canonical.ts";
import { DTYPE_NAMES, DTYPES, type DType, type Outputs, type Tensor } from "../../chain/tensor/dtype.ts";

function f32(values: number[], shape = [values.length]): Tensor {
  return { dtype: "float32", shape, data: new Uint8Array(Float32Array.from(values).buffer) };
}
describe("canonical output", () => {
  it("does not depend on key order and normalizes bool", () => {
    const a: Outputs = { b: f32([1, 2]), a: { dtype: "bool", shape: [2], data: Uint8Array.from([0, 7]) } };
    const b: Outputs = { a: { dtype: "bool", shape: [2], data: Uint8Array.from([0, 1]) }, b: f32([1, 2]) };
    assert.deepEqual(canonicalOutput(a), canonicalOutput(b));
  });

  it("rejects data of the wrong length", () => {
    assert.throws(() => canonicalOutput({ x: { dtype: "float32", shape: [3], data: new Uint8Array(8) } }));
  });

  it("is injective on random outputs (property)", () => {
    const tensor = fc
      .record({
        dtype: fc.constantFrom("float32", "uint8", "int64") as fc.Arbitrary<"float32" | "uint8" | "int64">,
        n: fc.integer({ min: 0, max: 4 }),
      })
      .chain(({ dtype, n }) =>
        fc
          .uint8Array({
            minLength: n * { float32: 4, uint8: 1, int64: 8 }[dtype],
            maxLength: n * { float32: 4, uint8: 1, int64: 8 }[dtype],
          })
          .map((data): Tensor => ({ dtype, shape: [n], data })),
      );
    const outputs = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), tensor, { maxKeys: 3 });
    fc.assert(
      fc.property(outputs, outputs, (x, y) => {
        const same = Buffer.from(canonicalOutput(x)).equals(Buffer.from(canonicalOutput(y)));
        const names = (o: Outputs) => Object.keys(o).sort();
        const equal =
          JSON.stringify(names(x)) === JSON.stringify(names(y)) &&
          names(x).every(
            (k) =>
              x[k].dtype === y[k].dtype &&
              JSON.stringify(x[k].shape) === JSON.stringify(y[k].shape) &&
              Buffer.from(x[k].data).equals(Buffer.from(y[k].data)),
          );
        assert.equal(same, equal);
      }),
      { numRuns: 300 },
    );
  });

  it("pins the bytes of a fixed output (names sorted by UTF-8, bool normalized, scalar and empty tensors)", () => {
    const o: Outputs = {
      b: { dtype: "int16", shape: [2], data: new Uint8Array(Int16Array.from([1, -2]).buffer) },
      a: { dtype: "bool", shape: [3], data: Uint8Array.from([0, 7, 1]) },
      é: { dtype: "float32", shape: [], data: new Uint8Array(Float32Array.from([1.5]).buffer) },
      Z: { dtype: "int64", shape: [0, 2], data: new Uint8Array(0) },
    };
    const want =
      "01" +
      "00000004" +
      "00000001" +
      "5a" +
      "07" +
      "00000002" +
      "00000000" +
      "00000002" +
      "0000000000000000" +
      "00000001" +
      "61" +
      "09" +
      "00000001" +
      "00000003" +
      "0000000000000003" +
      "000101" +
      "00000001" +
      "62" +
      "05" +
      "00000001" +
      "00000002" +
      "0000000000000004" +
      "0100feff" +
      "00000002" +
      "c3a9" +
      "01" +
      "00000000" +
      "0000000000000004" +
      "0000c03f";
    assert.equal(Buffer.from(canonicalOutput(o)).toString("hex"), want);
  });

  it("equals an encoder written from the format, for every dtype and any names (property)", () => {
    const reference = (o: Outputs): Buffer => {
      const names = Object.keys(o).sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
      const parts = [Buffer.from([1]), u32(names.length)];
      for (const n of names) {
        const t = o[n];
        const len = Buffer.alloc(8);
        len.writeBigUInt64BE(BigInt(t.data.length));
        const data = t.dtype === "bool" ? Buffer.from(t.data.map((b) => (b ? 1 : 0))) : Buffer.from(t.data);
        parts.push(u32(Buffer.byteLength(n)), Buffer.from(n), Buffer.from([DTYPES[t.dtype].code]), u32(t.shape.length));
        parts.push(...t.shape.map(u32), len, data);
      }
      return Buffer.concat(parts);
    };
    const tensor = fc
      .record({
        dtype: fc.constantFrom(...DTYPE_NAMES) as fc.Arbitrary<DType>,
        shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
      })
      .chain(({ dtype, shape }) => {
        const n = shape.reduce((a, b) => a * b, 1) * DTYPES[dtype].size;
        return fc.uint8Array({ minLength: n, maxLength: n }).map((data): Tensor => ({ dtype, shape, data }));
      });
    const outputs = fc.dictionary(fc.string({ unit: "binary", maxLength: 4 }), tensor, { maxKeys: 4 });
    fc.assert(
      fc.property(outputs, (o) => {
        assert.deepEqual(Buffer.from(canonicalOutput(o)), reference(o));
        // the proto NamedTensor list round trip keeps the bytes
        assert.deepEqual(canonicalOutput(tensorsFromNamed(namedFromTensors(o))), canonicalOutput(o));
      }),
      { numRuns: 500 },
    );
  });

  it("names what is wrong with a malformed tensor", () => {
    const bad = (t: unknown) => () => canonicalOutput({ x: t as Tensor });
    assert.throws(bad({ dtype: "float16", shape: [1], data: new Uint8Array(2) }), /^Error: unknown dtype float16$/);
    assert.throws(bad({ dtype: "int8", shape: [-1], data: new Uint8Array() }), /invalid dimension -1/);
    assert.throws(bad({ dtype: "int8", shape: [2 ** 40, 2 ** 40], data: new Uint8Array() }), /tensor too large/);
    assert.throws(bad({ dtype: "int32", shape: [2], data: new Uint8Array(4) }), /data has 4 bytes, shape needs 8/);
    assert.throws(
      () => tensorsFromNamed([{ name: "a", dtype: "f32", shape: [], data: new Uint8Array() }]),
      /unknown dtype f32/,
    );
  });
});
