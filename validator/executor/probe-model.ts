// A one-node Identity model (float32 [1]) written in code: start() creates a session from it on the
// configured execution provider to find out, before any job, whether the provider works.
import { encodeModel, OnnxDataType, tensorValueInfo } from "../onnx/onnx-proto.ts";

let cached: Uint8Array | undefined;

export function identityModel(): Uint8Array {
  cached ??= encodeModel({
    ir_version: 8,
    producer_name: "dgrid-provider-probe",
    opset_import: [{ domain: "", version: 13 }],
    graph: {
      name: "probe",
      node: [{ op_type: "Identity", input: ["x"], output: ["y"], name: "identity" }],
      input: [tensorValueInfo("x", OnnxDataType.FLOAT, [1])],
      output: [tensorValueInfo("y", OnnxDataType.FLOAT, [1])],
    },
  });
  return cached;
}
