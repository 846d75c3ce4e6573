// Element types and the well-formedness of a tensor. Tensors are raw little-endian row-major bytes,
// so that nothing that decides consensus (canonical bytes, commitments, agreement) depends on a JS
// number type.

export type DType = "float32" | "float64" | "int8" | "uint8" | "int16" | "int32" | "int64" | "bool";

export interface Tensor {
  dtype: DType;
  /** concrete dimensions (no symbolic ones once a request is made) */
  shape: number[];
  /** little-endian, row-major; length = product(shape) x size of dtype */
  data: Uint8Array;
}

/** Tensors by name: a request's inputs, an executor's outputs. */
export type Outputs = Record<string, Tensor>;

/** dtype -> (code in the canonical encoding, element size in bytes); codes follow ONNX TensorProto.DataType. */
export const DTYPES: Readonly<Record<DType, { readonly code: number; readonly size: number }>> = {
  float32: { code: 1, size: 4 },
  uint8: { code: 2, size: 1 },
  int8: { code: 3, size: 1 },
  int16: { code: 5, size: 2 },
  int32: { code: 6, size: 4 },
  int64: { code: 7, size: 8 },
  bool: { code: 9, size: 1 },
  float64: { code: 11, size: 8 },
};

/** The dtypes in the order help texts and messages list them. */
export const DTYPE_NAMES: readonly DType[] = ["float32", "float64", "int8", "uint8", "int16", "int32", "int64", "bool"];

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && Object.hasOwn(DTYPES, x);
}

/** Elements of a shape (1 for a scalar); throws on a negative, fractional or huge dimension. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`invalid dimension ${d}`);
    n *= d;
    if (!Number.isSafeInteger(n)) throw new Error("tensor too large");
  }
  return n;
}

/**
 * Throws a plain Error with the reason unless `t` is a tensor of a known dtype whose data has
 * exactly shape x element size bytes. Callers add where the tensor came from.
 */
export function checkTensor(t: Tensor): void {
  if (!t || typeof t !== "object") throw new Error("not a tensor");
  if (!isDType(t.dtype)) throw new Error(`unknown dtype ${String(t.dtype)}`);
  if (!Array.isArray(t.shape)) throw new Error("shape must be an array");
  if (!(t.data instanceof Uint8Array)) throw new Error("data must be bytes");
  const want = elementCount(t.shape) * DTYPES[t.dtype].size;
  if (t.data.length !== want) throw new Error(`data has ${t.data.length} bytes, shape needs ${want}`);
}
