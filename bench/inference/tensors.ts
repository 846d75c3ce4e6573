// Request inputs and their onnxruntime feeds: seeded float tensors (the same bytes on every machine),
// the conversion to ort.Tensor, and items stacked along the batch dimension for one batched run.
import ort from "onnxruntime-node";
import { seededFloats } from "../../test/support/mlp-model.ts";
import type { Tensor } from "../../validator/executor/types.ts";

export type Inputs = Record<string, Tensor>;

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export const f32 = (shape: number[], seed: number, scale = 1): Tensor => {
  const v = seededFloats(seed, count(shape)).map((x) => x * scale);
  return { dtype: "float32", shape, data: new Uint8Array(v.buffer) };
};

export const zeros = (shape: number[]): Tensor => ({ dtype: "float32", shape, data: new Uint8Array(count(shape) * 4) });

export const int64Scalar = (v: bigint): Tensor => ({
  dtype: "int64",
  shape: [],
  data: new Uint8Array(BigInt64Array.from([v]).buffer),
});

const ORT_ARRAY: Record<string, (b: ArrayBuffer) => ort.Tensor.DataType> = {
  float32: (b) => new Float32Array(b),
  int64: (b) => new BigInt64Array(b),
};

export function feeds(inputs: Inputs): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(inputs)) {
    const make = ORT_ARRAY[t.dtype];
    if (!make) throw new Error(`input ${k}: dtype ${t.dtype} is not handled by the bench`);
    out[k] = new ort.Tensor(t.dtype as "float32", make(t.data.slice().buffer) as Float32Array, t.shape);
  }
  return out;
}

/** Items (each with batch dim 1 on every input) concatenated along dim 0: what one batched run takes. */
export function stack(items: Inputs[]): Inputs {
  const out: Inputs = {};
  for (const name of Object.keys(items[0])) {
    const first = items[0][name];
    const data = new Uint8Array(items.reduce((n, it) => n + it[name].data.length, 0));
    let at = 0;
    for (const it of items) {
      data.set(it[name].data, at);
      at += it[name].data.length;
    }
    out[name] = { dtype: first.dtype, shape: [items.length, ...first.shape.slice(1)], data };
  }
  return out;
}

/** An ort output back to a DGrid tensor (float32 outputs only: every bench model's). */
export function fromOrt(t: ort.Tensor): Tensor {
  const d = t.data as Float32Array;
  return { dtype: "float32", shape: t.dims.map(Number), data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
}

export const inputBytes = (inputs: Inputs) => Object.values(inputs).reduce((n, t) => n + t.data.length, 0);
