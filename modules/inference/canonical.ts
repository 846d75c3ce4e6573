// Canonical output encoding (pure, deterministic): the bytes that commitments hash and the "exact"
// policy compares. Independent of JS number types: tensors stay raw little-endian bytes.
//
//   canonical(outputs) = 0x01 (version) | u32be(count)
//     then for each tensor, sorted by the UTF-8 bytes of its name:
//     u32be(len(name)) | name | u8(dtype code) | u32be(rank) | u32be(dim)... | u64be(len(data)) | data
//   bool data is normalized to 0x00 / 0x01.
//
//   commitment = sha256(u64be(request id) | consensus address (20 bytes) | salt (32 bytes) | canonical)

import { createHash } from "node:crypto";
import { compareBytes } from "../../chain/store/bytes.ts";

export type DType = "float32" | "float64" | "int8" | "uint8" | "int16" | "int32" | "int64" | "bool";

/** Structurally the executor's Tensor (validator/executor/types.ts). */
export interface TensorData {
  dtype: DType;
  shape: number[];
  data: Uint8Array;
}

export type Outputs = Record<string, TensorData>;

/** dtype -> (code in the canonical encoding, element size in bytes); codes follow ONNX TensorProto.DataType. */
export const DTYPES: Record<DType, { code: number; size: number }> = {
  float32: { code: 1, size: 4 },
  uint8: { code: 2, size: 1 },
  int8: { code: 3, size: 1 },
  int16: { code: 5, size: 2 },
  int32: { code: 6, size: 4 },
  int64: { code: 7, size: 8 },
  bool: { code: 9, size: 1 },
  float64: { code: 11, size: 8 },
};

export function isDType(s: string): s is DType {
  return Object.hasOwn(DTYPES, s);
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

/** Throws (plain Error with a reason) unless dtype is known and data has exactly shape x size bytes. */
export function checkTensor(t: TensorData): void {
  if (!isDType(t.dtype)) throw new Error(`unknown dtype ${t.dtype}`);
  const want = elementCount(t.shape) * DTYPES[t.dtype].size;
  if (t.data.length !== want) throw new Error(`data has ${t.data.length} bytes, shape needs ${want}`);
}

const enc = new TextEncoder();

/** Names sorted by their UTF-8 bytes (not by UTF-16 code units). */
export function sortedNames(names: Iterable<string>): string[] {
  return [...names]
    .map((n) => [n, enc.encode(n)] as const)
    .sort((x, y) => compareBytes(x[1], y[1]))
    .map((x) => x[0]);
}

/** Deterministic bytes of named output tensors (see the header). Throws on a malformed tensor. */
export function canonicalOutput(outputs: Outputs): Uint8Array {
  const names = sortedNames(Object.keys(outputs));
  const parts: Uint8Array[] = [];
  let total = 5;
  for (const name of names) {
    const t = outputs[name];
    checkTensor(t);
    const nb = enc.encode(name);
    const head = new Uint8Array(4 + nb.length + 1 + 4 + 4 * t.shape.length + 8);
    const dv = new DataView(head.buffer);
    let o = 0;
    dv.setUint32(o, nb.length);
    o += 4;
    head.set(nb, o);
    o += nb.length;
    dv.setUint8(o, DTYPES[t.dtype].code);
    o += 1;
    dv.setUint32(o, t.shape.length);
    o += 4;
    for (const d of t.shape) {
      dv.setUint32(o, d);
      o += 4;
    }
    dv.setBigUint64(o, BigInt(t.data.length));
    const data = t.dtype === "bool" ? t.data.map((b) => (b === 0 ? 0 : 1)) : t.data;
    parts.push(head, data);
    total += head.length + data.length;
  }
  const out = new Uint8Array(total);
  out[0] = 1;
  new DataView(out.buffer).setUint32(1, names.length);
  let o = 5;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function u64be(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

/** sha256(u64be(requestId) | consAddress | salt | canonical). */
export function commitmentHash(
  requestId: bigint,
  consAddress: Uint8Array,
  salt: Uint8Array,
  canonical: Uint8Array,
): Uint8Array {
  return sha256(u64be(requestId), consAddress, salt, canonical);
}

/** Proto NamedTensor list <-> a record of tensors (throws on a duplicate name or an unknown dtype). */
export function tensorsFromNamed(
  list: readonly { name: string; dtype: string; shape: number[]; data: Uint8Array }[],
): Outputs {
  const out: Outputs = {};
  for (const t of list) {
    if (Object.hasOwn(out, t.name)) throw new Error(`duplicate tensor name ${t.name}`);
    if (!isDType(t.dtype)) throw new Error(`unknown dtype ${t.dtype}`);
    out[t.name] = { dtype: t.dtype, shape: [...t.shape], data: t.data };
  }
  return out;
}

export function namedFromTensors(r: Outputs): { name: string; dtype: string; shape: number[]; data: Uint8Array }[] {
  return sortedNames(Object.keys(r)).map((name) => ({
    name,
    dtype: r[name].dtype,
    shape: [...r[name].shape],
    data: r[name].data,
  }));
}
