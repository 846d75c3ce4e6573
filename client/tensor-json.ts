// The JSON form of a tensor for requests and results (CLI `--input name=FILE.json`):
//   { "dtype": "float32", "shape": [1, 16], "data": [0.5, -1, ...] }   numbers, row-major, or
//   { "dtype": "float32", "shape": [1, 16], "data": "AAAAPwAAgL8..." }  base64 of the little-endian bytes
// dtypes: float32 float64 int8 uint8 int16 int32 int64 bool. int64 numbers may be JSON numbers or
// decimal strings; bool as true/false or 0/1.
export interface TensorJsonInput {
  dtype: string;
  shape: number[];
  data: string | (number | string | boolean)[];
}

export interface TensorBytes {
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

const SIZES: Record<string, number> = {
  float32: 4,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  bool: 1,
};

const EXPECTED_FORM = '{"dtype": "float32", "shape": [1, 16], "data": [0.5, -1.25, ...]}';

export function tensorFromJsonInput(j: TensorJsonInput, what = "tensor"): TensorBytes {
  // a bare array has no dtype or shape to read it with: say which form is wanted
  if (Array.isArray(j)) {
    throw new Error(
      `${what}: a plain JSON array is not a tensor; give an object with its dtype and shape, e.g. ${EXPECTED_FORM}`,
    );
  }
  if (!j || typeof j !== "object") throw new Error(`${what}: expected an object such as ${EXPECTED_FORM}`);
  if (j.dtype === undefined) throw new Error(`${what}: "dtype" is missing (e.g. ${EXPECTED_FORM})`);
  const size = SIZES[j.dtype];
  if (!size) throw new Error(`${what}: unknown dtype ${JSON.stringify(j.dtype)} (${Object.keys(SIZES).join(" ")})`);
  if (!Array.isArray(j.shape) || j.shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new Error(`${what}: shape must be an array of non-negative integers`);
  const count = j.shape.reduce((a, b) => a * b, 1);
  let data: Uint8Array;
  if (typeof j.data === "string") {
    data = new Uint8Array(Buffer.from(j.data, "base64"));
  } else if (Array.isArray(j.data)) {
    const v = j.data;
    const num = (x: unknown) => {
      const n = typeof x === "boolean" ? Number(x) : Number(x);
      if (typeof x !== "number" && typeof x !== "boolean" && !(typeof x === "string" && x.trim() !== ""))
        throw new Error(`${what}: bad element ${JSON.stringify(x)}`);
      return n;
    };
    switch (j.dtype) {
      case "float32":
        data = new Uint8Array(Float32Array.from(v, num).buffer);
        break;
      case "float64":
        data = new Uint8Array(Float64Array.from(v, num).buffer);
        break;
      case "int8":
        data = new Uint8Array(Int8Array.from(v, num).buffer);
        break;
      case "uint8":
      case "bool":
        data = Uint8Array.from(v, num);
        break;
      case "int16":
        data = new Uint8Array(Int16Array.from(v, num).buffer);
        break;
      case "int32":
        data = new Uint8Array(Int32Array.from(v, num).buffer);
        break;
      default:
        data = new Uint8Array(BigInt64Array.from(v, (x) => BigInt(x as number | string)).buffer);
    }
  } else {
    throw new Error(`${what}: data must be an array of numbers or a base64 string`);
  }
  if (data.length !== count * size)
    throw new Error(
      `${what}: ${data.length} data bytes, shape ${JSON.stringify(j.shape)} of ${j.dtype} needs ${count * size}`,
    );
  return { dtype: j.dtype, shape: [...j.shape], data };
}

/** Bytes back to numbers (int64 as decimal strings) for display. */
export function tensorValues(t: TensorBytes): (number | string)[] {
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
