// cosmjs-types 0.11's BinaryWriter encodes int64/uint64 values in [2^31, 2^32) wrongly: its
// int64FromString returns the low word as a signed int32, so int64Length sizes the varint as one
// byte while writeVarint64 writes five, and the value decodes as 0 (e.g. a Timestamp after
// 2038-01-19, or a gas figure of 3e9). State-machine bytes must be right, so this module replaces
// the two writer methods with a BigInt varint writer (two's complement for negatives, as protobuf).
// It is imported for its effect by the modules that encode consensus data (chain/app/context.ts,
// chain/types/hash.ts); the fix is idempotent and deterministic.
import { BinaryWriter } from "cosmjs-types/binary";

const TWO_64 = 1n << 64n;
const FIXED = Symbol.for("dgrid.int64-writer-fixed");

/** Protobuf varint bytes of a 64-bit integer (negatives as their 64-bit two's complement). */
export function varint64Bytes(value: string | number | bigint): Uint8Array {
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
