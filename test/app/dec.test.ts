import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  DEC_ONE,
  decFromProtoString,
  decMul,
  decMulIntTruncate,
  decQuo,
  decRoundInt,
  decToProtoString,
  formatDec,
  parseDec,
} from "../../chain/baseapp/dec.ts";

test("parse and format the SDK text form", () => {
  assert.equal(parseDec("0.5"), DEC_ONE / 2n);
  assert.equal(formatDec(parseDec("0.05")), "0.050000000000000000");
  assert.equal(formatDec(parseDec("-2")), "-2.000000000000000000");
  assert.equal(decFromProtoString("500000000000000000"), DEC_ONE / 2n);
  assert.equal(decToProtoString(DEC_ONE), "1000000000000000000");
  assert.throws(() => parseDec("1e5"));
  assert.throws(() => parseDec("0.1234567890123456789"));
});

test("text form round-trips", () => {
  fc.assert(fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (d) => parseDec(formatDec(d)) === d));
});

test("rounding is half to even, as LegacyDec", () => {
  assert.equal(decRoundInt(parseDec("2.5")), 2n);
  assert.equal(decRoundInt(parseDec("3.5")), 4n);
  assert.equal(decRoundInt(parseDec("-2.5")), -2n);
  assert.equal(decRoundInt(parseDec("2.500000000000000001")), 3n);
  assert.equal(decQuo(DEC_ONE, 3n * DEC_ONE), 333333333333333333n);
  assert.equal(decQuo(2n * DEC_ONE, 3n * DEC_ONE), 666666666666666667n);
  assert.equal(decMul(parseDec("0.5"), parseDec("0.5")), parseDec("0.25"));
  assert.equal(decMulIntTruncate(parseDec("0.05"), 1_000_001n), 50_000n);
});
