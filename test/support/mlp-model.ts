// Test models written in code with the ONNX protobuf schema (validator/onnx/onnx-proto.ts): no model
// file is downloaded, and the same arguments always give the same bytes (so the same sha256 id).
import {
  boolInitializer,
  encodeModel,
  floatInitializer,
  int64Initializer,
  OnnxAttributeType,
  OnnxDataType,
  tensorValueInfo,
} from "../../validator/onnx/onnx-proto.ts";

/** A deterministic generator (mulberry32) of floats in [-1, 1), for weights and test inputs. */
export function seededFloats(seed: number, count: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = u * 2 - 1;
  }
  return out;
}

export interface MlpSpec {
  inputs: number;
  hidden: number;
  outputs: number;
  seed: number;
}

/**
 * input "input" float32 [batch, inputs] -> Gemm(W1, b1) -> Relu -> MatMul(W2) -> Add(b2) -> Softmax
 * -> output "output" float32 [batch, outputs]. Opset 13, IR version 8.
 */
export function buildMlpModel({ inputs, hidden, outputs, seed }: MlpSpec): Uint8Array {
  const scale1 = 1 / Math.sqrt(inputs);
  const scale2 = 1 / Math.sqrt(hidden);
  const w1 = seededFloats(seed, inputs * hidden).map((v) => v * scale1);
  const b1 = seededFloats(seed + 1, hidden).map((v) => v * 0.1);
  const w2 = seededFloats(seed + 2, hidden * outputs).map((v) => v * scale2);
  const b2 = seededFloats(seed + 3, outputs).map((v) => v * 0.1);
  return encodeModel({
    ir_version: 8,
    producer_name: "dgrid-test-mlp",
    opset_import: [{ domain: "", version: 13 }],
    graph: {
      name: `mlp_${inputs}_${hidden}_${outputs}_${seed}`,
      node: [
        { op_type: "Gemm", input: ["input", "w1", "b1"], output: ["h1"], name: "gemm1" },
        { op_type: "Relu", input: ["h1"], output: ["h1r"], name: "relu1" },
        { op_type: "MatMul", input: ["h1r", "w2"], output: ["h2"], name: "matmul2" },
        { op_type: "Add", input: ["h2", "b2"], output: ["logits"], name: "add2" },
        {
          op_type: "Softmax",
          input: ["logits"],
          output: ["output"],
          name: "softmax",
          attribute: [{ name: "axis", type: OnnxAttributeType.INT, i: 1 }],
        },
      ],
      initializer: [
        floatInitializer("w1", [inputs, hidden], w1),
        floatInitializer("b1", [hidden], b1),
        floatInitializer("w2", [hidden, outputs], w2),
        floatInitializer("b2", [outputs], b2),
      ],
      input: [tensorValueInfo("input", OnnxDataType.FLOAT, ["batch", inputs])],
      output: [tensorValueInfo("output", OnnxDataType.FLOAT, ["batch", outputs])],
    },
  });
}

/**
 * A model whose run never ends in practice: a Loop with trip count 2^62 adding 1 to a float each
 * iteration, all inside one native onnxruntime call. Used to test the executor's timeout. With
 * `tripInput`, the trip count is an int64 scalar input "trip" instead (1 finishes at once, 2^62 hangs).
 */
export function buildHangModel(opts: { tripInput?: boolean } = {}): Uint8Array {
  return encodeModel({
    ir_version: 8,
    producer_name: "dgrid-test-hang",
    opset_import: [{ domain: "", version: 13 }],
    graph: {
      name: "hang",
      node: [
        {
          op_type: "Loop",
          input: ["trip", "cond", "x"],
          output: ["y"],
          name: "loop",
          attribute: [
            {
              name: "body",
              type: OnnxAttributeType.GRAPH,
              g: {
                name: "body",
                node: [
                  { op_type: "Identity", input: ["cond_in"], output: ["cond_out"] },
                  { op_type: "Add", input: ["v_in", "one"], output: ["v_out"] },
                ],
                initializer: [floatInitializer("one", [1], [1])],
                input: [
                  tensorValueInfo("iter", OnnxDataType.INT64, []),
                  tensorValueInfo("cond_in", OnnxDataType.BOOL, []),
                  tensorValueInfo("v_in", OnnxDataType.FLOAT, [1]),
                ],
                output: [
                  tensorValueInfo("cond_out", OnnxDataType.BOOL, []),
                  tensorValueInfo("v_out", OnnxDataType.FLOAT, [1]),
                ],
              },
            },
          ],
        },
      ],
      initializer: opts.tripInput
        ? [boolInitializer("cond", [], [true])]
        : [int64Initializer("trip", [], [1n << 62n]), boolInitializer("cond", [], [true])],
      input: opts.tripInput
        ? [tensorValueInfo("trip", OnnxDataType.INT64, []), tensorValueInfo("x", OnnxDataType.FLOAT, [1])]
        : [tensorValueInfo("x", OnnxDataType.FLOAT, [1])],
      output: [tensorValueInfo("y", OnnxDataType.FLOAT, [1])],
    },
  });
}

/**
 * A model that loads and accepts any float32 [n] input, but fails at run unless n = 6: it reshapes
 * its input to [2, 3]. Used to test that a run-time failure is an error for that job only.
 */
export function buildReshapeModel(): Uint8Array {
  return encodeModel({
    ir_version: 8,
    producer_name: "dgrid-test-reshape",
    opset_import: [{ domain: "", version: 13 }],
    graph: {
      name: "reshape",
      node: [{ op_type: "Reshape", input: ["x", "shape"], output: ["y"], name: "reshape" }],
      initializer: [int64Initializer("shape", [2], [2n, 3n])],
      input: [tensorValueInfo("x", OnnxDataType.FLOAT, ["n"])],
      output: [tensorValueInfo("y", OnnxDataType.FLOAT, [2, 3])],
    },
  });
}

/** A tiny valid model whose initializer claims its data is in an external file (must be refused). */
export function buildExternalDataModel(location = "../../../../etc/hostname"): Uint8Array {
  return encodeModel({
    ir_version: 8,
    opset_import: [{ domain: "", version: 13 }],
    graph: {
      name: "external",
      node: [{ op_type: "Add", input: ["x", "w"], output: ["y"] }],
      initializer: [
        {
          name: "w",
          dims: [1],
          data_type: OnnxDataType.FLOAT,
          data_location: 1,
          external_data: [
            { key: "location", value: location },
            { key: "length", value: "4" },
          ],
        },
      ],
      input: [tensorValueInfo("x", OnnxDataType.FLOAT, [1])],
      output: [tensorValueInfo("y", OnnxDataType.FLOAT, [1])],
    },
  });
}
