// Regression (found by the 10,000-block simulation's export/import, commit a1c30c7): an export carries
// entries that are due but wait for a later BeginBlock / EndBlock (expired authz grants and feegrant
// allowances, matured unbonding entries, gov proposals past their deposit or voting end, a jail term
// that is over). A chain started from that export at a later genesis time must import them: InitChain
// succeeds, grants and allowances expired at the genesis time are dropped (the SDK's authz
// InitGenesis skips them; feegrant does the same here), the unexpired ones stay, and the first
// block settles the rest (unbonding paid out, proposals ended) or lets the owner act (unjail).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { MsgGrant } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { BasicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import { MsgGrantAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/tx";
import { MsgSubmitProposal } from "cosmjs-types/cosmos/gov/v1/tx";
import { MsgUnjail } from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import type { DGridApp } from "../../app/app.ts";
import { address as consAddressOf } from "../../chain/types/keys.ts";
import { verifySecp256k1 } from "../../modules/auth/sigverify.ts";
import { collectGentxs, createGentx } from "../../modules/genutil/gentx.ts";
import { accAddrFromString, valAddrToString } from "../../modules/staking/types.ts";
import { CHAIN_ID, genesis, initApp, newApp, registry, signTx, type TestKey, testKey } from "./helpers.ts";

registry.register(MsgUnjail.typeUrl, MsgUnjail);

const T0 = 1_700_000_000n;
const consKey = (n: string) => new Uint8Array(createHash("sha256").update(`due-cons-${n}`).digest());
const udgrid = (amount: bigint) => [{ denom: "udgrid", amount: amount.toString() }];

/** One block at an explicit time; `absent` validators' votes are missing from its last commit. */
async function blockAt(app: DGridApp, height: number, time: bigint, txs: Uint8Array[], absent: string[] = []) {
  const votes = ["alice", "bob"].map((name) => ({
    validator: { address: consAddressOf(consKey(name)), power: 100n },
    blockIdFlag: absent.includes(name) ? BlockIDFlag.BLOCK_ID_FLAG_ABSENT : BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
  }));
  const res = await app.finalizeBlock({
    txs,
    decidedLastCommit: { round: 0, votes: height > 1 ? votes : [] },
    misbehavior: [],
    hash: new Uint8Array(32),
    height: BigInt(height),
    time: { seconds: time, nanos: 0 },
    nextValidatorsHash: new Uint8Array(32),
    proposerAddress: new Uint8Array(20),
  });
  await app.commit({});
  for (const r of res.txResults) assert.equal(r.code, 0, r.log);
  return res;
}

async function twoValidatorChain() {
  const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((n) => testKey(`due-${n}`)));
  const appState: any = genesis([alice, bob, carol].map((k) => ({ address: k.address, coins: udgrid(500_000_000n) })));
  const app = newApp();
  const defaults = (await app.exportAppState()) as any; // every module's default genesis
  for (const m of ["staking", "slashing", "gov", "authz", "feegrant"]) appState[m] = defaults[m];
  appState.staking.params.unbonding_time = "20s";
  Object.assign(appState.slashing.params, {
    signed_blocks_window: "2",
    min_signed_per_window: "0.500000000000000000",
    downtime_jail_duration: "10s",
  });
  Object.assign(appState.gov.params, {
    min_deposit: udgrid(10_000_000n),
    max_deposit_period: "20s",
    voting_period: "20s",
    expedited_voting_period: "10s",
  });
  const gentxs = [];
  for (const [name, key] of [
    ["alice", alice],
    ["bob", bob],
  ] as const)
    gentxs.push(
      await createGentx({
        chainId: CHAIN_ID,
        signer: key.wallet,
        consensusPubKey: consKey(name),
        amount: { denom: "udgrid", amount: "100000000" },
        moniker: name,
      }),
    );
  const { doc } = collectGentxs({ chain_id: CHAIN_ID, validators: [{}], app_state: appState }, gentxs, {
    verifySecp256k1,
  });
  await initApp(app, doc.app_state, T0);
  return { app, alice, bob, carol };
}

function proposal(proposer: TestKey, deposit: bigint, title: string) {
  return {
    typeUrl: MsgSubmitProposal.typeUrl,
    value: MsgSubmitProposal.fromPartial({
      messages: [],
      initialDeposit: udgrid(deposit),
      proposer: proposer.address,
      metadata: "due-entries test",
      title,
      summary: title,
    }),
  };
}

describe("genesis import of entries due but not yet pruned", () => {
  it("expired grants and allowances are dropped, unbonding matures, proposals end, the jailed unjail", async () => {
    const { app, alice, bob, carol } = await twoValidatorChain();
    const aliceVal = valAddrToString(accAddrFromString(alice.address));
    const expiry = { seconds: T0 + 20n, nanos: 0 };
    const grantsTx = await signTx(
      alice,
      [
        {
          typeUrl: MsgGrant.typeUrl,
          value: MsgGrant.fromPartial({
            granter: alice.address,
            grantee: carol.address,
            grant: {
              authorization: {
                typeUrl: GenericAuthorization.typeUrl,
                value: GenericAuthorization.encode({ msg: "/cosmos.bank.v1beta1.MsgSend" }).finish(),
              },
              expiration: expiry,
            },
          }),
        },
        {
          typeUrl: MsgGrant.typeUrl,
          value: MsgGrant.fromPartial({
            granter: alice.address,
            grantee: bob.address,
            grant: {
              authorization: {
                typeUrl: GenericAuthorization.typeUrl,
                value: GenericAuthorization.encode({ msg: "/cosmos.bank.v1beta1.MsgSend" }).finish(),
              },
            },
          }),
        },
        ...[
          [carol, expiry],
          [bob, undefined],
        ].map(([grantee, expiration]) => ({
          typeUrl: MsgGrantAllowance.typeUrl,
          value: MsgGrantAllowance.fromPartial({
            granter: alice.address,
            grantee: (grantee as TestKey).address,
            allowance: {
              typeUrl: BasicAllowance.typeUrl,
              value: BasicAllowance.encode(
                BasicAllowance.fromPartial({ spendLimit: [], expiration: expiration as typeof expiry }),
              ).finish(),
            },
          }),
        })),
      ],
      { accountNumber: 0n, sequence: 1n, gas: 1_000_000n, fee: "25000" }, // the gentx used sequence 0
    );
    const carolTx = await signTx(
      carol,
      [
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
          value: { delegatorAddress: carol.address, validatorAddress: aliceVal, amount: udgrid(5_000_000n)[0] },
        },
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgUndelegate",
          value: { delegatorAddress: carol.address, validatorAddress: aliceVal, amount: udgrid(2_000_000n)[0] },
        },
        proposal(carol, 1_000_000n, "short of the minimum deposit"),
        proposal(carol, 10_000_000n, "in its voting period"),
      ],
      { accountNumber: 2n, sequence: 0n, gas: 1_000_000n, fee: "25000" },
    );
    await blockAt(app, 1, T0 + 5n, [grantsTx, carolTx]);
    // alice misses blocks 2-4: with a window of 2 she is jailed for 10 s
    for (let h = 2; h <= 4; h++) await blockAt(app, h, T0 + 5n * BigInt(h), [], ["alice"]);
    const exported = (await app.exportAppState()) as any;
    // the export holds every entry still due: the chain has not reached their times
    assert.equal(exported.authz.authorization.length, 2);
    assert.equal(exported.feegrant.allowances.length, 2);
    assert.equal(exported.staking.unbonding_delegations.length, 1);
    assert.deepEqual(
      exported.gov.proposals.map((p: any) => p.status),
      ["PROPOSAL_STATUS_DEPOSIT_PERIOD", "PROPOSAL_STATUS_VOTING_PERIOD"],
    );
    const jailed = exported.staking.validators.find((v: any) => v.operator_address === aliceVal);
    assert.equal(jailed.jailed, true, "alice was jailed for downtime");
    const jailedUntil = exported.slashing.signing_infos
      .map((s: any) => Date.parse(s.validator_signing_info.jailed_until) / 1000)
      .find((t: number) => t > 0);
    assert.ok(jailedUntil > Number(T0 + 20n), `jailed until ${jailedUntil}`);

    // the new chain starts a minute later: everything above is due at its genesis time
    const G = T0 + 80n;
    assert.ok(jailedUntil < Number(G), "the jail term is over at the new genesis time");
    const carolBefore = await balanceOf(app, carol.address);
    const copy = newApp();
    await initApp(copy, exported, G);
    await blockAt(copy, 1, G + 5n, []);
    const after = (await copy.exportAppState()) as any;
    assert.deepEqual(
      after.authz.authorization.map((a: any) => [a.grantee, a.expiration]),
      [[bob.address, null]],
      "the expired grant is gone, the open-ended one stays",
    );
    assert.deepEqual(
      after.feegrant.allowances.map((a: any) => a.grantee),
      [bob.address],
      "the expired allowance is gone, the open-ended one stays",
    );
    assert.deepEqual(after.staking.unbonding_delegations, [], "the matured unbonding entry was paid out");
    assert.equal(
      await balanceOf(copy, carol.address),
      carolBefore + 2_000_000n + 1_000_000n + 10_000_000n,
      "the unbonded 2 and both proposals' deposits (refunded: no burn params set) came back",
    );
    assert.deepEqual(
      after.gov.proposals.map((p: any) => p.status),
      ["PROPOSAL_STATUS_REJECTED"],
      "the underfunded proposal was deleted at its deposit end, the voted one tallied (no votes: rejected)",
    );
    // alice's term is over: she unjails in the new chain's first blocks
    const unjail = await signTx(
      alice,
      [{ typeUrl: MsgUnjail.typeUrl, value: MsgUnjail.fromPartial({ validatorAddr: aliceVal }) }],
      { accountNumber: 0n, sequence: 2n },
    );
    await blockAt(copy, 2, G + 10n, [unjail]);
    const final = (await copy.exportAppState()) as any;
    assert.equal(final.staking.validators.find((v: any) => v.operator_address === aliceVal).jailed, false);
  });
});

async function balanceOf(app: DGridApp, address: string): Promise<bigint> {
  const state = (await app.exportAppState()) as any;
  const b = state.bank.balances.find((x: any) => x.address === address);
  return BigInt(b?.coins.find((c: any) => c.denom === "udgrid")?.amount ?? "0");
}
