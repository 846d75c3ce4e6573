// Typed arrays <-> tensors (dtype, shape, little-endian row-major bytes) for requests and results.
// The dtype table, sizes and well-formedness rules are chain/tensor's (a pure library compiled into
// the package), so a tensor built here is one the chain accepts.

import { checkTensor, DTYPES, type DType, isDType, type Tensor } from "../chain/tensor/dtype.ts";
import type { InferenceResult } from "../proto/gen/dgrid/inference/v1/inference.ts";
import type { NamedTensor } from "../proto/gen/dgrid/registry/v1/registry.ts";

export type { DType, Tensor } from "../chain/tensor/dtype.ts";

export type TensorArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | BigInt64Array;

/** The dtype a typed array holds (a Uint8Array is uint8; pass "bool" explicitly for booleans). */
export function dtypeOf(values: TensorArray): DType {
  if (values instanceof Float32Array) return "float32";
  if (values instanceof Float64Array) return "float64";
  if (values instanceof Int8Array) return "int8";
  if (values instanceof Uint8Array) return "uint8";
  if (values instanceof Int16Array) return "int16";
  if (values instanceof Int32Array) return "int32";
  if (values instanceof BigInt64Array) return "int64";
  throw new Error("not a typed array of a tensor dtype");
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A copy of the bytes, each element of `size` bytes reversed on a big-endian machine. */
function littleEndianCopy(bytes: Uint8Array, size: number): Uint8Array {
  const out = bytes.slice();
  if (LITTLE_ENDIAN || size === 1) return out;
  for (let i = 0; i < out.length; i += size) out.subarray(i, i + size).reverse();
  return out;
}

/**
 * A tensor of `shape` from the values of a typed array, row-major. `dtype` defaults to the array's
 * own; "bool" takes a Uint8Array of 0s and 1s. Throws when the element count does not match.
 */
export function tensorFromArray(values: TensorArray, shape: readonly number[], dtype: DType = dtypeOf(values)): Tensor {
  const own = dtypeOf(values);
  if (own !== dtype && !(dtype === "bool" && own === "uint8"))
    throw new Error(`a ${values.constructor.name} cannot hold ${dtype} values`);
  if (dtype === "bool" && (values as Uint8Array).some((v) => v > 1)) throw new Error("bool values must be 0 or 1");
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const t: Tensor = { dtype, shape: [...shape], data: littleEndianCopy(bytes, DTYPES[dtype].size) };
  checkTensor(t);
  return t;
}

/** The values of a tensor as the typed array of its dtype (bool as a Uint8Array); a copy. */
export function tensorToArray(t: { dtype: string; shape: readonly number[]; data: Uint8Array }): TensorArray {
  if (!isDType(t.dtype)) throw new Error(`unknown dtype ${t.dtype}`);
  checkTensor({ dtype: t.dtype, shape: [...t.shape], data: t.data });
  const b = littleEndianCopy(t.data, DTYPES[t.dtype].size).buffer;
  switch (t.dtype) {
    case "float32":
      return new Float32Array(b);
    case "float64":
      return new Float64Array(b);
    case "int8":
      return new Int8Array(b);
    case "int16":
      return new Int16Array(b);
    case "int32":
      return new Int32Array(b);
    case "int64":
      return new BigInt64Array(b);
    case "uint8":
    case "bool":
      return new Uint8Array(b);
  }
}

/** Tensors by name as a request carries them (sorted by name, as the CLI sends them). */
export function namedTensors(tensors: Record<string, Tensor> | readonly NamedTensor[]): NamedTensor[] {
  if (Array.isArray(tensors)) return [...(tensors as readonly NamedTensor[])];
  const byName = tensors as Record<string, Tensor>;
  return Object.keys(byName)
    .sort()
    .map((name) => ({ name, dtype: byName[name].dtype, shape: [...byName[name].shape], data: byName[name].data }));
}

/** The outputs of a finalized result by name. */
export function resultTensors(result: Pick<InferenceResult, "outputs">): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const o of result.outputs) {
    if (!isDType(o.dtype)) throw new Error(`output ${o.name}: unknown dtype ${o.dtype}`);
    out[o.name] = { dtype: o.dtype, shape: [...o.shape], data: o.data };
  }
  return out;
}
