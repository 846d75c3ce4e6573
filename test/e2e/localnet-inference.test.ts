// Inference end to end on a 4-validator localnet of separate `dgrid start` processes (k = 3 by
// default), with real models, driven by CosmJS clients:
// - Silero VAD (tolerance) and the PaddleOCR direction classifier (argmax) are registered through
//   `dgrid tx registry register-model` (upload to one node's model endpoint + MsgRegisterModel); three
//   code-generated MLPs (exact) through the same path from a DGridClient (PUT /models +
//   MsgRegisterModel). Every validator fetches them from its peers, passes their golden vectors and
//   sends MsgServeModel; the demo MLP is in the localnet genesis.
// - Requests for the VAD, the classifier and the demo MLP at the default redundancy (3) finalize
//   with results that equal a direct onnxruntime-node run under each model's policy.
// - Test faults (test/support/faulty-executor.ts, the processes started by faulty-node-main.ts), on
//   one MLP each so that every assignment is deterministic (k = 4 of 4): validator 3 runs a
//   CorruptingExecutor (MLP "c" and "r"), validator 2 a SilentExecutor (MLP "s" and "r"); validators
//   0 and 1 are plain `dgrid start` processes. On "c" the corrupt validator is outvoted, loses
//   reputation and is slashed (1% of its tokens), and the result is still right; on "s" the silent one
//   is recorded as missing and loses reputation; on "r" (2 honest, 1 corrupt, 1 silent) no output
//   reaches the quorum of 3, the requester gets the whole fee back (its balance moves by the tx fee
//   only) and, with no winner, nobody loses reputation.
// - The inference escrow equals the fees of the pending requests at every height of the run
//   (historical queries of node 0 at each height), and every node answers the same at the last one.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { QueryClient } from "@cosmjs/stargate";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import ort from "onnxruntime-node";
import { DEVNET_HD_PATHS, DEVNET_MNEMONIC, devnetWallet } from "../../app/devnet.ts";
import { Keyring } from "../../chain/keyring/keyring.ts";
import { agrees, policyFromProto } from "../../chain/tensor/agreement.ts";
import { tensorsFromNamed } from "../../chain/tensor/canonical.ts";
import type { Outputs } from "../../chain/tensor/dtype.ts";
import { tensorToJson } from "../../chain/tensor/json.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { DGridClient, type SigningDGridClient } from "../../client/index.ts";
import { DEMO_MODEL_PATH, goldenVectorsFromFile } from "../../models/demo.ts";
import { ExecutorOutcome, type InferenceRequest, RequestStatus } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import {
  QueryPendingRequestsRequest,
  QueryPendingRequestsResponse,
  QueryRequestRequest,
  QueryRequestResponse,
} from "../../proto/gen/dgrid/inference/v1/query.ts";
import { MsgRequestInferenceResponse } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import {
  QueryModelRequest,
  QueryModelResponse,
  QueryModelServersRequest,
  QueryModelServersResponse,
} from "../../proto/gen/dgrid/registry/v1/query.ts";
import type { Model, NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { QueryReputationRequest, QueryReputationResponse } from "../../proto/gen/dgrid/reputation/v1/query.ts";
import type { Reputation } from "../../proto/gen/dgrid/reputation/v1/reputation.ts";
import type { Tensor } from "../../validator/executor/types.ts";
import {
  blockAt,
  createTestLocalnet,
  type RunningNode,
  type TestLocalnet,
  waitAllHeight,
} from "../support/localnet.ts";
import { connectQueries, type LocalnetQueries, valoperOf, waitFor } from "../support/localnet-staking.ts";
import { buildMlpModel, seededFloats } from "../support/mlp-model.ts";
import {
  FIXTURE_POLICIES,
  fixturePath,
  OCR_CLS_MODEL_PATH,
  PINNED,
  sha256Hex,
  VAD_MODEL_PATH,
} from "../support/models.ts";
import { dgrid, latestHeight } from "../support/node-process.ts";

const SELF_BOND = 100_000_000n;
const PRICE = 1000n;
// enough gas for a tx carrying (and storing) the classifier's 110 KB input
const TX_FEE = { amount: [{ denom: "udgrid", amount: "50000" }], gas: "15000000" };

const bytesOf = (path: string) => new Uint8Array(readFileSync(path));
const DEMO = bytesOf(DEMO_MODEL_PATH);
const VAD = bytesOf(VAD_MODEL_PATH);
const CLS = bytesOf(OCR_CLS_MODEL_PATH);
/** the fault MLPs: "c" (validator 3 corrupts), "s" (validator 2 silent), "r" (both: no quorum) */
const MLP = {
  c: buildMlpModel({ inputs: 8, hidden: 8, outputs: 3, seed: 31 }),
  s: buildMlpModel({ inputs: 8, hidden: 8, outputs: 3, seed: 32 }),
  r: buildMlpModel({ inputs: 8, hidden: 8, outputs: 3, seed: 33 }),
};
const ID = {
  demo: sha256Hex(DEMO),
  vad: sha256Hex(VAD),
  cls: sha256Hex(CLS),
  c: sha256Hex(MLP.c),
  s: sha256Hex(MLP.s),
  r: sha256Hex(MLP.r),
};

function f32(shape: number[], seed: number, scale = 1): Tensor {
  const v = seededFloats(
    seed,
    shape.reduce((a, b) => a * b, 1),
  ).map((x) => x * scale);
  return { dtype: "float32", shape, data: new Uint8Array(v.buffer) };
}

function named(r: Record<string, Tensor>): NamedTensor[] {
  return Object.keys(r)
    .sort()
    .map((name) => ({ name, dtype: r[name].dtype, shape: [...r[name].shape], data: r[name].data }));
}

/** A direct onnxruntime-node run with the pinned session options every model here is registered with. */
async function directRun(model: Uint8Array, inputs: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(model, { ...PINNED, executionProviders: ["cpu"] });
  const feeds: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(inputs)) {
    const buf = t.data.slice().buffer;
    feeds[k] = new ort.Tensor(t.dtype, t.dtype === "int64" ? new BigInt64Array(buf) : new Float32Array(buf), t.shape);
  }
  const out = await session.run(feeds);
  const res: Record<string, Tensor> = {};
  for (const k of session.outputNames) {
    const d = out[k].data as Float32Array;
    res[k] = { dtype: "float32", shape: [...out[k].dims], data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
  }
  await session.release();
  return res;
}

const VAD_INPUT: Record<string, Tensor> = {
  input: f32([1, 512], 911, 0.5),
  sr: { dtype: "int64", shape: [], data: new Uint8Array(BigInt64Array.from([16000n]).buffer) },
  h: f32([2, 1, 64], 912, 0.2),
  c: f32([2, 1, 64], 913, 0.2),
};
const CLS_INPUT: Record<string, Tensor> = { x: f32([1, 3, 48, 192], 921) };
const DEMO_INPUT: Record<string, Tensor> = { input: f32([2, 16], 931) };
const MLP_INPUT: Record<string, Tensor> = { input: f32([2, 8], 941) };

describe("inference on a 4-validator localnet (k = 3, real models, faulty executors)", { timeout: 600_000 }, () => {
  let net: TestLocalnet;
  let nodes: RunningNode[];
  let qs: LocalnetQueries;
  let qc: QueryClient;
  let user: SigningDGridClient;
  let cliHome = "";
  let firstHeight = 0;
  const valoper = (i: number) => valoperOf(nodes[i]);

  const abci = async (path: string, data: Uint8Array, height?: number) =>
    (await qc.queryAbci(path, data, height)).value;
  const request = async (id: bigint, height?: number): Promise<InferenceRequest> =>
    QueryRequestResponse.decode(
      await abci("/dgrid.inference.v1.Query/Request", QueryRequestRequest.encode({ id }).finish(), height),
    ).request!;
  const reputation = async (i: number): Promise<Reputation> =>
    QueryReputationResponse.decode(
      await abci(
        "/dgrid.reputation.v1.Query/Reputation",
        QueryReputationRequest.encode({ validator: valoper(i) }).finish(),
      ),
    ).reputation!;
  const model = async (id: string): Promise<Model> =>
    QueryModelResponse.decode(await abci("/dgrid.registry.v1.Query/Model", QueryModelRequest.encode({ id }).finish()))
      .model!;
  const servers = async (id: string): Promise<string[]> =>
    QueryModelServersResponse.decode(
      await abci(
        "/dgrid.registry.v1.Query/ModelServers",
        QueryModelServersRequest.encode(QueryModelServersRequest.fromPartial({ modelId: id })).finish(),
      ),
    )
      .servers.map((s) => s.validator)
      .sort();
  const tokens = async (i: number) => BigInt((await qs.q.staking.validator(valoper(i))).validator.tokens);
  /** block-level events of the block at `height` of one type, attributes as a record */
  const blockEvents = async (height: number, type: string) => {
    const r = await qs.comet.blockResults(height);
    return r.finalizeBlockEvents
      .filter((e) => e.type === type)
      .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
  };
  /** one tx with several MsgRequestInference; the request ids in message order */
  const submitRequests = async (
    client: SigningDGridClient,
    reqs: { modelId: string; inputs: Record<string, Tensor>; redundancy: number }[],
  ): Promise<bigint[]> => {
    const msgs: EncodeObject[] = reqs.map((r) => ({
      typeUrl: "/dgrid.inference.v1.MsgRequestInference",
      value: {
        requester: client.address,
        modelId: r.modelId,
        inputs: named(r.inputs),
        maxFee: { denom: "udgrid", amount: (PRICE * 16n).toString() },
        redundancy: r.redundancy,
      },
    }));
    const res = await client.submit(msgs, "", TX_FEE);
    const ids = (res.msgResponses ?? []).map((m) => MsgRequestInferenceResponse.decode(m.value).requestId);
    assert.equal(ids.length, reqs.length);
    return ids;
  };
  const awaitAll = (ids: bigint[]) =>
    Promise.all(ids.map((id) => user.awaitResult(id, { timeoutMs: 180_000, pollMs: 500 })));

  let startup = "";
  before(async () => {
    const t0 = Date.now();
    net = await createTestLocalnet({
      validators: 4,
      // downtime jailing is not under test here: a node starved of CPU on a busy machine must not be jailed
      params: { slashing: { signed_blocks_window: "10000", min_signed_per_window: "0.010000000000000000" } },
      faults: (i) => {
        if (i === 3) return { corruptOutputs: [ID.c, ID.r] };
        if (i === 2) return { silentExecutor: [ID.s, ID.r] };
        return undefined;
      },
    });
    nodes = net.nodes;
    for (let i = 0; i < 4; i++) net.start(i);
    await waitAllHeight(nodes, 2, 180_000);
    startup = `localnet at height 2 after ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    firstHeight = 1;
    qs = await connectQueries(nodes[0]);
    qc = new QueryClient(qs.comet);
    user = await DGridClient.connectWithSigner(nodes[0].rpcUrl, await devnetWallet("user"));
    // the CLI's keyring: the devnet mnemonic's "creator" account (funded below), so the CLI's
    // transactions never race the nodes' own MsgServeModel (operator keys) or the user client
    cliHome = mkdtempSync(join(tmpdir(), "dgrid-localnet-inf-cli-"));
    await new Keyring({ backend: "test", dir: cliHome }).add("creator", DEVNET_MNEMONIC, DEVNET_HD_PATHS.creator);
  });

  after(async () => {
    user?.disconnect();
    qs?.disconnect();
    if (net) await net.cleanup();
    if (cliHome) rmSync(cliHome, { recursive: true, force: true });
  });

  it("the faulty executors are on where set (loud warnings) and nowhere else", async (t) => {
    t.diagnostic(startup);
    await waitFor("the fault warnings in the logs", async () => {
      const l2 = nodes[2].logs.join("");
      const l3 = nodes[3].logs.join("");
      return (
        l2.includes("TEST ONLY: inference fault injection is ON") &&
        l3.includes("TEST ONLY: inference fault injection is ON")
      );
    });
    assert.ok(nodes[3].logs.join("").includes("(corrupt outputs)") && !nodes[3].logs.join("").includes("(silent"));
    assert.ok(nodes[2].logs.join("").includes("(silent executor)") && !nodes[2].logs.join("").includes("(corrupt"));
    for (const i of [0, 1]) assert.ok(!nodes[i].logs.join("").includes("fault injection"));
  });

  it("VAD and the OCR classifier (CLI) and three MLPs (client) are registered; every validator fetches, checks and serves them", async (t) => {
    const t0 = Date.now();
    const mark = (what: string) => t.diagnostic(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const creator = (await (await devnetWallet("creator")).getAccounts())[0].address;
    await user.send(creator, "100000000udgrid", "", TX_FEE);
    let lastTxHeight = 0;
    const common = ["--home", cliHome, "--keyring-backend", "test", "--node", nodes[0].rpcUrl, "--yes", "-o", "json"];
    const register = async (file: string, name: string, policy: string, golden: string, uploadTo: RunningNode) => {
      const { stdout, stderr } = await dgrid([
        "tx",
        "registry",
        "register-model",
        file,
        "--from",
        "creator",
        "--name",
        name,
        "--model-version",
        "1",
        "--policy",
        policy,
        "--price",
        `${PRICE}udgrid`,
        "--creator-share",
        "0.1",
        "--golden",
        golden,
        "--node-models",
        `http://127.0.0.1:${uploadTo.modelsPort}`,
        "--gas",
        "auto",
        ...common,
      ]);
      assert.match(stderr, /uploading \[#+\] 100%/);
      const out = JSON.parse(stdout);
      assert.equal(out.code, 0, stdout);
      lastTxHeight = Number(out.height);
      return out.model_id as string;
    };
    // uploaded to one node each: the others must fetch the file from a peer
    assert.equal(
      await register(
        VAD_MODEL_PATH,
        "silero-vad",
        FIXTURE_POLICIES["silero-vad.golden.json"],
        fixturePath("silero-vad.golden.json"),
        nodes[0],
      ),
      ID.vad,
    );
    assert.equal(
      await register(
        OCR_CLS_MODEL_PATH,
        "ppocr-cls",
        FIXTURE_POLICIES["paddleocr-cls.golden.json"],
        fixturePath("paddleocr-cls.golden.json"),
        nodes[1],
      ),
      ID.cls,
    );
    mark("registered VAD and cls through the CLI");

    // the MLPs through the same path from code: PUT /models on node 2, then one tx of MsgRegisterModel
    // (through node 2 once it has the CLI's transactions: the account sequence comes from its state)
    await waitAllHeight([nodes[2]], lastTxHeight, 60_000);
    const creatorClient = await DGridClient.connectWithSigner(nodes[2].rpcUrl, await devnetWallet("creator"));
    const batch = { size: 0, symbol: "batch" };
    const msgs: EncodeObject[] = [];
    for (const key of ["c", "s", "r"] as const) {
      const res = await fetch(`http://127.0.0.1:${nodes[2].modelsPort}/models`, { method: "PUT", body: MLP[key] });
      assert.ok(res.ok, `upload ${key}: HTTP ${res.status}`);
      assert.equal(((await res.json()) as { id: string }).id, ID[key]);
      const goldenIn = { input: f32([1, 8], 950 + key.charCodeAt(0)) };
      const goldenFile = join(cliHome, `mlp-${key}.golden.json`);
      const goldenOut = await directRun(MLP[key], goldenIn);
      const toJson = (r: Record<string, Tensor>) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, tensorToJson(v)]));
      writeFileSync(
        goldenFile,
        JSON.stringify({ vectors: [{ inputs: toJson(goldenIn), outputs: toJson(goldenOut) }] }),
      );
      msgs.push({
        typeUrl: "/dgrid.registry.v1.MsgRegisterModel",
        value: {
          creator: creatorClient.address,
          id: ID[key],
          name: `mlp-${key}`,
          version: "1",
          inputs: [{ name: "input", dtype: "float32", shape: [batch, { size: 8, symbol: "" }] }],
          outputs: [{ name: "output", dtype: "float32", shape: [batch, { size: 3, symbol: "" }] }],
          sessionOptions: { ...PINNED },
          policy: { exact: {} },
          pricePerCall: { denom: "udgrid", amount: PRICE.toString() },
          creatorSharePpm: 100_000n,
          goldenVectors: goldenVectorsFromFile(JSON.parse(readFileSync(goldenFile, "utf8"))),
          sizeBytes: BigInt(MLP[key].length),
        },
      });
    }
    await creatorClient.submit(msgs, "", { amount: [{ denom: "udgrid", amount: "20000" }], gas: "2000000" });
    creatorClient.disconnect();
    mark("registered the MLPs");

    assert.deepEqual((await model(ID.vad)).policy?.tolerance, {
      abs: (10n ** 14n).toString(),
      rel: (10n ** 15n).toString(),
    });
    assert.ok((await model(ID.cls)).policy?.argmax);
    // each node's sync loop: fetch from peers, golden vectors, MsgServeModel with its operator key
    const all = [0, 1, 2, 3].map(valoper).sort();
    for (const id of Object.values(ID)) {
      await waitFor(
        `4 servers of ${id}`,
        async () => JSON.stringify(await servers(id)) === JSON.stringify(all),
        240_000,
      );
      mark(`4 servers of ${id.slice(0, 8)}`);
    }
    // every node holds every file: those it was not uploaded to came from a peer (nothing else puts
    // them there), and each passed its golden vectors (recorded with the node's software and host)
    for (const n of nodes) {
      const conformance = JSON.parse(readFileSync(join(n.home, "data", "conformance.json"), "utf8"));
      for (const id of Object.values(ID)) {
        assert.ok(existsSync(join(n.home, "data", "models", `${id}.onnx`)), `${n.name} has ${id}`);
        assert.ok(conformance.models[id], `${n.name}: conformance record of ${id}`);
      }
    }
  });

  it("requests for the VAD, the classifier and the demo MLP at the default k = 3 equal direct onnxruntime runs under each policy", async () => {
    const ids = await submitRequests(user, [
      { modelId: ID.vad, inputs: VAD_INPUT, redundancy: 0 },
      { modelId: ID.cls, inputs: CLS_INPUT, redundancy: 0 },
      { modelId: ID.demo, inputs: DEMO_INPUT, redundancy: 0 },
    ]);
    const results = await awaitAll(ids);
    const direct = [
      await directRun(VAD, VAD_INPUT),
      await directRun(CLS, CLS_INPUT),
      await directRun(DEMO, DEMO_INPUT),
    ];
    for (const [i, id] of [ID.vad, ID.cls, ID.demo].entries()) {
      const res = results[i];
      const req = await request(ids[i]);
      assert.equal(req.redundancy, 3);
      assert.equal(req.executors.length, 3);
      assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED, `${id}: ${res.reason}`);
      assert.equal(res.agreeing.length, 3);
      assert.deepEqual(res.dissenting, []);
      assert.deepEqual(res.missing, []);
      const got = tensorsFromNamed(res.outputs) as Outputs;
      assert.deepEqual(Object.keys(got).sort(), Object.keys(direct[i]).sort());
      for (const k of Object.keys(got)) assert.deepEqual(got[k].shape, direct[i][k].shape);
      const policy = policyFromProto((await model(id)).policy);
      assert.ok(
        agrees(policy, direct[i] as Outputs, got),
        `${id}: the result agrees with the direct run under ${policy.kind}`,
      );
    }
    // exact: the very bytes
    assert.deepEqual(Buffer.from(results[2].outputs[0].data), Buffer.from(direct[2].output.data));
    // argmax: the same class
    const cls = new Float32Array(results[1].outputs[0].data.slice().buffer);
    const d = new Float32Array(direct[1]["softmax_0.tmp_0"].data.slice().buffer);
    assert.equal(cls[0] > cls[1], d[0] > d[1]);
  });

  it("corrupt outputs are outvoted and slashed; a silent executor is missing; no quorum refunds in full", async () => {
    const rep0 = await Promise.all([0, 1, 2, 3].map(reputation));
    for (let i = 0; i < 4; i++) assert.equal(await tokens(i), SELF_BOND);
    // a second requester for the refund case, so its balance moves by nothing but its own tx fee
    const refundWallet = await devnetWallet("operator");
    const refundAddr = (await refundWallet.getAccounts())[0].address;
    const funded = await user.send(refundAddr, "1000000udgrid", "", TX_FEE);
    // it sends through node 1 once node 1 has the funding; balances are read on node 0 (as results)
    await waitAllHeight([nodes[1]], funded.height, 60_000);
    const refundClient = await DGridClient.connectWithSigner(nodes[1].rpcUrl, refundWallet);
    const balanceBefore = BigInt((await user.getBalance(refundAddr)).amount);

    const [[idC, idS], [idR]] = await Promise.all([
      submitRequests(user, [
        { modelId: ID.c, inputs: MLP_INPUT, redundancy: 4 },
        { modelId: ID.s, inputs: MLP_INPUT, redundancy: 4 },
      ]),
      submitRequests(refundClient, [{ modelId: ID.r, inputs: MLP_INPUT, redundancy: 4 }]),
    ]);
    const [resC, resS, resR] = await awaitAll([idC, idS, idR]);
    const [reqC, reqS, reqR] = await Promise.all([request(idC), request(idS), request(idR)]);
    for (const r of [reqC, reqS, reqR]) assert.equal(r.executors.length, 4, "k = 4 of 4: every validator assigned");
    const outcome = (r: InferenceRequest, i: number) => r.executors.find((e) => e.validator === valoper(i))!.outcome;

    // "c": validator 3 corrupt, outvoted 3 to 1, the exact result still the direct run's bytes
    assert.equal(resC.status, RequestStatus.REQUEST_STATUS_FINALIZED, resC.reason);
    assert.deepEqual(resC.dissenting, [valoper(3)]);
    assert.deepEqual([...resC.agreeing].sort(), [0, 1, 2].map(valoper).sort());
    assert.deepEqual(Buffer.from(resC.outputs[0].data), Buffer.from((await directRun(MLP.c, MLP_INPUT)).output.data));
    assert.equal(outcome(reqC, 3), ExecutorOutcome.EXECUTOR_OUTCOME_DISSENTED);
    // provable dissent: a committed, revealed, well-formed output that differs from the winner's
    const badC = reqC.executors.find((e) => e.validator === valoper(3))!;
    assert.ok(badC.revealed && !badC.invalidOutput && badC.commitment.length === 32);
    assert.notDeepEqual(Buffer.from(badC.outputHash), Buffer.from(resC.outputHash));
    const slashed = await blockEvents(Number(resC.height), "executor_slashed");
    assert.deepEqual(
      slashed.map((e) => [e.request_id, e.validator, e.fraction_ppm]),
      [[idC.toString(), valoper(3), "10000"]],
    );
    // slash_fraction_ppm 10000 (1%) of its power (100, unchanged since the commitment): 1% of the self-bond burned
    assert.equal(await tokens(3), SELF_BOND - SELF_BOND / 100n);
    for (const i of [0, 1, 2]) assert.equal(await tokens(i), SELF_BOND);

    // "s": validator 2 never commits; the commit phase closes at its deadline with 3; it is missing
    assert.equal(resS.status, RequestStatus.REQUEST_STATUS_FINALIZED, resS.reason);
    assert.deepEqual(resS.missing, [valoper(2)]);
    assert.deepEqual([...resS.agreeing].sort(), [0, 1, 3].map(valoper).sort());
    assert.deepEqual(Buffer.from(resS.outputs[0].data), Buffer.from((await directRun(MLP.s, MLP_INPUT)).output.data));
    assert.equal(outcome(reqS, 2), ExecutorOutcome.EXECUTOR_OUTCOME_MISSING);
    assert.equal(reqS.executors.find((e) => e.validator === valoper(2))!.commitment.length, 0);
    const finalizedS = await blockEvents(Number(resS.height), "request_finalized");
    assert.deepEqual(
      finalizedS.filter((e) => e.request_id === idS.toString()).map((e) => [e.missing, e.dissenting]),
      [[valoper(2), ""]],
    );
    // validator 2's reputation events in that block: "missing" for "s" (and for any other of these
    // requests that settled in the same block: "agree" for "c"; none for "r", which had no winner).
    // EndBlock's probation adds a "recovery" event when the block is a multiple of
    // recovery_interval_blocks: it is not about these requests, so it is left out.
    const v2Events = (await blockEvents(Number(resS.height), "reputation_updated")).filter(
      (e) => e.validator === valoper(2) && e.outcome !== "recovery",
    );
    const expected = (
      [
        [resC, "agree"],
        [resS, "missing"],
      ] as const
    )
      .filter(([r]) => r.height === resS.height)
      .map(([, o]) => o);
    assert.deepEqual(v2Events.map((e) => e.outcome).sort(), [...expected].sort());
    for (const e of v2Events.filter((x) => x.outcome === "missing"))
      assert.ok(BigInt(e.new_score_ppm) < BigInt(e.old_score_ppm));
    const closedS = await blockEvents(Number(reqS.commitDeadline), "commit_phase_closed");
    assert.deepEqual(
      closedS.filter((e) => e.request_id === idS.toString()).map((e) => e.committed),
      ["3"],
    );

    // "r": 2 honest + 1 corrupt revealed, 1 silent: the largest agreeing set (2) is below the quorum (3)
    assert.equal(resR.status, RequestStatus.REQUEST_STATUS_REFUNDED);
    assert.equal(resR.reason, "no_quorum");
    assert.equal(resR.refunded?.amount, (PRICE * 4n).toString());
    assert.deepEqual(resR.missing, [valoper(2)]);
    assert.equal(outcome(reqR, 2), ExecutorOutcome.EXECUTOR_OUTCOME_MISSING);
    const refunded = await blockEvents(Number(resR.height), "request_refunded");
    assert.deepEqual(
      refunded.map((e) => [e.request_id, e.requester, e.amount, e.reason]),
      [[idR.toString(), refundAddr, `${PRICE * 4n}udgrid`, "no_quorum"]],
    );
    assert.equal(balanceBefore - BigInt((await user.getBalance(refundAddr)).amount), BigInt(TX_FEE.amount[0].amount));
    refundClient.disconnect();
    // no slash without a winner: validator 3's tokens are unchanged since "c"
    assert.equal(await tokens(3), SELF_BOND - SELF_BOND / 100n);

    // reputation: the corrupt validator dissented once, the silent one missed once where the others
    // agreed ("s"; "r" reached no winner, so nobody lost anything there); both went down
    const rep1 = await Promise.all([0, 1, 2, 3].map(reputation));
    assert.equal(rep1[3].dissented - rep0[3].dissented, 1n);
    assert.ok(rep1[3].scorePpm < rep0[3].scorePpm, `${rep0[3].scorePpm} -> ${rep1[3].scorePpm}`);
    assert.equal(rep1[2].missed - rep0[2].missed, 1n);
    assert.ok(rep1[2].scorePpm < rep0[2].scorePpm, `${rep0[2].scorePpm} -> ${rep1[2].scorePpm}`);
    for (const i of [0, 1]) {
      assert.equal(rep1[i].agreed - rep0[i].agreed, 2n);
      assert.ok(rep1[i].scorePpm > rep0[i].scorePpm);
    }
  });

  it("the escrow equals the fees of pending requests at every height; all nodes hold the same state", async () => {
    const escrow = moduleAddress("inference");
    const top = await latestHeight(nodes[0].rpcUrl);
    let sawPending = 0;
    for (let h = firstHeight; h <= top; h++) {
      const bal = QueryBalanceResponse.decode(
        await abci(
          "/cosmos.bank.v1beta1.Query/Balance",
          QueryBalanceRequest.encode({ address: escrow, denom: "udgrid" }).finish(),
          h,
        ),
      ).balance!;
      let owed = 0n;
      let key: Uint8Array = new Uint8Array();
      for (;;) {
        const page = QueryPendingRequestsResponse.decode(
          await abci(
            "/dgrid.inference.v1.Query/PendingRequests",
            QueryPendingRequestsRequest.encode(
              QueryPendingRequestsRequest.fromPartial({ pagination: { key, limit: 100n } }),
            ).finish(),
            h,
          ),
        );
        for (const r of page.requests) owed += BigInt(r.fee?.amount ?? "0");
        if (page.requests.length > 0) sawPending++;
        key = page.pagination?.nextKey ?? new Uint8Array();
        if (key.length === 0) break;
      }
      assert.equal(BigInt(bal.amount), owed, `height ${h}: escrow ${bal.amount}, pending fees ${owed}`);
    }
    assert.ok(sawPending >= 10, `pending requests were seen at ${sawPending} heights`);
    // every node computed the same state: each one's own answers at height `top` (every request
    // record, every reputation, the escrow) are byte-identical
    await waitAllHeight(nodes, top, 60_000);
    const views: string[] = [];
    for (const n of nodes) {
      const ln = await connectQueries(n);
      const q = new QueryClient(ln.comet);
      const parts: Uint8Array[] = [];
      for (let id = 1n; id <= 6n; id++)
        parts.push(
          (await q.queryAbci("/dgrid.inference.v1.Query/Request", QueryRequestRequest.encode({ id }).finish(), top))
            .value,
        );
      for (let i = 0; i < 4; i++)
        parts.push(
          (
            await q.queryAbci(
              "/dgrid.reputation.v1.Query/Reputation",
              QueryReputationRequest.encode({ validator: valoper(i) }).finish(),
              top,
            )
          ).value,
        );
      ln.disconnect();
      views.push(Buffer.concat(parts).toString("hex"));
    }
    assert.equal(new Set(views).size, 1, "all nodes answer the same at the same height");
    // and the header after `top` carries one app hash for all of them
    await waitAllHeight(nodes, top + 1, 60_000);
    const hashes = await Promise.all(nodes.map(async (n) => (await blockAt(n, top + 1)).appHash));
    assert.equal(new Set(hashes).size, 1, hashes.join(" "));
  });
});
