// The shared byte helpers (chain/types/bytes.ts) against node's Buffer, which the store and the
// modules used before they shared one definition.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  bytesEqual,
  compareBytes,
  concat,
  prefixEnd,
  readU32be,
  readU64be,
  readU64beNumber,
  toHex,
  u32be,
  u64be,
  u64beNumber,
} from "../../chain/types/bytes.ts";

// short arrays over a small alphabet, so that equal prefixes and equal arrays are common
const bytes = fc.uint8Array({ maxLength: 12 }).map((b) => b.map((x) => x % 4));

describe("byte helpers", () => {
  it("compareBytes orders as Buffer.compare; bytesEqual agrees with it (property)", () => {
    fc.assert(
      fc.property(bytes, bytes, (a, b) => {
        assert.equal(compareBytes(a, b), Buffer.compare(a, b));
        assert.equal(bytesEqual(a, b), Buffer.compare(a, b) === 0);
      }),
    );
  });

  it("bytesEqual treats an absent array as empty, as Go's bytes.Equal", () => {
    assert.equal(bytesEqual(undefined, new Uint8Array()), true);
    assert.equal(bytesEqual(undefined, undefined), true);
    assert.equal(bytesEqual(Uint8Array.of(0), undefined), false);
  });

  it("concat is Buffer.concat, number arrays taken as bytes (property)", () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 5 }), (parts) => {
        assert.deepEqual(Buffer.from(concat(...parts)), Buffer.concat(parts));
      }),
    );
    assert.deepEqual(concat([1, 2], Uint8Array.of(3)), Uint8Array.of(1, 2, 3));
  });

  it("u64be / u32be are big-endian, u64be wraps negatives, readU64be reads at an offset (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), fc.nat(4), (n, off) => {
        const want = Buffer.alloc(8);
        want.writeBigUInt64BE(BigInt.asUintN(64, n));
        assert.deepEqual(Buffer.from(u64be(n)), want);
        assert.equal(readU64be(concat(new Uint8Array(off), u64be(n)), off), BigInt.asUintN(64, n));
      }),
    );
    assert.deepEqual(u32be(0x01020304), Uint8Array.of(1, 2, 3, 4));
  });

  it("u32be / readU32be and the safe-integer u64beNumber / readU64beNumber match Buffer (property)", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffff_ffff }), fc.maxSafeNat(), fc.nat(4), (small, n, off) => {
        const w32 = Buffer.alloc(4);
        w32.writeUInt32BE(small);
        assert.deepEqual(Buffer.from(u32be(small)), w32);
        assert.equal(readU32be(concat(new Uint8Array(off), w32), off), small);
        const w64 = Buffer.alloc(8);
        w64.writeBigUInt64BE(BigInt(n));
        assert.deepEqual(Buffer.from(u64beNumber(n)), w64);
        assert.equal(readU64beNumber(concat(new Uint8Array(off), w64), off), n);
      }),
    );
    assert.throws(() => u64beNumber(-1), RangeError);
    assert.throws(() => u64beNumber(2 ** 53), RangeError);
    assert.throws(() => readU64beNumber(u64be(2n ** 53n)), RangeError);
    assert.throws(() => readU32be(Uint8Array.of(1, 2, 3)), RangeError);
  });

  it("prefixEnd bounds every key with the prefix and never changes its input (property)", () => {
    fc.assert(
      fc.property(
        bytes.map((b) => b.map((x) => (x === 3 ? 0xff : x))),
        bytes,
        (prefix, rest) => {
          const input = Buffer.from(prefix); // a Buffer: its slice() would share memory
          const end = prefixEnd(input);
          assert.deepEqual(new Uint8Array(input), prefix);
          if (prefix.every((x) => x === 0xff)) return assert.equal(end, undefined);
          assert.ok(end);
          assert.ok(compareBytes(concat(prefix, rest), end) < 0);
          assert.ok(compareBytes(prefix, end) < 0);
        },
      ),
    );
  });

  it("toHex is Buffer's lower-case hex (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => assert.equal(toHex(b), Buffer.from(b).toString("hex"))),
    );
  });
});
