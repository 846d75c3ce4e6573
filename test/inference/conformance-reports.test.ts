// MsgReportConformance through DGridApp: a validator's failed golden-vector run is recorded per
// (model, validator) with its reason, shown by the Model query next to the servers, withdraws the
// validator from serving, and is cleared by a pass or by serving; refused for non-validators and
// malformed reports; kept by genesis export / import.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import { encodePubkey, makeAuthInfoBytes, makeSignDoc } from "@cosmjs/proto-signing";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { namedFromTensors } from "../../chain/tensor/canonical.ts";
import { addressFromString, addressToString, Bech32PrefixValAddr } from "../../chain/types/address.ts";
import { ed25519PubKeyAny } from "../../chain/types/pubkey.ts";
import { dgridMsgTypes } from "../../client/dgrid-types.ts";
import { dgridRegistry } from "../../client/index.ts";
import { validateGenesis } from "../../modules/registry/genesis.ts";
import { QueryModelRequest, QueryModelResponse } from "../../proto/gen/dgrid/registry/v1/query.ts";
import { MsgRegisterModel } from "../../proto/gen/dgrid/registry/v1/tx.ts";
import { attrs, block, CHAIN_ID, genesis, initApp, newApp, type TestKey, testKey } from "../app/helpers.ts";

const registry = dgridRegistry(dgridMsgTypes);
const MODEL = createHash("sha256").update("conformance model").digest("hex");

async function sign(
  key: TestKey,
  msgs: { typeUrl: string; value: unknown }[],
  sequence: bigint,
  accountNumber: number,
) {
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

const valoperOf = (address: string) => addressToString(addressFromString(address), Bech32PrefixValAddr);

describe("conformance reports (registry)", () => {
  it("records failures per validator with the reason, withdraws, clears on pass or serve, survives genesis", async () => {
    const alice = await testKey("alice");
    const bob = await testKey("bob");
    const app = newApp();
    const coins = [{ denom: "udgrid", amount: "100000000000" }];
    await initApp(
      app,
      genesis([
        { address: alice.address, coins },
        { address: bob.address, coins },
      ]),
    );
    const alicer = valoperOf(alice.address);
    const bobr = valoperOf(bob.address);
    const seq = { alice: 0n, bob: 0n };
    // a tx refused by validateBasic (before the ante handler) does not use up its sequence
    const tx = (who: "alice" | "bob", m: { typeUrl: string; value: unknown }, refusedEarly = false) =>
      sign(who === "alice" ? alice : bob, [m], refusedEarly ? seq[who] : seq[who]++, who === "alice" ? 0 : 1);
    const report = (validator: string, passed: boolean, reason: string, modelId = MODEL) => ({
      typeUrl: "/dgrid.registry.v1.MsgReportConformance",
      value: { validator, modelId, passed, reason, provider: "" },
    });
    const serve = (validator: string) => ({
      typeUrl: "/dgrid.registry.v1.MsgServeModel",
      value: { validator, modelId: MODEL, provider: "cpu" },
    });
    const model = async () => {
      const r = await app.query({
        path: "/dgrid.registry.v1.Query/Model",
        data: QueryModelRequest.encode({ id: MODEL }).finish(),
        height: 0n,
        prove: false,
      });
      assert.equal(r.code, 0, r.log);
      return QueryModelResponse.decode(r.value);
    };

    const b1 = await block(app, 1, [
      await tx("alice", {
        typeUrl: "/dgrid.registry.v1.MsgRegisterModel",
        value: MsgRegisterModel.fromPartial({
          creator: alice.address,
          id: MODEL,
          name: "m",
          version: "1",
          inputs: [{ name: "x", dtype: "float32", shape: [{ size: 2 }] }],
          outputs: [{ name: "y", dtype: "float32", shape: [{ size: 1 }] }],
          sessionOptions: { graphOptimizationLevel: "all", executionMode: "sequential", intraOpNumThreads: 1 },
          policy: { argmax: {} },
          pricePerCall: { denom: "udgrid", amount: "500" },
          creatorSharePpm: 100_000n,
          goldenVectors: [
            { inputs: namedFromTensors({ x: f32([1, 2], [2]) }), outputs: namedFromTensors({ y: f32([1], [1]) }) },
          ],
          sizeBytes: 10n,
        }),
      }),
      await tx("alice", {
        typeUrl: "/cosmos.staking.v1beta1.MsgCreateValidator",
        value: {
          description: { moniker: "alice", identity: "", website: "", securityContact: "", details: "" },
          commission: { rate: "100000000000000000", maxRate: "200000000000000000", maxChangeRate: "10000000000000000" },
          minSelfDelegation: "1",
          delegatorAddress: alice.address,
          validatorAddress: alicer,
          pubkey: ed25519PubKeyAny(new Uint8Array(createHash("sha256").update("alice cons").digest())),
          value: { denom: "udgrid", amount: "10000000" },
        },
      }),
      // bob is no validator: his reports are refused
      await tx("bob", report(bobr, false, "vector 0 differs")),
    ]);
    assert.deepEqual(
      b1.txResults.map((r) => [r.codespace, r.code]),
      [
        ["", 0],
        ["", 0],
        ["registry", 11],
      ],
      b1.txResults.map((r) => r.log).join("\n"),
    );

    const b2 = await block(app, 2, [
      await tx("alice", serve(alicer)),
      await tx("alice", report(alicer, false, "vector 1: y differs under argmax (max abs 9.0e-1)")),
      await tx("alice", report(alicer, false, ""), true),
      await tx("alice", report(alicer, false, "x".repeat(257)), true),
      await tx("alice", report(alicer, true, "but why"), true),
      await tx("alice", report(alicer, false, "no such model", "ab".repeat(32))),
    ]);
    assert.deepEqual(
      b2.txResults.map((r) => [r.codespace, r.code]),
      [
        ["", 0],
        ["", 0],
        ["registry", 10],
        ["registry", 10],
        ["registry", 10],
        ["registry", 4],
      ],
      b2.txResults.map((r) => r.log).join("\n"),
    );
    assert.deepEqual(attrs(b2.txResults[1].events, "conformance_failed")[0], {
      model_id: MODEL,
      validator: alicer,
      provider: "cpu",
      reason: "vector 1: y differs under argmax (max abs 9.0e-1)",
      msg_index: "0",
    });
    assert.deepEqual(attrs(b2.txResults[1].events, "model_withdrawn")[0], {
      model_id: MODEL,
      validator: alicer,
      msg_index: "0",
    });
    let m = await model();
    assert.deepEqual(m.servers, []);
    assert.deepEqual(m.conformanceFailures, [
      {
        modelId: MODEL,
        validator: alicer,
        provider: "cpu",
        reason: "vector 1: y differs under argmax (max abs 9.0e-1)",
        height: 2n,
        reports: 1n,
      },
    ]);

    // a second failure updates the record; genesis export / import keeps it
    await block(app, 3, [await tx("alice", report(alicer, false, "vector 0: executor:4 bad input"))]);
    m = await model();
    assert.equal(m.conformanceFailures[0].reports, 2n);
    assert.equal(m.conformanceFailures[0].height, 3n);
    const exported = (await app.exportAppState()) as { registry: { conformance_failures: unknown[] } };
    assert.equal(exported.registry.conformance_failures.length, 1);
    const again = newApp();
    await initApp(again, exported);
    assert.deepEqual(await again.exportAppState(), exported);
    assert.throws(
      () =>
        validateGenesis({
          ...exported.registry,
          conformance_failures: [...exported.registry.conformance_failures, ...exported.registry.conformance_failures],
        }),
      /duplicate conformance failure/,
    );

    // serving (its vectors passed) clears the failure; a failed report withdraws again, a pass clears it
    const b4 = await block(app, 4, [await tx("alice", serve(alicer))]);
    assert.deepEqual(attrs(b4.txResults[0].events, "conformance_passed")[0], {
      model_id: MODEL,
      validator: alicer,
      msg_index: "0",
    });
    m = await model();
    assert.deepEqual(
      m.servers.map((s) => s.validator),
      [alicer],
    );
    assert.deepEqual(m.conformanceFailures, []);
    await block(app, 5, [
      await tx("alice", report(alicer, false, "vector 0 differs")),
      await tx("alice", report(alicer, true, "")),
    ]);
    m = await model();
    assert.deepEqual([m.servers, m.conformanceFailures], [[], []]);
    assert.deepEqual(await app.checkInvariants(), []);
  });
});
