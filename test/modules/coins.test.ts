import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  addCoins,
  coinsEqual,
  isAnyGTE,
  normalizeCoins,
  parseDecCoins,
  requiredFees,
  subCoins,
  validateCoins,
} from "../../chain/baseapp/coins.ts";

const denom = fc.constantFrom("udgrid", "uatom", "ibc/ABC", "stake");
const coinArb = fc.record({ denom, amount: fc.bigInt({ min: 1n, max: 10n ** 30n }) });

describe("coins", () => {
  it("validates denom, positivity, order and duplicates", () => {
    validateCoins([
      { denom: "uatom", amount: 1n },
      { denom: "udgrid", amount: 2n },
    ]);
    assert.throws(() => validateCoins([{ denom: "udgrid", amount: 0n }]), /not positive/);
    assert.throws(() => validateCoins([{ denom: "1bad", amount: 1n }]), /invalid denom/);
    assert.throws(
      () =>
        validateCoins([
          { denom: "udgrid", amount: 1n },
          { denom: "uatom", amount: 1n },
        ]),
      /not sorted/,
    );
    assert.throws(
      () =>
        validateCoins([
          { denom: "udgrid", amount: 1n },
          { denom: "udgrid", amount: 1n },
        ]),
      /duplicate/,
    );
  });

  it("normalize gives valid coins; add then sub is identity", () => {
    fc.assert(
      fc.property(fc.array(coinArb), fc.array(coinArb), (a, b) => {
        const na = normalizeCoins(a);
        validateCoins(na);
        const sum = addCoins(na, normalizeCoins(b));
        validateCoins(sum);
        assert.ok(coinsEqual(subCoins(sum, normalizeCoins(b)), na));
      }),
    );
  });

  it("required fees are ceil(price * gas)", () => {
    const prices = parseDecCoins("0.025udgrid");
    assert.deepEqual(requiredFees(prices, 200000n), [{ denom: "udgrid", amount: 5000n }]);
    assert.deepEqual(requiredFees(prices, 1n), [{ denom: "udgrid", amount: 1n }]);
    assert.ok(isAnyGTE([{ denom: "udgrid", amount: 5000n }], requiredFees(prices, 200000n)));
    assert.ok(!isAnyGTE([{ denom: "udgrid", amount: 4999n }], requiredFees(prices, 200000n)));
    assert.throws(() => parseDecCoins("abc"));
    assert.deepEqual(parseDecCoins(""), []);
  });
});
