// Batched requests on four in-process validators (harness.ts, the fake sum-max model whose specs
// declare a batch dimension): one fee of price x items x redundancy, one batched executor run, one
// Merkle root committed and revealed, agreement per item, a partial refund of the items without a
// quorum (items_no_quorum), Query/Result of one item with a path the client verifies, and CheckTx
// refusing a malformed batch with registered codes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CheckTxType } from "cosmjs-types/tendermint/abci/types";
import { batchRoot } from "../../chain/tensor/batch-merkle.ts";
import { namedFromTensors, tensorsEqual, tensorsFromNamed } from "../../chain/tensor/canonical.ts";
import { moduleAddress, valoperToAccount } from "../../chain/types/address.ts";
import { verifyResultItem } from "../../client/batch-proof.ts";
import { RequestStatus } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { QueryResultRequest, QueryResultResponse } from "../../proto/gen/dgrid/inference/v1/query.ts";
import {
  balance,
  f32,
  MODEL_ID,
  PRICE,
  request,
  runUntilSettled,
  type Setup,
  setup,
  signed,
  TX_FEE,
} from "./chain-setup.ts";
import { modelOutputs, step } from "./harness.ts";

/** item i: one row [i, i+1, i+2, i+3] (shape [1, 4]) */
const itemInputs = (i: number) => [i, i + 1, i + 2, i + 3];
const item = (values: number[], shape = [1, 4]) => ({ inputs: namedFromTensors({ x: f32(values, shape) }) });

function batchMsg(
  s: Setup,
  items: { inputs: ReturnType<typeof namedFromTensors> }[],
  redundancy: number,
  maxFee = "10000000",
) {
  return {
    typeUrl: "/dgrid.inference.v1.MsgRequestInference",
    value: {
      requester: s.alice.address,
      modelId: MODEL_ID,
      inputs: [] as ReturnType<typeof namedFromTensors>,
      items,
      maxFee: { denom: "udgrid", amount: maxFee },
      redundancy,
    },
  };
}

/** Every account the settlement can pay, plus the escrow: their sum is conserved but for tx fees. */
async function holdings(s: Setup): Promise<bigint> {
  const addrs = [
    s.alice.address,
    s.creator.address,
    moduleAddress("inference"),
    moduleAddress("distribution"),
    ...s.net.nodes.map((n) => valoperToAccount(n.v.operator)),
  ];
  let sum = 0n;
  for (const a of addrs) sum += await balance(s, a);
  return sum;
}

async function resultItem(s: Setup, id: bigint, i: number): Promise<QueryResultResponse> {
  const r = await s.net.nodes[0].app.query({
    path: "/dgrid.inference.v1.Query/Result",
    data: QueryResultRequest.encode({ id, item: i }).finish(),
    height: 0n,
    prove: false,
  });
  assert.equal(r.code, 0, r.log);
  return QueryResultResponse.decode(r.value);
}

describe("batched requests", () => {
  it("a batch of 6 runs as one executor run per validator, finalizes per item, and each item's path verifies", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    await step(s.net);
    const before = await balance(s, s.alice.address);
    const held = await holdings(s);
    const n = 6;
    const items = Array.from({ length: n }, (_, i) => item(itemInputs(i)));
    await step(s.net, [await signed(s, [batchMsg(s, items, 4)])]);
    const req = await request(s, 1n);
    assert.equal(req.items.length, n);
    assert.equal(req.fee?.amount, (PRICE * BigInt(n) * 4n).toString());
    assert.equal(await balance(s, s.alice.address), before - TX_FEE - PRICE * BigInt(n) * 4n);

    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.equal(res.reason, "");
    assert.equal(res.items.length, n);
    for (let i = 0; i < n; i++) {
      const it = res.items[i];
      assert.equal(it.status, RequestStatus.REQUEST_STATUS_FINALIZED);
      assert.equal(it.agreeing.length, 4);
      const want = modelOutputs({ x: f32(itemInputs(i), [1, 4]) });
      assert.ok(tensorsEqual(tensorsFromNamed(it.outputs).y, want.y), `item ${i}`);
    }
    assert.deepEqual(res.itemsRoot, batchRoot(res.items.map((x) => x.outputHash)));
    // every executor ran the batch as one run of 6 rows along the batch dimension
    for (const node of s.net.nodes) {
      assert.equal(node.executor.jobs.length, 1);
      assert.deepEqual(node.executor.jobs[0].inputs.x.shape, [n, 4]);
    }
    // fee 24000: creator 10% 2400, executors 90% of the rest 19440, community 2160; nothing refunded
    assert.deepEqual(
      [res.creatorPaid?.amount, res.executorsPaid?.amount, res.communityPaid?.amount, res.refunded?.amount],
      ["2400", "19440", "2160", "0"],
    );
    assert.equal(await balance(s, moduleAddress("inference")), 0n);
    assert.equal(await holdings(s), held - TX_FEE);

    for (const i of [0, 3, n - 1]) {
      const one = await resultItem(s, 1n, i);
      assert.equal(one.itemCount, n);
      assert.deepEqual(one.result?.items, []);
      assert.ok(verifyResultItem(one, i), `item ${i} verifies`);
      assert.ok(!verifyResultItem(one, (i + 1) % n), `item ${i} does not verify at another index`);
      const forged = QueryResultResponse.fromPartial(one);
      const y = new Float32Array(forged.item!.outputs[0].data.slice().buffer);
      y[0] += 1;
      forged.item!.outputs[0].data = new Uint8Array(y.buffer);
      assert.ok(!verifyResultItem(forged, i), "changed outputs fail");
    }
  });

  it("items without a quorum are refunded pro rata (items_no_quorum); the others settle; escrow ends empty", async () => {
    // corrupt and unique executors change row 0 of their batched output, i.e. item 0 only: item 0
    // has 2 of 4 agreeing (quorum 3) and is refunded, items 1..3 finalize with 4
    const s = await setup(["honest", "honest", "corrupt", "unique"]);
    await step(s.net);
    const before = await balance(s, s.alice.address);
    const held = await holdings(s);
    const n = 4;
    await step(s.net, [
      await signed(s, [
        batchMsg(
          s,
          Array.from({ length: n }, (_, i) => item(itemInputs(i))),
          4,
        ),
      ]),
    ]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.equal(res.reason, "items_no_quorum");
    assert.deepEqual(
      res.items.map((x) => x.status),
      [
        RequestStatus.REQUEST_STATUS_REFUNDED,
        RequestStatus.REQUEST_STATUS_FINALIZED,
        RequestStatus.REQUEST_STATUS_FINALIZED,
        RequestStatus.REQUEST_STATUS_FINALIZED,
      ],
    );
    assert.deepEqual(res.items[0].outputHash, new Uint8Array());
    // fee 16000, item 0's 4000 back to the requester; 12000 settled as three items
    assert.equal(res.refunded?.amount, "4000");
    assert.equal(await balance(s, s.alice.address), before - TX_FEE - 12_000n);
    assert.equal(await balance(s, moduleAddress("inference")), 0n);
    assert.equal(await holdings(s), held - TX_FEE);
    const paid =
      BigInt(res.creatorPaid!.amount) + BigInt(res.executorsPaid!.amount) + BigInt(res.communityPaid!.amount);
    assert.equal(paid, 12_000n);
    // the refunded item's leaf is the empty hash; its path still verifies
    assert.ok(verifyResultItem(await resultItem(s, 1n, 0), 0));
    const refunds = s.net.blocks.flatMap((b) => b.events).filter((e) => e.type === "request_refunded");
    assert.equal(refunds.length, 1);
    assert.ok(refunds[0].attributes.some((a) => a.key === "reason" && a.value === "items_no_quorum"));
  });

  it("no item at the quorum refunds the whole fee (no_quorum)", async () => {
    const s = await setup(["honest", "corrupt", "unique", "silent"]);
    await step(s.net);
    const before = await balance(s, s.alice.address);
    await step(s.net, [await signed(s, [batchMsg(s, [item(itemInputs(0))], 4)])]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_REFUNDED);
    assert.equal(res.reason, "no_quorum");
    assert.equal(await balance(s, s.alice.address), before - TX_FEE);
    assert.equal(await balance(s, moduleAddress("inference")), 0n);
  });

  it("CheckTx refuses a malformed batch with registered codes, charging nothing, and the node keeps going", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"], { maxBatch: 4 });
    await step(s.net);
    const app = s.net.nodes[0].app;
    const before = await balance(s, s.alice.address);
    const check = async (msg: ReturnType<typeof batchMsg>) => {
      const tx = await signed(s, [msg]);
      s.seq--; // a refused tx does not use the sequence
      return app.checkTx({ tx, type: CheckTxType.NEW });
    };
    const cases: [string, ReturnType<typeof batchMsg>, number, RegExp][] = [
      [
        "over max_batch",
        batchMsg(
          s,
          Array.from({ length: 5 }, (_, i) => item(itemInputs(i))),
          1,
        ),
        11,
        /5 items over the max_batch param \(4\)/,
      ],
      [
        "mixed shapes",
        batchMsg(s, [item(itemInputs(0)), item([...itemInputs(1), ...itemInputs(2)], [2, 4])], 1),
        11,
        /mixed shapes/,
      ],
      ["zero items", batchMsg(s, [], 1), 11, /no items/],
      [
        "both inputs and items",
        {
          ...batchMsg(s, [item(itemInputs(0))], 1),
          value: { ...batchMsg(s, [item(itemInputs(0))], 1).value, inputs: item(itemInputs(1)).inputs },
        },
        11,
        /not both/,
      ],
      [
        "an item off the spec",
        batchMsg(s, [item(itemInputs(0)), item([1, 2, 3], [1, 3])], 1),
        4,
        /items\[1\]\.inputs\.x: dimension 1 is 3, spec says 4/,
      ],
      [
        "max fee below price x items x redundancy",
        batchMsg(s, [item(itemInputs(0)), item(itemInputs(1))], 3, "5999"),
        5,
        /below 6000udgrid/,
      ],
    ];
    for (const [what, msg, code, log] of cases) {
      const r = await check(msg);
      assert.equal(r.code, code, `${what}: ${r.log}`);
      assert.equal(r.codespace, "inference", what);
      assert.match(r.log, log, what);
    }
    assert.equal((await check(batchMsg(s, [item(itemInputs(0)), item(itemInputs(1))], 3, "6000"))).code, 0);
    await step(s.net);
    assert.equal(await balance(s, s.alice.address), before);
  });
});
