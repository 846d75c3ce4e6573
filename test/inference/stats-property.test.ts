// Issue 17: the measured stats. Property: over random streams of single and batched requests to four
// in-process validators, one of them corrupting its outputs and one silent, every model's ModelStats
// (registry), its creator's earnings and every validator's ValidatorStats (reputation: jobs and score
// samples) equal a recomputation from the run's events (stats-recompute.ts); they export and import
// through genesis. Unit: the records stay bounded (latency window, score ring) whatever the number of
// settlements, and each ring keeps exactly the latest entries.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { namedFromTensors } from "../../chain/tensor/canonical.ts";
import { applySettlement, emptyStats, LATENCY_WINDOW, type SettlementRecord } from "../../modules/registry/stats.ts";
import { parseGenesis } from "../../modules/reputation/genesis.ts";
import {
  addSample,
  applyJob,
  emptyValidatorStats,
  JOBS,
  SCORE_HISTORY,
  samplesInOrder,
} from "../../modules/reputation/validator-stats.ts";
import {
  QueryCreatorModelsRequest,
  QueryCreatorModelsResponse,
  QueryModelRequest,
  QueryModelResponse,
} from "../../proto/gen/dgrid/registry/v1/query.ts";
import { QueryValidatorStatsRequest, QueryValidatorStatsResponse } from "../../proto/gen/dgrid/reputation/v1/query.ts";
import { f32, INPUT, MODEL_ID, query, result, type Setup, setup, signed } from "./chain-setup.ts";
import { allEvents, type Behaviour, step } from "./harness.ts";
import { percentile, recompute, WINDOW } from "./stats-recompute.ts";

type Kind = "single" | "unrunnable" | "batch" | "mixed_batch";
interface Req {
  kind: Kind;
  redundancy: number;
  items: number;
}

const reqArb: fc.Arbitrary<Req> = fc.record({
  kind: fc.constantFrom<Kind>("single", "unrunnable", "batch", "mixed_batch"),
  redundancy: fc.integer({ min: 0, max: 4 }),
  items: fc.integer({ min: 2, max: 4 }),
});

const SAMPLE_INTERVAL = 3;
const INITIAL_SCORE = 800_000n;

function msgOf(s: Setup, r: Req) {
  const row = (i: number) => (r.kind === "mixed_batch" && i === 1 ? [Number.NaN, 1, 2, 3] : [i, i + 1, i + 2, i + 3]);
  const single = r.kind === "single" || r.kind === "unrunnable";
  const x = r.kind === "unrunnable" ? [Number.NaN, 1, 2, 3] : INPUT;
  return {
    typeUrl: "/dgrid.inference.v1.MsgRequestInference",
    value: {
      requester: s.alice.address,
      modelId: MODEL_ID,
      inputs: single ? namedFromTensors({ x: f32(x, [x.length / 4, 4]) }) : [],
      items: single
        ? []
        : Array.from({ length: r.items }, (_, i) => ({ inputs: namedFromTensors({ x: f32(row(i), [1, 4]) }) })),
      maxFee: { denom: "udgrid", amount: "10000000" },
      redundancy: r.redundancy,
    },
  };
}

describe("measured stats (issue 17)", () => {
  /** what the runs covered, summed over runs: each kind must have happened for the property to mean something */
  const seen = {
    unanimous: 0n,
    majority: 0n,
    noQuorum: 0n,
    itemsNoQuorum: 0,
    missed: 0n,
    dissented: 0n,
    unresolved: 0n,
    samples: 0,
  };

  it("model, creator and validator stats equal a recomputation from the events, with a corrupt and a silent executor (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.array(reqArb, { minLength: 0, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        async (corruptIndex, silentOffset, blocks) => {
          const behaviours: Behaviour[] = ["honest", "honest", "honest", "honest"];
          behaviours[corruptIndex] = "corrupt";
          behaviours[(corruptIndex + silentOffset) % 4] = "silent";
          const s = await setup(
            behaviours,
            { commitDeadlineBlocks: 3n, revealDeadlineBlocks: 3n },
            { reputation: { params: { scoreSampleIntervalBlocks: BigInt(SAMPLE_INTERVAL) } } },
          );
          await step(s.net);
          const sent: Req[] = [];
          for (const block of blocks) {
            const txs: Uint8Array[] = [];
            for (const r of block) txs.push(await signed(s, [msgOf(s, r)]));
            const b = await step(s.net, txs);
            assert.deepEqual(
              b.codes.slice(b.codes.length - txs.length),
              txs.map(() => 0),
              "every request is accepted",
            );
            sent.push(...block);
          }
          const ids = allEvents(s.net, "request_created").map((e) => e.request_id);
          assert.equal(ids.length, sent.length);
          for (let i = 0; i < 30 && (await Promise.all(ids.map((id) => result(s, BigInt(id))))).some((r) => !r); i++)
            await step(s.net);
          const items = new Map(
            ids.map((id, i) => [id, sent[i].kind === "single" || sent[i].kind === "unrunnable" ? 1 : sent[i].items]),
          );
          const want = recompute(s.net, (id) => items.get(id)!, {
            initialScore: INITIAL_SCORE,
            sampleInterval: SAMPLE_INTERVAL,
          });

          // the model
          const got = (
            await query(
              s,
              "/dgrid.registry.v1.Query/Model",
              QueryModelRequest.encode({ id: MODEL_ID }).finish(),
              QueryModelResponse,
            )
          ).stats!;
          const m = want.models.get(MODEL_ID);
          if (!m) assert.equal(sent.length, 0);
          else {
            assert.equal(got.requestsFinalized, m.requestsFinalized, "requests_finalized");
            assert.equal(got.requestsRefunded, m.requestsRefunded, "requests_refunded");
            assert.equal(got.requestsFinalized + got.requestsRefunded, BigInt(ids.length), "one record per request");
            assert.equal(got.items, m.items, "items");
            assert.equal(got.itemsRefunded, m.itemsRefunded, "items_refunded");
            assert.equal(got.unanimous, m.unanimous, "unanimous");
            assert.equal(got.majority, m.majority, "majority");
            assert.equal(got.noQuorum, m.noQuorum, "no_quorum");
            const judged = m.unanimous + m.majority + m.noQuorum;
            assert.equal(got.agreementPpm, judged === 0n ? 0n : (m.unanimous * 1_000_000n) / judged);
            const fees = got.creatorFees.find((c) => c.denom === "udgrid")?.amount ?? "0";
            assert.equal(BigInt(fees), m.creatorFee, "creator fees");
            const window = m.latencies.slice(-WINDOW);
            assert.deepEqual(
              [...got.latencyWindow].sort((a, b) => a - b),
              [...window].sort((a, b) => a - b),
            );
            assert.equal(got.latencyP50, percentile(window, 50));
            assert.equal(got.latencyP99, percentile(window, 99));
            const creator = await query(
              s,
              "/dgrid.registry.v1.Query/CreatorModels",
              QueryCreatorModelsRequest.encode({ creator: s.creator.address, pagination: undefined }).finish(),
              QueryCreatorModelsResponse,
            );
            assert.equal(BigInt(creator.earnings?.fees.find((c) => c.denom === "udgrid")?.amount ?? "0"), m.creatorFee);
            assert.equal(creator.earnings?.requestsFinalized, m.requestsFinalized);
            assert.equal(creator.models[0].servers, 4, "executors serving it");
            seen.unanimous += m.unanimous;
            seen.majority += m.majority;
            seen.noQuorum += m.noQuorum;
          }

          seen.itemsNoQuorum += allEvents(s.net, "request_refunded").filter(
            (e) => e.reason === "items_no_quorum",
          ).length;

          // the validators
          for (const n of s.net.nodes) {
            const v = n.v.operator;
            const r = await query(
              s,
              "/dgrid.reputation.v1.Query/ValidatorStats",
              QueryValidatorStatsRequest.encode({ validator: v }).finish(),
              QueryValidatorStatsResponse,
            );
            const st = r.stats!;
            const e = want.validators.get(v);
            const counts = [st.jobsDone, st.jobsMissed, st.jobsDissented, st.jobsUnresolved, st.lastJobHeight];
            assert.deepEqual(
              counts,
              e ? [e.jobsDone, e.jobsMissed, e.jobsDissented, e.jobsUnresolved, e.lastJobHeight] : [0n, 0n, 0n, 0n, 0n],
              `${n.v.name} jobs`,
            );
            assert.deepEqual(samplesInOrder(st), (e?.samples ?? []).slice(-SCORE_HISTORY), `${n.v.name} score samples`);
            seen.missed += st.jobsMissed;
            seen.dissented += st.jobsDissented;
            seen.unresolved += st.jobsUnresolved;
            seen.samples += st.scoreHistory.length;
            if (behaviours[s.net.nodes.indexOf(n)] === "silent")
              assert.equal(st.jobsDone + st.jobsDissented, 0n, "a silent executor never reveals");
          }

          // genesis: the export validates and carries every record
          const exported = (await s.net.nodes[0].app.exportAppState()) as Record<string, unknown>;
          const g = parseGenesis(exported.reputation);
          assert.equal(g.validatorStats.length, want.validators.size);
        },
      ),
      { numRuns: 10, seed: 17 },
    );
    for (const [k, v] of Object.entries(seen))
      assert.ok(
        v > 0,
        `the runs never produced ${k}: ${JSON.stringify(seen, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}`,
      );
  });

  it("the records stay bounded and keep exactly the latest latencies and score samples", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ latency: fc.integer({ min: 0, max: 50 }), unanimous: fc.boolean() }), {
          minLength: 0,
          maxLength: 400,
        }),
        fc.array(fc.constantFrom(...JOBS), { maxLength: 300 }),
        (settlements, jobs) => {
          let stats = emptyStats(MODEL_ID);
          for (const [h, x] of settlements.entries()) {
            const rec: SettlementRecord = {
              finalized: true,
              agreement: x.unanimous ? "unanimous" : "majority",
              items: 1,
              latencyBlocks: x.latency,
            };
            stats = applySettlement(stats, rec, h + 1);
            assert.ok(stats.latencyWindow.length <= LATENCY_WINDOW);
          }
          const last = settlements.slice(-LATENCY_WINDOW).map((x) => x.latency);
          assert.deepEqual(
            [...stats.latencyWindow].sort((a, b) => a - b),
            [...last].sort((a, b) => a - b),
          );
          assert.equal(stats.latencyP99, percentile(last, 99));
          let v = emptyValidatorStats("v");
          for (const [h, j] of jobs.entries()) {
            v = addSample(applyJob(v, j, h + 1), { height: BigInt(h + 1), scorePpm: BigInt(h) });
            assert.ok(v.scoreHistory.length <= SCORE_HISTORY && v.historyNext < SCORE_HISTORY);
          }
          assert.deepEqual(
            samplesInOrder(v).map((x) => x.height),
            jobs.map((_, h) => BigInt(h + 1)).slice(-SCORE_HISTORY),
          );
          assert.equal(v.jobsDone + v.jobsMissed + v.jobsDissented + v.jobsUnresolved, BigInt(jobs.length));
          assert.equal(v.jobsDissented, BigInt(jobs.filter((j) => j === "dissented").length));
        },
      ),
      { numRuns: 60 },
    );
  });
});
