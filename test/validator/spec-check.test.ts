// validator/spec-check.ts against what onnxruntime reads from real files (Silero VAD, the demo MLP):
// the spec the CLI derives from a file, or a stricter one, says at least what the file says; a
// looser one (a symbol where the file is fixed, another dtype or rank, a missing name, a binding the
// file has and the spec drops) is named. Also OnnxExecutor.metadata, which node-inference uses.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import pino from "pino";
import { DEMO_MODEL_PATH, demoModel, specFromIo } from "../../models/demo.ts";
import type { TensorSpec } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { OnnxExecutor } from "../../validator/executor/onnx-executor.ts";
import { ModelProber } from "../../validator/onnx/sandbox.ts";
import type { ModelMeta } from "../../validator/onnx/tensor.ts";
import { specLooserThanFile } from "../../validator/spec-check.ts";
import { fileBytes, MemoryModelStore, PINNED, VAD_MODEL_PATH } from "../support/models.ts";

const logger = pino({ level: "silent" });

describe("registered spec against the model file", () => {
  let vad: ModelMeta;
  let demo: ModelMeta;
  before(async () => {
    const prober = new ModelProber({ timeoutMs: 60_000 }, { logger });
    try {
      vad = await prober.probe(VAD_MODEL_PATH);
      demo = await prober.probe(DEMO_MODEL_PATH);
    } finally {
      await prober.close();
    }
  });

  const fromFile = (m: ModelMeta) => ({ inputs: m.inputs.map(specFromIo), outputs: m.outputs.map(specFromIo) });
  const edit = (specs: TensorSpec[], name: string, f: (s: TensorSpec) => TensorSpec) =>
    specs.map((s) => (s.name === name ? f(structuredClone(s)) : s));

  it("the spec the CLI derives from the file, and the demo model's registry entry, pass", () => {
    assert.equal(specLooserThanFile(fromFile(vad), vad), undefined);
    assert.equal(specLooserThanFile(fromFile(demo), demo), undefined);
    assert.equal(specLooserThanFile(demoModel("dgrid1creator"), demo), undefined);
  });

  it("a stricter spec passes: a fixed size where the file has a symbol (bound consistently)", () => {
    const s = fromFile(vad);
    const fixBatch = (t: TensorSpec) => ({
      ...t,
      shape: t.shape.map((d) => (d.symbol === "batch" ? { size: 1, symbol: "" } : d)),
    });
    s.inputs = s.inputs.map(fixBatch);
    s.outputs = s.outputs.map(fixBatch);
    assert.equal(specLooserThanFile(s, vad), undefined);
  });

  it("a looser or different spec is named", () => {
    const s = fromFile(vad);
    const cases: [typeof s, RegExp][] = [
      [
        {
          ...s,
          inputs: edit(s.inputs, "h", (t) => ({ ...t, shape: [t.shape[0], t.shape[1], { size: 0, symbol: "w" }] })),
        },
        /inputs\.h: dimension 2 is 64 in the file, w in the spec/,
      ],
      [
        { ...s, inputs: edit(s.inputs, "sr", (t) => ({ ...t, dtype: "int32" })) },
        /inputs\.sr: the spec says int32, the file int64/,
      ],
      [
        { ...s, inputs: edit(s.inputs, "sr", (t) => ({ ...t, shape: [{ size: 1, symbol: "" }] })) },
        /inputs\.sr: the spec has rank 1, the file 0/,
      ],
      [
        { ...s, inputs: s.inputs.filter((t) => t.name !== "c") },
        /inputs: the spec names \[h, input, sr\], the file \[c, h, input, sr\]/,
      ],
      [
        {
          ...s,
          inputs: edit(s.inputs, "h", (t) => ({ ...t, shape: [t.shape[0], { size: 0, symbol: "b2" }, t.shape[2]] })),
        },
        /inputs: the file binds "batch" in 3 places, the spec does not/,
      ],
      [
        { ...s, outputs: edit(s.outputs, "output", (t) => ({ ...t, dtype: "float64" })) },
        /outputs\.output: the spec says float64/,
      ],
    ];
    for (const [spec, re] of cases) assert.match(specLooserThanFile(spec, vad) ?? "passed", re);
  });

  it("OnnxExecutor.metadata reads a stored model's inputs and outputs", async () => {
    const store = new MemoryModelStore();
    const id = store.add(fileBytes(VAD_MODEL_PATH));
    const ex = new OnnxExecutor({}, { store, logger });
    try {
      assert.deepEqual(await ex.metadata(id, PINNED), vad);
    } finally {
      await ex.close();
    }
  });
});
