// A 4-validator localnet whose validator set comes from gentxs: a CosmJS delegateTokens from the
// funded account to validator 0 changes the voting power that CosmJS `validators()` (the CometBFT
// RPC of another node) reports, from the tx height + 2 (the update from EndBlock of H is in force at
// H+2), and not before.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import { DEVNET_MNEMONIC } from "../../app/devnet.ts";
import { createTestLocalnet, type RunningNode, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { connectQueries, consAddrOf, type LocalnetQueries, valoperOf } from "../support/localnet-staking.ts";

describe("localnet: delegation changes consensus voting power", { timeout: 300_000 }, () => {
  let net: TestLocalnet;
  let validators: RunningNode[];
  let qs: LocalnetQueries | undefined;

  before(async () => {
    net = await createTestLocalnet({ validators: 4 });
    validators = net.nodes;
    for (let i = 0; i < 4; i++) net.start(i);
    await waitAllHeight(validators, 2, 150_000);
  });

  after(async () => {
    qs?.disconnect();
    if (net) await net.cleanup();
  });

  it("genesis set from gentxs: 4 validators of power 100, bonded in staking with their own consensus keys", async () => {
    qs = await connectQueries(validators[3]);
    const { validators: set } = await qs.comet.validatorsAll(1);
    assert.equal(set.length, 4);
    const addrs = set.map((v) => Buffer.from(v.address).toString("hex").toUpperCase()).sort();
    assert.deepEqual(addrs, validators.map((n) => consAddrOf(n).hex).sort());
    for (const v of set) assert.equal(v.votingPower, 100n);
    const bonded = await qs.q.staking.validators("BOND_STATUS_BONDED");
    assert.deepEqual(bonded.validators.map((v) => v.operatorAddress).sort(), validators.map(valoperOf).sort());
    for (const v of bonded.validators as { tokens: string }[]) assert.equal(v.tokens, "100000000");
  });

  it("delegateTokens to validator 0 raises its power from tx height + 2", async () => {
    assert.ok(qs);
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, { prefix: "dgrid" });
    const [{ address: from }] = await wallet.getAccounts();
    const client = await SigningStargateClient.connectWithSigner(validators[1].rpcUrl, wallet, {
      gasPrice: GasPrice.fromString("0.025udgrid"),
    });
    const target = consAddrOf(validators[0]).hex;
    const powerAt = async (height: number) => {
      const { validators: set } = await qs!.comet.validatorsAll(height);
      const v = set.find((x) => Buffer.from(x.address).toString("hex").toUpperCase() === target);
      assert.ok(v, `validator 0 not in the set at ${height}`);
      return { power: v.votingPower, total: set.reduce((s, x) => s + x.votingPower, 0n) };
    };
    try {
      const res = await client.delegateTokens(
        from,
        valoperOf(validators[0]),
        { denom: "udgrid", amount: "50000000" },
        "auto",
      );
      assert.equal(res.code, 0, res.rawLog);
      const h = res.height;
      await waitAllHeight(validators, h + 2, 120_000);
      assert.deepEqual(await powerAt(h), { power: 100n, total: 400n });
      assert.deepEqual(await powerAt(h + 1), { power: 100n, total: 400n });
      assert.deepEqual(await powerAt(h + 2), { power: 150n, total: 450n });
      // every node agrees (read through another node's RPC)
      const other = await connectQueries(validators[2]);
      try {
        const { validators: set } = await other.comet.validatorsAll(h + 2);
        assert.equal(
          set.find((x) => Buffer.from(x.address).toString("hex").toUpperCase() === target)?.votingPower,
          150n,
        );
      } finally {
        other.disconnect();
      }
      const d = await qs.q.staking.delegation(from, valoperOf(validators[0]));
      assert.deepEqual(d.delegationResponse?.balance, { denom: "udgrid", amount: "50000000" });
      const v0 = await qs.q.staking.validator(valoperOf(validators[0]));
      assert.equal(v0.validator.tokens, "150000000");
    } finally {
      client.disconnect();
    }
  });
});
