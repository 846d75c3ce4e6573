// Smoke run of the simulation (bench/sim; the long runs are `npm run sim`): 100 blocks from one seed
// with operations of every module, the invariants after every block, the replica node's app hash at
// every height (determinism) and the genesis export -> import round trip.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { simulate } from "../../bench/sim/simulate.ts";

describe("simulation smoke", () => {
  it("100 blocks from seed 11: invariants hold, two nodes agree at every height, export/import round-trips", async () => {
    const r = await simulate({ seed: 11, blocks: 100 });
    assert.equal(r.blocks, 100);
    assert.equal(r.invariantChecks, 100);
    assert.ok(r.invariantRoutes.includes("bank/total-supply") && r.invariantRoutes.includes("inference/escrow"));
    assert.ok(
      r.invariantRoutes.includes("registry/indexes") && r.invariantRoutes.includes("reputation/validator-stats"),
    );
    // seed 11's 100 blocks draw few card updates (some signed by a non-creator on purpose): the op must
    // run and never fail unexpectedly; its successes are covered by the long runs and the registry tests
    const cards = r.ops["registry/update-model-card"];
    assert.ok(cards.ok + cards.failed > 0 && cards.unexpected === 0, JSON.stringify(cards));
    assert.equal(r.determinism, "pass");
    assert.ok(r.exportImport?.pass, r.exportImport?.diffs.join("\n"));
    assert.ok((r.exportImport?.compared.staking ?? 0) > 0, "the stores were compared");
    // every module's operations ran, and some of each succeeded
    for (const op of ["bank/send", "staking/delegate", "inference/request", "authz/grant", "feegrant/grant"])
      assert.ok(r.ops[op].ok > 0, `${op}: ${JSON.stringify(r.ops[op])}`);
    assert.ok(
      Object.values(r.ops).some((t) => t.failed > 0),
      "invalid operations were refused",
    );
    // inference requests went through the vote-extension commit/reveal path
    assert.ok((r.events.output_revealed ?? 0) > 0, JSON.stringify(r.events));
  });

  it("--invariants-every N checks at every N-th height and at the last one", async () => {
    const r = await simulate({ seed: 5, blocks: 5, invariantsEvery: 2, determinism: false, exportImport: false });
    assert.equal(r.invariantsEvery, 2);
    assert.equal(r.invariantChecks, 3, "heights 2, 4 and the last, 5");
    await assert.rejects(simulate({ seed: 5, blocks: 1, invariantsEvery: 0 }), /invariantsEvery must be a positive/);
  });
});
