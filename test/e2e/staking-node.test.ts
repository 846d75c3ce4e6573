// A real node whose only validator comes from a gentx (init, keys add, add-account, gentx,
// collect-gentxs, start); an unmodified CosmJS client delegates with delegateTokens, and the
// validator's voting power that CometBFT's `validators` reports changes two heights later.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, QueryClient, SigningStargateClient, setupStakingExtension } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { loadPrivValidatorKey } from "../../chain/types/keys.ts";
import { KNOWN_MNEMONIC } from "../cli/helpers.ts";
import { createTestNode, dgrid, type TestNode, waitForHeight } from "../support/node-process.ts";

describe("staking on a running node", () => {
  let node: TestNode | undefined;
  after(async () => {
    await node?.stop();
  });

  it("gentx validator set; CosmJS delegateTokens changes the power from the right height", async () => {
    const delegator = await DirectSecp256k1HdWallet.fromMnemonic(KNOWN_MNEMONIC, { prefix: "dgrid" });
    const [del] = await delegator.getAccounts();
    node = await createTestNode({ accounts: [{ address: del.address, coins: "1000000000udgrid" }], validator: false });
    const h = node.home;
    const key = JSON.parse(
      (await dgrid(["keys", "add", "val", "--home", h, "--keyring-backend", "test", "-o", "json"])).stdout,
    );
    await dgrid(["genesis", "add-account", "--home", h, key.address, "500000000udgrid"]);
    await dgrid(["genesis", "gentx", "--home", h, "val", "100000000udgrid", "--keyring-backend", "test"]);
    await dgrid(["genesis", "collect-gentxs", "--home", h]);
    await node.start();

    const comet = await Comet38Client.connect(node.rpcUrl);
    const consKey = loadPrivValidatorKey(`${h}/config/priv_validator_key.json`).pubKey;
    const vals0 = await comet.validatorsAll();
    assert.equal(vals0.validators.length, 1);
    assert.deepEqual(vals0.validators[0].pubkey?.data, consKey);
    assert.equal(vals0.validators[0].votingPower, 100n);

    const qc = QueryClient.withExtensions(comet, setupStakingExtension);
    const { validators } = await qc.staking.validators("BOND_STATUS_BONDED");
    assert.equal(validators.length, 1);
    const valoper = validators[0].operatorAddress;

    const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, delegator, {
      gasPrice: GasPrice.fromString("0.025udgrid"),
    });
    const res = await client.delegateTokens(del.address, valoper, { denom: "udgrid", amount: "50000000" }, "auto");
    assert.equal(res.code, 0, res.rawLog);
    const hTx = res.height;
    // the update from EndBlock of height H is in force from H+2 (CometBFT)
    const at1 = await comet.validators({ height: hTx + 1 });
    assert.equal(at1.validators[0].votingPower, 100n);
    await waitForHeight(node.rpcUrl, hTx + 2);
    const at2 = await comet.validators({ height: hTx + 2 });
    assert.equal(at2.validators[0].votingPower, 150n);
    const d = await qc.staking.delegation(del.address, valoper);
    assert.deepEqual(d.delegationResponse?.balance, { denom: "udgrid", amount: "50000000" });

    const un = await client.undelegateTokens(del.address, valoper, { denom: "udgrid", amount: "20000000" }, "auto");
    assert.equal(un.code, 0, un.rawLog);
    await waitForHeight(node.rpcUrl, un.height + 2);
    assert.equal((await comet.validators({ height: un.height + 2 })).validators[0].votingPower, 130n);
    const ubd = await qc.staking.unbondingDelegation(del.address, valoper);
    assert.equal(ubd.unbond.entries[0].balance, "20000000");
    client.disconnect();
    comet.disconnect();
  });
});
