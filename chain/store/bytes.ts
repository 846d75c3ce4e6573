// Byte helpers of the store: map keys, varints (as Go's encoding/binary), big-endian versions. The
// shared ones (order, equality, concatenation, uint64 keys, prefix ends) are chain/types/bytes.ts.
import { hash } from "node:crypto";

export type Bytes = Uint8Array;

function view(b: Bytes): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * A Map key for bytes: latin1 maps each byte to one UTF-16 unit, so string order equals byte order.
 * Store keys are short: String.fromCharCode over the bytes is about 2x cheaper than making a Buffer
 * view to call toString("latin1") on (this runs on every store read and write).
 */
export function keyString(b: Bytes): string {
  if (b.length <= 256) return String.fromCharCode.apply(null, b as unknown as number[]);
  return view(b).toString("latin1");
}

export function fromKeyString(s: string): Buffer {
  return Buffer.from(s, "latin1");
}

/** One-shot sha256 (crypto.hash avoids a Hash object per call). */
export function sha256(data: Bytes): Buffer {
  return hash("sha256", data, "buffer") as unknown as Buffer;
}

/** Length of Go's binary.PutUvarint encoding of a non-negative safe integer. */
export function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes Go's uvarint at `off`, returns the new offset. Works for any safe integer (no 32-bit ops). */
export function putUvarint(buf: Uint8Array, off: number, v: number): number {
  while (v >= 0x80) {
    buf[off++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[off++] = v;
  return off;
}

/** Go's binary.PutVarint (zigzag) for non-negative values: 2v. */
export function varintSize(v: number): number {
  return uvarintSize(v * 2);
}

export function putVarint(buf: Uint8Array, off: number, v: number): number {
  return putUvarint(buf, off, v >= 0 ? v * 2 : -v * 2 - 1);
}

export function encodeUvarint(v: number): Uint8Array {
  const out = new Uint8Array(uvarintSize(v));
  putUvarint(out, 0, v);
  return out;
}

export function encodeVarint(v: number): Uint8Array {
  const out = new Uint8Array(varintSize(v));
  putVarint(out, 0, v);
  return out;
}

/** Reads a uvarint at `off`; returns [value, newOffset]. Throws on truncation. */
export function readUvarint(buf: Uint8Array, off: number): [number, number] {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (off >= buf.length) throw new Error("truncated varint");
    const b = buf[off++] as number;
    result += (b & 0x7f) * mul;
    if (b < 0x80) return [result, off];
    mul *= 128;
  }
  throw new Error("varint overflow");
}

export function readVarint(buf: Uint8Array, off: number): [number, number] {
  const [u, o] = readUvarint(buf, off);
  return [u % 2 === 0 ? u / 2 : -(u + 1) / 2, o];
}

/** 8-byte big-endian encoding of a version, so LevelDB orders versions numerically. */
export function be64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(Math.floor(v / 0x1_0000_0000), 0);
  b.writeUInt32BE(v >>> 0, 4);
  return b;
}

export function readBe64(b: Uint8Array, off = 0): number {
  const v = view(b);
  return v.readUInt32BE(off) * 0x1_0000_0000 + v.readUInt32BE(off + 4);
}
