// Issue 18 on four in-process validators (harness.ts): execution errors are outcomes (committed,
// revealed, agreed on, paid for), the fee follows the executions that happen, CheckTx refuses what
// the block would, and a validator pushed under the reputation floor recovers on probation.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CheckTxType } from "cosmjs-types/tendermint/abci/types";
import { namedFromTensors } from "../../chain/tensor/canonical.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { sha256 } from "../../modules/inference/commitment.ts";
import { canonicalError } from "../../modules/inference/outcome.ts";
import {
  ExecutionError,
  ExecutorOutcome,
  RequestStatus,
  VoteExtension,
} from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { ErrBadInput } from "../../validator/errors.ts";
import {
  balance,
  f32,
  INPUT,
  PRICE,
  request,
  requestMsg,
  requestTx,
  runUntilSettled,
  type Setup,
  score,
  setup,
  signed,
  TX_FEE,
} from "./chain-setup.ts";
import { allEvents, fakeValidator, step } from "./harness.ts";

/** an input the fake model cannot run: onnxruntime-style runtime failure */
const UNRUNNABLE = [Number.NaN, 1, 2, 3];
/** an input the fake model refuses before running */
const REFUSED = [Number.POSITIVE_INFINITY, 1, 2, 3];

async function scores(s: Setup): Promise<bigint[]> {
  return Promise.all(s.net.nodes.map((n) => score(s, n.v.operator)));
}

describe("execution errors are outcomes", () => {
  it("an input the model cannot run settles as failed: executors paid, creator not, nothing refunded, no score moves", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    await step(s.net);
    const before = await balance(s, s.alice.address);
    await step(s.net, [await requestTx(s, UNRUNNABLE, 4)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FAILED);
    assert.equal(res.error, ExecutionError.EXECUTION_ERROR_RUNTIME_ERROR);
    assert.equal(res.reason, "input_failed");
    assert.deepEqual(res.outputs, []);
    assert.deepEqual(res.outputHash, sha256(canonicalError(ExecutionError.EXECUTION_ERROR_RUNTIME_ERROR)));
    assert.equal(res.agreeing.length, 4);
    // fee 4000: creator 0; executors 90% = 3600 -> 900 each; community 400; the requester gets nothing back
    assert.equal(res.creatorPaid?.amount, "0");
    assert.equal(res.executorsPaid?.amount, "3600");
    assert.equal(res.communityPaid?.amount, "400");
    assert.equal(res.refunded?.amount, "0");
    assert.equal(await balance(s, s.alice.address), before - TX_FEE - 4n * PRICE);
    assert.equal(await balance(s, s.creator.address), 1n);
    for (const n of s.net.nodes) assert.equal(await balance(s, n.v.account), 900n);
    assert.equal(await balance(s, moduleAddress("distribution")), 400n);
    assert.equal(await balance(s, moduleAddress("inference")), 0n);
    assert.deepEqual(await scores(s), [800_000n, 800_000n, 800_000n, 800_000n]);
    assert.equal(allEvents(s.net, "reputation_updated").length, 0);
    assert.equal(s.net.staking.slashes.length, 0);
    const revealed = allEvents(s.net, "output_revealed");
    assert.deepEqual(
      revealed.map((e) => e.error),
      ["runtime_error", "runtime_error", "runtime_error", "runtime_error"],
    );
    const failed = allEvents(s.net, "request_failed");
    assert.equal(failed.length, 1);
    assert.equal(failed[0].error, "runtime_error");
    assert.equal(failed[0].executors_paid, "3600udgrid");
    assert.equal(allEvents(s.net, "request_finalized").length, 0);
    const req = await request(s, 1n);
    assert.equal(req.status, RequestStatus.REQUEST_STATUS_FAILED);
    assert.ok(req.executors.every((e) => e.error === ExecutionError.EXECUTION_ERROR_RUNTIME_ERROR));
  });

  it("an input refused before running is the INVALID_INPUT outcome", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    await step(s.net);
    await step(s.net, [await requestTx(s, REFUSED, 3)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FAILED);
    assert.equal(res.error, ExecutionError.EXECUTION_ERROR_INVALID_INPUT);
    assert.equal(res.agreeing.length, 3);
  });

  it("outputs over max_output_bytes are the OUTPUT_TOO_LARGE outcome, not a rejected reveal", async () => {
    // 2 rows -> y [2,2] float32 = 16 bytes, over a limit of 8
    const s = await setup(["honest", "honest", "honest", "honest"], { maxOutputBytes: 8n });
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 3)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FAILED);
    assert.equal(res.error, ExecutionError.EXECUTION_ERROR_OUTPUT_TOO_LARGE);
    assert.equal(allEvents(s.net, "reveal_rejected").length, 0);
    assert.deepEqual(await scores(s), [800_000n, 800_000n, 800_000n, 800_000n]);
  });

  it("an executor that makes up an output where the others agree on an error dissents (and the reverse)", async () => {
    // validator 1 answers an output to the unrunnable input: a dissenter against 3 of 4
    const s = await setup(["honest", "corrupt", "honest", "honest"]);
    await step(s.net);
    await step(s.net, [await requestTx(s, UNRUNNABLE, 4)]);
    const res = await runUntilSettled(s, 1n);
    const bad = s.net.nodes[1].v.operator;
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FAILED);
    assert.deepEqual(res.dissenting, [bad]);
    assert.equal(await score(s, bad), 600_000n);
    assert.equal(s.net.staking.slashes.length, 1);
    for (const i of [0, 2, 3]) assert.equal(await score(s, s.net.nodes[i].v.operator), 800_000n);
    const req = await request(s, 1n);
    assert.equal(req.executors.find((e) => e.validator === bad)!.outcome, ExecutorOutcome.EXECUTOR_OUTCOME_DISSENTED);

    // the reverse: on a runnable input, an executor that reveals an error where 3 reveal outputs
    const t = await setup(["honest", "honest", "honest", "honest"]);
    const liar = t.net.nodes[2];
    // it claims the model refused the input
    liar.executor.run = () => Promise.reject(ErrBadInput.wrap("claims the input is refused"));
    await step(t.net);
    await step(t.net, [await requestTx(t, INPUT, 4)]);
    const res2 = await runUntilSettled(t, 1n);
    assert.equal(res2.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.deepEqual(res2.dissenting, [liar.v.operator]);
    assert.equal(await score(t, liar.v.operator), 600_000n);
  });

  it("a reveal of an unknown error class, or of an error with outputs, is malformed", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    await step(s.net);
    await step(s.net, [await requestTx(s, UNRUNNABLE, 4)]);
    let n = 0;
    s.net.overrideExtension = (_h, i, ext) => {
      if (i !== 0 || ext.length === 0) return ext;
      const ve = VoteExtension.decode(ext);
      if (ve.reveals.length === 0 || n > 1) return ext;
      ve.reveals[0] =
        n++ === 0
          ? { ...ve.reveals[0], error: 99 as ExecutionError }
          : { ...ve.reveals[0], outputs: namedFromTensors({ y: f32([1, 2], [1, 2]) }) };
      return VoteExtension.encode(ve).finish();
    };
    const res = await runUntilSettled(s, 1n);
    assert.deepEqual(
      allEvents(s.net, "reveal_rejected").map((e) => e.reason),
      ["malformed", "malformed"],
    );
    // its honest reveal came a height later
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FAILED);
    assert.equal(res.agreeing.length, 4);
  });
});

describe("reputation moves only for what a validator controls", () => {
  it("without agreement nobody loses reputation, a no-show included (integration.test.ts: with agreement it does)", async () => {
    // k = 2 of unique outputs: no quorum; the silent one is recorded missing but keeps its score
    const s = await setup(["unique", "unique", "silent", "unique"], { commitDeadlineBlocks: 2n });
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 4)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_REFUNDED);
    assert.deepEqual(res.missing, [s.net.nodes[2].v.operator]);
    assert.deepEqual(await scores(s), [800_000n, 800_000n, 800_000n, 800_000n]);

    // every executor silent (the input crashes them all, say): expired, refunded, nobody penalized
    const t = await setup(["silent", "silent", "silent", "silent"], { commitDeadlineBlocks: 2n });
    await step(t.net);
    await step(t.net, [await requestTx(t, INPUT, 3)]);
    const res2 = await runUntilSettled(t, 1n);
    assert.equal(res2.reason, "expired");
    assert.deepEqual(await scores(t), [800_000n, 800_000n, 800_000n, 800_000n]);
  });

  it("dissent is penalized only against a supermajority (slash_min_support_ppm of the assigned)", async () => {
    // k = 4, quorum 3; with support at 90% required, 3 of 4 agreeing is not a supermajority
    const s = await setup(["honest", "corrupt", "honest", "honest"], { slashMinSupportPpm: 900_000n });
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 4)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.deepEqual(res.dissenting, [s.net.nodes[1].v.operator]);
    assert.equal(await score(s, s.net.nodes[1].v.operator), 800_000n);
    assert.equal(s.net.staking.slashes.length, 0);
  });

  it("a validator under the floor is not assigned, recovers on probation and is assigned again", async () => {
    const low = fakeValidator("v0").operator;
    const s = await setup(
      ["honest", "honest", "honest", "honest"],
      {},
      {
        reputation: {
          params: { recoveryIntervalBlocks: 3n, recoveryPpm: 100_000n, neutralScorePpm: 800_000n },
          reputations: [{ validator: low, scorePpm: 0n, agreed: 0n, dissented: 0n, missed: 5n, updatedHeight: 0n }],
        },
      },
    );
    assert.equal(s.net.nodes[0].v.operator, low);
    await step(s.net);
    // k = 4 while v0 is under the floor: 3 eligible, so 3 assigned and 3 paid for
    const b = await step(s.net, [await requestTx(s, INPUT, 4)]);
    assert.deepEqual(b.codes, [0], b.logs.join("\n"));
    const first = await request(s, 1n);
    assert.equal(first.redundancy, 3);
    assert.ok(!first.executors.some((e) => e.validator === low));
    // recovery at heights 3, 6, 9: 0 -> 80000 -> 152000 -> 216800 (over the 200000 floor)
    while (s.net.height < 9) await step(s.net);
    const recovered = allEvents(s.net, "reputation_updated").filter(
      (e) => e.validator === low && e.outcome === "recovery",
    );
    assert.deepEqual(
      recovered.map((e) => e.new_score_ppm),
      ["80000", "152000", "216800"],
    );
    assert.equal(await score(s, low), 216_800n);
    await step(s.net, [await requestTx(s, INPUT, 4)]);
    const again = await request(s, 2n);
    assert.equal(again.redundancy, 4);
    assert.ok(again.executors.some((e) => e.validator === low));
    // scores at or above neutral never move by time
    for (const n of s.net.nodes.slice(1)) assert.ok((await score(s, n.v.operator)) >= 800_000n);
  });
});

describe("charge for what happens", () => {
  it("redundancy above the validator count is charged for the executions that happen", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    await step(s.net);
    const before = await balance(s, s.alice.address);
    const b = await step(s.net, [await requestTx(s, INPUT, 16)]);
    assert.deepEqual(b.codes, [0], b.logs.join("\n"));
    const created = allEvents(s.net, "request_created");
    assert.equal(created[0].requested_redundancy, "16");
    assert.equal(created[0].redundancy, "4");
    assert.equal(created[0].fee, "4000udgrid");
    assert.equal(created[0].uncharged, "12000udgrid");
    // charged 4 x price at inclusion, to the udgrid
    assert.equal(await balance(s, s.alice.address), before - TX_FEE - 4n * PRICE);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    const req = await request(s, 1n);
    assert.equal(req.requestedRedundancy, 16);
    assert.equal(req.redundancy, 4);
    assert.equal(req.executors.length, 4);
    assert.equal(req.fee?.amount, "4000");
    // each executor gets its normal share: (4000 - 400 creator) x 90% / 4 = 810
    for (const n of s.net.nodes) assert.equal(await balance(s, n.v.account), 810n);
    assert.equal(await balance(s, s.creator.address), 1n + 400n);
    assert.equal(await balance(s, moduleAddress("distribution")), 360n);
    assert.equal(await balance(s, s.alice.address), before - TX_FEE - 4n * PRICE);
  });

  it("fewer executors eligible at assignment than at inclusion: the fee of the missing executions goes back", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    const gone = s.net.nodes[3].v.operator;
    // v3 leaves the bonded set in the block's EndBlock, after the request's tx (as staking's EndBlock
    // would after an undelegation in the same block): the block-level contexts carry no tx bytes
    let leaving = false;
    for (const n of s.net.nodes) {
      const st = n.app.inferenceKeeper.deps.stakingKeeper!;
      const bonded = st.bondedValidatorsByPower.bind(st);
      st.bondedValidatorsByPower = async (ctx) => {
        const vs = await bonded(ctx);
        return leaving && ctx.txBytes.length === 0 ? vs.filter((v) => v.operatorAddress !== gone) : vs;
      };
    }
    await step(s.net);
    const before = await balance(s, s.alice.address);
    leaving = true;
    await step(s.net, [await requestTx(s, INPUT, 4)]);
    leaving = false;
    assert.equal(allEvents(s.net, "request_created")[0].fee, "4000udgrid");
    assert.deepEqual(
      allEvents(s.net, "redundancy_reduced").map((e) => [e.request_id, e.from, e.to, e.refunded]),
      [["1", "4", "3", "1000udgrid"]],
    );
    const req = await request(s, 1n);
    assert.deepEqual([req.redundancy, req.requestedRedundancy, req.fee?.amount], [3, 4, "3000"]);
    assert.ok(!req.executors.some((e) => e.validator === gone));
    assert.equal(await balance(s, s.alice.address), before - TX_FEE - 3n * PRICE);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.equal(await balance(s, s.alice.address), before - TX_FEE - 3n * PRICE);
  });

  it("CheckTx refuses what the block would: a wrong shape (4), too large an input naming max_input_bytes (4), too low a max fee (5)", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"], { maxInputBytes: 32n });
    await step(s.net);
    const app = s.net.nodes[0].app;
    const check = async (msg: ReturnType<typeof requestMsg>) => {
      const tx = await signed(s, [msg]);
      s.seq--; // a refused tx does not use the sequence
      return app.checkTx({ tx, type: CheckTxType.NEW });
    };
    const shape = await check(requestMsg(s, [], 1, { inputs: namedFromTensors({ x: f32([1, 2, 3], [1, 3]) }) }));
    assert.equal(shape.code, 4, shape.log);
    assert.match(shape.log, /dimension 1 is 3, spec says 4/);
    const big = await check(requestMsg(s, [...INPUT, ...INPUT], 1));
    assert.equal(big.code, 4, big.log);
    assert.match(big.log, /64 bytes over the max_input_bytes param \(32\)/);
    const cheap = await check(requestMsg(s, INPUT, 3, { maxFee: "2999" }));
    assert.equal(cheap.code, 5, cheap.log);
    const ok = await check(requestMsg(s, INPUT, 3));
    assert.equal(ok.code, 0, ok.log);
    for (const r of [shape, big, cheap]) assert.equal(r.codespace, "inference");
  });
});
