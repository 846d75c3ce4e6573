// The JSON form of a tensor for requests, results and fixtures (CLI `--input name=FILE.json`):
//   { "dtype": "float32", "shape": [1, 16], "data": [0.5, -1, ...] }   numbers, row-major, or
//   { "dtype": "float32", "shape": [1, 16], "data": "AAAAPwAAgL8..." }  base64 of the little-endian bytes
// int64 numbers may be JSON numbers or decimal strings; bool as true/false or 0/1. Written out
// (tensorToJson) always as base64.
import { fromBase64, toBase64 } from "@cosmjs/encoding";
import { DTYPE_NAMES, DTYPES, type DType, elementCount, isDType, type Tensor } from "./dtype.ts";

export interface TensorJson {
  dtype: string;
  shape: number[];
  data: string | (number | string | boolean)[];
}

const EXPECTED_FORM = '{"dtype": "float32", "shape": [1, 16], "data": [0.5, -1.25, ...]}';

/** Parses the JSON form; throws a plain Error prefixed with `what` on anything malformed. */
export function tensorFromJson(j: TensorJson, what = "tensor"): Tensor {
  // a bare array has no dtype or shape to read it with: say which form is wanted
  if (Array.isArray(j)) {
    throw new Error(
      `${what}: a plain JSON array is not a tensor; give an object with its dtype and shape, e.g. ${EXPECTED_FORM}`,
    );
  }
  if (!j || typeof j !== "object") throw new Error(`${what}: expected an object such as ${EXPECTED_FORM}`);
  if (j.dtype === undefined) throw new Error(`${what}: "dtype" is missing (e.g. ${EXPECTED_FORM})`);
  if (!isDType(j.dtype))
    throw new Error(`${what}: unknown dtype ${JSON.stringify(j.dtype)} (${DTYPE_NAMES.join(" ")})`);
  const dtype: DType = j.dtype;
  if (!Array.isArray(j.shape) || j.shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new Error(`${what}: shape must be an array of non-negative integers`);
  let data: Uint8Array;
  if (typeof j.data === "string") {
    try {
      data = fromBase64(j.data);
    } catch {
      throw new Error(`${what}: data is not valid base64`);
    }
  } else if (Array.isArray(j.data)) {
    data = fromValues(dtype, j.data, what);
  } else {
    throw new Error(`${what}: data must be an array of numbers or a base64 string`);
  }
  // elementCount as checkTensor counts: a shape whose running product leaves the safe integers is
  // refused even when a later 0 dimension would make it empty
  let elements: number;
  try {
    elements = elementCount(j.shape);
  } catch (e) {
    throw new Error(`${what}: shape ${JSON.stringify(j.shape)}: ${(e as Error).message}`);
  }
  const want = elements * DTYPES[dtype].size;
  if (data.length !== want)
    throw new Error(`${what}: ${data.length} data bytes, shape ${JSON.stringify(j.shape)} of ${dtype} needs ${want}`);
  return { dtype, shape: [...j.shape], data };
}

function fromValues(dtype: DType, v: (number | string | boolean)[], what: string): Uint8Array {
  const num = (x: unknown) => {
    if (typeof x !== "number" && typeof x !== "boolean" && !(typeof x === "string" && x.trim() !== ""))
      throw new Error(`${what}: bad element ${JSON.stringify(x)}`);
    return Number(x);
  };
  switch (dtype) {
    case "float32":
      return new Uint8Array(Float32Array.from(v, num).buffer);
    case "float64":
      return new Uint8Array(Float64Array.from(v, num).buffer);
    case "int8":
      return new Uint8Array(Int8Array.from(v, num).buffer);
    case "uint8":
    case "bool":
      return Uint8Array.from(v, num);
    case "int16":
      return new Uint8Array(Int16Array.from(v, num).buffer);
    case "int32":
      return new Uint8Array(Int32Array.from(v, num).buffer);
    case "int64":
      return new Uint8Array(BigInt64Array.from(v, (x) => int64Element(x, what)).buffer);
  }
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** An int64 element: an integer number, a decimal integer string or a bool, within int64. */
function int64Element(x: unknown, what: string): bigint {
  let n: bigint | undefined;
  if (typeof x === "boolean") n = x ? 1n : 0n;
  else if (typeof x === "number" && Number.isInteger(x)) n = BigInt(x);
  else if (typeof x === "string" && /^\s*[-+]?\d+\s*$/.test(x)) n = BigInt(x.trim());
  if (n === undefined)
    throw new Error(`${what}: bad int64 element ${JSON.stringify(x)} (an integer or a decimal string)`);
  if (n < INT64_MIN || n > INT64_MAX) throw new Error(`${what}: int64 element ${x} out of range`);
  return n;
}

/** The JSON form with the data as base64. */
export function tensorToJson(t: Tensor): TensorJson {
  return { dtype: t.dtype, shape: [...t.shape], data: toBase64(t.data) };
}

/** Bytes back to numbers (int64 as decimal strings) for display. */
export function tensorValues(t: { dtype: string; data: Uint8Array }): (number | string)[] {
  const b = t.data.slice().buffer;
  switch (t.dtype) {
    case "float32":
      return [...new Float32Array(b)];
    case "float64":
      return [...new Float64Array(b)];
    case "int8":
      return [...new Int8Array(b)];
    case "int16":
      return [...new Int16Array(b)];
    case "int32":
      return [...new Int32Array(b)];
    case "int64":
      return [...new BigInt64Array(b)].map(String);
    default:
      return [...new Uint8Array(b)];
  }
}
