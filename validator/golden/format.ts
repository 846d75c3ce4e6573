// The golden file: a model's test vectors, the agreement policy they are judged under, and how they
// were made. Written by `dgrid models golden`, read by `dgrid tx registry register-model --golden`
// (and by the devnet genesis for the demo model). Documented in models/README.md:
//
//   {
//     "modelId": "<sha256 hex of the ONNX file>",            optional; checked at registration
//     "policy": "tolerance:0.0001:0.001",                     optional; the policy to register with
//     "sessionOptions": { "graphOptimizationLevel": "all",    optional; the pinned options the
//                         "executionMode": "sequential",      outputs were made with (registration
//                         "intraOpNumThreads": 1 },           pins the same)
//     "onnxruntime": "1.30.0", "provider": "cpu", "host": "linux-x64 <cpu>",   informational
//     "vectors": [ { "inputs":  { "<name>": <tensor JSON> },
//                    "outputs": { "<name>": <tensor JSON> } } ]
//   }
//
// Tensor JSON is chain/tensor/json.ts's ({dtype, shape, data} with data as numbers or base64).
// Keys not listed (e.g. "name", "source") are kept by readers as information.
import { type Policy, policyFromProto } from "../../chain/tensor/agreement.ts";
import { type TensorJson, tensorFromJson, tensorToJson } from "../../chain/tensor/json.ts";
import type { AgreementPolicy } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import type { GoldenVector } from "../conformance.ts";
import type { PinnedSessionOptions, Tensor } from "../executor/types.ts";
import { formatPolicy, parsePolicy } from "./policy-text.ts";

export interface GoldenVectorJson {
  inputs: Record<string, TensorJson>;
  outputs: Record<string, TensorJson>;
}

export interface GoldenFileJson {
  modelId?: string;
  policy?: string;
  sessionOptions?: PinnedSessionOptions;
  onnxruntime?: string;
  provider?: string;
  host?: string;
  vectors: GoldenVectorJson[];
}

/** A golden file read and checked: tensors decoded, the policy parsed. */
export interface GoldenSet {
  modelId?: string;
  /** the policy as the file states it (text form) and decoded; absent when the file has none */
  policy?: { text: string; proto: AgreementPolicy; policy: Policy };
  sessionOptions?: PinnedSessionOptions;
  vectors: GoldenVector[];
}

const LEVELS = ["disabled", "basic", "extended", "all"];
const MODES = ["sequential", "parallel"];

function isObject(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === "object" && !Array.isArray(x);
}

/** Named tensors of a JSON object; throws naming the first bad one. */
export function tensorsFromJson(json: unknown, what: string): Record<string, Tensor> {
  if (!isObject(json)) throw new Error(`${what}: expected an object of named tensors {"name": {dtype, shape, data}}`);
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(json)) out[name] = tensorFromJson(t as TensorJson, `${what} ${name}`);
  return out;
}

export function tensorsToJson(r: Record<string, Tensor>): Record<string, TensorJson> {
  return Object.fromEntries(
    Object.keys(r)
      .sort()
      .map((k) => [k, tensorToJson(r[k])]),
  );
}

function sessionOptionsFrom(x: unknown, what: string): PinnedSessionOptions {
  if (
    !isObject(x) ||
    !LEVELS.includes(x.graphOptimizationLevel as string) ||
    !MODES.includes(x.executionMode as string) ||
    !Number.isSafeInteger(x.intraOpNumThreads) ||
    (x.intraOpNumThreads as number) < 0
  ) {
    throw new Error(
      `${what}: sessionOptions must be {graphOptimizationLevel: ${LEVELS.join("|")}, executionMode: ${MODES.join("|")}, intraOpNumThreads: N}`,
    );
  }
  return {
    graphOptimizationLevel: x.graphOptimizationLevel as PinnedSessionOptions["graphOptimizationLevel"],
    executionMode: x.executionMode as PinnedSessionOptions["executionMode"],
    intraOpNumThreads: x.intraOpNumThreads as number,
  };
}

/** Reads a parsed golden file; throws an Error that names the file part at fault. */
export function parseGoldenFile(json: unknown, what = "golden file"): GoldenSet {
  if (!isObject(json) || !Array.isArray(json.vectors)) {
    throw new Error(`${what}: expected {"vectors": [{"inputs": {...}, "outputs": {...}}], ...} (see models/README.md)`);
  }
  if (json.vectors.length === 0) throw new Error(`${what}: no vectors`);
  const set: GoldenSet = {
    vectors: json.vectors.map((v, i) => {
      if (!isObject(v)) throw new Error(`${what}: vector ${i} is not an object`);
      return {
        inputs: tensorsFromJson(v.inputs, `${what}: vector ${i} inputs`),
        outputs: tensorsFromJson(v.outputs, `${what}: vector ${i} outputs`),
      };
    }),
  };
  if (json.modelId !== undefined) {
    if (typeof json.modelId !== "string" || !/^[0-9a-f]{64}$/.test(json.modelId))
      throw new Error(`${what}: modelId must be the lowercase hex sha256 of the ONNX file`);
    set.modelId = json.modelId;
  }
  if (json.policy !== undefined) {
    try {
      const proto = parsePolicy(json.policy as string);
      set.policy = { text: formatPolicy(proto), proto, policy: policyFromProto(proto) };
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}`);
    }
  }
  if (json.sessionOptions !== undefined) set.sessionOptions = sessionOptionsFrom(json.sessionOptions, what);
  return set;
}

/**
 * The input sets of a `--inputs` file: one object of named tensors, an array of them, or a golden
 * file (its vectors' inputs; their outputs are ignored).
 */
export function parseInputSets(json: unknown, what = "inputs file"): Record<string, Tensor>[] {
  let sets: unknown[];
  if (Array.isArray(json)) sets = json;
  else if (isObject(json) && Array.isArray(json.vectors))
    sets = json.vectors.map((v) => (isObject(v) ? v.inputs : undefined));
  else sets = [json];
  if (sets.length === 0) throw new Error(`${what}: no input sets`);
  return sets.map((s, i) => tensorsFromJson(s, sets.length === 1 ? what : `${what} [${i}]`));
}

/** A golden file's JSON (tensors as base64, names sorted). */
export function goldenFileJson(f: {
  modelId: string;
  policy: AgreementPolicy;
  sessionOptions: PinnedSessionOptions;
  onnxruntime: string;
  provider: string;
  host: string;
  vectors: GoldenVector[];
}): GoldenFileJson {
  return {
    modelId: f.modelId,
    policy: formatPolicy(f.policy),
    sessionOptions: { ...f.sessionOptions },
    onnxruntime: f.onnxruntime,
    provider: f.provider,
    host: f.host,
    vectors: f.vectors.map((v) => ({ inputs: tensorsToJson(v.inputs), outputs: tensorsToJson(v.outputs) })),
  };
}
