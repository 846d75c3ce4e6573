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
import { checkTensor, DTYPES, type DType, elementCount, isDType, type Outputs, type Tensor } from "./dtype.ts";

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

const dec = new TextDecoder("utf-8", { fatal: true });
const CODE_TO_DTYPE = new Map(Object.entries(DTYPES).map(([name, d]) => [d.code, name as DType]));

/**
 * Canonical output bytes back to tensors (what a client fetched for outputs revealed by hash);
 * throws a plain Error on anything that is not exactly the encoding of some outputs (bad version,
 * unknown dtype, wrong lengths, names out of canonical order or repeated, bool bytes other than 0/1,
 * trailing bytes), so that decoding and re-encoding give the same bytes.
 */
export function decodeCanonicalOutput(bytes: Uint8Array): Outputs {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (o: number, n: number) => {
    if (o + n > bytes.length) throw new Error("canonical output truncated");
  };
  need(0, 5);
  if (bytes[0] !== 1) throw new Error(`canonical output version ${bytes[0]}, expected 1`);
  const count = dv.getUint32(1);
  const out: Outputs = {};
  let prev: Uint8Array | undefined;
  let o = 5;
  for (let i = 0; i < count; i++) {
    need(o, 4);
    const nameLen = dv.getUint32(o);
    o += 4;
    need(o, nameLen + 5);
    const nameBytes = bytes.subarray(o, o + nameLen);
    if (prev && compareBytes(prev, nameBytes) >= 0) throw new Error("canonical output names out of order");
    prev = nameBytes;
    const name = dec.decode(nameBytes);
    o += nameLen;
    const dtype = CODE_TO_DTYPE.get(bytes[o]);
    if (!dtype) throw new Error(`unknown dtype code ${bytes[o]}`);
    const rank = dv.getUint32(o + 1);
    o += 5;
    need(o, 4 * rank + 8);
    const shape: number[] = [];
    for (let d = 0; d < rank; d++) shape.push(dv.getUint32(o + 4 * d));
    o += 4 * rank;
    const len = dv.getBigUint64(o);
    o += 8;
    const want = elementCount(shape) * DTYPES[dtype].size;
    if (len !== BigInt(want)) throw new Error(`tensor ${name}: ${len} data bytes, shape needs ${want}`);
    need(o, want);
    const data = bytes.slice(o, o + want);
    if (dtype === "bool" && data.some((b) => b > 1)) throw new Error(`tensor ${name}: bool bytes must be 0 or 1`);
    o += want;
    out[name] = { dtype, shape, data };
  }
  if (o !== bytes.length) throw new Error(`${bytes.length - o} trailing bytes after the canonical output`);
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
