// client/tensor.ts: typed arrays <-> tensors under chain/tensor's rules (dtype sizes, byte counts,
// little-endian bytes as the CLI's JSON form and the chain's canonical encoding read them).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkTensor, DTYPES } from "../../chain/tensor/dtype.ts";
import { tensorFromJson } from "../../chain/tensor/json.ts";
import {
  dtypeOf,
  namedTensors,
  resultTensors,
  type TensorArray,
  tensorFromArray,
  tensorToArray,
} from "../../client/tensor.ts";

describe("client tensor helpers", () => {
  const cases: [TensorArray, (number | string)[]][] = [
    [new Float32Array([0.5, -1.25, 3, 1e-3]), [0.5, -1.25, 3, 1e-3]],
    [new Float64Array([0.1, -2, 1e300, 4]), [0.1, -2, 1e300, 4]],
    [new Int8Array([-128, 127, 0, 1]), [-128, 127, 0, 1]],
    [new Uint8Array([0, 255, 7, 1]), [0, 255, 7, 1]],
    [new Int16Array([-32768, 32767, 2, 3]), [-32768, 32767, 2, 3]],
    [new Int32Array([-(2 ** 31), 2 ** 31 - 1, 5, 6]), [-(2 ** 31), 2 ** 31 - 1, 5, 6]],
    [
      new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n, 9n]),
      ["-9223372036854775808", "9223372036854775807", "0", "9"],
    ],
  ];

  it("a typed array becomes the tensor the CLI's JSON form gives for the same values, and comes back", () => {
    for (const [values, json] of cases) {
      const dtype = dtypeOf(values);
      const t = tensorFromArray(values, [2, 2]);
      assert.equal(t.dtype, dtype);
      assert.equal(t.data.length, 4 * DTYPES[dtype].size);
      checkTensor(t);
      const fromJson = tensorFromJson({ dtype, shape: [2, 2], data: json });
      assert.deepEqual(t.data, fromJson.data, dtype);
      assert.deepEqual(tensorToArray(t), values, dtype);
    }
  });

  it("bool takes a Uint8Array of 0 and 1; wrong counts, dtypes and values are refused", () => {
    assert.deepEqual(tensorFromArray(new Uint8Array([1, 0]), [2], "bool").data, new Uint8Array([1, 0]));
    assert.throws(() => tensorFromArray(new Uint8Array([2]), [1], "bool"), /0 or 1/);
    assert.throws(() => tensorFromArray(new Float32Array(3), [2, 2]), /bytes/);
    assert.throws(() => tensorFromArray(new Float32Array(4), [2, 2], "int32"), /cannot hold int32/);
    assert.throws(() => tensorToArray({ dtype: "float16", shape: [1], data: new Uint8Array(2) }), /unknown dtype/);
    assert.throws(() => tensorToArray({ dtype: "int32", shape: [2], data: new Uint8Array(4) }), /bytes/);
  });

  it("a view into a larger buffer contributes only its own elements", () => {
    const big = new Int32Array([9, 1, 2, 9]);
    assert.deepEqual(tensorToArray(tensorFromArray(big.subarray(1, 3), [2])), new Int32Array([1, 2]));
  });

  it("named tensors are sorted by name; a result's outputs come back by name", () => {
    const a = tensorFromArray(new Float32Array([1]), [1]);
    const b = tensorFromArray(new Int32Array([2]), [1]);
    assert.deepEqual(
      namedTensors({ z: a, b }).map((n) => n.name),
      ["b", "z"],
    );
    const out = resultTensors({ outputs: [{ name: "y", ...b }] });
    assert.deepEqual(tensorToArray(out.y), new Int32Array([2]));
  });
});
