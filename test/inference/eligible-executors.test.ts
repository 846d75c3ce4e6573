// InferenceKeeper.eligibleExecutors (what checkRequest counts, up to the requested redundancy, from
// the model's servers) agrees with candidates() (what assignment picks from, over every bonded
// validator): min(atMost, candidates().length), for random validator sets: bonded or not, jailed or
// not, zero power, serving or not, reputation under or over the floor.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BondStatus } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import fc from "fast-check";
import { MODEL_ID, setup } from "./chain-setup.ts";
import { CHAIN_ID, step } from "./harness.ts";

const validatorState = fc.record({
  status: fc.constantFrom(
    BondStatus.BOND_STATUS_BONDED,
    BondStatus.BOND_STATUS_BONDED,
    BondStatus.BOND_STATUS_UNBONDING,
    BondStatus.BOND_STATUS_UNBONDED,
  ),
  tokens: fc.constantFrom(0n, 500_000n, 10_000_000n, 30_000_000n),
  serving: fc.boolean(),
  scorePpm: fc.constantFrom(0n, 100_000n, 500_000n, 800_000n, 1_000_000n),
});

describe("eligible executors", () => {
  it("eligibleExecutors(atMost) = min(atMost, candidates().length) (property)", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    await step(s.net); // genesis committed with block 1
    const app = s.net.nodes[0].app;
    const ctx0 = app.newContext(app.store.branch(), { height: 2, timeMs: 0, chainId: CHAIN_ID }, "query");
    assert.equal((await app.registryKeeper.serversOf(ctx0, MODEL_ID)).length, 4, "the four serve the model");
    const vals = s.net.nodes.map((n) => n.v);
    const original = vals.map((v) => ({ ...v.validator }));
    await fc.assert(
      fc.asyncProperty(
        // each validator's state and whether it is jailed
        fc.array(fc.tuple(validatorState, fc.boolean()), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        async (states, atMost) => {
          const ctx = app.newContext(app.store.branch(), { height: 3, timeMs: 0, chainId: CHAIN_ID }, "query");
          for (let i = 0; i < 4; i++) {
            const [st, jailed] = states[i];
            Object.assign(vals[i].validator, original[i], { status: st.status, jailed, tokens: st.tokens.toString() });
            if (!st.serving) app.registryKeeper.deleteServer(ctx, MODEL_ID, vals[i].operator);
            app.reputationKeeper.setReputation(ctx, {
              validator: vals[i].operator,
              scorePpm: st.scorePpm,
              agreed: 0n,
              dissented: 0n,
              missed: 0n,
              updatedHeight: 1n,
            });
          }
          const k = app.inferenceKeeper;
          const want = Math.min(atMost, (await k.candidates(ctx, MODEL_ID)).length);
          assert.equal(await k.eligibleExecutors(ctx, MODEL_ID, atMost), want);
        },
      ),
      { numRuns: 300 },
    );
    for (let i = 0; i < 4; i++) Object.assign(vals[i].validator, original[i]);
  });
});
