// The staking / slashing CLI without a node (argument checks, messages), and the proposal message
// types the gov CLI knows (every module's MsgUpdateParams, MsgDelistModel, upgrade plans).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { MsgUnjail } from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import type { MsgCreateValidator, MsgEditValidator } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { messageToAny, PROPOSAL_MSG_TYPES } from "../../app/cli/gov-impl.ts";
import {
  cancelUnbondMsg,
  createValidatorMsg,
  delegateMsg,
  editValidatorMsg,
  unjailMsg,
  valoperOf,
} from "../../app/cli/staking-impl.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { MsgUpdateParams as InferenceMsgUpdateParams } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import { MsgDelistModel } from "../../proto/gen/dgrid/registry/v1/tx.ts";
import { cli, tempHome } from "./helpers.ts";

const GOV = moduleAddress("gov");
const ADDR = moduleAddress("someone");

describe("dgrid tx/query staking and slashing (offline)", () => {
  it("lists the staking and slashing commands", async () => {
    const tx = await cli(["tx", "staking", "--help"]);
    for (const c of ["create-validator", "edit-validator", "delegate", "redelegate", "unbond", "cancel-unbond"])
      assert.match(tx.stdout, new RegExp(`\\b${c}\\b`));
    assert.match((await cli(["tx", "slashing", "--help"])).stdout, /\bunjail\b/);
    const q = await cli(["query", "staking", "--help"]);
    for (const c of ["validators", "validator", "delegation", "delegations", "unbonding-delegations", "pool", "params"])
      assert.match(q.stdout, new RegExp(`\\b${c}\\b`));
    const qs = await cli(["query", "slashing", "--help"]);
    for (const c of ["signing-info", "signing-infos", "params"]) assert.match(qs.stdout, new RegExp(`\\b${c}\\b`));
  });

  it("refuses bad arguments before touching the keyring or the network", async () => {
    const home = tempHome();
    const bad = await cli(["tx", "staking", "delegate", ADDR, "100udgrid", "--from", "x", "--home", home, "-y"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid validator address/);
    const amt = await cli(["tx", "staking", "unbond", valoperOf(ADDR), "1udgrid,2uother", "--from", "x", "-y"]);
    assert.equal(amt.code, 1);
    assert.match(amt.stderr, /single coin/);
    const noFrom = await cli(["tx", "slashing", "unjail", "--home", home, "-y"]);
    assert.equal(noFrom.code, 1);
    assert.match(noFrom.stderr, /--from/);
    const st = await cli(["query", "staking", "validators", "--status", "sleepy", "--node", "http://127.0.0.1:1"]);
    assert.equal(st.code, 1);
    assert.match(st.stderr, /invalid status/);
    assert.throws(() => cancelUnbondMsg(valoperOf(ADDR), "5udgrid", "0"), /creation height/);
  });

  it("builds the messages with the signer's operator address", () => {
    const val = valoperOf(ADDR);
    assert.match(val, /^dgridvaloper1/);
    assert.deepEqual(delegateMsg(val, "5udgrid")(ADDR).value, {
      delegatorAddress: ADDR,
      validatorAddress: val,
      amount: { denom: "udgrid", amount: "5" },
    });
    assert.equal((unjailMsg()(ADDR).value as MsgUnjail).validatorAddr, val);
    const edit = editValidatorMsg({ newMoniker: "m2", commissionRate: "0.15" })(ADDR).value as MsgEditValidator;
    assert.equal(edit.description?.moniker, "m2");
    assert.equal(edit.description?.website, "[do-not-modify]");
    assert.equal(edit.commissionRate, "150000000000000000");
    assert.equal(edit.minSelfDelegation, "");

    const file = join(tempHome(), "validator.json");
    writeFileSync(
      file,
      JSON.stringify({
        pubkey: { "@type": "/cosmos.crypto.ed25519.PubKey", key: Buffer.alloc(32, 7).toString("base64") },
        amount: "1000000udgrid",
        moniker: "v2",
        "commission-rate": "0.05",
        "min-self-delegation": "10",
      }),
    );
    const cv = createValidatorMsg(file)(ADDR).value as MsgCreateValidator;
    assert.equal(cv.validatorAddress, val);
    assert.equal(cv.commission?.rate, "50000000000000000");
    assert.equal(cv.minSelfDelegation, "10");
    assert.equal(cv.pubkey?.typeUrl, "/cosmos.crypto.ed25519.PubKey");
    writeFileSync(file, JSON.stringify({ pubkey: { "@type": "/x", key: "" }, amount: "1udgrid", moniker: "m" }));
    assert.throws(() => createValidatorMsg(file), /pubkey/);
  });

  it("the gov CLI knows every module's MsgUpdateParams, MsgDelistModel and the upgrade messages", () => {
    const known = new Set(PROPOSAL_MSG_TYPES.map(([t]) => t));
    for (const t of [
      "/cosmos.bank.v1beta1.MsgUpdateParams",
      "/cosmos.auth.v1beta1.MsgUpdateParams",
      "/cosmos.staking.v1beta1.MsgUpdateParams",
      "/cosmos.slashing.v1beta1.MsgUpdateParams",
      "/cosmos.gov.v1.MsgUpdateParams",
      "/cosmos.consensus.v1.MsgUpdateParams",
      "/dgrid.registry.v1.MsgUpdateParams",
      "/dgrid.inference.v1.MsgUpdateParams",
      "/dgrid.reputation.v1.MsgUpdateParams",
      "/dgrid.registry.v1.MsgDelistModel",
      "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade",
      "/cosmos.upgrade.v1beta1.MsgCancelUpgrade",
    ])
      assert.ok(known.has(t), t);

    // a proposal file's SDK JSON (snake_case) for a dgrid message decodes to the right fields
    const inf = messageToAny(
      {
        "@type": "/dgrid.inference.v1.MsgUpdateParams",
        authority: GOV,
        params: { default_redundancy: 5, max_redundancy: 9 },
      },
      0,
    );
    const decoded = InferenceMsgUpdateParams.decode(inf.value);
    assert.equal(decoded.authority, GOV);
    assert.equal(decoded.params?.defaultRedundancy, 5);
    assert.equal(decoded.params?.maxRedundancy, 9);
    const delist = messageToAny({ "@type": "/dgrid.registry.v1.MsgDelistModel", authority: GOV, model_id: "m1" }, 0);
    assert.equal(MsgDelistModel.decode(delist.value).authority, GOV);
    const staking = messageToAny(
      {
        "@type": "/cosmos.staking.v1beta1.MsgUpdateParams",
        authority: GOV,
        params: { unbonding_time: "60s", max_validators: 7, bond_denom: "udgrid" },
      },
      0,
    );
    assert.ok(staking.value.length > 0);
  });
});
