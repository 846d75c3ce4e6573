// A batched request end to end on a 2-validator localnet of `dgrid start` processes: 64 items of the
// demo MLP (localnet genesis; its specs declare a batch dim) in one MsgRequestInference at k = 2, one
// fee of price x 64 x 2. Each validator runs the batch as one session.run and commits to one Merkle
// root; every item finalizes with both executors agreeing, and each item equals, under the model's
// policy, a direct onnxruntime run in this process of the same 64 rows in one run (what the
// executors compute; kernels may depend on the batch size) and, under a tolerance, a run of that item
// alone. One item's Merkle path (Query/Result with `item`, over gRPC-over-ABCI and REST) verifies in
// the client; a batch over max_batch is refused at CheckTx with inference code 11.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import ort from "onnxruntime-node";
import { devnetWallet } from "../../app/devnet.ts";
import { agrees, type Policy, policyFromProto } from "../../chain/tensor/agreement.ts";
import { tensorsFromNamed } from "../../chain/tensor/canonical.ts";
import type { Tensor } from "../../chain/tensor/dtype.ts";
import { DGridClient, type SigningDGridClient, tensorFromArray, verifyResultItem } from "../../client/index.ts";
import { DEMO_MODEL_PATH } from "../../models/demo.ts";
import { RequestStatus } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { createTestLocalnet, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { waitFor } from "../support/localnet-staking.ts";
import { seededFloats } from "../support/mlp-model.ts";
import { PINNED } from "../support/models.ts";

const DEMO = new Uint8Array(readFileSync(DEMO_MODEL_PATH));
const ITEMS = 64;
const DEC = 10n ** 18n;
const NEAR: Policy = { kind: "tolerance", abs: DEC / 100_000n, rel: DEC / 10_000n };

/** One session.run of `rows` (each [1, 16]) stacked along the batch dim, split back per row. */
async function directRows(rows: Float32Array[]): Promise<Record<string, Tensor>[]> {
  const session = await ort.InferenceSession.create(DEMO, { ...PINNED, executionProviders: ["cpu"] });
  try {
    const data = new Float32Array(rows.length * 16);
    for (const [i, r] of rows.entries()) data.set(r, i * 16);
    const out = await session.run({ input: new ort.Tensor("float32", data, [rows.length, 16]) });
    const y = out[session.outputNames[0]];
    const width = Number(y.dims[1]);
    const f = y.data as Float32Array;
    return rows.map((_, i) => ({
      [session.outputNames[0]]: {
        dtype: "float32" as const,
        shape: [1, width],
        data: new Uint8Array(f.slice(i * width, (i + 1) * width).buffer),
      },
    }));
  } finally {
    await session.release();
  }
}

describe("batched request on a 2-validator localnet", { timeout: 300_000 }, () => {
  let net: TestLocalnet;
  let client: SigningDGridClient;
  const modelId = createHash("sha256").update(DEMO).digest("hex");

  before(async () => {
    net = await createTestLocalnet({ validators: 2, timeoutCommitMs: 400 });
    net.start(0);
    net.start(1);
    await waitAllHeight(net.nodes, 2, 120_000);
    client = await DGridClient.connectWithSigner(net.nodes[0].rpcUrl, await devnetWallet("user"));
    const servers = async () => (await client.query.registry.modelServers(modelId)).servers.length;
    await waitFor("both validators serve the demo model", async () => (await servers()) === 2, 120_000);
  });
  after(async () => {
    client?.disconnect();
    if (net) await net.cleanup();
  });

  it("64 items in one request finalize per item, equal to direct onnxruntime runs; one item's path verifies", async () => {
    const model = await client.query.registry.model(modelId);
    const price = BigInt(model.model.pricePerCall!.amount);
    const rows = Array.from({ length: ITEMS }, (_, i) => seededFloats(500 + i, 16));
    const { requestId } = await client.requestInferenceBatch(
      modelId,
      rows.map((r) => ({ input: tensorFromArray(r, [1, 16]) })),
      { maxFee: `${price * BigInt(ITEMS) * 2n}udgrid`, redundancy: 2 },
    );
    const req = await client.query.inference.request(requestId);
    assert.equal(req.items.length, ITEMS);
    assert.equal(req.fee?.amount, (price * BigInt(ITEMS) * 2n).toString());
    const res = await client.awaitResult(requestId, { timeoutMs: 120_000, pollMs: 300 });
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED, res.reason);
    assert.equal(res.items.length, ITEMS);
    assert.deepEqual(res.refunded?.amount, "0");

    const policy = policyFromProto(model.model.policy);
    const batched = await directRows(rows);
    const alone = await Promise.all(rows.map((r) => directRows([r]).then((x) => x[0])));
    for (let i = 0; i < ITEMS; i++) {
      const it = res.items[i];
      assert.equal(it.status, RequestStatus.REQUEST_STATUS_FINALIZED, `item ${i}`);
      assert.equal(it.agreeing.length, 2, `item ${i}`);
      const got = tensorsFromNamed(it.outputs);
      assert.ok(agrees(policy, got, batched[i]), `item ${i} equals the batched direct run under ${policy.kind}`);
      assert.ok(agrees(NEAR, got, alone[i]), `item ${i} is within 1e-5 + 1e-4 of a run of it alone`);
    }
    for (const i of [0, 17, ITEMS - 1]) {
      const one = await client.query.inference.resultItem(requestId, i);
      assert.equal(one.itemCount, ITEMS);
      assert.ok(verifyResultItem(one, i), `item ${i}'s Merkle path verifies`);
    }
    // the REST route of Query/Result takes ?item=
    const rest = await fetch(`${net.nodes[0].apiUrl}/dgrid/inference/v1/results/${requestId}?item=5`);
    assert.equal(rest.status, 200);
    const body = (await rest.json()) as { item_count: number; item_proof: string[] };
    assert.equal(body.item_count, ITEMS);
    const viaRest = await client.query.inference.resultItem(requestId, 5);
    assert.deepEqual(
      body.item_proof,
      viaRest.itemProof.map((p) => Buffer.from(p).toString("base64")),
    );
  });

  it("a batch over max_batch is refused at CheckTx (inference 11) and the chain goes on", async () => {
    const maxBatch = (await client.query.inference.params()).maxBatch;
    const rows = Array.from({ length: maxBatch + 1 }, (_, i) => ({
      input: tensorFromArray(seededFloats(i, 16), [1, 16]),
    }));
    await assert.rejects(
      client.requestInferenceBatch(modelId, rows, { maxFee: "100000000udgrid", redundancy: 1 }),
      (e: Error) => {
        assert.match(e.message, /over the max_batch param/);
        return true;
      },
    );
    const h = Number(await client.getHeight());
    await waitAllHeight(net.nodes, h + 2, 30_000);
  });
});
