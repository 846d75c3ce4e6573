// Regression (found by the simulation, bench/sim): a chain started from an exported genesis must keep
// slashing its validators for double signing. Slashing's InitGenesis restores the consensus address ->
// pubkey relation of every staking validator (SDK x/slashing InitGenesis iterates the validators):
// exported validators never pass through staking's afterValidatorCreated hook, and without the
// relation the evidence against them was ignored.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { MisbehaviorType } from "cosmjs-types/tendermint/abci/types";
import { address as consAddressOf } from "../../chain/types/keys.ts";
import { verifySecp256k1 } from "../../modules/auth/sigverify.ts";
import { collectGentxs, createGentx } from "../../modules/genutil/gentx.ts";
import { defaultGenesis as stakingDefault } from "../../modules/staking/genesis.ts";
import { attrs, block, CHAIN_ID, genesis, initApp, lastBlockTime, newApp, testKey } from "../app/helpers.ts";

const consKey = new Uint8Array(createHash("sha256").update("cons-import").digest());

describe("slashing after a genesis export/import", () => {
  it("double-sign evidence against an imported validator is not ignored", async () => {
    const alice = await testKey("slashing-import-alice");
    const appState: any = genesis([{ address: alice.address, coins: [{ denom: "udgrid", amount: "500000000" }] }]);
    appState.staking = stakingDefault();
    const gentx = await createGentx({
      chainId: CHAIN_ID,
      signer: alice.wallet,
      consensusPubKey: consKey,
      amount: { denom: "udgrid", amount: "100000000" },
      moniker: "alice",
    });
    const { doc } = collectGentxs({ chain_id: CHAIN_ID, validators: [{}], app_state: appState }, [gentx], {
      verifySecp256k1,
    });
    const app = newApp();
    await initApp(app, doc.app_state);
    await block(app, 1, []);
    const exported = await app.exportAppState();

    const imported = newApp();
    await initApp(imported, exported, lastBlockTime());
    await block(imported, 1, []);
    const evidence = {
      type: MisbehaviorType.DUPLICATE_VOTE,
      validator: { address: consAddressOf(consKey), power: 100n },
      height: 1n,
      time: { seconds: lastBlockTime(), nanos: 0 },
      totalVotingPower: 100n,
    };
    const res = await imported.finalizeBlock({
      txs: [],
      decidedLastCommit: { round: 0, votes: [] },
      misbehavior: [evidence],
      hash: new Uint8Array(32),
      height: 2n,
      time: { seconds: lastBlockTime() + 5n, nanos: 0 },
      nextValidatorsHash: new Uint8Array(32),
      proposerAddress: new Uint8Array(20),
    });
    await imported.commit({});
    const slashes = attrs(res.events, "slash").filter((e) => e.reason === "double_sign");
    assert.equal(slashes.length, 1, "the double sign is slashed");
    const after = (await imported.exportAppState()).slashing as {
      signing_infos: { validator_signing_info: { tombstoned: boolean } }[];
    };
    assert.equal(after.signing_infos[0].validator_signing_info.tombstoned, true);
  });
});
