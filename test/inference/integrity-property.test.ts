// Property (issue 18): one account sends random streams of requests (valid, unrunnable by the model,
// refused by the model, wrong-shaped, over-redundant) to four in-process validators (harness.ts, fake
// duties and executors), three honest and one that is honest, corrupt or silent. Whatever the stream:
// - a score goes down only through a missing or dissenting execution, and only the faulty
//   validator's ever does: no sequence of requests lowers an honest validator's reputation;
// - every request runs on min(requested, eligible) executors and is charged for those;
// - the money adds up, to the udgrid: what the requester paid (less its tx fees) is what the
//   executors, the creator and the community pool received, and, by the events, the fees charged
//   equal the payments plus the refunds; the escrow ends empty.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { namedFromTensors } from "../../chain/tensor/canonical.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { RequestStatus } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import {
  balance,
  f32,
  INPUT,
  request,
  requestMsg,
  result,
  type Setup,
  score,
  setup,
  signed,
  TX_FEE,
} from "./chain-setup.ts";
import { allEvents, type Behaviour, step } from "./harness.ts";

type Kind = "valid" | "unrunnable" | "refused" | "wrong_shape" | "over_redundant";

interface Req {
  kind: Kind;
  redundancy: number;
}

const reqArb: fc.Arbitrary<Req> = fc.oneof(
  fc.record({
    kind: fc.constantFrom<Kind>("valid", "unrunnable", "refused", "wrong_shape"),
    redundancy: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({ kind: fc.constant<Kind>("over_redundant"), redundancy: fc.integer({ min: 5, max: 16 }) }),
);

function msgOf(s: Setup, r: Req) {
  switch (r.kind) {
    case "valid":
    case "over_redundant":
      return requestMsg(s, INPUT, r.redundancy);
    case "unrunnable":
      return requestMsg(s, [Number.NaN, 1, 2, 3], r.redundancy);
    case "refused":
      return requestMsg(s, [Number.POSITIVE_INFINITY, 1, 2, 3], r.redundancy);
    case "wrong_shape":
      return requestMsg(s, [], r.redundancy, { inputs: namedFromTensors({ x: f32([1, 2, 3], [1, 3]) }) });
  }
}

const udgrid = (coin: string) => BigInt(coin.replace(/udgrid$/, ""));
const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

describe("inference integrity under random request streams from one account (property)", () => {
  it("reputation falls only for missing or dissenting executions, never for an honest validator; the money adds up", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Behaviour>("honest", "corrupt", "silent"),
        fc.integer({ min: 0, max: 3 }),
        // blocks of requests: each inner array is one block's txs (one request per tx)
        fc.array(fc.array(reqArb, { minLength: 0, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        async (faulty, faultyIndex, blocks) => {
          const behaviours: Behaviour[] = ["honest", "honest", "honest", "honest"];
          behaviours[faultyIndex] = faulty;
          const s = await setup(behaviours, { commitDeadlineBlocks: 3n, revealDeadlineBlocks: 3n });
          const vals = s.net.nodes.map((n) => n.v);
          const honest = vals.filter((_, i) => behaviours[i] === "honest").map((v) => v.operator);
          await step(s.net);
          const start = {
            alice: await balance(s, s.alice.address),
            creator: await balance(s, s.creator.address),
            pool: await balance(s, moduleAddress("distribution")),
            executors: await Promise.all(vals.map((v) => balance(s, v.account))),
            scores: await Promise.all(vals.map((v) => score(s, v.operator))),
          };
          let txs = 0;
          const sent: { req: Req; code: number }[] = [];
          for (const block of blocks) {
            const batch: Uint8Array[] = [];
            for (const r of block) batch.push(await signed(s, [msgOf(s, r)]));
            txs += batch.length;
            const b = await step(s.net, batch);
            // the block's own txs come last (after the proposer's injected extended commit, if any)
            const codes = b.codes.slice(b.codes.length - batch.length);
            block.forEach((req, i) => {
              sent.push({ req, code: codes[i] });
            });
          }
          // wrong shapes are refused in the block (code 4) and nothing else is
          for (const { req, code } of sent) assert.equal(code, req.kind === "wrong_shape" ? 4 : 0, req.kind);
          const created = allEvents(s.net, "request_created");
          const ids = created.map((e) => BigInt(e.request_id));
          for (let i = 0; i < 40 && (await Promise.all(ids.map((id) => result(s, id)))).some((r) => !r); i++)
            await step(s.net);
          const results = await Promise.all(ids.map((id) => result(s, id)));
          assert.ok(
            results.every((r) => r),
            "every request settled",
          );

          // effective redundancy: min(requested, eligible = 4), charged per execution
          const accepted = sent.filter((x) => x.code === 0).map((x) => x.req);
          for (const [i, id] of ids.entries()) {
            const req = await request(s, id);
            const asked = accepted[i].redundancy === 0 ? 3 : accepted[i].redundancy;
            assert.equal(req.requestedRedundancy, asked);
            assert.equal(req.redundancy, Math.min(asked, 4));
            assert.equal(req.executors.length, req.redundancy);
            // run by honest executors only, a request ends as its input says (a faulty one may sway a k = 1 request)
            if (req.executors.every((e) => honest.includes(e.validator))) {
              const runnable = accepted[i].kind === "valid" || accepted[i].kind === "over_redundant";
              const want = runnable ? RequestStatus.REQUEST_STATUS_FINALIZED : RequestStatus.REQUEST_STATUS_FAILED;
              assert.equal(results[i]!.status, want, accepted[i].kind);
            }
          }

          // reputation: decreases only for missing / dissent, only for the faulty validator
          for (const e of allEvents(s.net, "reputation_updated")) {
            if (BigInt(e.new_score_ppm) >= BigInt(e.old_score_ppm)) continue;
            assert.ok(e.outcome === "missing" || e.outcome === "dissent", JSON.stringify(e));
            assert.ok(!honest.includes(e.validator), `honest ${e.validator} lost reputation: ${JSON.stringify(e)}`);
          }
          for (const [i, v] of vals.entries()) {
            const now = await score(s, v.operator);
            if (honest.includes(v.operator))
              assert.ok(now >= start.scores[i], `${v.name}: ${start.scores[i]} -> ${now}`);
          }

          // money: balances
          const alice = await balance(s, s.alice.address);
          const paidByRequester = start.alice - alice - BigInt(txs) * TX_FEE;
          const executors = sum(
            await Promise.all(vals.map((v, i) => balance(s, v.account).then((b) => b - start.executors[i]))),
          );
          const creator = (await balance(s, s.creator.address)) - start.creator;
          const pool = (await balance(s, moduleAddress("distribution"))) - start.pool;
          assert.equal(paidByRequester, executors + creator + pool);
          assert.equal(await balance(s, moduleAddress("inference")), 0n);
          // money: events (fees charged = payments + refunds)
          const charged = sum(created.map((e) => udgrid(e.fee)));
          const settled = [...allEvents(s.net, "request_finalized"), ...allEvents(s.net, "request_failed")];
          const payments = sum(
            settled.map((e) => udgrid(e.executors_paid) + udgrid(e.creator_paid) + udgrid(e.community_paid)),
          );
          const refunds =
            sum(allEvents(s.net, "request_refunded").map((e) => udgrid(e.amount))) +
            sum(allEvents(s.net, "redundancy_reduced").map((e) => udgrid(e.refunded)));
          assert.equal(charged, payments + refunds);
          assert.equal(payments, executors + creator + pool);
        },
      ),
      { numRuns: 24 },
    );
  });
});
