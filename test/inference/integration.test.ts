// Integration: four validator nodes drive DGridApp block by block through the Application interface:
// request -> assignment -> execution by the duties -> commitments in vote extensions -> injected
// extended commit -> reveals -> agreement -> settlement. The escrow invariant and equal app hashes
// are checked at every height (harness.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BondStatus } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { ResponseProcessProposal_ProposalStatus } from "cosmjs-types/tendermint/abci/types";
import { canonicalOutput, namedFromTensors } from "../../chain/tensor/canonical.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { sha256 } from "../../modules/inference/commitment.ts";
import { encodeInjected } from "../../modules/inference/vote-extensions.ts";
import { RequestStatus, VoteExtension } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import {
  balance,
  f32,
  INPUT,
  MODEL_ID,
  PRICE,
  registry,
  request,
  requestTx,
  runUntilSettled,
  score,
  setup,
  signWithRegistry,
} from "./chain-setup.ts";
import { allEvents, type Behaviour, modelOutputs, step } from "./harness.ts";

describe("inference through vote extensions (4 validators)", () => {
  it("request -> assignment -> commit -> reveal -> finalized result equal to the executor output", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    await step(s.net);
    const before = await balance(s, s.alice.address);
    const b = await step(s.net, [await requestTx(s, INPUT, 3)]);
    assert.deepEqual(b.codes, [0], b.logs.join("\n"));
    const created = allEvents(s.net, "request_created");
    assert.equal(created.length, 1);
    assert.equal(created[0].request_id, "1");
    const assigned = allEvents(s.net, "executors_assigned");
    assert.equal(assigned.length, 1);
    const executors = assigned[0].executors.split(",");
    assert.equal(executors.length, 3);
    assert.equal(new Set(executors).size, 3);
    const inclusion = s.net.height;

    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    const expected = modelOutputs({ x: f32(INPUT, [2, 4]) });
    assert.deepEqual(res.outputs, namedFromTensors(expected));
    assert.deepEqual(res.outputHash, sha256(canonicalOutput(expected)));
    assert.deepEqual([...res.agreeing].sort(), [...executors].sort());
    assert.deepEqual(res.dissenting, []);
    assert.deepEqual(res.missing, []);
    // settled 3 blocks after inclusion: commitments in the H+1 votes (recorded by block H+2), reveals
    // in the H+2 votes (whose block H+2 fixes the commitments), recorded and settled by block H+3
    assert.equal(Number(res.height) - inclusion, 3);

    // events of every transition
    assert.equal(allEvents(s.net, "output_committed").length, 3);
    assert.equal(allEvents(s.net, "commit_phase_closed").length, 1);
    assert.equal(allEvents(s.net, "output_revealed").length, 3);
    assert.equal(allEvents(s.net, "reveal_rejected").length, 0);
    const fin = allEvents(s.net, "request_finalized");
    assert.equal(fin.length, 1);

    // payments: fee = 3 x 1000; creator 10% = 300; executors 90% of 2700 = 2430 -> 810 each; community 270
    assert.equal(await balance(s, s.alice.address), before - 10_000n - 3n * PRICE);
    assert.equal(await balance(s, s.creator.address), 1n + 300n);
    for (const v of s.net.nodes) {
      const paid = executors.includes(v.v.operator) ? 810n : 0n;
      assert.equal(await balance(s, v.v.account), paid, v.v.name);
    }
    assert.equal(await balance(s, moduleAddress("distribution")), 270n);
    assert.equal(await balance(s, moduleAddress("inference")), 0n);
    for (const v of s.net.nodes) {
      const sc = await score(s, v.v.operator);
      assert.equal(sc, executors.includes(v.v.operator) ? 810_000n : 800_000n);
    }
    assert.equal(s.net.staking.slashes.length, 0);
    // the request record keeps hashes and outcomes, not the outputs
    const req = await request(s, 1n);
    assert.equal(req.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.ok(req.executors.every((e) => e.outputs.length === 0 && e.outputHash.length === 32));
  });

  it("a corrupt executor is outvoted, loses reputation and is slashed; the result is still correct", async () => {
    const s = await setup(["honest", "corrupt", "honest", "honest"]);
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 4)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.deepEqual(res.outputs, namedFromTensors(modelOutputs({ x: f32(INPUT, [2, 4]) })));
    const bad = s.net.nodes[1].v;
    assert.deepEqual(res.dissenting, [bad.operator]);
    assert.equal(res.agreeing.length, 3);
    assert.equal(await score(s, bad.operator), 600_000n); // 800000 - 25%
    assert.equal(await score(s, s.net.nodes[0].v.operator), 810_000n);
    assert.equal(s.net.staking.slashes.length, 1);
    assert.equal(s.net.staking.slashes[0].consAddr, Buffer.from(bad.key.address).toString("hex"));
    assert.equal(s.net.staking.slashes[0].fraction, 10_000n * 10n ** 12n);
    assert.equal(allEvents(s.net, "executor_slashed").length, 1);
    assert.equal(await balance(s, bad.account), 0n);
  });

  it("a dissenter whose validator became unbonded before settlement is not slashed; the request still settles", async () => {
    const s = await setup(["honest", "corrupt", "honest", "honest"]);
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 4)]);
    for (let i = 0; i < 10 && (await request(s, 1n)).status === RequestStatus.REQUEST_STATUS_COMMIT; i++)
      await step(s.net);
    assert.equal((await request(s, 1n)).status, RequestStatus.REQUEST_STATUS_REVEAL);
    // its commitment is on chain; then its unbonding completes (e.g. jailed for downtime long enough)
    const bad = s.net.nodes[1].v;
    bad.validator.status = BondStatus.BOND_STATUS_UNBONDED;
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.deepEqual(res.dissenting, [bad.operator]);
    assert.equal(await score(s, bad.operator), 600_000n);
    assert.equal(s.net.staking.slashes.length, 0);
    assert.equal(allEvents(s.net, "executor_slashed").length, 0);
  });

  it("a validator that stops executing is recorded as missing", async () => {
    const s = await setup(["honest", "honest", "silent", "honest"], { commitDeadlineBlocks: 3n });
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 4)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    const silent = s.net.nodes[2].v;
    assert.deepEqual(res.missing, [silent.operator]);
    assert.equal(res.agreeing.length, 3);
    assert.equal(await score(s, silent.operator), 720_000n); // 800000 - 10%
    assert.equal(s.net.staking.slashes.length, 0);
    const closed = allEvents(s.net, "commit_phase_closed");
    assert.equal(closed[0].committed, "3");
  });

  it("no quorum: the fee is refunded in full", async () => {
    const s = await setup(["unique", "unique", "unique", "unique"]);
    await step(s.net);
    const before = await balance(s, s.alice.address);
    await step(s.net, [await requestTx(s, INPUT, 3)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_REFUNDED);
    assert.equal(res.reason, "no_quorum");
    assert.equal(res.refunded?.amount, "3000");
    assert.equal(await balance(s, s.alice.address), before - 10_000n); // only the tx fee is gone
    assert.equal(await balance(s, moduleAddress("inference")), 0n);
    const ref = allEvents(s.net, "request_refunded");
    assert.equal(ref.length, 1);
    assert.equal(ref[0].amount, "3000udgrid");
  });

  it("a reveal before every commitment is fixed, or one that does not match its commitment, is rejected", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 4)]);
    const reqHeight = s.net.height;
    const out = namedFromTensors(modelOutputs({ x: f32(INPUT, [2, 4]) }));
    // validator 0 adds a reveal to its first extension (commit phase): early
    // validator 3 reveals with a wrong salt once reveals are open: mismatch (it reveals properly later)
    let tampered = false;
    s.net.overrideExtension = (h, i, ext) => {
      const ve = VoteExtension.decode(ext);
      if (h === reqHeight + 1 && i === 0) {
        ve.reveals.push({
          requestId: 1n,
          salt: new Uint8Array(32),
          outputs: out,
          error: 0,
          items: [],
          outputRef: undefined,
        });
        return VoteExtension.encode(ve).finish();
      }
      if (i === 3 && ve.reveals.length > 0 && !tampered) {
        tampered = true;
        ve.reveals[0] = { ...ve.reveals[0], salt: new Uint8Array(32).fill(9) };
        return VoteExtension.encode(ve).finish();
      }
      return ext;
    };
    const res = await runUntilSettled(s, 1n);
    const rejected = allEvents(s.net, "reveal_rejected");
    assert.deepEqual(
      rejected.map((r) => r.reason),
      ["early", "mismatch"],
    );
    assert.equal(rejected[0].validator, s.net.nodes[0].v.operator);
    assert.equal(rejected[1].validator, s.net.nodes[3].v.operator);
    // the honest reveal of validator 3 came one height later; everyone agreed
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.equal(res.agreeing.length, 4);
  });

  it("a proposal whose injected extended commit carries a bad signature is rejected", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 3)]);
    await step(s.net);
    const info = structuredClone(s.net.lastExtCommit!);
    assert.ok(info.votes.some((v) => v.voteExtension.length > 0));
    const forged = info.votes.find((v) => v.voteExtension.length > 0)!;
    forged.extensionSignature = Uint8Array.from(forged.extensionSignature);
    forged.extensionSignature[0] ^= 1;
    const proposal = {
      txs: [encodeInjected(info)],
      proposedLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      hash: new Uint8Array(32),
      height: BigInt(s.net.height + 1),
      time: { seconds: 1_800_000_000n, nanos: 0 },
      nextValidatorsHash: new Uint8Array(32),
      proposerAddress: new Uint8Array(20),
    };
    const app = s.net.nodes[0].app;
    assert.equal((await app.processProposal(proposal)).status, ResponseProcessProposal_ProposalStatus.REJECT);
    // too little power: only one of four validators listed
    const one = structuredClone(s.net.lastExtCommit!);
    one.votes = one.votes.slice(0, 1);
    assert.equal(
      (await app.processProposal({ ...proposal, txs: [encodeInjected(one)] })).status,
      ResponseProcessProposal_ProposalStatus.REJECT,
    );
    // the genuine one is accepted; an injected tx anywhere but first is not
    const good = encodeInjected(s.net.lastExtCommit!);
    assert.equal(
      (await app.processProposal({ ...proposal, txs: [good] })).status,
      ResponseProcessProposal_ProposalStatus.ACCEPT,
    );
    assert.equal(
      (await app.processProposal({ ...proposal, txs: [good, good] })).status,
      ResponseProcessProposal_ProposalStatus.REJECT,
    );
  });

  it("a request for an unknown model, with a wrong input shape, or too low a max fee fails with a registered code", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    await step(s.net);
    const bad = async (value: Record<string, unknown>) =>
      signWithRegistry(
        s.alice,
        [
          {
            typeUrl: "/dgrid.inference.v1.MsgRequestInference",
            value: {
              requester: s.alice.address,
              modelId: MODEL_ID,
              inputs: namedFromTensors({ x: f32([1, 2, 3, 4], [1, 4]) }),
              maxFee: { denom: "udgrid", amount: "100000" },
              redundancy: 1,
              ...value,
            },
          },
        ],
        s.seq++,
        registry,
      );
    const b = await step(s.net, [
      await bad({ modelId: "ab".repeat(32) }),
      await bad({ inputs: namedFromTensors({ x: f32([1, 2, 3], [1, 3]) }) }),
      await bad({ maxFee: { denom: "udgrid", amount: "999" } }),
    ]);
    assert.deepEqual(b.codes, [3, 4, 5], b.logs.join("\n"));
    assert.equal(await balance(s, moduleAddress("inference")), 0n);
  });
});

describe("inference with random executor behaviour (property)", () => {
  it("always settles; escrow and supply invariants hold; an honest quorum wins", async () => {
    const fc = (await import("fast-check")).default;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Behaviour>("honest", "corrupt", "silent", "unique"), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
        async (behaviours, k) => {
          const s = await setup(behaviours, { commitDeadlineBlocks: 2n, revealDeadlineBlocks: 2n });
          await step(s.net);
          const before = await balance(s, s.alice.address);
          await step(s.net, [await requestTx(s, INPUT, k)]);
          const res = await runUntilSettled(s, 1n, 12);
          const req = await request(s, 1n);
          const assigned = req.executors.map((e) => e.validator);
          const honest = s.net.nodes.filter(
            (n) => n.executor.behaviour === "honest" && assigned.includes(n.v.operator),
          );
          const need = Math.max(1, Math.ceil((assigned.length * 6) / 10));
          if (honest.length >= need) {
            assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
            assert.deepEqual(res.outputs, namedFromTensors(modelOutputs({ x: f32(INPUT, [2, 4]) })));
          }
          if (res.status === RequestStatus.REQUEST_STATUS_REFUNDED) {
            assert.equal(await balance(s, s.alice.address), before - 10_000n);
          } else {
            assert.equal(await balance(s, s.alice.address), before - 10_000n - BigInt(k) * PRICE);
          }
          assert.equal(await balance(s, moduleAddress("inference")), 0n);
        },
      ),
      { numRuns: 12 },
    );
  });
});
