// Inference on a real node process started from the devnet genesis (app/devnet.ts): the
// validator bonded by a gentx, vote extensions on, redundancy 1, the demo MLP registered in genesis
// and imported into the node's model store. An unmodified CosmJS SigningStargateClient (registry with
// the dgrid types) submits MsgRequestInference; the finalized result read through the ABCI query
// equals a direct onnxruntime-node run of the same file under the model's policy (exact); the fee
// settles (creator share paid, escrow empty); a wrong-shaped input is refused with inference:4 in CheckTx.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BroadcastTxError, QueryClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import ort from "onnxruntime-node";
import {
  addDevnetOperatorKey,
  devnetAddress,
  devnetValoper,
  devnetWallet,
  prepareDevnetHome,
} from "../../app/devnet.ts";
import { loadConfig, writeConfig } from "../../chain/node/config.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { DGridClient } from "../../client/index.ts";
import { DEMO_MODEL_PATH, sha256Hex } from "../../models/demo.ts";
import { QueryResultRequest, QueryResultResponse } from "../../proto/gen/dgrid/inference/v1/query.ts";
import { QueryModelServersRequest, QueryModelServersResponse } from "../../proto/gen/dgrid/registry/v1/query.ts";
import { buildMlpModel, seededFloats } from "../support/mlp-model.ts";
import { dgrid, freePort, spawnNode } from "../support/node-process.ts";
import { testTempDir } from "../support/temp-dir.ts";

const MODEL_BYTES = new Uint8Array(readFileSync(DEMO_MODEL_PATH));
const MODEL_ID = sha256Hex(MODEL_BYTES);

async function directRun(x: Float32Array, rows: number): Promise<Uint8Array> {
  const session = await ort.InferenceSession.create(MODEL_BYTES, {
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    intraOpNumThreads: 1,
    executionProviders: ["cpu"],
  });
  const out = await session.run({ input: new ort.Tensor("float32", x, [rows, 16]) });
  const d = out.output.data as Float32Array;
  await session.release();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
}

describe("inference on a devnet node", () => {
  let node: Awaited<ReturnType<typeof spawnNode>> | undefined;
  let rpcUrl = "";
  let home = "";
  let modelsUrl = "";
  let metricsUrl = "";
  before(async () => {
    home = testTempDir("dgrid-infdev-");
    prepareDevnetHome(home);
    await addDevnetOperatorKey(home);
    const cfg = loadConfig(home);
    const rpcPort = await freePort();
    rpcUrl = `http://127.0.0.1:${rpcPort}`;
    cfg.rpc.laddr = `tcp://127.0.0.1:${rpcPort}`;
    cfg.p2p.laddr = `/ip4/127.0.0.1/tcp/${await freePort()}`;
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    cfg.instrumentation = { prometheus: true, prometheusLaddr: `tcp://127.0.0.1:${metricsPort}` };
    const modelsPort = await freePort();
    cfg.models.laddr = `tcp://127.0.0.1:${modelsPort}`;
    modelsUrl = `http://127.0.0.1:${modelsPort}`;
    cfg.consensus.timeoutCommitMs = 200;
    cfg.inference.syncIntervalMs = 500;
    writeConfig(home, cfg);
    node = await spawnNode(home, rpcUrl, 3);
  });
  after(async () => {
    await node?.stop();
  });

  it("a CosmJS client's request is finalized with the direct onnxruntime output; fees settle", async () => {
    const wallet = await devnetWallet("user");
    const client = await DGridClient.connect(rpcUrl, wallet);
    const creator = await devnetAddress("creator");
    const escrow = moduleAddress("inference");
    const creatorBefore = BigInt((await client.getBalance(creator)).amount);

    const rows = 2;
    const x = seededFloats(4242, rows * 16);
    const { requestId, height } = await client.requestInference(
      MODEL_ID,
      {
        input: { dtype: "float32", shape: [rows, 16], data: new Uint8Array(x.buffer.slice(0)) },
      },
      { maxFee: "1000udgrid" },
    );
    assert.ok(requestId > 0n);
    const result = await client.awaitResult(requestId, { timeoutMs: 60_000 });
    assert.equal(result.outputs.length, 1);
    assert.equal(result.outputs[0].name, "output");
    assert.deepEqual(result.outputs[0].shape, [rows, 4]);
    assert.deepEqual(Buffer.from(result.outputs[0].data), Buffer.from(await directRun(x, rows)));
    assert.equal(result.agreeing.length, 1);
    // settled within a few blocks of inclusion (k = 1: commit, reveal, settle)
    assert.ok(Number(result.height) - height <= 6, `included at ${height}, settled at ${result.height}`);

    // the same through a plain ABCI query
    const comet = await Comet38Client.connect(rpcUrl);
    const qc = new QueryClient(comet);
    const raw = QueryResultResponse.decode(
      await qc
        .queryAbci("/dgrid.inference.v1.Query/Result", QueryResultRequest.encode({ id: requestId }).finish())
        .then((r) => r.value),
    );
    assert.deepEqual(Buffer.from(raw.result!.outputs[0].data), Buffer.from(result.outputs[0].data));
    comet.disconnect();

    // creator share 10% of price 1000 x k 1; escrow back to zero
    assert.equal(BigInt((await client.getBalance(creator)).amount) - creatorBefore, 100n);
    assert.equal((await client.getBalance(escrow)).amount, "0");
    assert.equal(result.creatorPaid?.amount, "100");

    // executor metrics are on the node's /metrics
    const metrics = await (await fetch(metricsUrl)).text();
    assert.match(metrics, /dgrid_inference_duration_seconds_count\{[^}]*status="ok"/);
    assert.match(metrics, /dgrid_consensus_height/);

    // the node checked the golden vectors of the model it serves
    assert.ok(existsSync(join(home, "data", "conformance.json")));
    client.disconnect();
  });

  it("a wrong-shaped input is refused with inference:4 (in CheckTx: it never reaches a block; nothing escrowed)", async () => {
    const client = await DGridClient.connect(rpcUrl, await devnetWallet("user"));
    const x = seededFloats(1, 15);
    await assert.rejects(
      client.requestInference(
        MODEL_ID,
        { input: { dtype: "float32", shape: [1, 15], data: new Uint8Array(x.buffer) } },
        { maxFee: "1000udgrid", fee: { amount: [{ denom: "udgrid", amount: "10000" }], gas: "400000" } },
      ),
      (e: any) => {
        assert.ok(e instanceof BroadcastTxError, String(e));
        assert.equal(e.code, 4, String(e));
        assert.equal(e.codespace, "inference", String(e));
        assert.match(e.log ?? "", /dimension 1 is 15, spec says 16/);
        return true;
      },
    );
    assert.equal((await client.getBalance(moduleAddress("inference"))).amount, "0");
    client.disconnect();
  });

  it("CLI: tx inference request --input name=FILE.json --wait, query inference result, query registry models", async () => {
    const rows = 1;
    const x = Array.from(seededFloats(77, rows * 16));
    const file = join(home, "input.json");
    writeFileSync(file, JSON.stringify({ dtype: "float32", shape: [rows, 16], data: x }));
    const common = ["--home", home, "--keyring-backend", "test", "--node", rpcUrl, "-o", "json"];
    const { stdout } = await dgrid([
      "tx",
      "inference",
      "request",
      MODEL_ID,
      "--from",
      "validator",
      "--input",
      `input=${file}`,
      "--max-fee",
      "1000udgrid",
      "--yes",
      "--wait",
      ...common,
    ]);
    const out = JSON.parse(stdout);
    assert.equal(out.code, 0, stdout);
    const id = out.request_id;
    assert.ok(Number(id) > 0);
    const direct = await directRun(Float32Array.from(x), rows);
    assert.equal(out.result.outputs[0].data, Buffer.from(direct).toString("base64"));
    const q = JSON.parse((await dgrid(["query", "inference", "result", id, "--node", rpcUrl, "-o", "json"])).stdout);
    assert.equal(q.outputs[0].data, Buffer.from(direct).toString("base64"));
    assert.equal(q.outputs[0].values.length, 4);
    const models = JSON.parse((await dgrid(["query", "registry", "models", "--node", rpcUrl, "-o", "json"])).stdout);
    assert.ok(models.models.some((m: { id: string }) => m.id === MODEL_ID));
  });

  it("CLI: register-model uploads and registers; the node checks the golden vectors and serves it", async () => {
    const bytes = buildMlpModel({ inputs: 8, hidden: 8, outputs: 3, seed: 99 });
    const file = join(home, "mlp8.onnx");
    writeFileSync(file, bytes);
    const session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      intraOpNumThreads: 1,
    });
    const xin = seededFloats(5, 8);
    const y = (await session.run({ input: new ort.Tensor("float32", xin, [1, 8]) })).output.data as Float32Array;
    await session.release();
    const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
    const golden = join(home, "mlp8.golden.json");
    writeFileSync(
      golden,
      JSON.stringify({
        vectors: [
          {
            inputs: { input: { dtype: "float32", shape: [1, 8], data: b64(xin) } },
            outputs: { output: { dtype: "float32", shape: [1, 3], data: b64(y) } },
          },
        ],
      }),
    );
    const { stdout, stderr } = await dgrid([
      "tx",
      "registry",
      "register-model",
      file,
      "--from",
      "validator",
      "--name",
      "mlp8",
      "--model-version",
      "1",
      "--policy",
      "tolerance:0.0001:0.001",
      "--price",
      "500udgrid",
      "--creator-share",
      "0.2",
      "--golden",
      golden,
      "--node-models",
      modelsUrl,
      "--home",
      home,
      "--keyring-backend",
      "test",
      "--node",
      rpcUrl,
      "--yes",
      "-o",
      "json",
    ]);
    assert.match(stderr, /uploading \[#+\] 100%/, `stdout: ${stdout}`);
    const out = JSON.parse(stdout);
    assert.equal(out.code, 0, stdout);
    assert.equal(out.model_id, sha256Hex(bytes));
    const model = JSON.parse(
      (await dgrid(["query", "registry", "model", out.model_id, "--node", rpcUrl, "-o", "json"])).stdout,
    );
    assert.equal(model.name, "mlp8");
    assert.equal(model.creator_share_ppm, "200000");
    // the node's sync loop runs the golden vectors, then sends MsgServeModel with the operator key
    const valoper = devnetValoper(await devnetAddress("operator"));
    const comet = await Comet38Client.connect(rpcUrl);
    const qc = new QueryClient(comet);
    const deadline = Date.now() + 60_000;
    let servers: string[] = [];
    while (Date.now() < deadline) {
      const res = QueryModelServersResponse.decode(
        (
          await qc.queryAbci(
            "/dgrid.registry.v1.Query/ModelServers",
            QueryModelServersRequest.encode(QueryModelServersRequest.fromPartial({ modelId: out.model_id })).finish(),
          )
        ).value,
      );
      servers = res.servers.map((s) => s.validator);
      if (servers.length > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    comet.disconnect();
    assert.deepEqual(servers, [valoper]);
    const record = JSON.parse(readFileSync(join(home, "data", "conformance.json"), "utf8"));
    assert.ok(record.models[out.model_id], JSON.stringify(record).slice(0, 300));
  });
});
