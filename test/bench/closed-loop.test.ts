// The bench load generator (bench/closed-loop.ts): a count is exact over all clients, never more than
// `clients` queries are in flight, errors are counted without stopping the loops, and a duration ends it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runClosedLoop } from "../../bench/closed-loop.ts";

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

describe("runClosedLoop", () => {
  it("runs exactly `count` queries with at most `clients` in flight", async () => {
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    const r = await runClosedLoop(
      async () => {
        calls++;
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
      },
      { clients: 4, durationMs: 0, count: 37 },
    );
    assert.equal(calls, 37);
    assert.equal(r.ok, 37);
    assert.equal(r.latenciesMs.length, 37);
    assert.equal(r.errors, 0);
    assert.equal(most, 4);
    assert.ok(
      r.latenciesMs.every((l) => l >= 3),
      "each latency covers the query's 5 ms wait (timers may fire ~1 ms early)",
    );
    assert.ok(r.elapsedMs > 0);
  });

  it("counts rejected queries as errors, keeps the first message, and goes on", async () => {
    let n = 0;
    const r = await runClosedLoop(
      async () => {
        const mine = ++n;
        await tick();
        if (mine % 3 === 0) throw new Error(`wrong answer ${mine}`);
      },
      { clients: 2, durationMs: 0, count: 30 },
    );
    assert.equal(r.errors, 10);
    assert.equal(r.ok, 20);
    assert.equal(r.latenciesMs.length, 20);
    assert.equal(r.firstError, "wrong answer 3");
  });

  it("stops starting queries at the deadline when no count is given", async () => {
    const r = await runClosedLoop(tick, { clients: 3, durationMs: 60 });
    assert.ok(r.ok > 3, `${r.ok} queries in 60 ms`);
    assert.ok(r.elapsedMs >= 60 && r.elapsedMs < 1000, `elapsed ${r.elapsedMs} ms`);
  });

  it("refuses zero clients", async () => {
    await assert.rejects(runClosedLoop(tick, { clients: 0, durationMs: 10 }), /clients must be >= 1/);
  });
});
