// The chaos suite (bench/chaos, `npm run chaos`) in short: 2 rounds on a 4-validator localnet with
// client load, seed 9 (a kill -9 of node 3, then an even partition {1,3} | {0,2}, which must halt the
// chain and heal). Every check of the full run applies; 0 violations. Run under
// `flock /tmp/dgrid-e2e.lock` (it starts 4 node processes).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runChaos } from "../../bench/chaos/run.ts";

describe("chaos smoke (bench/chaos)", { timeout: 600_000 }, () => {
  it("2 seeded rounds (kill -9, even partition) under load: the nodes agree, commits verify, invariants hold", async (t) => {
    const report = await runChaos(
      { rounds: 2, seed: 9, validators: 4, healTimeoutMs: 120_000 },
      { log: (line) => t.diagnostic(line) },
    );
    assert.deepEqual(
      report.violations.map((v) => v.message),
      [],
    );
    assert.deepEqual(report.faults, { kill9: 1, sigstop: 0, restart: 0, partition: 1 });
    assert.ok(report.blocks > 5, `${report.blocks} blocks checked`);
    assert.ok(report.txs > 0, "client txs were committed");
  });
});
