import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { EventAttributes } from "../../chain/events/event-bus.ts";
import { compareDecimal, matchQuery, parseQuery, QuerySyntaxError } from "../../chain/txindex/query.ts";

const attrs = (o: Record<string, string[]>): EventAttributes => new Map(Object.entries(o));

describe("parseQuery", () => {
  it("parses the CometBFT forms", () => {
    const q = parseQuery("tm.event = 'Tx' AND transfer.sender = 'dgrid1abc' AND tx.height >= 5");
    assert.deepEqual(q.conditions, [
      { tag: "tm.event", op: "=", operand: { kind: "string", value: "Tx" } },
      { tag: "transfer.sender", op: "=", operand: { kind: "string", value: "dgrid1abc" } },
      { tag: "tx.height", op: ">=", operand: { kind: "number", value: "5" } },
    ]);
    assert.equal(q.toString(), "tm.event = 'Tx' AND transfer.sender = 'dgrid1abc' AND tx.height >= 5");
    assert.deepEqual(parseQuery("message.action EXISTS").conditions, [{ tag: "message.action", op: "EXISTS" }]);
    assert.equal(parseQuery("a.b CONTAINS 'x y'").conditions[0]?.op, "CONTAINS");
    assert.equal(parseQuery("tx.height>5 AND tx.height<=7").conditions.length, 2);
    assert.equal(parseQuery("block.time > TIME 2013-05-03T14:45:00Z").conditions[0]?.operand?.kind, "time");
    assert.equal(parseQuery("block.date <= DATE 2013-05-03").conditions[0]?.operand?.kind, "date");
    assert.equal(parseQuery("x.y = -1.5").conditions[0]?.operand?.kind, "number");
  });
  it("rejects malformed queries with QuerySyntaxError", () => {
    for (const bad of [
      "",
      "   ",
      "tm.event",
      "tm.event =",
      "tm.event = 'Tx",
      "tm.event == 'Tx'",
      "a.b = 'x' OR c.d = 'y'",
      "a.b = 'x' AND",
      "a.b CONTAINS 5",
      "a.b = TIME yesterday",
      "a.b = DATE 2020-13-01",
      'a.b = "x"',
      "= 'x'",
      "a.b = 'x' c.d = 'y'",
    ]) {
      assert.throws(() => parseQuery(bad), QuerySyntaxError, bad);
    }
  });
  it("never throws anything but QuerySyntaxError on random input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        try {
          parseQuery(s);
        } catch (e) {
          assert.ok(e instanceof QuerySyntaxError, String(e));
        }
      }),
      { numRuns: 500 },
    );
  });
  it("toString round-trips generated queries", () => {
    const tag = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}\.[a-z][a-z0-9_]{0,6}$/);
    const cond = fc.oneof(
      fc
        .record({
          tag,
          op: fc.constantFrom("=", "<", "<=", ">", ">=", "CONTAINS"),
          v: fc.stringMatching(/^[^']{0,10}$/),
        })
        .map(({ tag, op, v }) => `${tag} ${op} '${v}'`),
      fc
        .record({ tag, op: fc.constantFrom("=", "<", "<=", ">", ">="), n: fc.integer({ min: -1e9, max: 1e9 }) })
        .map(({ tag, op, n }) => `${tag} ${op} ${n}`),
      tag.map((t) => `${t} EXISTS`),
    );
    fc.assert(
      fc.property(fc.array(cond, { minLength: 1, maxLength: 5 }), (conds) => {
        const text = conds.join(" AND ");
        const q = parseQuery(text);
        assert.equal(q.conditions.length, conds.length);
        assert.equal(q.toString(), text);
        assert.deepEqual(parseQuery(q.toString()).conditions, q.conditions);
      }),
    );
  });
});

describe("matchQuery", () => {
  const a = attrs({
    "tm.event": ["Tx"],
    "tx.height": ["12"],
    "transfer.sender": ["dgrid1alice", "dgrid1bob"],
    "transfer.amount": ["100udgrid"],
    "coin.value": ["10.5"],
    "block.time": ["2024-01-01T00:00:00Z"],
  });
  const m = (q: string) => matchQuery(parseQuery(q), a);
  it("matches strings exactly, any value", () => {
    assert.ok(m("transfer.sender = 'dgrid1bob'"));
    assert.ok(!m("transfer.sender = 'dgrid1carol'"));
    assert.ok(m("tm.event = 'Tx' AND transfer.sender = 'dgrid1alice'"));
    assert.ok(!m("tm.event = 'NewBlock' AND transfer.sender = 'dgrid1alice'"));
  });
  it("numbers compare numerically, not lexically", () => {
    assert.ok(m("tx.height > 9"));
    assert.ok(m("tx.height >= 12 AND tx.height <= 12"));
    assert.ok(m("tx.height = 12.0"));
    assert.ok(!m("tx.height < 9"));
    assert.ok(m("coin.value > 10.25"));
    assert.ok(!m("transfer.amount > 1"), "non-numeric value never matches a number");
  });
  it("strings compare lexically; CONTAINS; EXISTS", () => {
    assert.ok(m("transfer.sender < 'dgrid1b'"));
    assert.ok(m("transfer.amount CONTAINS 'udgrid'"));
    assert.ok(!m("transfer.amount CONTAINS 'uatom'"));
    assert.ok(m("transfer.amount EXISTS"));
    assert.ok(!m("transfer.recipient EXISTS"));
  });
  it("TIME and DATE", () => {
    assert.ok(m("block.time >= TIME 2023-12-31T23:59:59Z"));
    assert.ok(!m("block.time > TIME 2024-01-01T00:00:00Z"));
    assert.ok(m("block.time >= DATE 2024-01-01"));
    assert.ok(m("block.time < DATE 2024-01-02"));
  });
  it("compareDecimal agrees with BigInt on integers", () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt(), (x, y) => {
        assert.equal(compareDecimal(String(x), String(y)), x === y ? 0 : x < y ? -1 : 1);
      }),
    );
    assert.equal(compareDecimal("1.50", "1.5"), 0);
    assert.equal(compareDecimal("-0.1", "0"), -1);
  });
});
