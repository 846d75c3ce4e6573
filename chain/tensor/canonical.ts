// Canonical output encoding (pure, deterministic): the bytes that commitments hash and the "exact"
// policy compares. Independent of JS number types: tensors stay raw little-endian bytes.
//
//   canonical(outputs) = 0x01 (version) | u32be(count)
//     then for each tensor, sorted by the UTF-8 bytes of its name:
//     u32be(len(name)) | name | u8(dtype code) | u32be(rank) | u32be(dim)... | u64be(len(data)) | data
//   bool data is normalized to 0x00 / 0x01.
//
// Plus the proto NamedTensor list <-> named tensors, and byte equality of two tensors.
import { bytesEqual, compareBytes } from "../types/bytes.ts";
import { checkTensor, DTYPES, isDType, type Outputs, type Tensor } from "./dtype.ts";

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

/**
 * The canonical bytes of an error outcome, 0xee | u32be(error code): what executors commit to when
 * the model cannot run an input (modules/inference/outcome.ts). Its first byte differs from an
 * output's version byte, so no output shares an error's bytes.
 */
export function canonicalErrorCode(code: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = 0xee;
  new DataView(out.buffer).setUint32(1, code);
  return out;
}

/** The proto NamedTensor shape (dgrid.registry.v1.NamedTensor), structurally. */
export interface NamedTensorLike {
  name: string;
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

/** Proto NamedTensor list -> tensors by name; throws on a duplicate name or an unknown dtype. */
export function tensorsFromNamed(list: readonly NamedTensorLike[]): Outputs {
  const out: Outputs = {};
  for (const t of list) {
    if (Object.hasOwn(out, t.name)) throw new Error(`duplicate tensor name ${t.name}`);
    if (!isDType(t.dtype)) throw new Error(`unknown dtype ${t.dtype}`);
    out[t.name] = { dtype: t.dtype, shape: [...t.shape], data: t.data };
  }
  return out;
}

/** Tensors by name -> proto NamedTensor list, in canonical name order. */
export function namedFromTensors(r: Outputs): NamedTensorLike[] {
  return sortedNames(Object.keys(r)).map((name) => ({
    name,
    dtype: r[name].dtype,
    shape: [...r[name].shape],
    data: r[name].data,
  }));
}

/** Same dtype, shape and bytes. */
export function tensorsEqual(a: Tensor, b: Tensor): boolean {
  return (
    a.dtype === b.dtype &&
    a.shape.length === b.shape.length &&
    a.shape.every((d, i) => d === b.shape[i]) &&
    bytesEqual(a.data, b.data)
  );
}
