// Model registration helpers shared by the devnet genesis, the CLI (`tx registry register-model`)
// and the tests: golden vectors as registry protos, tensor specs from a probed ONNX file, and the
// demo model shipped with the repository (models/demo-mlp.onnx, the MLP of
// test/support/mlp-model.ts buildMlpModel({inputs: 16, hidden: 32, outputs: 4, seed: 7}), and its
// golden vectors models/demo-mlp.golden.json written by direct onnxruntime-node runs).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type {
  GoldenVector,
  Model,
  ModelCard,
  NamedTensor,
  TensorSpec,
} from "../proto/gen/dgrid/registry/v1/registry.ts";
import type { PinnedSessionOptions, Tensor } from "../validator/executor/types.ts";
import { parseGoldenFile } from "../validator/golden/format.ts";
import type { IoSpec } from "../validator/onnx/tensor.ts";

export const DEMO_MODEL_PATH = resolve(import.meta.dirname, "demo-mlp.onnx");
export const DEMO_GOLDEN_PATH = resolve(import.meta.dirname, "demo-mlp.golden.json");
export const DEMO_MODEL_NAME = "demo-mlp";
export const DEMO_MODEL_VERSION = "1";
/** price of one execution of the demo model */
export const DEMO_PRICE = "1000udgrid";
export const DEMO_CREATOR_SHARE_PPM = 100_000n;

export const DEFAULT_SESSION_OPTIONS: PinnedSessionOptions = {
  graphOptimizationLevel: "all",
  executionMode: "sequential",
  intraOpNumThreads: 1,
};

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function named(record: Record<string, Tensor>): NamedTensor[] {
  return Object.keys(record)
    .sort()
    .map((name) => ({ name, dtype: record[name].dtype, shape: [...record[name].shape], data: record[name].data }));
}

/** Golden vectors of a golden file (validator/golden/format.ts) as registry protos (tensor names sorted). */
export function goldenVectorsFromFile(file: unknown): GoldenVector[] {
  return goldenVectorsToProto(parseGoldenFile(file).vectors);
}

/** Golden vectors as registry protos (tensor names sorted). */
export function goldenVectorsToProto(vectors: { inputs: Record<string, Tensor>; outputs: Record<string, Tensor> }[]) {
  return vectors.map((v) => ({ inputs: named(v.inputs), outputs: named(v.outputs) }));
}

/** onnxruntime's view of an input/output (symbolic dims as strings or null) -> a registry TensorSpec. */
export function specFromIo(io: IoSpec): TensorSpec {
  return {
    name: io.name,
    dtype: io.type,
    shape: io.shape.map((d, i) =>
      typeof d === "number" && d > 0
        ? { size: d, symbol: "" }
        : { size: 0, symbol: typeof d === "string" && d ? d : `d${i}` },
    ),
  };
}

export function parseCoin(text: string): { denom: string; amount: string } {
  const m = /^(\d+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(text.trim());
  if (!m) throw new Error(`invalid coin "${text}" (e.g. 1000udgrid)`);
  return { amount: BigInt(m[1]).toString(), denom: m[2] };
}

/** The demo model's card: what the explorer's marketplace shows for it out of the box. */
export const DEMO_MODEL_CARD: ModelCard = {
  task: "classification",
  description:
    "A small demonstration MLP (16 inputs, 32 hidden units, 4 outputs; weights generated from a fixed seed). It classifies nothing real: it is there to try requests, executors and settlement end to end.",
  license: "MIT",
  tags: ["demo", "mlp"],
  sourceUri: "",
  inputDoc: "input: float32[batch, 16], any 16 numbers per row",
  outputDoc: "output: float32[batch, 4], one score per class (the largest wins)",
  supersedes: "",
};

/** The demo model's registry entry with its card (registered in the devnet and localnet genesis). */
export function demoModel(creator: string): Model {
  const bytes = new Uint8Array(readFileSync(DEMO_MODEL_PATH));
  const golden = JSON.parse(readFileSync(DEMO_GOLDEN_PATH, "utf8"));
  const batch = { size: 0, symbol: "batch" };
  return {
    id: sha256Hex(bytes),
    name: DEMO_MODEL_NAME,
    version: DEMO_MODEL_VERSION,
    creator,
    inputs: [{ name: "input", dtype: "float32", shape: [batch, { size: 16, symbol: "" }] }],
    outputs: [{ name: "output", dtype: "float32", shape: [batch, { size: 4, symbol: "" }] }],
    sessionOptions: { ...DEFAULT_SESSION_OPTIONS },
    policy: { exact: {} },
    pricePerCall: parseCoin(DEMO_PRICE),
    creatorSharePpm: DEMO_CREATOR_SHARE_PPM,
    goldenVectors: goldenVectorsFromFile(golden),
    sizeBytes: BigInt(bytes.length),
    registeredHeight: 0n,
    delisted: false,
    card: { ...DEMO_MODEL_CARD, tags: [...DEMO_MODEL_CARD.tags] },
    supersededBy: "",
  };
}
