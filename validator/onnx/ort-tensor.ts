// Our tensors (raw little-endian bytes, chain/tensor) to onnxruntime-node tensors and back: one
// conversion for the sandbox process (the node's executor) and the in-process runs of
// validator/golden (golden files, calibration), so both feed and read a model the same way.
import ort from "onnxruntime-node";
import { DTYPES, isDType } from "../../chain/tensor/dtype.ts";
import type { DType, Tensor } from "../executor/types.ts";

const TYPED: Record<DType, (b: ArrayBuffer) => ort.Tensor.DataType> = {
  float32: (b) => new Float32Array(b),
  float64: (b) => new Float64Array(b),
  int8: (b) => new Int8Array(b),
  uint8: (b) => new Uint8Array(b),
  int16: (b) => new Int16Array(b),
  int32: (b) => new Int32Array(b),
  int64: (b) => new BigInt64Array(b),
  bool: (b) => new Uint8Array(b),
};

/** A tensor whose element type DGrid does not carry, or whose data does not fit its shape. */
export class UnsupportedOutputError extends Error {}

export function toOrt(t: Tensor): ort.Tensor {
  // a fresh, aligned buffer of exactly the tensor's bytes: the received view may start at any offset
  // of a larger buffer, and a Node Buffer's slice() is a view, not a copy (a blob read into a Buffer
  // and sent to the sandbox arrives as a view into the whole IPC message)
  const buf = new Uint8Array(t.data).buffer;
  return new ort.Tensor(t.dtype, TYPED[t.dtype](buf) as any, t.shape);
}

/** An output as our tensor; throws UnsupportedOutputError for an element type we do not carry. */
export function fromOrt(name: string, t: ort.Tensor): Tensor {
  const dtype = t.type;
  if (!isDType(dtype)) throw new UnsupportedOutputError(`output ${name} has element type ${dtype}`);
  const d = t.data as ArrayBufferView;
  const want = t.dims.reduce((a, b) => a * b, 1) * DTYPES[dtype].size;
  const data = new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
  if (data.length !== want) throw new UnsupportedOutputError(`output ${name}: ${data.length} bytes, want ${want}`);
  return { dtype, shape: [...t.dims], data };
}
