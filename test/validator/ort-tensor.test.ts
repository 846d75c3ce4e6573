// Our tensors to onnxruntime tensors: the data may be any view (a Node Buffer, an offset into a
// larger buffer, as IPC and blob reads give them); the onnxruntime tensor holds exactly its bytes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toOrt } from "../../validator/onnx/ort-tensor.ts";

const values = [1.5, -2.25, 3, 0.125];

function f32Bytes(): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

describe("toOrt", () => {
  it("takes a Node Buffer that is a view at an odd offset into a larger buffer", () => {
    const backing = Buffer.alloc(1 + 16 + 3, 0xff);
    backing.set(f32Bytes(), 1);
    const view = backing.subarray(1, 17); // a Buffer: its slice() is a view, not a copy
    const t = toOrt({ dtype: "float32", shape: [2, 2], data: view });
    assert.deepEqual([...(t.data as Float32Array)], values);
    assert.deepEqual(t.dims, [2, 2]);
    // the source is not aliased
    view[0] = 0;
    assert.deepEqual([...(t.data as Float32Array)], values);
  });

  it("takes a plain Uint8Array view and an int64 tensor at an unaligned offset", () => {
    const backing = new Uint8Array(3 + 16);
    backing.set(new Uint8Array(new BigInt64Array([7n, -9n]).buffer), 3);
    const t = toOrt({ dtype: "int64", shape: [2], data: backing.subarray(3) });
    assert.deepEqual([...(t.data as BigInt64Array)], [7n, -9n]);
    const f = toOrt({ dtype: "float32", shape: [4], data: f32Bytes() });
    assert.deepEqual([...(f.data as Float32Array)], values);
  });
});
