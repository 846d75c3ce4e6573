// Inference on a real node process started from the devnet genesis (app/devnet.ts): the
// validator bonded by a gentx, vote extensions on, redundancy 1, the demo MLP registered in genesis
// and imported into the node's model store. An unmodified CosmJS SigningStargateClient (registry with
// the dgrid types) submits MsgRequestInference; the finalized result read through the ABCI query
// equals a direct onnxruntime-node run of the same file under the model's policy (exact); the fee
// settles (creator share paid, escrow empty); a wrong-shaped input is refused with inference:4 in
// CheckTx. A model registered with wrong golden vectors: register-model's pre-check refuses it, and
// registered anyway (--skip-calibration) the node's failure shows in `query registry model` with the
// reason, the node backs off instead of re-running every sync, and a request for it is not left pending.
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
    // the devnet's REST gateway, on a free port rather than 1317
    cfg.api.address = `tcp://127.0.0.1:${await freePort()}`;
    cfg.grpc.address = `127.0.0.1:${await freePort()}`;
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
    const client = await DGridClient.connectWithSigner(rpcUrl, wallet);
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
    const client = await DGridClient.connectWithSigner(rpcUrl, await devnetWallet("user"));
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

  it("wrong golden vectors: refused by the pre-check; registered anyway, the failure is on chain with its reason, the node backs off, no request is left pending", async () => {
    const bytes = buildMlpModel({ inputs: 8, hidden: 8, outputs: 3, seed: 98 });
    const file = join(home, "mlp-wrong.onnx");
    writeFileSync(file, bytes);
    const id = sha256Hex(bytes);
    const golden = join(home, "mlp-wrong.golden.json");
    await dgrid(["models", "golden", file, "--random", "1", "--seed", "3", "--policy", "exact", "--out", golden]);
    // another class wins: wrong under any policy
    const g = JSON.parse(readFileSync(golden, "utf8"));
    g.vectors[0].outputs.output.data = Buffer.from(Float32Array.from([0.9, 0.05, 0.05]).buffer).toString("base64");
    writeFileSync(golden, JSON.stringify(g));
    const register = (...extra: string[]) =>
      dgrid([
        "tx",
        "registry",
        "register-model",
        file,
        "--from",
        "validator",
        "--name",
        "mlp-wrong",
        "--model-version",
        "1",
        "--price",
        "500udgrid",
        "--golden",
        golden,
        "--node-models",
        modelsUrl,
        "--gas",
        "auto",
        "--home",
        home,
        "--keyring-backend",
        "test",
        "--node",
        rpcUrl,
        "--yes",
        "-o",
        "json",
        ...extra,
      ]);
    await assert.rejects(register(), /golden vector 0 does not agree with this machine's run under exact/);
    const out = JSON.parse((await register("--skip-calibration")).stdout);
    assert.equal(out.code, 0, JSON.stringify(out));
    assert.equal(out.model_id, id);

    // the node runs the vectors, fails, and reports it: visible in the registry with the reason
    const valoper = devnetValoper(await devnetAddress("operator"));
    const query = async () =>
      JSON.parse((await dgrid(["query", "registry", "model", id, "--node", rpcUrl, "-o", "json"])).stdout);
    const deadline = Date.now() + 60_000;
    let model = await query();
    while (model.conformance_failures.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      model = await query();
    }
    assert.deepEqual(model.servers, []);
    assert.equal(model.conformance_failures.length, 1, JSON.stringify(model));
    const failure = model.conformance_failures[0];
    assert.equal(failure.validator, valoper);
    assert.equal(failure.provider, "cpu");
    assert.equal(failure.reports, "1");
    assert.match(
      failure.reason,
      /^1 of 1 golden vectors failed: vector 0: output disagree under exact \(max abs diff /,
    );

    // backing off: over several sync intervals (500 ms) the node neither re-runs nor re-reports
    const failedAt = JSON.parse(readFileSync(join(home, "data", "conformance.json"), "utf8")).failures[id];
    assert.equal(failedAt.failures, 1);
    assert.ok(failedAt.retryAt - Date.parse(failedAt.failedAt) >= 30_000, JSON.stringify(failedAt));
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(JSON.parse(readFileSync(join(home, "data", "conformance.json"), "utf8")).failures[id], failedAt);
    assert.equal((await query()).conformance_failures[0].reports, "1");

    // a request for the model nobody serves is refused at CheckTx or refunded at once, never left pending
    const input = join(home, "mlp-wrong.input.json");
    writeFileSync(input, JSON.stringify({ dtype: "float32", shape: [1, 8], data: Array(8).fill(0.5) }));
    const req = await dgrid([
      "tx",
      "inference",
      "request",
      id,
      "--from",
      "validator",
      "--input",
      `input=${input}`,
      "--max-fee",
      "500udgrid",
      "--yes",
      "--wait",
      "--timeout",
      "30000",
      "--home",
      home,
      "--keyring-backend",
      "test",
      "--node",
      rpcUrl,
      "-o",
      "json",
    ]).then(
      (r) => JSON.parse(r.stdout),
      (e: Error) => ({ refused: e.message }),
    );
    if ("refused" in req) {
      assert.match(req.refused, /inference|executor|serv/i, req.refused);
    } else {
      assert.equal(req.code, 0, JSON.stringify(req));
      assert.equal(req.result.status, "REQUEST_STATUS_REFUNDED", JSON.stringify(req.result));
      assert.equal(req.result.reason, "no_executors");
      assert.equal(Number(req.result.height), Number(req.height), "refunded in the block that carried it");
    }
    const client = await DGridClient.connectWithSigner(rpcUrl, await devnetWallet("user"));
    assert.equal((await client.getBalance(moduleAddress("inference"))).amount, "0", "nothing left in escrow");
    client.disconnect();
  });
});
