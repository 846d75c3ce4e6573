import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import fc from "fast-check";
import { varint64Bytes } from "../../chain/types/binary-writer.ts";
import { balanceKey, decodeInt, denomKey, encodeInt, SupplyPrefix } from "../../modules/bank/keys.ts";

/** The same varint from an independent writer: @bufbuild/protobuf's (int64 for negatives, else uint64). */
function referenceVarint(value: bigint): Uint8Array {
  const w = new BinaryWriter();
  return value < 0n ? w.int64(value).finish() : w.uint64(value).finish();
}

describe("varint64Bytes", () => {
  it("matches an independent protobuf writer for bigints, safe numbers and strings over the whole int64/uint64 range", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }), (v) => {
        assert.deepEqual(varint64Bytes(v), referenceVarint(v));
        assert.deepEqual(varint64Bytes(v.toString()), referenceVarint(v));
        if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER))
          assert.deepEqual(varint64Bytes(Number(v)), referenceVarint(v));
      }),
      { numRuns: 2000 },
    );
    for (const v of [0n, 127n, 128n, 2n ** 31n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 1n, -1n])
      assert.deepEqual(varint64Bytes(v), referenceVarint(v));
    assert.throws(() => varint64Bytes(1n << 64n), RangeError);
  });
});

describe("bank key and amount bytes", () => {
  it("are the UTF-8 bytes TextEncoder gives, and amounts round-trip", () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), (denom, v) => {
        const addr = Uint8Array.from([1, 2, 3]);
        assert.deepEqual(balanceKey(addr, denom), Uint8Array.from([2, 3, 1, 2, 3, ...enc.encode(denom)]));
        assert.deepEqual(denomKey(SupplyPrefix, denom), Uint8Array.from([0, ...enc.encode(denom)]));
        assert.deepEqual(encodeInt(v), enc.encode(v.toString()));
        assert.equal(decodeInt(encodeInt(v)), v);
      }),
      { numRuns: 1000 },
    );
    assert.throws(() => decodeInt(enc.encode("12a")), SyntaxError);
  });
});
