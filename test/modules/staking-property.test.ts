// Property: under random delegations, undelegations, redelegations, jailing, slashing and time steps,
// the EndBlock updates applied to a CometBFT-style validator set (power 0 removes) always give exactly
// the staking bonded set with its powers (at most max_validators), and the pool invariants hold.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseDec } from "../../chain/baseapp/dec.ts";
import { consAddressOfKey } from "../../modules/staking/types.ts";
import { account, consKey, env } from "./staking-helpers.ts";

const M = 1_000_000n;
const NAMES = ["v0", "v1", "v2", "v3", "v4"];

const opArb = fc.oneof(
  fc.record({ kind: fc.constant("delegate" as const), v: fc.nat(4), amt: fc.bigInt({ min: 1n, max: 30n * M }) }),
  fc.record({ kind: fc.constant("undelegate" as const), v: fc.nat(4), amt: fc.bigInt({ min: 1n, max: 30n * M }) }),
  fc.record({
    kind: fc.constant("redelegate" as const),
    v: fc.nat(4),
    w: fc.nat(4),
    amt: fc.bigInt({ min: 1n, max: 30n * M }),
  }),
  fc.record({ kind: fc.constant("jail" as const), v: fc.nat(4) }),
  fc.record({ kind: fc.constant("unjail" as const), v: fc.nat(4) }),
  fc.record({ kind: fc.constant("slash" as const), v: fc.nat(4), pct: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant("wait" as const), s: fc.integer({ min: 1, max: 40 }) }),
);

describe("staking properties", () => {
  it("EndBlock updates applied in order reproduce the bonded set; invariants hold", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(opArb, { maxLength: 4 }), { minLength: 1, maxLength: 12 }), async (blocks) => {
        const e = env({ max_validators: 3, unbonding_time: "60s" });
        const vals: { val: string; acc: string }[] = [];
        for (let i = 0; i < NAMES.length; i++) vals.push(await e.createValidator(NAMES[i], BigInt(i + 1) * 3n * M));
        const d = account("delegator");
        await e.fund(d.acc, 1000n * M);
        const comet = new Map<string, bigint>();
        const apply = (ups: { pubKey?: { ed25519?: Uint8Array }; power: bigint }[]) => {
          const seen = new Set<string>();
          for (const u of ups) {
            const k = Buffer.from(u.pubKey?.ed25519 ?? []).toString("hex");
            assert.ok(!seen.has(k), "one update per validator per block");
            seen.add(k);
            if (u.power === 0n) {
              assert.ok(comet.has(k), "a removal names a validator in the set");
              comet.delete(k);
            } else comet.set(k, u.power);
          }
        };
        apply(await e.endBlock());
        for (const ops of blocks) {
          e.next(5000);
          for (const op of ops) {
            try {
              if (op.kind === "delegate") await e.delegate(d.acc, vals[op.v].val, op.amt);
              else if (op.kind === "undelegate") await e.undelegate(d.acc, vals[op.v].val, op.amt);
              else if (op.kind === "redelegate") await e.redelegate(d.acc, vals[op.v].val, vals[op.w].val, op.amt);
              else if (op.kind === "jail") await e.sk.jail(e.ctx, consAddressOfKey(consKey(NAMES[op.v])));
              else if (op.kind === "unjail") await e.sk.unjail(e.ctx, consAddressOfKey(consKey(NAMES[op.v])));
              else if (op.kind === "slash") {
                const v = await e.sk.validator(e.ctx, vals[op.v].val);
                if (v && v.status !== 1) {
                  await e.sk.slash(
                    e.ctx,
                    consAddressOfKey(consKey(NAMES[op.v])),
                    e.ctx.height,
                    e.sk.powerOf(v),
                    parseDec(`0.${String(op.pct).padStart(2, "0")}`),
                  );
                }
              } else e.next(op.s * 1000);
            } catch (err) {
              // rejected messages are fine (no delegation, not enough shares, transitive redelegation...)
              if (!(err instanceof Error) || !("code" in err)) throw err;
            }
          }
          apply(await e.endBlock());
          const bonded = await e.sk.bondedValidatorsByPower(e.ctx);
          assert.ok(bonded.length <= 3);
          const want = new Map(
            bonded.map((v) => [Buffer.from(consKeyOf(v.operatorAddress, vals)).toString("hex"), e.sk.powerOf(v)]),
          );
          assert.deepEqual(new Map([...comet].sort()), new Map([...want].sort()));
          await e.assertInvariants();
        }
      }),
      { numRuns: 15 },
    );
  });
});

function consKeyOf(op: string, vals: { val: string }[]): Uint8Array {
  return consKey(NAMES[vals.findIndex((v) => v.val === op)]);
}
