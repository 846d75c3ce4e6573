// Pure parts of the inference module: commitments, deciding the winning output, weighted
// assignment, fee split. Unit and property tests (fast-check). The tensor rules they build on
// (canonical bytes, agreement policies) are tested in test/tensor/.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Policy } from "../../chain/tensor/agreement.ts";
import { canonicalOutput } from "../../chain/tensor/canonical.ts";
import type { Outputs, Tensor } from "../../chain/tensor/dtype.ts";
import { decide, minSupport, outcomesAgree, outputHash } from "../../modules/inference/agreement.ts";
import { assignExecutors, type WeightedCandidate } from "../../modules/inference/assignment.ts";
import { commitmentHash, sha256 } from "../../modules/inference/commitment.ts";
import { canonicalError, ExecutionError } from "../../modules/inference/outcome.ts";
import { splitFee } from "../../modules/inference/settlement.ts";

function f32(values: number[], shape = [values.length]): Tensor {
  return { dtype: "float32", shape, data: new Uint8Array(Float32Array.from(values).buffer) };
}
const DEC = 10n ** 18n;
const dec = (x: string) => {
  const [i, f = ""] = x.split(".");
  return BigInt(i) * DEC + BigInt(f.padEnd(18, "0"));
};

describe("commitment", () => {
  it("commitment binds request id, validator, salt and output", () => {
    const out = canonicalOutput({ y: f32([1]) });
    const salt = new Uint8Array(32).fill(1);
    const addr = new Uint8Array(20).fill(2);
    const c = commitmentHash(5n, addr, salt, out);
    assert.notDeepEqual(commitmentHash(6n, addr, salt, out), c);
    assert.notDeepEqual(commitmentHash(5n, new Uint8Array(20).fill(3), salt, out), c);
    assert.notDeepEqual(commitmentHash(5n, addr, new Uint8Array(32), out), c);
    assert.notDeepEqual(commitmentHash(5n, addr, salt, canonicalOutput({ y: f32([2]) })), c);
    assert.deepEqual(commitmentHash(5n, addr, salt, out), c);
  });
});

describe("deciding the output", () => {
  const exact: Policy = { kind: "exact" };
  const tol: Policy = { kind: "tolerance", abs: dec("0.001"), rel: dec("0.01") };

  it("decide: largest supporting set, quorum, deterministic tie-break", () => {
    const good = { y: f32([1, 2, 3]) };
    const bad = { y: f32([9, 9, 9]) };
    const c = (id: string, o: Outputs) => ({ id, outputs: o, hash: outputHash(o) });
    const d = decide(exact, [c("v1", good), c("v2", bad), c("v3", good)], 2);
    assert.equal(d.winner, 0);
    assert.deepEqual(d.supporters, ["v1", "v3"]);
    assert.equal(decide(exact, [c("v1", good), c("v2", bad)], 2).winner, undefined);
    // a tie between two singletons is decided by output hash, in any order
    const t1 = decide(exact, [c("v1", good), c("v2", bad)], 1);
    const t2 = decide(exact, [c("v2", bad), c("v1", good)], 1);
    assert.deepEqual(t1.supporters, t2.supporters);
  });

  it("outcomes: an error agrees with the same error only, never with an output; errors can win", () => {
    const good = { y: f32([1, 2, 3]) };
    const c = (id: string, o: Outputs) => ({ id, outputs: o, hash: outputHash(o) });
    const e = (id: string, error: ExecutionError) => ({ id, error, hash: sha256(canonicalError(error)) });
    const RT = ExecutionError.EXECUTION_ERROR_RUNTIME_ERROR;
    const IN = ExecutionError.EXECUTION_ERROR_INVALID_INPUT;
    const d = decide(tol, [e("v1", RT), c("v2", good), e("v3", RT), e("v4", IN)], 2);
    assert.equal(d.winner, 0);
    assert.deepEqual(d.supporters, ["v1", "v3"]);
    assert.ok(!outcomesAgree(tol, e("a", RT), e("b", IN)));
    assert.ok(!outcomesAgree(exact, e("a", RT), c("b", good)));
    assert.ok(outcomesAgree(exact, e("a", IN), e("b", IN)));
    // no error bytes can be mistaken for an output's (the canonical output starts with its version 0x01)
    assert.notEqual(canonicalError(RT)[0], canonicalOutput(good)[0]);
    assert.throws(() => canonicalError(ExecutionError.EXECUTION_ERROR_UNSPECIFIED), /unknown execution error/);
  });

  it("decide does not depend on candidate order (property)", () => {
    const outs = [{ y: f32([1]) }, { y: f32([2]) }, { y: f32([1.001]) }];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 7 }),
        fc.integer(),
        (choice, shift) => {
          const cands = choice.map((o, i) => ({ id: `v${i}`, outputs: outs[o], hash: outputHash(outs[o]) }));
          const rot = Math.abs(shift) % cands.length;
          const other = [...cands.slice(rot), ...cands.slice(0, rot)].reverse();
          const a = decide(tol, cands, 1);
          const b = decide(tol, other, 1);
          assert.deepEqual(a.supporters, b.supporters);
          assert.deepEqual(cands[a.winner!].hash, other[b.winner!].hash);
        },
      ),
    );
  });

  it("minSupport is ceil(k x quorum)", () => {
    assert.equal(minSupport(3, 600_000n), 2);
    assert.equal(minSupport(4, 600_000n), 3);
    assert.equal(minSupport(1, 600_000n), 1);
    assert.equal(minSupport(5, 1_000_000n), 5);
    assert.equal(minSupport(3, 0n), 1);
  });
});

describe("weighted assignment", () => {
  const cands = (weights: number[]): WeightedCandidate[] =>
    weights.map((w, i) => ({ validator: `val${i}`, consAddress: new Uint8Array(20).fill(i), weight: BigInt(w) }));

  it("is deterministic, without replacement, independent of input order (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (weights, k, seed, id) => {
          const c = cands(weights);
          const a = assignExecutors(c, k, seed, id).map((x) => x.validator);
          const b = assignExecutors([...c].reverse(), k, seed, id).map((x) => x.validator);
          assert.deepEqual(a, b);
          assert.equal(new Set(a).size, a.length);
          assert.equal(a.length, Math.min(k, weights.filter((w) => w > 0).length));
          for (const v of a) assert.ok(weights[Number(v.slice(3))] > 0);
        },
      ),
    );
  });

  it("first draw is proportional to weight (statistical, 20000 seeds)", () => {
    const weights = [1, 2, 3, 4, 10];
    const c = cands(weights);
    const counts = new Array(weights.length).fill(0);
    const N = 20_000;
    for (let s = 0; s < N; s++) {
      const seed = new Uint8Array(32);
      new DataView(seed.buffer).setUint32(0, s);
      const [first] = assignExecutors(c, 1, seed, BigInt(s % 7));
      counts[Number(first.validator.slice(3))]++;
    }
    const total = weights.reduce((a, b) => a + b, 0);
    // chi-square with 4 degrees of freedom: 18.47 is the 0.999 quantile
    let chi = 0;
    for (let i = 0; i < weights.length; i++) {
      const exp = (N * weights[i]) / total;
      chi += (counts[i] - exp) ** 2 / exp;
    }
    assert.ok(chi < 18.47, `chi-square ${chi} counts ${counts}`);
  });
});

describe("fee split", () => {
  it("creates and loses nothing (property)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.integer({ min: 0, max: 50 }),
        (fee, c, e, n) => {
          const s = splitFee(fee, c, e, n);
          assert.equal(s.creator + s.executors + s.community, fee);
          assert.ok(s.creator >= 0n && s.executors >= 0n && s.community >= 0n);
          assert.equal(s.executors, s.perExecutor * BigInt(n));
        },
      ),
    );
  });

  it("example", () => {
    assert.deepEqual(splitFee(1000n, 100_000n, 900_000n, 2), {
      creator: 100n,
      perExecutor: 405n,
      executors: 810n,
      community: 90n,
    });
  });
});
