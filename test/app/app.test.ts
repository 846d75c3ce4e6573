import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { encodeSecp256k1Pubkey, makeSignDoc as makeAminoSignDoc, Secp256k1Wallet } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import { encodePubkey, makeAuthInfoBytes } from "@cosmjs/proto-signing";
import { AminoTypes, createBankAminoConverters } from "@cosmjs/stargate";
import { BaseAccount, ModuleAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import {
  QueryAccountRequest,
  QueryAccountResponse,
  QueryAccountsRequest,
  QueryAccountsResponse,
  QueryModuleAccountByNameRequest,
  QueryModuleAccountByNameResponse,
  QueryModuleAccountsResponse,
} from "cosmjs-types/cosmos/auth/v1beta1/query";
import {
  QueryBalanceRequest,
  QueryBalanceResponse,
  QueryTotalSupplyRequest,
  QueryTotalSupplyResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { CheckTxType } from "cosmjs-types/tendermint/abci/types";
import { type DGridApp, MODULE_ACCOUNT_PERMISSIONS } from "../../app/app.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { attrs, block, genesis, initApp, newApp, registry, send, signTx, testKey } from "./helpers.ts";

const aminoTypes = new AminoTypes(createBankAminoConverters());

const FEE_COLLECTOR = moduleAddress("fee_collector");

async function balance(app: DGridApp, address: string, height = 0n): Promise<bigint> {
  const r = await app.query({
    path: "/cosmos.bank.v1beta1.Query/Balance",
    data: QueryBalanceRequest.encode({ address, denom: "udgrid" }).finish(),
    height,
    prove: false,
  });
  assert.equal(r.code, 0, r.log);
  return BigInt(QueryBalanceResponse.decode(r.value).balance?.amount ?? "0");
}

async function setup() {
  const alice = await testKey("alice");
  const bob = await testKey("bob");
  const carol = await testKey("carol");
  const app = newApp();
  await initApp(
    app,
    genesis([
      { address: alice.address, coins: [{ denom: "udgrid", amount: "1000000000" }] },
      { address: bob.address, coins: [{ denom: "udgrid", amount: "500000" }] },
    ]),
  );
  return { app, alice, bob, carol };
}

async function assertInvariants(app: DGridApp) {
  assert.deepEqual(await app.checkInvariants(), []);
}

describe("DGridApp", () => {
  it("info after init and a block reports height and app hash", async () => {
    const { app } = await setup();
    const before = await app.info({ version: "", blockVersion: 0n, p2pVersion: 0n, abciVersion: "" });
    const again = await initApp(newApp(), genesis([]));
    assert.equal(
      Buffer.from(again.appHash).toString("hex"),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    assert.equal(before.lastBlockHeight, 0n);
    const res = await block(app, 1, []);
    const info = await app.info({ version: "", blockVersion: 0n, p2pVersion: 0n, abciVersion: "" });
    assert.equal(info.lastBlockHeight, 1n);
    assert.deepEqual(info.lastBlockAppHash, res.appHash);
    assert.notDeepEqual(res.appHash, before.lastBlockAppHash);
    await assertInvariants(app);
  });

  it("a signed MsgSend moves coins, pays the fee, emits SDK events and TxMsgData", async () => {
    const { app, alice, bob } = await setup();
    await block(app, 1, []);
    const tx = await signTx(alice, [send(alice.address, bob.address, "1234")], { accountNumber: 0n, sequence: 0n });
    const check = await app.checkTx({ tx, type: CheckTxType.NEW });
    assert.equal(check.code, 0, check.log);
    const res = await block(app, 2, [tx]);
    const r = res.txResults[0];
    assert.equal(r.code, 0, r.log);
    assert.equal(r.gasWanted, 200000n);
    assert.ok(r.gasUsed > 0n && r.gasUsed < 200000n);
    assert.equal(await balance(app, alice.address), 1000000000n - 1234n - 5000n);
    assert.equal(await balance(app, bob.address), 500000n + 1234n);
    assert.equal(await balance(app, FEE_COLLECTOR), 5000n);
    const data = TxMsgData.decode(r.data);
    assert.equal(data.msgResponses.length, 1);
    assert.equal(data.msgResponses[0].typeUrl, "/cosmos.bank.v1beta1.MsgSendResponse");
    const types = r.events.map((e) => e.type);
    assert.deepEqual(types, [
      "coin_spent",
      "coin_received",
      "transfer",
      "message",
      "tx",
      "tx",
      "tx",
      "message",
      "coin_spent",
      "coin_received",
      "transfer",
      "message",
    ]);
    assert.deepEqual(attrs(r.events, "tx")[0], { fee: "5000udgrid", fee_payer: alice.address });
    assert.deepEqual(attrs(r.events, "tx")[1], { acc_seq: `${alice.address}/0` });
    const msg = attrs(r.events, "message")[1];
    assert.deepEqual(msg, {
      action: "/cosmos.bank.v1beta1.MsgSend",
      sender: alice.address,
      module: "bank",
      msg_index: "0",
    });
    assert.deepEqual(attrs(r.events, "transfer")[1], {
      recipient: bob.address,
      sender: alice.address,
      amount: "1234udgrid",
      msg_index: "0",
    });
    assert.ok(r.events.every((e) => e.attributes.every((a) => a.index)));
    await assertInvariants(app);
  });

  it("rejects bad signature (4), wrong chain id (4), wrong sequence (32) without changing balances", async () => {
    const { app, alice, bob } = await setup();
    await block(app, 1, []);
    const cases = [
      {
        o: { accountNumber: 0n, sequence: 0n, corrupt: true },
        code: 4,
        re: /signature verification failed; please verify account number \(0\) and chain-id \(dgrid-test-1\)/,
      },
      { o: { accountNumber: 0n, sequence: 0n, chainId: "other" }, code: 4, re: /signature verification failed/ },
      { o: { accountNumber: 0n, sequence: 3n }, code: 32, re: /account sequence mismatch, expected 0, got 3/ },
      { o: { accountNumber: 5n, sequence: 0n }, code: 4, re: /signature verification failed/ },
    ];
    for (const c of cases) {
      const tx = await signTx(alice, [send(alice.address, bob.address, "1")], c.o);
      const check = await app.checkTx({ tx, type: CheckTxType.NEW });
      assert.equal(check.code, c.code, check.log);
      assert.equal(check.codespace, "sdk");
      assert.match(check.log, c.re);
      const res = await block(
        app,
        Number((await app.info({ version: "", blockVersion: 0n, p2pVersion: 0n, abciVersion: "" })).lastBlockHeight) +
          1,
        [tx],
      );
      assert.equal(res.txResults[0].code, c.code);
      assert.equal(await balance(app, alice.address), 1000000000n);
      assert.equal(await balance(app, FEE_COLLECTOR), 0n);
    }
    await assertInvariants(app);
  });

  it("a signature verified ahead on the worker is not verified again by CheckTx or the block, a bad one is", async () => {
    const { app, alice, bob } = await setup();
    try {
      await block(app, 1, []);
      const good = await signTx(alice, [send(alice.address, bob.address, "1")], { accountNumber: 0n, sequence: 0n });
      app.prepareCheckTx(good);
      assert.equal((await app.checkTx({ tx: good, type: CheckTxType.NEW })).code, 0);
      // verified once, on the worker; the ante found it recorded on the decoded tx (no cache lookup)
      assert.deepEqual(app.sigVerifier.stats, { hits: 0, misses: 0, ahead: 1 });
      const res = await block(app, 2, [good]);
      assert.equal(res.txResults[0].code, 0, res.txResults[0].log);
      assert.deepEqual(app.sigVerifier.stats, { hits: 0, misses: 0, ahead: 1 });
      // a corrupted signature: the worker says no, so the ante verifies itself and rejects it
      const bad = await signTx(alice, [send(alice.address, bob.address, "1")], {
        accountNumber: 0n,
        sequence: 1n,
        corrupt: true,
      });
      app.prepareCheckTx(bad);
      const check = await app.checkTx({ tx: bad, type: CheckTxType.NEW });
      assert.equal(check.code, 4, check.log);
      assert.deepEqual(app.sigVerifier.stats, { hits: 0, misses: 1, ahead: 1 });
    } finally {
      await app.sigVerifier.close();
    }
  });

  it("low fee fails CheckTx with 13 but is accepted in a block (min gas prices are local)", async () => {
    const { app, alice, bob } = await setup();
    await block(app, 1, []);
    const tx = await signTx(alice, [send(alice.address, bob.address, "1")], {
      accountNumber: 0n,
      sequence: 0n,
      fee: "10",
    });
    const check = await app.checkTx({ tx, type: CheckTxType.NEW });
    assert.equal(check.code, 13);
    assert.match(check.log, /insufficient fees; got: 10udgrid required: 5000udgrid/);
    const res = await block(app, 2, [tx]);
    assert.equal(res.txResults[0].code, 0, res.txResults[0].log);
  });

  it("a failing message keeps fee and sequence but no transfer", async () => {
    const { app, alice, bob } = await setup();
    await block(app, 1, []);
    const tx = await signTx(bob, [send(bob.address, alice.address, "999999999")], { accountNumber: 1n, sequence: 0n });
    const res = await block(app, 2, [tx]);
    const r = res.txResults[0];
    assert.equal(r.code, 5, r.log);
    assert.match(r.log, /insufficient funds/);
    assert.equal(await balance(app, bob.address), 500000n - 5000n);
    assert.equal(await balance(app, FEE_COLLECTOR), 5000n);
    assert.deepEqual(attrs(r.events, "tx")[0], { fee: "5000udgrid", fee_payer: bob.address });
    assert.equal(r.events.filter((e) => e.type === "transfer").length, 1); // only the fee transfer
    // sequence advanced: the next tx must use sequence 1
    const next = await signTx(bob, [send(bob.address, alice.address, "1")], { accountNumber: 1n, sequence: 1n });
    const res2 = await block(app, 3, [next]);
    assert.equal(res2.txResults[0].code, 0, res2.txResults[0].log);
    await assertInvariants(app);
  });

  it("insufficient funds for the fee -> 5, out of gas -> 11, memo too long -> 12, undecodable -> 2", async () => {
    const { app, alice, bob, carol } = await setup();
    await block(app, 1, []);
    // carol has no account
    const noAcc = await signTx(carol, [send(carol.address, bob.address, "1")], { accountNumber: 9n, sequence: 0n });
    const r0 = await app.checkTx({ tx: noAcc, type: CheckTxType.NEW });
    assert.equal(r0.code, 9, r0.log);
    const poor = await signTx(bob, [send(bob.address, alice.address, "1")], {
      accountNumber: 1n,
      sequence: 0n,
      fee: "600000",
    });
    const r1 = await app.checkTx({ tx: poor, type: CheckTxType.NEW });
    assert.equal(r1.code, 5, r1.log);
    const gas = await signTx(alice, [send(alice.address, bob.address, "1")], {
      accountNumber: 0n,
      sequence: 0n,
      gas: 1000n,
      fee: "0",
    });
    const res = await block(app, 2, [gas]);
    assert.equal(res.txResults[0].code, 11, res.txResults[0].log);
    const memo = await signTx(alice, [send(alice.address, bob.address, "1")], {
      accountNumber: 0n,
      sequence: 0n,
      memo: "x".repeat(257),
    });
    const r3 = await app.checkTx({ tx: memo, type: CheckTxType.NEW });
    assert.equal(r3.code, 12, r3.log);
    const r4 = await app.checkTx({ tx: new Uint8Array([1, 2, 3]), type: CheckTxType.NEW });
    assert.equal(r4.code, 2);
    assert.equal(await balance(app, alice.address), 1000000000n);
  });

  it("a fee payer other than the signer must sign too", async () => {
    const { app, alice, bob } = await setup();
    await block(app, 1, []);
    const tx = await signTx(alice, [send(alice.address, alice.address, "1")], {
      accountNumber: 0n,
      sequence: 0n,
      payer: bob.address,
    });
    const r = await app.checkTx({ tx, type: CheckTxType.NEW });
    assert.equal(r.code, 4, r.log);
    assert.match(r.log, /wrong number of signers; expected 2, got 1/);
    await block(app, 2, [tx]);
    assert.equal(await balance(app, bob.address), 500000n);
  });

  it("no signatures -> 15; concurrent CheckTx of the same sequence admits one", async () => {
    const { app, alice, bob } = await setup();
    await block(app, 1, []);
    const tx = await signTx(alice, [send(alice.address, bob.address, "1")], { accountNumber: 0n, sequence: 0n });
    const raw = TxRaw.decode(tx);
    const unsigned = TxRaw.encode({ ...raw, signatures: [] }).finish();
    const r = await app.checkTx({ tx: unsigned, type: CheckTxType.NEW });
    assert.equal(r.code, 15, r.log);
    const both = await Promise.all([
      app.checkTx({ tx, type: CheckTxType.NEW }),
      app.checkTx({ tx, type: CheckTxType.NEW }),
    ]);
    assert.deepEqual(both.map((x) => x.code).sort(), [0, 32]);
  });

  it("Accounts (paginated) and ModuleAccounts queries", async () => {
    const { app } = await setup();
    await block(app, 1, []);
    const q = async (limit: bigint, key: Uint8Array) => {
      const r = await app.query({
        path: "/cosmos.auth.v1beta1.Query/Accounts",
        data: QueryAccountsRequest.encode({
          pagination: { key, offset: 0n, limit, countTotal: true, reverse: false },
        }).finish(),
        height: 0n,
        prove: false,
      });
      assert.equal(r.code, 0, r.log);
      return QueryAccountsResponse.decode(r.value);
    };
    // alice, bob and the 7 module accounts, which all exist from genesis
    const p1 = await q(5n, new Uint8Array());
    assert.equal(p1.accounts.length, 5);
    assert.equal(p1.pagination?.total, 9n);
    const p2 = await q(5n, p1.pagination?.nextKey ?? new Uint8Array());
    assert.equal(p2.accounts.length, 4);
    const m = await app.query({
      path: "/cosmos.auth.v1beta1.Query/ModuleAccounts",
      data: new Uint8Array(),
      height: 0n,
      prove: false,
    });
    const mods = QueryModuleAccountsResponse.decode(m.value).accounts;
    assert.deepEqual(
      mods.map((a) => ModuleAccount.decode(a.value).name),
      Object.keys(MODULE_ACCOUNT_PERMISSIONS).sort(),
    );
    for (const a of mods) assert.equal(a.typeUrl, "/cosmos.auth.v1beta1.ModuleAccount");
    // each answers by name on a fresh chain (a gov param change needs the gov address as authority)
    for (const name of Object.keys(MODULE_ACCOUNT_PERMISSIONS)) {
      const r = await app.query({
        path: "/cosmos.auth.v1beta1.Query/ModuleAccountByName",
        data: QueryModuleAccountByNameRequest.encode({ name }).finish(),
        height: 0n,
        prove: false,
      });
      assert.equal(r.code, 0, `${name}: ${r.log}`);
      const acc = ModuleAccount.decode(
        QueryModuleAccountByNameResponse.decode(r.value).account?.value ?? new Uint8Array(),
      );
      assert.equal(acc.name, name);
      assert.equal(acc.baseAccount?.address, moduleAddress(name));
    }
  });

  it("SIGN_MODE_LEGACY_AMINO_JSON (Ledger/Keplr amino signers) verifies; a wrong chain id fails with 4", async () => {
    const { app, alice, bob } = await setup();
    await block(app, 1, []);
    const wallet = await Secp256k1Wallet.fromKey(
      new Uint8Array(createHash("sha256").update("alice").digest()),
      "dgrid",
    );
    const msg = send(alice.address, bob.address, "11");
    const fee = { amount: [{ denom: "udgrid", amount: "5000" }], gas: "200000" };
    const aminoTx = async (chainId: string) => {
      const doc = makeAminoSignDoc([aminoTypes.toAmino(msg)], fee, chainId, "hi", 0, 0);
      const { signature } = await wallet.signAmino(alice.address, doc);
      const bodyBytes = registry.encode({
        typeUrl: "/cosmos.tx.v1beta1.TxBody",
        value: { messages: [msg], memo: "hi" },
      });
      const pubkey = encodePubkey(encodeSecp256k1Pubkey(alice.pubkey));
      const authInfoBytes = makeAuthInfoBytes(
        [{ pubkey, sequence: 0 }],
        fee.amount,
        200000,
        undefined,
        undefined,
        SignMode.SIGN_MODE_LEGACY_AMINO_JSON,
      );
      return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [fromBase64(signature.signature)] }).finish();
    };
    const bad = await app.checkTx({ tx: await aminoTx("wrong-chain"), type: CheckTxType.NEW });
    assert.equal(bad.code, 4);
    assert.match(bad.log, /please verify account number \(0\), sequence \(0\) and chain-id/);
    const res = await block(app, 2, [await aminoTx("dgrid-test-1")]);
    assert.equal(res.txResults[0].code, 0, res.txResults[0].log);
    assert.equal(await balance(app, bob.address), 500011n);
  });

  it("CheckTx state tracks sequences until the next commit; RECHECK works", async () => {
    const { app, alice, bob } = await setup();
    await block(app, 1, []);
    const t0 = await signTx(alice, [send(alice.address, bob.address, "1")], { accountNumber: 0n, sequence: 0n });
    const t1 = await signTx(alice, [send(alice.address, bob.address, "1")], { accountNumber: 0n, sequence: 1n });
    assert.equal((await app.checkTx({ tx: t0, type: CheckTxType.NEW })).code, 0);
    assert.equal((await app.checkTx({ tx: t1, type: CheckTxType.NEW })).code, 0);
    assert.equal((await app.checkTx({ tx: t0, type: CheckTxType.NEW })).code, 32);
    await block(app, 2, [t0]);
    // after commit the check state is reset from the committed state: t1 rechecks fine, t0 not
    assert.equal((await app.checkTx({ tx: t1, type: CheckTxType.RECHECK })).code, 0);
    assert.equal((await app.checkTx({ tx: t0, type: CheckTxType.RECHECK })).code, 32);
  });

  it("MultiSend: one input to several outputs; mismatched sums rejected", async () => {
    const { app, alice, bob, carol } = await setup();
    await block(app, 1, []);
    const multi = (inAmt: string) => ({
      typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend",
      value: {
        inputs: [{ address: alice.address, coins: [{ denom: "udgrid", amount: inAmt }] }],
        outputs: [
          { address: bob.address, coins: [{ denom: "udgrid", amount: "100" }] },
          { address: carol.address, coins: [{ denom: "udgrid", amount: "200" }] },
        ],
      },
    });
    const bad = await signTx(alice, [multi("301")], { accountNumber: 0n, sequence: 0n });
    const rb = await app.checkTx({ tx: bad, type: CheckTxType.NEW });
    assert.equal(rb.code, 4);
    assert.equal(rb.codespace, "bank");
    const good = await signTx(alice, [multi("300")], { accountNumber: 0n, sequence: 0n });
    const res = await block(app, 2, [good]);
    assert.equal(res.txResults[0].code, 0, res.txResults[0].log);
    assert.equal(await balance(app, carol.address), 200n);
    assert.equal(await balance(app, bob.address), 500100n);
    // carol got an account with the next number
    const q = await app.query({
      path: "/cosmos.auth.v1beta1.Query/Account",
      data: QueryAccountRequest.encode({ address: carol.address }).finish(),
      height: 0n,
      prove: false,
    });
    assert.equal(q.code, 0, q.log);
    const acc = BaseAccount.decode(QueryAccountResponse.decode(q.value).account?.value ?? new Uint8Array());
    assert.equal(acc.accountNumber, 9n); // 0 alice, 1 bob, 2-8 the module accounts (by name)
    await assertInvariants(app);
  });

  it("same blocks on two fresh apps give the same app hashes", async () => {
    const a = await setup();
    const b = await setup();
    const txs = [
      await signTx(a.alice, [send(a.alice.address, a.bob.address, "10")], { accountNumber: 0n, sequence: 0n }),
      await signTx(a.bob, [send(a.bob.address, a.carol.address, "10")], { accountNumber: 1n, sequence: 0n }),
      await signTx(a.alice, [send(a.alice.address, a.bob.address, "10")], { accountNumber: 0n, sequence: 9n }),
    ];
    for (let h = 1; h <= 3; h++) {
      const ra = await block(a.app, h, h === 2 ? txs : []);
      const rb = await block(b.app, h, h === 2 ? txs : []);
      assert.deepEqual(ra.appHash, rb.appHash);
      assert.deepEqual(ra.txResults, rb.txResults);
    }
  });

  it("simulate returns gas used; query paths, heights and errors", async () => {
    const { app, alice, bob } = await setup();
    await block(app, 1, []);
    const tx = await signTx(alice, [send(alice.address, bob.address, "7")], { accountNumber: 0n, sequence: 0n });
    const sim = await app.query({
      path: "/cosmos.tx.v1beta1.Service/Simulate",
      data: SimulateRequest.encode({ txBytes: tx }).finish(),
      height: 0n,
      prove: false,
    });
    assert.equal(sim.code, 0, sim.log);
    const s = SimulateResponse.decode(sim.value);
    assert.ok((s.gasInfo?.gasUsed ?? 0n) > 10000n);
    assert.equal(s.result?.msgResponses[0].typeUrl, "/cosmos.bank.v1beta1.MsgSendResponse");
    assert.equal(await balance(app, bob.address), 500000n); // simulation wrote nothing
    // an unsigned simulation is charged for the missing signature, so it does not underestimate
    const raw = TxRaw.decode(tx);
    const unsigned = TxRaw.encode({ ...raw, signatures: [new Uint8Array()] }).finish();
    const sim2 = await app.query({
      path: "/cosmos.tx.v1beta1.Service/Simulate",
      data: SimulateRequest.encode({ txBytes: unsigned }).finish(),
      height: 0n,
      prove: false,
    });
    assert.equal(sim2.code, 0, sim2.log);
    assert.ok((SimulateResponse.decode(sim2.value).gasInfo?.gasUsed ?? 0n) >= (s.gasInfo?.gasUsed ?? 0n));
    await block(app, 2, [tx]);
    assert.equal(await balance(app, bob.address, 1n), 500000n); // historical
    assert.equal(await balance(app, bob.address, 2n), 500007n);
    const ts = await app.query({
      path: "/cosmos.bank.v1beta1.Query/TotalSupply",
      data: QueryTotalSupplyRequest.encode({}).finish(),
      height: 0n,
      prove: false,
    });
    assert.deepEqual(QueryTotalSupplyResponse.decode(ts.value).supply, [{ denom: "udgrid", amount: "1000500000" }]);
    const unknown = await app.query({ path: "/nope.Query/X", data: new Uint8Array(), height: 0n, prove: false });
    assert.equal(unknown.code, 6);
    assert.equal(unknown.codespace, "sdk");
    const missing = await app.query({
      path: "/cosmos.auth.v1beta1.Query/Account",
      data: QueryAccountRequest.encode({ address: (await testKey("nobody")).address }).finish(),
      height: 0n,
      prove: false,
    });
    assert.notEqual(missing.code, 0);
    assert.match(missing.log, /^rpc error: code = NotFound desc = account dgrid1\w+ not found/);
    const ver = await app.query({ path: "app/version", data: new Uint8Array(), height: 0n, prove: false });
    assert.equal(new TextDecoder().decode(ver.value), "0.1.0");
    const future = await app.query({
      path: "/cosmos.bank.v1beta1.Query/Balance",
      data: QueryBalanceRequest.encode({ address: bob.address, denom: "udgrid" }).finish(),
      height: 99n,
      prove: false,
    });
    assert.notEqual(future.code, 0);
  });

  it("genesis import -> export round-trip", async () => {
    const { app, alice, bob } = await setup();
    const exported = (await app.exportAppState()) as { auth: { accounts: unknown[] }; bank: { supply: unknown } };
    assert.equal(exported.auth.accounts.length, 9);
    assert.deepEqual(exported.bank.supply, [{ denom: "udgrid", amount: "1000500000" }]);
    const app2 = newApp();
    await initApp(app2, exported);
    assert.deepEqual(await app2.exportAppState(), exported);
    const r1 = await block(app, 1, []);
    const r2 = await block(app2, 1, []);
    assert.deepEqual(r1.appHash, r2.appHash);
    void alice;
    void bob;
  });

  it("prepare/process proposal", async () => {
    const { app, alice, bob } = await setup();
    const tx = await signTx(alice, [send(alice.address, bob.address, "1")], { accountNumber: 0n, sequence: 0n });
    const p = await app.prepareProposal({
      maxTxBytes: BigInt(tx.length + 3) * 2n,
      txs: [tx, new Uint8Array([9]), tx, tx],
      localLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      height: 1n,
      time: { seconds: 1n, nanos: 0 },
      nextValidatorsHash: new Uint8Array(),
      proposerAddress: new Uint8Array(),
    });
    assert.equal(p.txs.length, 2);
    const ok = await app.processProposal({
      txs: [tx],
      proposedLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      hash: new Uint8Array(),
      height: 1n,
      time: { seconds: 1n, nanos: 0 },
      nextValidatorsHash: new Uint8Array(),
      proposerAddress: new Uint8Array(),
    });
    assert.equal(ok.status, 1);
    const bad = await app.processProposal({
      txs: [new Uint8Array([9])],
      proposedLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      hash: new Uint8Array(),
      height: 1n,
      time: { seconds: 1n, nanos: 0 },
      nextValidatorsHash: new Uint8Array(),
      proposerAddress: new Uint8Array(),
    });
    assert.equal(bad.status, 2);
  });
});
