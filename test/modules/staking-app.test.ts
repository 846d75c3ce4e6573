// Staking through DGridApp block by block: InitChain with a gentx (the validator set comes from
// staking), FinalizeBlock with MsgDelegate / MsgUndelegate (EndBlock validator updates), CosmJS's
// staking query extension decoding the query server's answers, amino-signed staking msgs, and the
// genesis export/import round trip.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { Secp256k1Wallet } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import { QueryClient, SigningStargateClient, setupStakingExtension } from "@cosmjs/stargate";
import type { CometClient } from "@cosmjs/tendermint-rpc";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { DGridApp } from "../../app/app.ts";
import { verifySecp256k1 } from "../../modules/auth/sigverify.ts";
import { collectGentxs, createGentx } from "../../modules/genutil/gentx.ts";
import { txFromJson } from "../../modules/genutil/tx-json.ts";
import { defaultGenesis as stakingDefault } from "../../modules/staking/genesis.ts";
import { accAddrFromString as fromBech, valAddrToString } from "../../modules/staking/types.ts";
import { block, CHAIN_ID, genesis, initApp, newApp, signTx, testKey } from "../app/helpers.ts";

function fakeComet(app: DGridApp): CometClient {
  return {
    async abciQuery(q: { path: string; data: Uint8Array; prove?: boolean; height?: number }) {
      const r = await app.query({ path: q.path, data: q.data, prove: q.prove ?? false, height: BigInt(q.height ?? 0) });
      return { ...r, height: Number(r.height), index: 0 };
    },
    disconnect() {},
  } as unknown as CometClient;
}

/** x/auth's signature check, as the app passes it to collect-gentxs */
const verifier = { verifySecp256k1 };

const consKey = (n: string) => new Uint8Array(createHash("sha256").update(`cons-${n}`).digest());

async function chainWithGentx() {
  const alice = await testKey("alice");
  const bob = await testKey("bob");
  const appState: any = genesis([
    { address: alice.address, coins: [{ denom: "udgrid", amount: "500000000" }] },
    { address: bob.address, coins: [{ denom: "udgrid", amount: "500000000" }] },
  ]);
  appState.staking = stakingDefault();
  appState.staking.params.unbonding_time = "20s";
  const gentx = await createGentx({
    chainId: CHAIN_ID,
    signer: alice.wallet,
    consensusPubKey: consKey("alice"),
    amount: { denom: "udgrid", amount: "100000000" },
    moniker: "alice-node",
    memo: "abcd@127.0.0.1:26656",
  });
  const { doc, peers } = collectGentxs(
    { chain_id: CHAIN_ID, validators: [{}], app_state: appState },
    [gentx],
    verifier,
  );
  assert.deepEqual(peers, ["abcd@127.0.0.1:26656"]);
  assert.deepEqual(doc.validators, []);
  const app = newApp();
  const init = await initApp(app, doc.app_state);
  return { app, init, alice, bob, gentx, appState: doc.app_state };
}

describe("staking in DGridApp", () => {
  it("gentx JSON round-trips to the signed bytes; collect refuses a wrong chain id or a poor operator", async () => {
    const { gentx, appState } = await chainWithGentx();
    const raw = txFromJson(JSON.parse(JSON.stringify(gentx)));
    assert.equal(gentx.body.messages[0]["@type"], "/cosmos.staking.v1beta1.MsgCreateValidator");
    assert.equal(gentx.body.messages[0].commission.rate, "0.100000000000000000");
    assert.equal(gentx.auth_info.signer_infos[0].mode_info.single.mode, "SIGN_MODE_DIRECT");
    assert.deepEqual(raw.signatures[0], fromBase64(gentx.signatures[0]));
    assert.throws(
      () =>
        collectGentxs(
          { chain_id: "other-chain", validators: [], app_state: structuredClone(appState) },
          [gentx],
          verifier,
        ),
      /signature does not verify for chain id other-chain/,
    );
    const poor = structuredClone(appState);
    poor.bank.balances[0].coins[0].amount = "5";
    poor.bank.balances[1].coins[0].amount = "5";
    assert.throws(
      () => collectGentxs({ chain_id: CHAIN_ID, validators: [], app_state: poor }, [gentx], verifier),
      /insufficient fund/,
    );
    assert.throws(
      () => collectGentxs({ chain_id: CHAIN_ID, validators: [], app_state: appState }, [gentx, gentx], verifier),
      /duplicate gentx/,
    );
  });

  it("InitChain with a gentx returns the staking set; MsgDelegate changes it in EndBlock; queries decode in CosmJS", async () => {
    const { app, init, alice, bob } = await chainWithGentx();
    assert.equal(init.validators.length, 1);
    assert.deepEqual(init.validators[0].pubKey?.ed25519, consKey("alice"));
    assert.equal(init.validators[0].power, 100n);
    const aliceVal = valAddrToString(fromBech(alice.address));

    // block 1: bob delegates 50 DGRID (bob is account 1, sequence 0)
    const tx = await signTx(
      bob,
      [
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
          value: {
            delegatorAddress: bob.address,
            validatorAddress: aliceVal,
            amount: { denom: "udgrid", amount: "50000000" },
          },
        },
      ],
      { accountNumber: 1n, sequence: 0n },
    );
    const r1 = await block(app, 1, [tx]);
    assert.equal(r1.txResults[0].code, 0, r1.txResults[0].log);
    assert.deepEqual(
      r1.validatorUpdates.map((u) => [u.pubKey?.ed25519, u.power]),
      [[consKey("alice"), 150n]],
    );
    const ev = r1.txResults[0].events.find((e) => e.type === "delegate");
    assert.ok(ev?.attributes.some((a) => a.key === "new_shares" && a.value === "50000000.000000000000000000"));
    // no change in block 2
    const r2 = await block(app, 2, []);
    assert.deepEqual(r2.validatorUpdates, []);
    assert.deepEqual(await app.checkInvariants(), []);

    const qc = QueryClient.withExtensions(fakeComet(app), setupStakingExtension);
    const vals = await qc.staking.validators("BOND_STATUS_BONDED");
    assert.equal(vals.validators.length, 1);
    assert.equal(vals.validators[0].operatorAddress, aliceVal);
    assert.equal(vals.validators[0].tokens, "150000000");
    assert.equal(vals.validators[0].description.moniker, "alice-node");
    assert.equal((await qc.staking.validators("BOND_STATUS_UNBONDED")).validators.length, 0);
    const one = await qc.staking.validator(aliceVal);
    assert.equal(one.validator.commission.commissionRates.rate, "100000000000000000");
    const del = await qc.staking.delegation(bob.address, aliceVal);
    assert.deepEqual(del.delegationResponse?.balance, { denom: "udgrid", amount: "50000000" });
    assert.equal(del.delegationResponse?.delegation.shares, "50000000000000000000000000");
    const dd = await qc.staking.delegatorDelegations(bob.address);
    assert.equal(dd.delegationResponses.length, 1);
    const vd = await qc.staking.validatorDelegations(aliceVal);
    assert.equal(vd.delegationResponses.length, 2);
    const pool = await qc.staking.pool();
    assert.deepEqual(pool.pool, { bondedTokens: "150000000", notBondedTokens: "0" });
    const params = await qc.staking.params();
    assert.equal(params.params.bondDenom, "udgrid");
    assert.equal(params.params.unbondingTime.seconds, 20n);
    assert.equal((await qc.staking.delegatorValidators(bob.address)).validators.length, 1);
    assert.equal((await qc.staking.delegatorValidator(bob.address, aliceVal)).validator.operatorAddress, aliceVal);
    await assert.rejects(qc.staking.delegation(alice.address.replace(/.$/, "x"), aliceVal));
    await assert.rejects(qc.staking.validator(valAddrToString(new Uint8Array(20))), /not found/);

    // block 3: bob undelegates 20 DGRID with an amino-signed tx (Keplr / Ledger path)
    const amino = await Secp256k1Wallet.fromKey(new Uint8Array(createHash("sha256").update("bob").digest()), "dgrid");
    const offline = await SigningStargateClient.offline(amino);
    const signed = await offline.sign(
      bob.address,
      [
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgUndelegate",
          value: {
            delegatorAddress: bob.address,
            validatorAddress: aliceVal,
            amount: { denom: "udgrid", amount: "20000000" },
          },
        },
      ],
      { amount: [{ denom: "udgrid", amount: "5000" }], gas: "200000" },
      "",
      { accountNumber: 1n, sequence: 1, chainId: CHAIN_ID },
    );
    const r3 = await block(app, 3, [TxRaw.encode(signed).finish()]);
    assert.equal(r3.txResults[0].code, 0, r3.txResults[0].log);
    assert.deepEqual(
      r3.validatorUpdates.map((u) => u.power),
      [130n],
    );
    const ubd = await qc.staking.unbondingDelegation(bob.address, aliceVal);
    assert.equal(ubd.unbond.entries[0].balance, "20000000");
    assert.equal((await qc.staking.delegatorUnbondingDelegations(bob.address)).unbondingResponses.length, 1);
    assert.equal((await qc.staking.validatorUnbondingDelegations(aliceVal)).unbondingResponses.length, 1);
    assert.deepEqual((await qc.staking.pool()).pool, { bondedTokens: "130000000", notBondedTokens: "20000000" });
    assert.deepEqual(await app.checkInvariants(), []);
    // blocks are 5 s apart in the helpers: the 20 s unbonding completes 4 blocks later
    const before = await balance(app, bob.address);
    for (let h = 4; h <= 7; h++) await block(app, h, []);
    assert.equal((await balance(app, bob.address)) - before, 20_000_000n);
    assert.equal((await qc.staking.delegatorUnbondingDelegations(bob.address)).unbondingResponses.length, 0);
    assert.deepEqual(await app.checkInvariants(), []);
  });

  it("genesis export -> import round trip keeps the validator set and the app hash", async () => {
    const { app, bob, alice } = await chainWithGentx();
    const aliceVal = valAddrToString(fromBech(alice.address));
    const tx = await signTx(
      bob,
      [
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
          value: {
            delegatorAddress: bob.address,
            validatorAddress: aliceVal,
            amount: { denom: "udgrid", amount: "7000000" },
          },
        },
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgUndelegate",
          value: {
            delegatorAddress: bob.address,
            validatorAddress: aliceVal,
            amount: { denom: "udgrid", amount: "2000000" },
          },
        },
      ],
      { accountNumber: 1n, sequence: 0n },
    );
    const r = await block(app, 1, [tx]);
    assert.equal(r.txResults[0].code, 0, r.txResults[0].log);
    const exported = (await app.exportAppState()) as any;
    assert.equal(exported.staking.validators.length, 1);
    assert.equal(exported.staking.validators[0].status, "BOND_STATUS_BONDED");
    assert.equal(exported.staking.validators[0].delegator_shares, "105000000.000000000000000000");
    assert.equal(exported.staking.delegations.length, 2);
    assert.equal(exported.staking.unbonding_delegations.length, 1);
    assert.deepEqual(exported.staking.last_validator_powers, [{ address: aliceVal, power: "105" }]);
    assert.equal(exported.staking.exported, true);
    const app2 = newApp();
    const init2 = await initApp(app2, exported);
    assert.deepEqual(
      init2.validators.map((u) => [u.pubKey?.ed25519, u.power]),
      [[consKey("alice"), 105n]],
    );
    assert.deepEqual(await app2.exportAppState(), exported);
    // both chains go on with the same staking state (app hashes differ: slashing's liveness window
    // counts the blocks each chain has seen, which an export at a new height restarts)
    await block(app, 2, []);
    await block(app2, 1, []);
    const [sa, sb] = [(await app.exportAppState()) as any, (await app2.exportAppState()) as any];
    assert.deepEqual(sb.staking, sa.staking);
    assert.deepEqual(sb.bank, sa.bank);
  });
});

async function balance(app: DGridApp, address: string): Promise<bigint> {
  const { QueryBalanceRequest, QueryBalanceResponse } = await import("cosmjs-types/cosmos/bank/v1beta1/query");
  const r = await app.query({
    path: "/cosmos.bank.v1beta1.Query/Balance",
    data: QueryBalanceRequest.encode({ address, denom: "udgrid" }).finish(),
    height: 0n,
    prove: false,
  });
  return BigInt(QueryBalanceResponse.decode(r.value).balance?.amount ?? "0");
}
