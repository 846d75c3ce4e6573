// Inputs by content hash end to end on a 2-validator localnet of `dgrid start` processes (one start):
// - a 4 MiB input of the demo MLP ([65536, 16] float32, over the blob_threshold_bytes param) is
//   uploaded by the client to node 0's blob endpoint and named by hash in the request; validator 1
//   fetches it from its peer by hash; the request finalizes at k = 2; its 1 MiB output (over the
//   output_hash_threshold_bytes param, exact policy) is revealed by hash, so the result carries an
//   output_ref and no bytes, and DGridClient.fetchOutputs gets the bytes from node 0's /outputs
//   endpoint (and from node 1's, which holds them as an executor) and checks them, as does the CLI's
//   `query inference result`; they equal, under the model's policy, a direct onnxruntime run;
//   both nodes then prune the blob (no pending request names it; blobs.settled-grace set to 2 s);
// - a request naming a blob that was never uploaded is refunded with reason blob_unavailable by the
//   commit deadline (both executors say so in their extensions), and the escrow ends empty;
// - bad input: bytes that do not match their hash (409, blobstore 4), a blob size that does not fit
//   the shape and inline bytes over the threshold (CheckTx, inference 4) are refused, and the chain
//   goes on.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import ort from "onnxruntime-node";
import { devnetWallet } from "../../app/devnet.ts";
import { agrees, policyFromProto } from "../../chain/tensor/agreement.ts";
import { tensorsFromNamed } from "../../chain/tensor/canonical.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { DGridClient, type SigningDGridClient, tensorFromArray } from "../../client/index.ts";
import { DEMO_MODEL_PATH } from "../../models/demo.ts";
import { type InputBlob, RequestStatus } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import type { NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { createTestLocalnet, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { waitFor } from "../support/localnet-staking.ts";
import { seededFloats } from "../support/mlp-model.ts";
import { PINNED } from "../support/models.ts";
import { dgrid } from "../support/node-process.ts";

const DEMO = new Uint8Array(readFileSync(DEMO_MODEL_PATH));
const ROWS = 65_536; // x 16 float32 = 4 MiB

describe("inputs by content hash on a 2-validator localnet", { timeout: 300_000 }, () => {
  let net: TestLocalnet;
  let client: SigningDGridClient;
  let blobUrl: string;
  const modelId = createHash("sha256").update(DEMO).digest("hex");

  before(async () => {
    net = await createTestLocalnet({ validators: 2, timeoutCommitMs: 400 });
    // blobs of settled requests go 2 s after their last upload or fetch (default 5 min)
    for (const n of net.nodes) {
      const file = join(n.home, "config", "app.toml");
      const toml = readFileSync(file, "utf8");
      assert.match(toml, /^settled-grace = "300s"$/m);
      writeFileSync(file, toml.replace(/^settled-grace = "300s"$/m, 'settled-grace = "2s"'));
    }
    net.start(0);
    net.start(1);
    await waitAllHeight(net.nodes, 2, 120_000);
    client = await DGridClient.connectWithSigner(net.nodes[0].rpcUrl, await devnetWallet("user"));
    const servers = async () => (await client.query.registry.modelServers(modelId)).servers.length;
    await waitFor("both validators serve the demo model", async () => (await servers()) === 2, 120_000);
    const status = (await (await fetch(`${net.nodes[0].rpcUrl}/status`)).json()) as {
      result: { node_info: { other: Record<string, string> } };
    };
    blobUrl = status.result.node_info.other.models_url;
    assert.ok(blobUrl, "node 0 advertises its blob endpoint");
  });
  after(async () => {
    client?.disconnect();
    if (net) await net.cleanup();
  });

  // the uploading node holds the blob as a Buffer, which once reached onnxruntime as the whole IPC
  // message (fixed in toOrt)
  it("a 4 MiB input travels as a blob, finalizes, and its 1 MiB output, by hash, equals a direct run", async () => {
    const x = seededFloats(4242, ROWS * 16);
    const price = BigInt((await client.query.registry.model(modelId)).model.pricePerCall!.amount);
    const { requestId } = await client.requestInference(
      modelId,
      { input: tensorFromArray(x, [ROWS, 16]) },
      { maxFee: `${price * 2n}udgrid`, redundancy: 2 },
    );
    const req = await client.query.inference.request(requestId);
    assert.equal(req.inputs[0].data.length, 0, "the block carries no input bytes");
    assert.equal(req.inputBlobs.length, 1);
    assert.equal(req.inputBlobs[0].sizeBytes, BigInt(ROWS * 16 * 4));
    const res = await client.awaitResult(requestId, { timeoutMs: 120_000, pollMs: 300 });
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED, res.reason);
    assert.equal(res.agreeing.length, 2, "both executors obtained the blob (validator 1 from its peer)");
    // the output went by hash: the chain keeps the reference, the executors' nodes the bytes
    assert.deepEqual(res.outputs, []);
    const ref = res.outputRef!;
    assert.ok(ref.sizeBytes > 1024n * 1024n, `${ref.sizeBytes} canonical bytes`);
    assert.equal(res.outputSources.length, 2);
    const outputs = await client.fetchOutputs(requestId);
    const node1 = `http://127.0.0.1:${net.nodes[1].modelsPort}`;
    assert.deepEqual(await client.fetchOutputs(requestId, { url: node1 }), outputs);
    // the CLI fetches and checks them too, and prints them like inline outputs
    const cli = JSON.parse(
      (await dgrid(["query", "inference", "result", String(requestId), "--node", net.nodes[0].rpcUrl, "-o", "json"]))
        .stdout,
    ) as { outputs: { name: string; data: string }[]; outputs_from?: string; outputs_error?: string };
    assert.equal(cli.outputs_error, undefined);
    assert.ok(cli.outputs_from);
    assert.deepEqual(
      cli.outputs.map((t) => [t.name, Buffer.from(t.data, "base64")]),
      outputs.map((t) => [t.name, Buffer.from(t.data)]),
    );

    const session = await ort.InferenceSession.create(DEMO, { ...PINNED, executionProviders: ["cpu"] });
    const out = await session.run({ input: new ort.Tensor("float32", x, [ROWS, 16]) });
    const y = out[session.outputNames[0]];
    await session.release();
    const direct = {
      [session.outputNames[0]]: {
        dtype: "float32" as const,
        shape: y.dims.map(Number),
        data: new Uint8Array((y.data as Float32Array).slice().buffer),
      },
    };
    const policy = policyFromProto((await client.query.registry.model(modelId)).model.policy);
    assert.ok(agrees(policy, tensorsFromNamed(outputs), direct), `outputs equal a direct run under ${policy.kind}`);

    // settled: both nodes prune the blob once no pending request names it and blobs.settled-grace passed
    const hash = Buffer.from(req.inputBlobs[0].sha256).toString("hex");
    for (const n of net.nodes) {
      const url = `http://127.0.0.1:${n.modelsPort}/blobs/${hash}`;
      await waitFor(`${n.name} to prune the settled blob`, async () => (await fetch(url)).status === 404, 60_000, 500);
    }
  });

  it("a blob no executor can obtain refunds the request (blob_unavailable) by the commit deadline; escrow empty", async () => {
    const hash = randomBytes(32);
    const size = 2048 * 16 * 4;
    const res0 = await client.submit([
      {
        typeUrl: "/dgrid.inference.v1.MsgRequestInference",
        value: {
          requester: client.address,
          modelId,
          inputs: [{ name: "input", dtype: "float32", shape: [2048, 16], data: new Uint8Array() }],
          inputBlobs: [{ name: "input", sha256: hash, sizeBytes: BigInt(size) }],
          items: [],
          maxFee: { denom: "udgrid", amount: "100000000" },
          redundancy: 2,
        },
      },
    ]);
    const id = BigInt(
      res0.events.find((e) => e.type === "request_created")!.attributes.find((a) => a.key === "request_id")!.value,
    );
    const req = await client.query.inference.request(id);
    const res = await client.awaitResult(id, { timeoutMs: 60_000, pollMs: 300 });
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_REFUNDED);
    assert.equal(res.reason, "blob_unavailable");
    assert.ok(req.commitDeadline > 0n && res.height <= req.commitDeadline, "within the commit window");
    const escrow = await client.getBalance(moduleAddress("inference"), "udgrid");
    assert.equal(escrow.amount, "0", "nothing left in escrow");
  });

  it("bytes that do not match their hash, a size that does not fit the shape, inline bytes over the threshold: refused; the chain goes on", async () => {
    const bytes = randomBytes(1000);
    const wrong = createHash("sha256").update("other").digest("hex");
    const put = await fetch(`${blobUrl}/blobs/${wrong}`, { method: "PUT", body: bytes });
    assert.equal(put.status, 409);
    assert.deepEqual(((await put.json()) as { codespace: string; code: number }).code, 4);
    const missing = await fetch(`${blobUrl}/blobs/${wrong}`);
    assert.equal(missing.status, 404);

    // a request of these inputs and blob references, built by hand (the client would upload a large input)
    const raw = (inputs: NamedTensor[], inputBlobs: InputBlob[]) =>
      client.submit([
        {
          typeUrl: "/dgrid.inference.v1.MsgRequestInference",
          value: {
            requester: client.address,
            modelId,
            inputs,
            inputBlobs,
            items: [],
            maxFee: { denom: "udgrid", amount: "100000000" },
            redundancy: 1,
          },
        },
      ]);
    const threshold = (await client.query.inference.params()).blobThresholdBytes;
    const rows = Number(threshold) / 64 + 1; // one row over the threshold
    await assert.rejects(
      raw([{ name: "input", ...tensorFromArray(seededFloats(1, rows * 16), [rows, 16]) }], []),
      /over the blob_threshold_bytes param/,
    );
    await assert.rejects(
      raw(
        [{ name: "input", dtype: "float32", shape: [8, 16], data: new Uint8Array() }],
        [{ name: "input", sha256: randomBytes(32), sizeBytes: 100n }],
      ),
      /100 data bytes, shape needs 512/,
    );
    const h = Number(await client.getHeight());
    await waitAllHeight(net.nodes, h + 2, 30_000);
  });
});
