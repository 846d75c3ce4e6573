import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ValidatorSet } from "../../chain/consensus/validator-set.ts";
import { makeKeys } from "./helpers.ts";

const named = (name: string, power: bigint) => ({
  address: new TextEncoder().encode(name),
  pubKey: new Uint8Array(32),
  votingPower: power,
});
const str = (b: Uint8Array) => new TextDecoder().decode(b);

test("proposer sequence matches CometBFT's TestProposerSelection1", () => {
  const vset = ValidatorSet.create([named("foo", 1000n), named("bar", 300n), named("baz", 330n)]);
  const proposers: string[] = [];
  for (let i = 0; i < 99; i++) {
    proposers.push(str(vset.getProposer().address));
    vset.incrementProposerPriority(1);
  }
  const expected =
    "foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo";
  assert.equal(proposers.join(" "), expected);
});

test("each validator proposes in proportion to its power, and priorities stay centered", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 6 }), (powers) => {
      const vals = powers.map((p, i) => named(`v${i}`, BigInt(p)));
      const vset = ValidatorSet.create(vals);
      const total = powers.reduce((a, b) => a + b, 0);
      const counts = new Map<string, number>();
      for (let i = 0; i < total; i++) {
        const a = str(vset.getProposer().address);
        counts.set(a, (counts.get(a) ?? 0) + 1);
        vset.incrementProposerPriority(1);
      }
      // Over one full cycle of total power rounds, each proposes exactly its power.
      for (const [i, p] of powers.entries()) assert.equal(counts.get(`v${i}`) ?? 0, p);
      const sum = vset.validators.reduce((a, v) => a + v.proposerPriority, 0n);
      assert.ok(sum > -BigInt(vals.length) && sum < BigInt(vals.length) * 2n * BigInt(total));
    }),
    { numRuns: 50 },
  );
});

test("updates: new validators start behind, power 0 removes, changes sort by power; invalid changes throw", () => {
  const keys = makeKeys(3, "vs");
  const vset = ValidatorSet.create(keys.slice(0, 2).map((k) => ({ pubKey: k.pubKey, votingPower: 10n })));
  const h0 = vset.hash();
  vset.updateWithAbciUpdates([{ pubKey: { ed25519: keys[2].pubKey }, power: 30n }]);
  assert.equal(vset.size(), 3);
  assert.equal(vset.totalVotingPower(), 50n);
  assert.deepEqual(vset.validators[0].address, keys[2].address, "sorted by power, highest first");
  assert.ok(
    vset.getByAddress(keys[2].address)!.validator.proposerPriority < 0n,
    "new validator starts with negative priority",
  );
  vset.updateWithAbciUpdates([{ pubKey: { ed25519: keys[2].pubKey }, power: 0n }]);
  assert.equal(vset.size(), 2);
  assert.deepEqual(vset.hash(), h0, "same members and powers, same hash");
  assert.throws(
    () => vset.updateWithAbciUpdates([{ pubKey: { ed25519: keys[2].pubKey }, power: 0n }]),
    /failed to find/,
  );
  assert.throws(
    () =>
      vset.updateWithAbciUpdates([
        { pubKey: { ed25519: keys[0].pubKey }, power: 0n },
        { pubKey: { ed25519: keys[1].pubKey }, power: 0n },
      ]),
    /empty set/,
  );
  assert.throws(() => vset.updateWithAbciUpdates([{ pubKey: { ed25519: keys[0].pubKey }, power: -1n }]), /negative/);
  assert.throws(() => vset.incrementProposerPriority(0));
  // Round trip through proto keeps priorities and the proposer.
  vset.incrementProposerPriority(3);
  const back = ValidatorSet.decode(vset.encode());
  assert.deepEqual(back.validators, vset.validators);
  assert.deepEqual(back.getProposer().address, vset.getProposer().address);
});
