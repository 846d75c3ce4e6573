// Two corrections to cosmjs-types' BinaryWriter, made in one place and imported for their effect by
// the modules that encode consensus data (chain/baseapp/context.ts, app/app.ts, chain/types/hash.ts,
// chain/consensus/block-executor.ts). Both are idempotent and deterministic.
//
// 1. int64/uint64 values in [2^31, 2^32) were written wrong: its int64FromString returns the low word
//    as a signed int32, so int64Length sizes the varint as one byte while writeVarint64 writes five,
//    and the value decodes as 0 (e.g. a Timestamp after 2038-01-19, or a gas figure of 3e9). The two
//    writer methods are replaced by a BigInt varint writer (two's complement for negatives).
// 2. BinaryWriter.alloc made a fresh 8 KiB pool for every finish() and returned a view into it, so each
//    small encoded message cost (and kept alive) 8 KiB: slow to allocate, heavy on the GC, and copied
//    whole by structured clone. finish() now allocates exactly the encoded length (same bytes).
import { BinaryWriter } from "cosmjs-types/binary";

const TWO_64 = 1n << 64n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const FIXED = Symbol.for("dgrid.int64-writer-fixed");

/** Protobuf varint bytes of a 64-bit integer (negatives as their 64-bit two's complement). */
export function varint64Bytes(value: string | number | bigint): Uint8Array {
  // fast path: non-negative safe integers (sequences, heights, gas, account numbers) in plain numbers
  const small =
    typeof value === "bigint"
      ? value >= 0n && value <= MAX_SAFE
        ? Number(value)
        : -1
      : typeof value === "number" && Number.isSafeInteger(value) && value >= 0
        ? value
        : -1;
  if (small >= 0) {
    let len = 1;
    for (let x = small; x >= 128; x = Math.floor(x / 128)) len++;
    const out = new Uint8Array(len);
    let n = small;
    for (let i = 0; i < len - 1; i++) {
      out[i] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    out[len - 1] = n;
    return out;
  }
  let v = BigInt(value);
  if (v < 0n) v += TWO_64;
  if (v < 0n || v >= TWO_64) throw new RangeError(`int64 out of range: ${value}`);
  const out: number[] = [];
  while (v > 127n) {
    out.push(Number(v & 127n) | 128);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

function copyBytes(val: Uint8Array, buf: Uint8Array, pos: number): void {
  buf.set(val, pos);
}

type Pushable = {
  _push(fn: (val: Uint8Array, buf: Uint8Array, pos: number) => void, len: number, val: Uint8Array): BinaryWriter;
};

const proto = BinaryWriter.prototype as unknown as Record<string | symbol, unknown>;
if (!proto[FIXED]) {
  const int64 = function (this: Pushable, value: string | number | bigint): BinaryWriter {
    const bytes = varint64Bytes(value);
    return this._push(copyBytes, bytes.length, bytes);
  };
  proto.int64 = int64;
  proto.uint64 = int64;
  proto[FIXED] = true;
}

const writer = BinaryWriter as unknown as { alloc(size: number): Uint8Array; dgridExactAlloc?: boolean };
if (!writer.dgridExactAlloc) {
  writer.alloc = (size: number) => new Uint8Array(size);
  writer.dgridExactAlloc = true;
}
