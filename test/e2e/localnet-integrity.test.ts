// Issue 18 end to end on a 4-validator localnet of separate `dgrid start` processes, driven by CosmJS:
// - Silero VAD, registered by a user (its file PUT to one node, its spec as onnxruntime reads the
//   file), is fetched, checked and served by all four validators.
// - 50 spec-valid but unrunnable VAD requests (`input` float32 [1,10], `sr` 16000, `h`/`c` zeros:
//   onnxruntime fails in a Pad node) from one account, in 5 txs of 10: every one settles FAILED with
//   RUNTIME_ERROR agreed by its 3 executors, who are paid (the requester is not refunded, the creator
//   gets nothing); every validator's reputation is unchanged. Valid requests afterwards get their
//   full redundancy (4 of 4) and finalize.
// - A demo-MLP request with redundancy 16 on 4 validators is charged for the 4 executions that
//   happen, to the udgrid, and each executor gets its normal share.
// - An input of exactly max_input_bytes (the demo MLP's [16384,16] float32 = 1 MiB), over the
//   blob_threshold_bytes param, travels as a blob: the client uploads it to the node's blob endpoint
//   and the tx carries its hash; CheckTx, a block, the executors' fetch, execution and settlement
//   follow; its output is exactly max_output_bytes. (Inline bytes over the threshold are refused:
//   test/e2e/localnet-blobs.test.ts.)
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { QueryClient } from "@cosmjs/stargate";
import ort from "onnxruntime-node";
import pino from "pino";
import { devnetWallet } from "../../app/devnet.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { DGridClient, type SigningDGridClient } from "../../client/index.ts";
import { DEMO_MODEL_PATH, goldenVectorsFromFile, specFromIo } from "../../models/demo.ts";
import {
  ExecutionError,
  type InferenceRequest,
  type Params,
  RequestStatus,
} from "../../proto/gen/dgrid/inference/v1/inference.ts";
import {
  QueryParamsRequest,
  QueryParamsResponse,
  QueryRequestRequest,
  QueryRequestResponse,
} from "../../proto/gen/dgrid/inference/v1/query.ts";
import { MsgRequestInferenceResponse } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import { QueryModelServersRequest, QueryModelServersResponse } from "../../proto/gen/dgrid/registry/v1/query.ts";
import type { NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { QueryReputationRequest, QueryReputationResponse } from "../../proto/gen/dgrid/reputation/v1/query.ts";
import type { Reputation } from "../../proto/gen/dgrid/reputation/v1/reputation.ts";
import { ModelProber } from "../../validator/onnx/sandbox.ts";
import { createTestLocalnet, type RunningNode, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { connectQueries, type LocalnetQueries, valoperOf, waitFor } from "../support/localnet-staking.ts";
import { seededFloats } from "../support/mlp-model.ts";
import { fixturePath, PINNED, sha256Hex, VAD_MODEL_PATH } from "../support/models.ts";

const PRICE = 1000n;
const DEMO_ID = sha256Hex(new Uint8Array(readFileSync(DEMO_MODEL_PATH)));
const VAD_ID = sha256Hex(new Uint8Array(readFileSync(VAD_MODEL_PATH)));
/** a fee of its own for every request tx, so balances can be checked to the udgrid */
const FEE = (gas: number) => ({
  amount: [{ denom: "udgrid", amount: String(Math.ceil(gas * 0.025)) }],
  gas: String(gas),
});

const f32 = (shape: number[], seed: number): NamedTensor["data"] =>
  new Uint8Array(
    seededFloats(
      seed,
      shape.reduce((a, b) => a * b, 1),
    ).buffer,
  );

function vadInputs(samples: number, seed: number): NamedTensor[] {
  return [
    { name: "c", dtype: "float32", shape: [2, 1, 64], data: new Uint8Array(2 * 64 * 4) },
    { name: "h", dtype: "float32", shape: [2, 1, 64], data: new Uint8Array(2 * 64 * 4) },
    { name: "input", dtype: "float32", shape: [1, samples], data: f32([1, samples], seed) },
    { name: "sr", dtype: "int64", shape: [], data: new Uint8Array(BigInt64Array.from([16000n]).buffer) },
  ];
}

describe("inference integrity on a 4-validator localnet (issue 18)", { timeout: 900_000 }, () => {
  let net: TestLocalnet;
  let nodes: RunningNode[];
  let qs: LocalnetQueries;
  let qc: QueryClient;
  let user: SigningDGridClient;
  const valoper = (i: number) => valoperOf(nodes[i]);

  const abci = async (path: string, data: Uint8Array) => (await qc.queryAbci(path, data)).value;
  const request = async (id: bigint): Promise<InferenceRequest> =>
    QueryRequestResponse.decode(
      await abci("/dgrid.inference.v1.Query/Request", QueryRequestRequest.encode({ id }).finish()),
    ).request!;
  const reputations = async (): Promise<Reputation[]> =>
    Promise.all(
      [0, 1, 2, 3].map(
        async (i) =>
          QueryReputationResponse.decode(
            await abci(
              "/dgrid.reputation.v1.Query/Reputation",
              QueryReputationRequest.encode({ validator: valoper(i) }).finish(),
            ),
          ).reputation!,
      ),
    );
  const balance = async (address: string) => BigInt((await user.getBalance(address)).amount);
  const operatorBalances = () => Promise.all(nodes.map((n) => balance(n.operatorAddress!)));
  const requestMsg = (inputs: NamedTensor[], modelId: string, redundancy: number): EncodeObject => ({
    typeUrl: "/dgrid.inference.v1.MsgRequestInference",
    value: {
      requester: user.address,
      modelId,
      inputs,
      maxFee: { denom: "udgrid", amount: (PRICE * 16n).toString() },
      redundancy,
    },
  });
  /** one tx; the request ids in message order and the tx fee paid */
  const submit = async (msgs: EncodeObject[], gas: number): Promise<{ ids: bigint[]; fee: bigint; height: number }> => {
    const fee = FEE(gas);
    const res = await user.submit(msgs, "", fee);
    const ids = (res.msgResponses ?? []).map((m) => MsgRequestInferenceResponse.decode(m.value).requestId);
    assert.equal(ids.length, msgs.length);
    return { ids, fee: BigInt(fee.amount[0].amount), height: res.height };
  };
  const awaitAll = (ids: bigint[]) =>
    Promise.all(ids.map((id) => user.awaitResult(id, { timeoutMs: 240_000, pollMs: 500 })));

  let startup = "";
  before(async () => {
    const t0 = Date.now();
    net = await createTestLocalnet({
      validators: 4,
      params: {
        // downtime jailing is not under test: a node starved of CPU on a busy machine must not be jailed
        slashing: { signed_blocks_window: "10000", min_signed_per_window: "0.010000000000000000" },
        // nor are deadlines: a node that is slow on a busy machine must not be recorded missing
        inference: { commit_deadline_blocks: "40", reveal_deadline_blocks: "40" },
      },
    });
    nodes = net.nodes;
    for (let i = 0; i < 4; i++) net.start(i);
    await waitAllHeight(nodes, 2, 180_000);
    startup = `localnet at height 2 after ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    qs = await connectQueries(nodes[0]);
    qc = new QueryClient(qs.comet);
    user = await DGridClient.connectWithSigner(nodes[0].rpcUrl, await devnetWallet("user"));
  });

  after(async () => {
    user?.disconnect();
    qs?.disconnect();
    if (net) await net.cleanup();
  });

  it("Silero VAD registered by a user (spec as onnxruntime reads the file) is served by every validator", async (t) => {
    t.diagnostic(startup);
    const t0 = Date.now();
    const creatorWallet = await devnetWallet("creator");
    const creatorAddr = (await creatorWallet.getAccounts())[0].address;
    await user.send(creatorAddr, "10000000udgrid", "", FEE(200_000));
    const creator = await DGridClient.connectWithSigner(nodes[0].rpcUrl, creatorWallet);
    const put = await fetch(`http://127.0.0.1:${nodes[0].modelsPort}/models`, {
      method: "PUT",
      body: readFileSync(VAD_MODEL_PATH),
    });
    assert.ok(put.ok, `PUT /models: HTTP ${put.status}`);
    const prober = new ModelProber({ timeoutMs: 60_000 }, { logger: pino({ level: "silent" }) });
    const meta = await prober.probe(VAD_MODEL_PATH).finally(() => prober.close());
    await creator.submit([
      {
        typeUrl: "/dgrid.registry.v1.MsgRegisterModel",
        value: {
          creator: creatorAddr,
          id: VAD_ID,
          name: "silero-vad",
          version: "4",
          inputs: meta.inputs.map(specFromIo),
          outputs: meta.outputs.map(specFromIo),
          sessionOptions: { ...PINNED },
          // tolerance 1e-4 abs, 1e-3 rel (LegacyDec atoms)
          policy: { tolerance: { abs: (10n ** 14n).toString(), rel: (10n ** 15n).toString() } },
          pricePerCall: { denom: "udgrid", amount: PRICE.toString() },
          creatorSharePpm: 100_000n,
          goldenVectors: goldenVectorsFromFile(JSON.parse(readFileSync(fixturePath("silero-vad.golden.json"), "utf8"))),
          sizeBytes: BigInt(readFileSync(VAD_MODEL_PATH).length),
        },
      },
    ]);
    creator.disconnect();
    const all = [0, 1, 2, 3].map(valoper).sort();
    await waitFor(
      "4 servers of the VAD",
      async () => {
        const res = QueryModelServersResponse.decode(
          await abci(
            "/dgrid.registry.v1.Query/ModelServers",
            QueryModelServersRequest.encode(QueryModelServersRequest.fromPartial({ modelId: VAD_ID })).finish(),
          ),
        );
        return JSON.stringify(res.servers.map((s) => s.validator).sort()) === JSON.stringify(all);
      },
      240_000,
    );
    t.diagnostic(`registered and served by 4 after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  it("50 spec-valid but unrunnable requests from one account settle as input failures paid to the executors; no reputation moves", async (t) => {
    const t0 = Date.now();
    const rep0 = await reputations();
    const user0 = await balance(user.address);
    const ops0 = await operatorBalances();
    const pool0 = await balance(moduleAddress("distribution"));
    const ids: bigint[] = [];
    let fees = 0n;
    for (let tx = 0; tx < 5; tx++) {
      const msgs = Array.from({ length: 10 }, (_, i) => requestMsg(vadInputs(10, 1000 + tx * 10 + i), VAD_ID, 0));
      const r = await submit(msgs, 4_000_000);
      ids.push(...r.ids);
      fees += r.fee;
    }
    assert.equal(ids.length, 50);
    const results = await awaitAll(ids);
    t.diagnostic(`50 requests settled after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const assigned = [0n, 0n, 0n, 0n];
    for (const [i, res] of results.entries()) {
      assert.equal(res.status, RequestStatus.REQUEST_STATUS_FAILED, `request ${ids[i]}: ${res.reason}`);
      assert.equal(res.error, ExecutionError.EXECUTION_ERROR_RUNTIME_ERROR);
      assert.equal(res.reason, "input_failed");
      assert.equal(res.agreeing.length, 3);
      assert.deepEqual(res.dissenting, []);
      assert.deepEqual(res.missing, []);
      // fee 3000: creator 0, executors 2700 (900 each), community 300, nothing refunded
      assert.deepEqual(
        [res.creatorPaid?.amount, res.executorsPaid?.amount, res.communityPaid?.amount, res.refunded?.amount],
        ["0", "2700", "300", "0"],
      );
      for (const v of res.agreeing) assigned[[0, 1, 2, 3].map(valoper).indexOf(v)]++;
    }
    // reputations: unchanged, to the counters
    assert.deepEqual(await reputations(), rep0);
    // to the udgrid: the requester paid 50 x 3000 and its tx fees; each operator got 900 per execution
    assert.equal(user0 - (await balance(user.address)), 50n * 3n * PRICE + fees);
    const ops1 = await operatorBalances();
    for (let i = 0; i < 4; i++) assert.equal(ops1[i] - ops0[i], 900n * assigned[i], `validator ${i}`);
    assert.equal((await balance(moduleAddress("distribution"))) - pool0, 50n * 300n);
    assert.equal(await balance(moduleAddress("inference")), 0n);
  });

  it("valid requests afterwards get their full redundancy and finalize", async () => {
    const { ids } = await submit(
      [
        requestMsg(vadInputs(512, 7), VAD_ID, 4),
        requestMsg(vadInputs(512, 8), VAD_ID, 4),
        requestMsg(vadInputs(512, 9), VAD_ID, 0),
      ],
      4_000_000,
    );
    const results = await awaitAll(ids);
    for (const [i, res] of results.entries()) {
      assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED, res.reason);
      const req = await request(ids[i]);
      const k = i < 2 ? 4 : 3;
      assert.equal(req.redundancy, k);
      assert.equal(req.executors.length, k);
      assert.equal(res.agreeing.length, k);
    }
  });

  it("a request with redundancy above the validator count is charged for the executions that happen, to the udgrid", async () => {
    const user0 = await balance(user.address);
    const ops0 = await operatorBalances();
    const { ids, fee, height } = await submit(
      [requestMsg([{ name: "input", dtype: "float32", shape: [2, 16], data: f32([2, 16], 5) }], DEMO_ID, 16)],
      400_000,
    );
    // charged 4 x price at inclusion (the tx's own fee aside)
    assert.equal(user0 - (await balance(user.address)), 4n * PRICE + fee);
    const created = (await qs.comet.txSearchAll({ query: `request_created.request_id='${ids[0]}'` })).txs;
    assert.equal(created.length, 1);
    assert.equal(created[0].height, height);
    const ev = created[0].result.events.find((e) => e.type === "request_created")!;
    const attrs = Object.fromEntries(ev.attributes.map((a) => [a.key, a.value]));
    assert.deepEqual(
      [attrs.requested_redundancy, attrs.redundancy, attrs.fee, attrs.uncharged],
      ["16", "4", "4000udgrid", "12000udgrid"],
    );
    const [res] = await awaitAll(ids);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED, res.reason);
    const req = await request(ids[0]);
    assert.deepEqual(
      [req.requestedRedundancy, req.redundancy, req.executors.length, req.fee?.amount],
      [16, 4, 4, "4000"],
    );
    // each executor its normal share: (4000 - 400 creator) x 90% / 4 = 810; the requester nothing back
    const ops1 = await operatorBalances();
    for (let i = 0; i < 4; i++) assert.equal(ops1[i] - ops0[i], 810n, `validator ${i}`);
    assert.equal(user0 - (await balance(user.address)), 4n * PRICE + fee);
  });

  it("an input of exactly max_input_bytes travels as a blob through CheckTx, a block, execution and settlement", async (t) => {
    const params: Params = QueryParamsResponse.decode(
      await abci("/dgrid.inference.v1.Query/Params", QueryParamsRequest.encode({}).finish()),
    ).params!;
    assert.equal(params.maxInputBytes, 1_048_576n);
    const rows = Number(params.maxInputBytes) / (16 * 4);
    const input: NamedTensor = { name: "input", dtype: "float32", shape: [rows, 16], data: f32([rows, 16], 77) };
    assert.equal(input.data.length, 1_048_576);
    // gas "auto": CosmJS simulates the tx (which carries the blob's hash, not the MiB) and broadcasts it
    const t0 = Date.now();
    const { requestId, transactionHash } = await user.requestInference(DEMO_ID, [input], { redundancy: 3 });
    const tx = await qs.comet.tx({ hash: Buffer.from(transactionHash, "hex") });
    assert.ok(tx.tx.length < 64 * 1024, `the tx carries the blob's hash, not its bytes (${tx.tx.length} bytes)`);
    t.diagnostic(`tx of ${tx.tx.length} bytes, gas used ${tx.result.gasUsed}, included after ${Date.now() - t0} ms`);
    const [res] = await awaitAll([requestId]);
    t.diagnostic(`settled after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED, res.reason);
    assert.deepEqual([res.agreeing.length, res.missing, res.dissenting], [3, [], []]);
    assert.deepEqual(res.outputs[0].shape, [rows, 4]);
    // the output is exactly max_output_bytes (256 KiB): within the reveal limit, in one vote extension
    assert.equal(BigInt(res.outputs[0].data.length), params.maxOutputBytes);
    const session = await ort.InferenceSession.create(readFileSync(DEMO_MODEL_PATH), {
      ...PINNED,
      executionProviders: ["cpu"],
    });
    const direct = await session.run({
      input: new ort.Tensor("float32", new Float32Array(input.data.slice().buffer), [rows, 16]),
    });
    await session.release();
    const d = direct.output.data as Float32Array;
    assert.deepEqual(Buffer.from(res.outputs[0].data), Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  });
});
