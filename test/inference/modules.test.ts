// registry and reputation modules through DGridApp (no bonded validator: requests are refused),
// the generated protos with a CosmJS Registry, and the reputation update rule.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import { encodePubkey, makeAuthInfoBytes, makeSignDoc } from "@cosmjs/proto-signing";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { CheckTxType } from "cosmjs-types/tendermint/abci/types";
import fc from "fast-check";
import { namedFromTensors } from "../../chain/tensor/canonical.ts";
import { addressToString, Bech32PrefixValAddr, moduleAddress } from "../../chain/types/address.ts";
import { dgridMsgTypes } from "../../client/dgrid-types.ts";
import { dgridRegistry } from "../../client/index.ts";
import { nextScore, recoveredScore, defaultParams as repDefaults } from "../../modules/reputation/params.ts";
import {
  QueryModelRequest,
  QueryModelResponse,
  QueryModelServersRequest,
  QueryModelServersResponse,
} from "../../proto/gen/dgrid/registry/v1/query.ts";
import { MsgRegisterModel } from "../../proto/gen/dgrid/registry/v1/tx.ts";
import { attrs, block, CHAIN_ID, genesis, initApp, newApp, type TestKey, testKey } from "../app/helpers.ts";

const registry = dgridRegistry(dgridMsgTypes);

async function sign(key: TestKey, msgs: { typeUrl: string; value: unknown }[], sequence: bigint, accountNumber = 0) {
  const bodyBytes = registry.encode({ typeUrl: "/cosmos.tx.v1beta1.TxBody", value: { messages: msgs, memo: "" } });
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(key.pubkey)), sequence }],
    [{ denom: "udgrid", amount: "20000" }],
    800_000,
    undefined,
    undefined,
  );
  const doc = makeSignDoc(bodyBytes, authInfoBytes, CHAIN_ID, accountNumber);
  const { signature } = await key.wallet.signDirect(key.address, doc);
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [fromBase64(signature.signature)] }).finish();
}

const f32 = (v: number[], shape: number[]) => ({
  dtype: "float32" as const,
  shape,
  data: new Uint8Array(Float32Array.from(v).buffer),
});

function registerMsg(creator: string, over: Record<string, unknown> = {}) {
  return {
    typeUrl: "/dgrid.registry.v1.MsgRegisterModel",
    value: MsgRegisterModel.fromPartial({
      creator,
      id: createHash("sha256").update("model file").digest("hex"),
      name: "mlp",
      version: "1.0",
      inputs: [{ name: "x", dtype: "float32", shape: [{ symbol: "n" }, { size: 2 }] }],
      outputs: [{ name: "y", dtype: "float32", shape: [{ symbol: "n" }] }],
      sessionOptions: { graphOptimizationLevel: "all", executionMode: "sequential", intraOpNumThreads: 1 },
      policy: { tolerance: { abs: "1000000000000", rel: "0" } },
      pricePerCall: { denom: "udgrid", amount: "500" },
      creatorSharePpm: 200_000n,
      goldenVectors: [
        { inputs: namedFromTensors({ x: f32([1, 2], [1, 2]) }), outputs: namedFromTensors({ y: f32([3], [1]) }) },
      ],
      sizeBytes: 4096n,
      ...over,
    }),
  };
}

async function q<T>(app: ReturnType<typeof newApp>, path: string, data: Uint8Array, dec: { decode(b: Uint8Array): T }) {
  const r = await app.query({ path, data, height: 0n, prove: false });
  assert.equal(r.code, 0, r.log);
  return dec.decode(r.value);
}

describe("registry module", () => {
  it("registers, serves, withdraws; rejects duplicates, bad specs and non-authority delisting", async () => {
    const alice = await testKey("alice");
    const app = newApp();
    await initApp(app, genesis([{ address: alice.address, coins: [{ denom: "udgrid", amount: "100000000" }] }]));
    const valoper = addressToString(
      (await import("../../chain/types/address.ts")).addressFromString(alice.address),
      Bech32PrefixValAddr,
    );
    const id = createHash("sha256").update("model file").digest("hex");
    let seq = 0n;
    const tx = async (m: { typeUrl: string; value: unknown }) => sign(alice, [m], seq++);
    const res = await block(app, 1, [
      await tx(registerMsg(alice.address)),
      await tx(registerMsg(alice.address)),
      await tx(registerMsg(alice.address, { id: "ABC" })),
      await tx(
        registerMsg(alice.address, {
          id: "11".repeat(32),
          goldenVectors: [{ inputs: namedFromTensors({ x: f32([1, 2, 3], [1, 3]) }), outputs: [] }],
        }),
      ),
      await tx(registerMsg(alice.address, { id: "22".repeat(32), policy: undefined })),
      await tx({
        typeUrl: "/dgrid.registry.v1.MsgServeModel",
        value: { validator: valoper, modelId: id, provider: "" },
      }),
      await tx({ typeUrl: "/dgrid.registry.v1.MsgDelistModel", value: { authority: alice.address, modelId: id } }),
    ]);
    assert.deepEqual(
      res.txResults.map((r) => r.code),
      [0, 3, 2, 2, 2, 0, 4],
      res.txResults.map((r) => r.log).join("\n"),
    );
    assert.equal(res.txResults[1].codespace, "registry");
    assert.equal(attrs(res.txResults[0].events, "model_registered")[0].model_id, id);
    const model = (
      await q(app, "/dgrid.registry.v1.Query/Model", QueryModelRequest.encode({ id }).finish(), QueryModelResponse)
    ).model!;
    assert.equal(model.name, "mlp");
    assert.equal(model.registeredHeight, 1n);
    assert.equal(model.delisted, false);
    const servers = await q(
      app,
      "/dgrid.registry.v1.Query/ModelServers",
      QueryModelServersRequest.encode(QueryModelServersRequest.fromPartial({ modelId: id })).finish(),
      QueryModelServersResponse,
    );
    assert.deepEqual(
      servers.servers.map((s) => [s.validator, s.provider]),
      [[valoper, "cpu"]],
    );

    // the serving validator is not bonded: no eligible executor, so the request is refused (in CheckTx
    // as in the block) with its own code, and nothing is escrowed
    const before = (
      await app.bankKeeper.getBalance(
        app.newContext(app.store.branch(), { height: 1, timeMs: 0, chainId: CHAIN_ID }, "query"),
        alice.address,
        "udgrid",
      )
    ).amount;
    const requestTx = await tx({
      typeUrl: "/dgrid.inference.v1.MsgRequestInference",
      value: {
        requester: alice.address,
        modelId: id,
        inputs: namedFromTensors({ x: f32([1, 2, 3, 4], [2, 2]) }),
        maxFee: { denom: "udgrid", amount: "1500" },
        redundancy: 3,
      },
    });
    const checked = await app.checkTx({ tx: requestTx, type: CheckTxType.NEW });
    assert.equal(checked.code, 10, checked.log);
    assert.equal(checked.codespace, "inference");
    assert.match(checked.log, /0 eligible executors/);
    const r2 = await block(app, 2, [
      requestTx,
      await tx({ typeUrl: "/dgrid.registry.v1.MsgWithdrawModel", value: { validator: valoper, modelId: id } }),
      await tx({ typeUrl: "/dgrid.registry.v1.MsgWithdrawModel", value: { validator: valoper, modelId: id } }),
    ]);
    assert.deepEqual(
      r2.txResults.map((r) => r.code),
      [10, 0, 7],
      r2.txResults.map((r) => r.log).join("\n"),
    );
    assert.equal(attrs(r2.events, "request_created").length, 0);
    const ctx = app.newContext(app.store.branch(), { height: 2, timeMs: 0, chainId: CHAIN_ID }, "query");
    // each of the three txs paid its fee (20000udgrid); nothing else moved
    assert.equal((await app.bankKeeper.getBalance(ctx, alice.address, "udgrid")).amount, before - 3n * 20000n);
    assert.equal((await app.bankKeeper.getBalance(ctx, moduleAddress("inference"), "udgrid")).amount, 0n);
    assert.deepEqual(await app.checkInvariants(), []);

    // genesis export round-trips through a fresh app
    const exported = await app.exportAppState();
    const again = newApp();
    await initApp(again, exported);
    assert.deepEqual(await again.exportAppState(), exported);
  });
});

describe("generated protos", () => {
  it("encode / decode / fromPartial through a CosmJS Registry", () => {
    const msg = registerMsg("dgrid1xyz").value;
    const any = registry.encodeAsAny({ typeUrl: "/dgrid.registry.v1.MsgRegisterModel", value: msg });
    const back = registry.decode(any) as MsgRegisterModel;
    assert.deepEqual(back, msg);
    assert.equal(typeof back.sizeBytes, "bigint");
  });
});

describe("reputation", () => {
  it("scores stay in 0..1e6, rise on agreement and fall on dissent or absence (property)", () => {
    const p = repDefaults();
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1_000_000n }), (s) => {
        const up = nextScore(s, "agree", p);
        const down = nextScore(s, "dissent", p);
        const miss = nextScore(s, "missing", p);
        for (const x of [up, down, miss]) assert.ok(x >= 0n && x <= 1_000_000n);
        assert.ok(up >= s && down <= s && miss <= s);
        assert.ok(down <= miss);
      }),
    );
  });

  it("probation never lowers a score, lifts one below neutral toward it and reaches it (property)", () => {
    const p = repDefaults();
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1_000_000n }), fc.bigInt({ min: 1000n, max: 1_000_000n }), (s, r) => {
        const q = { ...p, recoveryPpm: r };
        const next = recoveredScore(s, q);
        if (s >= q.neutralScorePpm) assert.equal(next, s);
        else assert.ok(next > s && next <= q.neutralScorePpm);
        // ceil: a score below neutral gets there (at 0.1% of the gap per step, in under 14000 steps)
        let x = s;
        for (let i = 0; i < 14_000 && x < q.neutralScorePpm; i++) x = recoveredScore(x, q);
        if (s < q.neutralScorePpm) assert.equal(x, q.neutralScorePpm);
        else assert.equal(x, s);
      }),
      { numRuns: 50 },
    );
    // the defaults: from 0 over the 200000 floor in 3 steps
    let x = 0n;
    for (let i = 0; i < 3; i++) x = recoveredScore(x, p);
    assert.ok(x >= p.floorPpm, String(x));
    assert.ok(recoveredScore(recoveredScore(0n, p), p) < p.floorPpm);
  });
});
