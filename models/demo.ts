// Model registration helpers shared by the devnet genesis, the CLI (`tx registry register-model`)
// and the tests: golden-vector files, policy strings, tensor specs from a probed ONNX file, and the
// demo model shipped with the repository (models/demo-mlp.onnx, the MLP of
// test/support/mlp-model.ts buildMlpModel({inputs: 16, hidden: 32, outputs: 4, seed: 7}), and its
// golden vectors models/demo-mlp.golden.json written by direct onnxruntime-node runs).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type TensorJson, tensorFromJson } from "../chain/tensor/json.ts";
import type {
  AgreementPolicy,
  GoldenVector,
  Model,
  NamedTensor,
  TensorSpec,
} from "../proto/gen/dgrid/registry/v1/registry.ts";
import type { PinnedSessionOptions, Tensor } from "../validator/executor/types.ts";
import type { IoSpec } from "../validator/onnx/tensor.ts";

export const DEMO_MODEL_PATH = resolve(import.meta.dirname, "demo-mlp.onnx");
export const DEMO_GOLDEN_PATH = resolve(import.meta.dirname, "demo-mlp.golden.json");
export const DEMO_MODEL_NAME = "demo-mlp";
export const DEMO_MODEL_VERSION = "1";
/** price of one execution of the demo model */
export const DEMO_PRICE = "1000udgrid";
export const DEMO_CREATOR_SHARE_PPM = 100_000n;

/** A golden-vector file: `{ sessionOptions?, vectors: [{ inputs: {name: TensorJson}, outputs: {...} }] }`. */
export interface GoldenFileJson {
  modelId?: string;
  sessionOptions?: PinnedSessionOptions;
  vectors: { inputs: Record<string, TensorJson>; outputs: Record<string, TensorJson> }[];
}

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

/** Golden vectors of a file as registry protos (tensor names sorted). */
export function goldenVectorsFromFile(file: GoldenFileJson): GoldenVector[] {
  if (!file || !Array.isArray(file.vectors)) throw new Error("golden vectors file: expected { vectors: [...] }");
  return file.vectors.map((v) => {
    const inputs: Record<string, Tensor> = {};
    const outputs: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(v.inputs ?? {})) inputs[k] = tensorFromJson(t);
    for (const [k, t] of Object.entries(v.outputs ?? {})) outputs[k] = tensorFromJson(t);
    return { inputs: named(inputs), outputs: named(outputs) };
  });
}

/** "exact" | "tolerance:ABS:REL" (decimals) | "argmax" | "topk:K" -> proto AgreementPolicy (tolerances as LegacyDec atoms, 10^-18). */
export function parsePolicy(text: string): AgreementPolicy {
  const parts = text.trim().split(":");
  const dec = (s: string | undefined) => {
    if (!s || !/^\d+(\.\d{1,18})?$/.test(s)) throw new Error(`invalid decimal "${s}" in policy "${text}"`);
    const [i, f = ""] = s.split(".");
    return (BigInt(i) * 10n ** 18n + BigInt(f.padEnd(18, "0"))).toString();
  };
  switch (parts[0]) {
    case "exact":
      if (parts.length === 1) return { exact: {} };
      break;
    case "argmax":
      if (parts.length === 1) return { argmax: {} };
      break;
    case "tolerance":
      if (parts.length === 3) return { tolerance: { abs: dec(parts[1]), rel: dec(parts[2]) } };
      break;
    case "topk":
      if (parts.length === 2 && /^[1-9]\d*$/.test(parts[1])) return { topk: { k: Number(parts[1]) } };
      break;
  }
  throw new Error(`invalid policy "${text}" (exact | tolerance:ABS:REL | argmax | topk:K)`);
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

/** The demo model's registry entry (registered in the devnet genesis). */
export function demoModel(creator: string): Model {
  const bytes = new Uint8Array(readFileSync(DEMO_MODEL_PATH));
  const golden = JSON.parse(readFileSync(DEMO_GOLDEN_PATH, "utf8")) as GoldenFileJson;
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
  };
}
