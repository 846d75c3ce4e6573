// SIGN_MODE_LEGACY_AMINO_JSON end to end on the inference test chain (four in-process apps): CosmJS's
// SigningStargateClient with an amino-only signer (Secp256k1Wallet, as Keplr's amino mode and Ledger)
// and the client's signing options (client/config.ts: DGridClient's) signs a MsgSend and every DGrid message; the app accepts them, refuses a
// tampered signature with code 4 and a message that has no amino form with ErrNotSupported (37).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { encodeSecp256k1Pubkey, Secp256k1Wallet } from "@cosmjs/amino";
import { encodePubkey, makeAuthInfoBytes } from "@cosmjs/proto-signing";
import { SigningStargateClient } from "@cosmjs/stargate";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import { CheckTxType } from "cosmjs-types/tendermint/abci/types";
import { namedFromTensors } from "../../chain/tensor/canonical.ts";
import { addressFromString, addressToString, Bech32PrefixValAddr } from "../../chain/types/address.ts";
import { dgridAminoConverters } from "../../client/amino.ts";
import { signingOptions } from "../../client/config.ts";
import { aminoJsonOf } from "../../modules/auth/sign-modes.ts";
import { defaultParams as inferenceDefaults } from "../../modules/inference/params.ts";
import { defaultParams as registryDefaults } from "../../modules/registry/params.ts";
import { defaultParams as reputationDefaults } from "../../modules/reputation/params.ts";
import { f32, registry, requestMsg, setup } from "../inference/chain-setup.ts";
import { CHAIN_ID, modelOutputs, step } from "../inference/harness.ts";

const FEE = { amount: [{ denom: "udgrid", amount: "10000" }], gas: "400000" };

async function aminoSigner() {
  // the private key of test/app/helpers' testKey("alice"), alice being account 0 of the test chain
  const wallet = await Secp256k1Wallet.fromKey(new Uint8Array(createHash("sha256").update("alice").digest()), "dgrid");
  const [account] = await wallet.getAccounts();
  // the client's own signing options, as DGridClient.connectWithSigner uses them
  const client = await SigningStargateClient.offline(wallet, { ...signingOptions({}), registry });
  let sequence = 0;
  return {
    account,
    /** one message signed in amino JSON at alice's next sequence */
    async sign(msg: { typeUrl: string; value: unknown }): Promise<Uint8Array> {
      const raw = await client.sign(account.address, [msg], FEE, "amino", {
        accountNumber: 0n,
        sequence: sequence++,
        chainId: CHAIN_ID,
      });
      return TxRaw.encode(raw).finish();
    },
  };
}

function registerMsg(creator: string) {
  const x = f32([1, 2, 3, 4], [1, 4]);
  const spec = (name: string, size: number) => ({
    name,
    dtype: "float32",
    shape: [
      { size: 0, symbol: "batch" },
      { size, symbol: "" },
    ],
  });
  return {
    typeUrl: "/dgrid.registry.v1.MsgRegisterModel",
    value: {
      creator,
      id: createHash("sha256").update("amino model").digest("hex"),
      name: "amino-sum-max",
      version: "1",
      inputs: [spec("x", 4)],
      outputs: [spec("y", 2)],
      sessionOptions: { graphOptimizationLevel: "all", executionMode: "sequential", intraOpNumThreads: 1 },
      policy: { tolerance: { abs: "1000000000000", rel: "0" } },
      pricePerCall: { denom: "udgrid", amount: "10" },
      creatorSharePpm: 50_000n,
      goldenVectors: [{ inputs: namedFromTensors({ x }), outputs: namedFromTensors(modelOutputs({ x })) }],
      sizeBytes: 4321n,
    },
  };
}

describe("SIGN_MODE_LEGACY_AMINO_JSON", () => {
  it("accepts a MsgSend and every DGrid message signed by an amino-only signer; refuses tampering (4) and a message without an amino form (37)", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    const node = s.net.nodes[0];
    const signer = await aminoSigner();
    const alice = signer.account.address;
    assert.equal(alice, s.alice.address);
    const valoper = addressToString(addressFromString(alice), Bech32PrefixValAddr);
    await step(s.net);

    // delivered in a block: MsgSend, MsgRequestInference (the model every validator serves), MsgRegisterModel
    const delivered = [
      {
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: { fromAddress: alice, toAddress: s.creator.address, amount: [{ denom: "udgrid", amount: "7" }] },
      },
      requestMsg(s, [1, 2, 3, 4], 3),
      registerMsg(alice),
    ];
    const txs = [];
    for (const m of delivered) txs.push(await signer.sign(m));
    for (const tx of txs) {
      const r = await node.app.checkTx({ tx, type: CheckTxType.NEW });
      assert.equal(r.code, 0, r.log);
    }
    const b = await step(s.net, txs);
    assert.deepEqual(b.codes, [0, 0, 0], b.logs.join("\n"));

    // the others pass the ante (CheckTx runs only the ante); their handlers need a validator or the gov authority
    const anteOnly = [
      { typeUrl: "/dgrid.registry.v1.MsgServeModel", value: { validator: valoper, modelId: "m", provider: "cpu" } },
      { typeUrl: "/dgrid.registry.v1.MsgWithdrawModel", value: { validator: valoper, modelId: "m" } },
      {
        typeUrl: "/dgrid.registry.v1.MsgReportConformance",
        value: { validator: valoper, modelId: "m", passed: false, reason: "mismatch", provider: "" },
      },
      { typeUrl: "/dgrid.registry.v1.MsgDelistModel", value: { authority: alice, modelId: "m" } },
      { typeUrl: "/dgrid.registry.v1.MsgUpdateParams", value: { authority: alice, params: registryDefaults() } },
      { typeUrl: "/dgrid.inference.v1.MsgUpdateParams", value: { authority: alice, params: inferenceDefaults() } },
      { typeUrl: "/dgrid.reputation.v1.MsgUpdateParams", value: { authority: alice, params: reputationDefaults() } },
    ];
    for (const m of anteOnly) {
      const r = await node.app.checkTx({ tx: await signer.sign(m), type: CheckTxType.NEW });
      assert.equal(r.code, 0, `${m.typeUrl}: ${r.log}`);
    }

    // a flipped signature byte: refused as the SDK does (ErrUnauthorized, the amino wording)
    const tampered = TxRaw.decode(await signer.sign(delivered[0]));
    tampered.signatures[0][7] ^= 0x01;
    const bad = await node.app.checkTx({ tx: TxRaw.encode(tampered).finish(), type: CheckTxType.NEW });
    assert.equal(bad.code, 4, bad.log);
    assert.match(bad.log, /signature verification failed; please verify account number \(0\), sequence \(10\)/);

    // a message with no amino form in this app (x/upgrade's MsgSoftwareUpgrade, which the SDK signs
    // with its gov authority only; here signed by alice to reach the signature check): refused before
    // any signature check, whatever the signature
    const upgrade = MsgSoftwareUpgrade.fromPartial({ authority: alice, plan: { name: "v2", height: 100n } });
    const bodyBytes = TxBody.encode(
      TxBody.fromPartial({
        messages: [{ typeUrl: MsgSoftwareUpgrade.typeUrl, value: MsgSoftwareUpgrade.encode(upgrade).finish() }],
      }),
    ).finish();
    const authInfoBytes = makeAuthInfoBytes(
      [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(signer.account.pubkey)), sequence: 10 }],
      FEE.amount,
      400_000,
      undefined,
      undefined,
      SignMode.SIGN_MODE_LEGACY_AMINO_JSON,
    );
    const unsupported = TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [new Uint8Array(64).fill(1)] }).finish();
    const r = await node.app.checkTx({ tx: unsupported, type: CheckTxType.NEW });
    assert.equal(r.code, 37, r.log);
    assert.match(
      r.log,
      /MsgSoftwareUpgrade cannot be signed with SIGN_MODE_LEGACY_AMINO_JSON: no amino JSON converter/,
    );
  });

  it("aminoJsonOf: the app's converter first, else the type's own toAmino; none is ErrNotSupported, a refusal ErrInvalidRequest", () => {
    const type = (toAmino?: () => { type: string; value: unknown }) => ({
      typeUrl: "/dgrid.inference.v1.MsgUpdateParams",
      decode: () => ({}),
      encode: () => new Uint8Array(),
      signers: () => [],
      toAmino,
    });
    const m = (t: ReturnType<typeof type>, msg: unknown) => ({ type: t, msg }) as any;
    const own = type(() => ({ type: "own", value: {} }));
    assert.deepEqual(aminoJsonOf(m(own, {}), undefined), { type: "own", value: {} });
    assert.deepEqual(aminoJsonOf(m(own, { authority: "a", params: {} }), dgridAminoConverters), {
      type: "dgrid/x/inference/MsgUpdateParams",
      value: { authority: "a", params: {} },
    });
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return [(e as { code: number }).code, (e as Error).message];
      }
      return undefined;
    };
    const [missing, why] = code(() =>
      aminoJsonOf(m(type(), {}), { "/other": dgridAminoConverters["/dgrid.registry.v1.MsgServeModel"] }),
    )!;
    assert.equal(missing, 37);
    assert.match(String(why), /no amino JSON converter/);
    const [refused, reason] = code(() => aminoJsonOf(m(type(), { authority: "a" }), dgridAminoConverters))!;
    assert.equal(refused, 18);
    assert.match(String(reason), /params is required/);
  });
});
