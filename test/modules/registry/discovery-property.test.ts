// Property: after any sequence of registrations, card updates, delistings and settlements, every
// discovery query (any filters, any sort, either direction, paged through next_key) returns exactly
// the listed models a recomputation finds by filtering and sorting all of them, and the index
// invariant holds. The recomputation keeps its own stats from the settlements it sent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { TASKS } from "../../../modules/registry/card.ts";
import { indexesInvariant } from "../../../modules/registry/invariants.ts";
import { account, card, modelId, setup } from "./harness.ts";

const TAGS = ["a", "b", "c", "d"];
const CREATORS = [account(1), account(2), account(3)];
const DENOMS = ["udgrid", "uatom"];
const WINDOW = 64;

interface Shadow {
  id: string;
  creator: string;
  denom: string;
  price: bigint;
  task?: string;
  tags: string[];
  delisted: boolean;
  finalized: bigint;
  unanimous: bigint;
  judged: bigint;
  latencies: number[];
}

const rank = (sorted: number[], p: number) => sorted[Math.ceil((p * sorted.length) / 100) - 1];

/** The order the discovery query promises, recomputed from the shadow state. */
function expected(models: Shadow[], f: { task?: string; tag?: string; creator?: string }, sort: string): string[] {
  const cmpId = (a: Shadow, b: Shadow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const num = (x: bigint | number, y: bigint | number) => (x < y ? -1 : x > y ? 1 : 0);
  const ppm = (m: Shadow) => (m.judged === 0n ? 0n : (m.unanimous * 1_000_000n) / m.judged);
  const lat = (m: Shadow) => {
    const s = [...m.latencies].sort((a, b) => a - b);
    return s.length === 0 ? [2 ** 32 - 1, 2 ** 32 - 1] : [rank(s, 50), rank(s, 99)];
  };
  const cmp: Record<string, (a: Shadow, b: Shadow) => number> = {
    price: (a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : num(a.price, b.price)),
    usage: (a, b) => num(b.finalized, a.finalized),
    agreement: (a, b) => num(ppm(b), ppm(a)),
    latency: (a, b) => num(lat(a)[0], lat(b)[0]) || num(lat(a)[1], lat(b)[1]),
  };
  return models
    .filter((m) => !m.delisted)
    .filter((m) => (f.task ? m.task === f.task : true))
    .filter((m) => (f.tag ? m.tags.includes(f.tag) : true))
    .filter((m) => (f.creator ? m.creator === f.creator : true))
    .sort((a, b) => cmp[sort](a, b) || cmpId(a, b))
    .map((m) => m.id);
}

const cardArb = fc.option(fc.record({ task: fc.constantFrom(...TASKS), tags: fc.subarray(TAGS) }), { nil: undefined });
const register = fc.record({
  kind: fc.constant("register" as const),
  creator: fc.constantFrom(...CREATORS),
  denom: fc.constantFrom(...DENOMS),
  price: fc.bigInt({ min: 0n, max: 5000n }),
  card: cardArb,
});
const update = fc.record({
  kind: fc.constant("update" as const),
  pick: fc.nat(),
  card: fc.record({ task: fc.constantFrom(...TASKS), tags: fc.subarray(TAGS) }),
});
const delist = fc.record({ kind: fc.constant("delist" as const), pick: fc.nat() });
const settle = fc.record({
  kind: fc.constant("settle" as const),
  pick: fc.nat(),
  outcome: fc.constantFrom("unanimous", "majority", "no_quorum", "none"),
  latency: fc.nat({ max: 40 }),
});
// settlements most often (they move three sorts), registrations next, delistings seldom
const op = fc.oneof(
  { arbitrary: register, weight: 3 },
  { arbitrary: update, weight: 1 },
  { arbitrary: delist, weight: 1 },
  { arbitrary: settle, weight: 5 },
);
const filter = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const queryArb = fc.record({
  task: filter(fc.constantFrom(...TASKS)),
  tag: filter(fc.constantFrom(...TAGS)),
  creator: filter(fc.constantFrom(...CREATORS)),
  sort: fc.constantFrom("price", "usage", "agreement", "latency"),
  reverse: fc.boolean(),
  limit: fc.integer({ min: 1, max: 4 }),
});

describe("registry: discovery indexes (property)", () => {
  it("every query equals filtering and sorting all models; the index invariant holds", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 10, maxLength: 60 }),
        fc.array(queryArb, { minLength: 4, maxLength: 8 }),
        async (ops, queries) => {
          const env = setup();
          const shadow: Shadow[] = [];
          let height = 1;
          for (const o of ops) {
            height++;
            if (o.kind === "register") {
              const id = modelId(shadow.length);
              const c = o.card ? card({ task: o.card.task, tags: o.card.tags }) : undefined;
              const r = await env.register({ id, creator: o.creator, denom: o.denom, price: o.price, card: c }, height);
              assert.equal(r, "ok");
              shadow.push({
                id,
                creator: o.creator,
                denom: o.denom,
                price: o.price,
                task: c?.task,
                tags: c?.tags ?? [],
                delisted: false,
                finalized: 0n,
                unanimous: 0n,
                judged: 0n,
                latencies: [],
              });
              continue;
            }
            if (shadow.length === 0) continue;
            const m = shadow[o.pick % shadow.length];
            if (o.kind === "update") {
              const r = await env.updateCard(m.creator, m.id, card({ task: o.card.task, tags: o.card.tags }));
              assert.equal(r, m.delisted ? "registry:5" : "ok");
              if (!m.delisted) [m.task, m.tags] = [o.card.task, o.card.tags];
            } else if (o.kind === "delist") {
              assert.equal(await env.delist(m.id), "ok");
              m.delisted = true;
            } else {
              const finalized = o.outcome === "unanimous" || o.outcome === "majority";
              await env.keeper.recordSettlement(env.ctx(height), m.id, {
                finalized,
                agreement: o.outcome as "unanimous",
                items: 1,
                latencyBlocks: finalized ? o.latency : undefined,
              });
              if (finalized) {
                m.finalized++;
                m.latencies = [...m.latencies, o.latency].slice(-WINDOW);
              }
              if (o.outcome === "unanimous") m.unanimous++;
              if (o.outcome !== "none") m.judged++;
            }
          }
          for (const q of queries) {
            const filters = { task: q.task, tag: q.tag, creator: q.creator };
            const want = expected(shadow, filters, q.sort);
            if (q.reverse) want.reverse();
            const got = await env.discoverAll({ ...filters, sort: q.sort }, q.reverse, q.limit);
            assert.deepEqual(got, want, JSON.stringify(q));
          }
          const inv = await indexesInvariant(env.ctx(), env.keeper);
          assert.equal(inv.broken, false, inv.message);
        },
      ),
      { numRuns: 40 },
    );
  });
});
