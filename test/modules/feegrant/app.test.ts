// x/feegrant through the app (in-memory store, CosmJS-signed txs): the ante charges fee.granter as the
// SDK's DeductFeeDecorator, an agent with no account and no udgrid transacts on a grant, the SDK's
// codes for a missing / exhausted / expired / message-filtered grant, revoke, prune, queries, genesis
// export and import, CosmJS's signer with a fee granter, and the supply invariant through random runs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { SigningStargateClient } from "@cosmjs/stargate";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { PageRequest } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import { AllowedMsgAllowance, BasicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import {
  QueryAllowanceRequest,
  QueryAllowanceResponse,
  QueryAllowancesByGranterRequest,
  QueryAllowancesByGranterResponse,
  QueryAllowancesRequest,
  QueryAllowancesResponse,
} from "cosmjs-types/cosmos/feegrant/v1beta1/query";
import { MsgPruneAllowances } from "cosmjs-types/cosmos/feegrant/v1beta1/tx";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { CheckTxType } from "cosmjs-types/tendermint/abci/types";
import fc from "fast-check";
import type { DGridApp } from "../../../app/app.ts";
import { moduleAddress } from "../../../chain/types/address.ts";
import {
  attrs,
  block,
  CHAIN_ID,
  genesis,
  initApp,
  lastBlockTime,
  newApp,
  registry,
  send,
  signTx,
  type TestKey,
  testKey,
} from "../../app/helpers.ts";

registry.register(MsgPruneAllowances.typeUrl, MsgPruneAllowances);

const FEE_COLLECTOR = moduleAddress("fee_collector");
const PRUNE = "/cosmos.feegrant.v1beta1.MsgPruneAllowances";

async function query<T>(
  app: DGridApp,
  path: string,
  data: Uint8Array,
  dec: { decode(b: Uint8Array): T },
): Promise<{ code: number; codespace: string; log: string; value?: T }> {
  const r = await app.query({ path, data, height: 0n, prove: false });
  return { code: r.code, codespace: r.codespace, log: r.log, value: r.code === 0 ? dec.decode(r.value) : undefined };
}

async function balance(app: DGridApp, address: string): Promise<bigint> {
  const r = await query(
    app,
    "/cosmos.bank.v1beta1.Query/Balance",
    QueryBalanceRequest.encode({ address, denom: "udgrid" }).finish(),
    QueryBalanceResponse,
  );
  return BigInt(r.value?.balance?.amount ?? "0");
}

async function accountNumber(app: DGridApp, address: string): Promise<bigint | undefined> {
  const r = await query(
    app,
    "/cosmos.auth.v1beta1.Query/Account",
    QueryAccountRequest.encode({ address }).finish(),
    QueryAccountResponse,
  );
  if (!r.value?.account) return undefined;
  return BaseAccount.decode(r.value.account.value).accountNumber;
}

async function sequenceOf(app: DGridApp, address: string): Promise<bigint> {
  const r = await query(
    app,
    "/cosmos.auth.v1beta1.Query/Account",
    QueryAccountRequest.encode({ address }).finish(),
    QueryAccountResponse,
  );
  return r.value?.account ? BaseAccount.decode(r.value.account.value).sequence : 0n;
}

async function allowance(app: DGridApp, granter: string, grantee: string) {
  return query(
    app,
    "/cosmos.feegrant.v1beta1.Query/Allowance",
    QueryAllowanceRequest.encode({ granter, grantee }).finish(),
    QueryAllowanceResponse,
  );
}

function basicAny(limit?: string, expirationS?: bigint) {
  return {
    typeUrl: BasicAllowance.typeUrl,
    value: BasicAllowance.encode({
      spendLimit: limit ? [{ denom: "udgrid", amount: limit }] : [],
      expiration: expirationS === undefined ? undefined : { seconds: expirationS, nanos: 0 },
    }).finish(),
  };
}

function grantMsg(granter: string, grantee: string, any: { typeUrl: string; value: Uint8Array }) {
  return { typeUrl: "/cosmos.feegrant.v1beta1.MsgGrantAllowance", value: { granter, grantee, allowance: any } };
}

function revokeMsg(granter: string, grantee: string) {
  return { typeUrl: "/cosmos.feegrant.v1beta1.MsgRevokeAllowance", value: { granter, grantee } };
}

function pruneMsg(pruner: string) {
  return { typeUrl: PRUNE, value: { pruner } };
}

async function setup() {
  const alice = await testKey("fg-alice");
  const bob = await testKey("fg-bob");
  const agent = await testKey("fg-agent");
  const app = newApp();
  await initApp(
    app,
    genesis([
      { address: alice.address, coins: [{ denom: "udgrid", amount: "1000000" }] },
      { address: bob.address, coins: [{ denom: "udgrid", amount: "100000" }] },
    ]),
  );
  return { app, alice, bob, agent };
}

/** one block of txs; returns the results (code, codespace, log, events) */
async function run(app: DGridApp, height: number, txs: Uint8Array[]) {
  const res = await block(app, height, txs);
  assert.deepEqual(await app.checkInvariants(), []);
  return res.txResults;
}

describe("x/feegrant in the app", () => {
  it("an agent with no account and no udgrid transacts on a grant: the granter pays, the grant shrinks, then refuses", async () => {
    const { app, alice, agent } = await setup();
    assert.equal(await accountNumber(app, agent.address), undefined);
    // block 1: alice grants the agent 12000udgrid of fees; the grant creates the agent's account
    const [g] = await run(app, 1, [
      await signTx(alice, [grantMsg(alice.address, agent.address, basicAny("12000"))], {
        accountNumber: 0n,
        sequence: 0n,
      }),
    ]);
    assert.equal(g.code, 0, g.log);
    assert.deepEqual(attrs(g.events, "set_feegrant"), [
      { granter: alice.address, grantee: agent.address, msg_index: "0" },
    ]);
    const agentNum = await accountNumber(app, agent.address);
    assert.ok(agentNum !== undefined, "the grant created the agent's account");
    const aliceBefore = await balance(app, alice.address);
    const feesBefore = await balance(app, FEE_COLLECTOR);

    // CheckTx runs the same checks on its own branch: the committed grant does not move
    const tx1 = await signTx(agent, [pruneMsg(agent.address)], {
      accountNumber: agentNum,
      sequence: 0n,
      granter: alice.address,
    });
    assert.equal((await app.checkTx({ tx: tx1, type: CheckTxType.NEW })).code, 0);
    const limitOf = async () =>
      BasicAllowance.decode(
        (await allowance(app, alice.address, agent.address)).value?.allowance?.allowance?.value ?? new Uint8Array(),
      ).spendLimit;
    assert.deepEqual(await limitOf(), [{ denom: "udgrid", amount: "12000" }]);

    const [r1] = await run(app, 2, [tx1]);
    assert.equal(r1.code, 0, r1.log);
    assert.equal(await balance(app, alice.address), aliceBefore - 5000n);
    assert.equal(await balance(app, agent.address), 0n);
    assert.equal(await balance(app, FEE_COLLECTOR), feesBefore + 5000n);
    assert.deepEqual(attrs(r1.events, "use_feegrant"), [{ granter: alice.address, grantee: agent.address }]);
    assert.ok(attrs(r1.events, "tx").some((a) => a.fee === "5000udgrid" && a.fee_payer === alice.address));
    assert.deepEqual(await limitOf(), [{ denom: "udgrid", amount: "7000" }]);

    // 7000 left: one more 5000 fee, then 2000 left and a 5000 fee is refused with feegrant code 2
    const tx2 = await signTx(agent, [pruneMsg(agent.address)], {
      accountNumber: agentNum,
      sequence: 1n,
      granter: alice.address,
    });
    const tx3 = await signTx(agent, [pruneMsg(agent.address)], {
      accountNumber: agentNum,
      sequence: 2n,
      granter: alice.address,
    });
    const [r2, r3] = await run(app, 3, [tx2, tx3]);
    assert.equal(r2.code, 0, r2.log);
    assert.equal([r3.codespace, r3.code].join(":"), "feegrant:2");
    assert.equal(
      r3.log,
      `${alice.address} does not allow to pay fees for ${agent.address}: basic allowance: fee limit exceeded`,
    );
    assert.equal(await balance(app, alice.address), aliceBefore - 10000n);
    // a fee that uses the grant up deletes it
    const tx4 = await signTx(agent, [pruneMsg(agent.address)], {
      accountNumber: agentNum,
      sequence: 2n,
      granter: alice.address,
      fee: "2000",
    });
    const [r4] = await run(app, 4, [tx4]);
    assert.equal(r4.code, 0, r4.log);
    assert.deepEqual(attrs(r4.events, "revoke_feegrant"), [{ granter: alice.address, grantee: agent.address }]);
    const gone = await allowance(app, alice.address, agent.address);
    assert.deepEqual([gone.codespace, gone.code], ["sdk", 38]);
  });

  it("no grant: the SDK's not-found code and nothing moves; a granter equal to the payer just pays", async () => {
    const { app, alice, bob } = await setup();
    await run(app, 1, []);
    const before = [await balance(app, alice.address), await balance(app, bob.address)];
    const tx = await signTx(bob, [send(bob.address, alice.address, "1")], {
      accountNumber: 1n,
      sequence: 0n,
      granter: alice.address,
    });
    const check = await app.checkTx({ tx, type: CheckTxType.NEW });
    assert.deepEqual([check.codespace, check.code], ["sdk", 38]);
    assert.equal(
      check.log,
      `${alice.address} does not allow to pay fees for ${bob.address}: fee-grant not found: not found`,
    );
    const [r] = await run(app, 2, [tx]);
    assert.deepEqual([r.codespace, r.code], ["sdk", 38]);
    assert.deepEqual([await balance(app, alice.address), await balance(app, bob.address)], before);
    const self = await signTx(bob, [send(bob.address, alice.address, "1")], {
      accountNumber: 1n,
      sequence: 0n,
      granter: bob.address,
    });
    const [s] = await run(app, 3, [self]);
    assert.equal(s.code, 0, s.log);
    assert.equal(await balance(app, bob.address), before[1] - 5001n);
  });

  it("MsgGrantAllowance refuses a self-grant, a second grant and a past expiration; AllowedMsgAllowance refuses other messages", async () => {
    const { app, alice, bob } = await setup();
    const allowed = {
      typeUrl: AllowedMsgAllowance.typeUrl,
      value: AllowedMsgAllowance.encode({ allowance: basicAny(), allowedMessages: [PRUNE] }).finish(),
    };
    const txs = [
      await signTx(alice, [grantMsg(alice.address, alice.address, basicAny())], { accountNumber: 0n, sequence: 0n }),
      await signTx(alice, [grantMsg(alice.address, bob.address, allowed)], { accountNumber: 0n, sequence: 1n }),
      await signTx(alice, [grantMsg(alice.address, bob.address, basicAny())], { accountNumber: 0n, sequence: 2n }),
      await signTx(alice, [grantMsg(alice.address, moduleAddress("x"), basicAny("5", 1_000n))], {
        accountNumber: 0n,
        sequence: 3n,
      }),
    ];
    const [self, ok, dup, past] = await run(app, 1, txs);
    assert.match(self.log, /cannot self-grant fee authorization: invalid address/);
    assert.equal(ok.code, 0, ok.log);
    assert.match(dup.log, /fee allowance already exists: invalid request/);
    assert.match(past.log, /expiration is before current block time: invalid request/);
    const sendTx = await signTx(bob, [send(bob.address, alice.address, "1")], {
      accountNumber: 1n,
      sequence: 0n,
      granter: alice.address,
    });
    const pruneTx = await signTx(bob, [pruneMsg(bob.address)], {
      accountNumber: 1n,
      sequence: 0n,
      granter: alice.address,
    });
    const [refused, paid] = await run(app, 2, [sendTx, pruneTx]);
    assert.deepEqual([refused.codespace, refused.code], ["feegrant", 7]);
    assert.equal(paid.code, 0, paid.log);
  });

  it("expiry, revoke and prune; queries by pair, grantee and granter with pagination; genesis round trip", async () => {
    const { app, alice, bob, agent } = await setup();
    const t = lastBlockTime(); // block 1 is at t+5, block 2 at t+10, block 3 at t+15
    const grants = [
      grantMsg(alice.address, agent.address, basicAny("100000", t + 12n)),
      grantMsg(alice.address, bob.address, basicAny()),
      grantMsg(bob.address, agent.address, basicAny("777")),
    ];
    const r = await run(app, 1, [
      await signTx(alice, grants.slice(0, 2), { accountNumber: 0n, sequence: 0n }),
      await signTx(bob, grants.slice(2), { accountNumber: 1n, sequence: 0n }),
    ]);
    assert.deepEqual(
      r.map((x) => x.code),
      [0, 0],
    );
    const byGrantee = await query(
      app,
      "/cosmos.feegrant.v1beta1.Query/Allowances",
      QueryAllowancesRequest.encode({
        grantee: agent.address,
        pagination: PageRequest.fromPartial({ limit: 1n, countTotal: true }),
      }).finish(),
      QueryAllowancesResponse,
    );
    assert.equal(byGrantee.value?.allowances.length, 1);
    assert.equal(byGrantee.value?.pagination?.total, 2n);
    const byGranter = await query(
      app,
      "/cosmos.feegrant.v1beta1.Query/AllowancesByGranter",
      QueryAllowancesByGranterRequest.encode({ granter: alice.address }).finish(),
      QueryAllowancesByGranterResponse,
    );
    assert.deepEqual(byGranter.value?.allowances.map((g) => g.grantee).sort(), [agent.address, bob.address].sort());
    const bad = await allowance(app, "nope", agent.address);
    assert.match(bad.log, /InvalidArgument/);

    // genesis: export, import into a fresh app, same grants
    const state = await app.exportAppState();
    const fg = state.feegrant as { allowances: { granter: string; allowance: Record<string, unknown> }[] };
    assert.equal(fg.allowances.length, 3);
    assert.ok(
      fg.allowances.some(
        (a) => a.allowance.expiration === new Date(Number(t + 12n) * 1000).toISOString().replace(".000Z", "Z"),
      ),
    );
    const copy = newApp();
    await initApp(copy, { ...genesis([]), auth: state.auth, bank: state.bank, feegrant: state.feegrant }, t + 5n);
    await block(copy, 1, []); // commits the imported state (the shared clock moves 5 s)
    assert.deepEqual(
      (await allowance(copy, alice.address, agent.address)).value,
      (await allowance(app, alice.address, agent.address)).value,
    );

    // blocks 2 and 3 at t+15 and t+20: the grant (expiring t+12) refuses with feegrant code 3
    await run(app, 2, []);
    const late = await signTx(agent, [pruneMsg(agent.address)], {
      accountNumber: (await accountNumber(app, agent.address)) ?? 0n,
      sequence: 0n,
      granter: alice.address,
    });
    const [expired] = await run(app, 3, [late]);
    assert.deepEqual([expired.codespace, expired.code], ["feegrant", 3]);
    assert.equal((await allowance(app, alice.address, agent.address)).code, 0, "still stored until pruned");
    // revoke one, prune the expired one
    const [rev, prune] = await run(app, 4, [
      await signTx(bob, [revokeMsg(bob.address, agent.address)], { accountNumber: 1n, sequence: 1n }),
      await signTx(alice, [pruneMsg(alice.address)], { accountNumber: 0n, sequence: 1n }),
    ]);
    assert.equal(rev.code, 0, rev.log);
    assert.equal(prune.code, 0, prune.log);
    assert.deepEqual(attrs(prune.events, "prune_feegrant"), [{ pruner: alice.address, msg_index: "0" }]);
    assert.equal((await allowance(app, alice.address, agent.address)).code, 38);
    assert.equal((await allowance(app, bob.address, agent.address)).code, 38);
    assert.equal((await allowance(app, alice.address, bob.address)).code, 0);
    const [again] = await run(app, 5, [
      await signTx(bob, [revokeMsg(bob.address, agent.address)], { accountNumber: 1n, sequence: 2n }),
    ]);
    assert.match(again.log, /fee-grant not found: not found/);
  });

  it("CosmJS SigningStargateClient signs a tx whose fee names a granter, and the granter pays", async () => {
    const { app, alice, agent } = await setup();
    await run(app, 1, [
      await signTx(alice, [grantMsg(alice.address, agent.address, basicAny())], { accountNumber: 0n, sequence: 0n }),
    ]);
    const client = await SigningStargateClient.offline(agent.wallet as DirectSecp256k1Wallet, { registry });
    const signed = await client.sign(
      agent.address,
      [pruneMsg(agent.address)],
      { amount: [{ denom: "udgrid", amount: "6000" }], gas: "200000", granter: alice.address },
      "",
      { accountNumber: (await accountNumber(app, agent.address)) ?? 0n, sequence: 0, chainId: CHAIN_ID },
    );
    const before = await balance(app, alice.address);
    const [r] = await run(app, 2, [TxRaw.encode(signed).finish()]);
    assert.equal(r.code, 0, r.log);
    assert.equal(await balance(app, alice.address), before - 6000n);
  });

  it("property: random grants, uses, revokes and prunes keep supply = sum of balances and pay only from granters", async () => {
    const keys: TestKey[] = await Promise.all(["fp0", "fp1", "fp2"].map(testKey));
    const op = fc.oneof(
      fc.record({ kind: fc.constant("grant" as const), from: fc.nat(2), to: fc.nat(2), limit: fc.nat(20_000) }),
      fc.record({ kind: fc.constant("use" as const), from: fc.nat(2), to: fc.nat(2), fee: fc.nat(9_000) }),
      fc.record({ kind: fc.constant("revoke" as const), from: fc.nat(2), to: fc.nat(2) }),
      fc.record({ kind: fc.constant("prune" as const), from: fc.nat(2) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { maxLength: 4 }), { minLength: 1, maxLength: 3 }), async (blocks) => {
        const app = newApp();
        await initApp(
          app,
          genesis(
            keys.map((k, i) => ({
              address: k.address,
              coins: [{ denom: "udgrid", amount: String(50_000 * (i + 1)) }],
            })),
          ),
        );
        const seq = [0n, 0n, 0n];
        let before = keys.map((_, i) => BigInt(50_000 * (i + 1)));
        let fees = 0n;
        for (const [h, ops] of blocks.entries()) {
          const txs: Uint8Array[] = [];
          for (const o of ops) {
            const k = keys[o.from];
            if (o.kind === "grant") {
              const msg = grantMsg(k.address, keys[o.to].address, basicAny(o.limit > 0 ? String(o.limit) : undefined));
              txs.push(await signTx(k, [msg], { accountNumber: BigInt(o.from), sequence: seq[o.from], fee: "100" }));
            } else if (o.kind === "use") {
              // `to` signs and asks `from` to pay
              const payer = keys[o.to];
              txs.push(
                await signTx(payer, [pruneMsg(payer.address)], {
                  accountNumber: BigInt(o.to),
                  sequence: seq[o.to],
                  fee: String(o.fee),
                  granter: k.address,
                }),
              );
            } else if (o.kind === "revoke") {
              txs.push(
                await signTx(k, [revokeMsg(k.address, keys[o.to].address)], {
                  accountNumber: BigInt(o.from),
                  sequence: seq[o.from],
                  fee: "100",
                }),
              );
            } else {
              txs.push(
                await signTx(k, [pruneMsg(k.address)], {
                  accountNumber: BigInt(o.from),
                  sequence: seq[o.from],
                  fee: "100",
                }),
              );
            }
          }
          const results = await run(app, h + 1, txs);
          assert.equal(results.length, txs.length);
          for (let i = 0; i < 3; i++) seq[i] = await sequenceOf(app, keys[i].address);
          // no one's balance grows (only fees move, to the fee collector), and what they lost is its gain
          const after = await Promise.all(keys.map((k) => balance(app, k.address)));
          for (let i = 0; i < 3; i++) assert.ok(after[i] <= before[i], `balance of ${i} grew`);
          const collected = await balance(app, FEE_COLLECTOR);
          assert.equal(collected - fees, before.reduce((a, b) => a + b, 0n) - after.reduce((a, b) => a + b, 0n));
          before = after;
          fees = collected;
        }
      }),
      { numRuns: 6 },
    );
  });
});
