import assert from "node:assert/strict";
import { test } from "node:test";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import fc from "fast-check";
import "../../chain/types/binary-writer.ts";

test("int64/uint64 round-trip over the whole range, including [2^31, 2^32)", () => {
  for (const v of [
    0n,
    127n,
    128n,
    2n ** 31n - 1n,
    2n ** 31n,
    3_000_000_000n,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 63n - 1n,
    -1n,
    -(2n ** 63n),
  ]) {
    assert.equal(new BinaryReader(new BinaryWriter().int64(v).finish()).int64(), v);
  }
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
      const bytes = new BinaryWriter().int64(v).uint32(7).finish();
      const r = new BinaryReader(bytes);
      return r.int64() === v && r.uint32() === 7;
    }),
  );
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      (v) => new BinaryReader(new BinaryWriter().uint64(v).finish()).uint64() === v,
    ),
  );
});

test("a Timestamp after 2038-01-19 survives encoding (was decoded as 1970)", () => {
  const t = { seconds: 2_147_483_648n, nanos: 5 };
  assert.deepEqual(Timestamp.decode(Timestamp.encode(t).finish()), t);
  // the exact protobuf bytes: field 1 varint 0x80 0x80 0x80 0x80 0x08, field 2 varint 5
  assert.equal(Buffer.from(Timestamp.encode(t).finish()).toString("hex"), "08808080800810" + "05");
});
