// The staking and slashing CLI against a real single-validator node (gentx genesis): `dgrid tx
// staking delegate` changes the voting power CosmJS and CometBFT's `validators` report from two
// heights later; the staking queries; `query slashing signing-info|signing-infos|params`; and `tx
// slashing unjail` of a validator that is not jailed is refused with slashing's code 5 (one node
// cannot jail its only validator: the chain would halt).
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { QueryClient, setupStakingExtension } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { valoperOf } from "../../app/cli/staking-impl.ts";
import { loadPrivValidatorKey } from "../../chain/types/keys.ts";
import { consAddressToString, ed25519ConsAddress } from "../../modules/slashing/keys.ts";
import { cli, KNOWN_MNEMONIC } from "../cli/helpers.ts";
import { dgrid, waitForHeight } from "../support/node-process.ts";
import { createStakedNode, type StakedNode, until } from "../support/staked-node.ts";

describe("staking and slashing CLI on a running node", () => {
  let s: StakedNode;
  let comet: Comet38Client;
  let alice: string;
  let valoper: string;
  let ring: string[];
  let node: string[];

  before(async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(KNOWN_MNEMONIC, { prefix: "dgrid" });
    [{ address: alice }] = await wallet.getAccounts();
    s = await createStakedNode({
      accounts: [{ address: alice, coins: "1000000000udgrid" }],
      slashingParams: { signed_blocks_window: "20", min_signed_per_window: "0.5", downtime_jail_duration: "10s" },
    });
    ring = ["--home", s.node.home, "--keyring-backend", "test"];
    node = ["--node", s.node.rpcUrl];
    await dgrid(["keys", "add", "alice", "--recover", ...ring], { input: `${KNOWN_MNEMONIC}\n` });
    await s.node.start();
    comet = await Comet38Client.connect(s.node.rpcUrl);
    valoper = valoperOf(s.valAddress);
  });
  after(async () => {
    comet?.disconnect();
    await s?.node.stop();
  });

  const json = async (args: string[]) => {
    const r = await cli([...args, ...node, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  it("query staking validators|validator|pool|params show the gentx validator", async () => {
    const vals = await json(["query", "staking", "validators"]);
    assert.equal(vals.validators.length, 1);
    const v = vals.validators[0];
    assert.equal(v.operator_address, valoper);
    assert.equal(v.status, "BOND_STATUS_BONDED");
    assert.equal(v.tokens, "100000000");
    assert.equal(v.delegator_shares, "100000000.000000000000000000");
    assert.equal(v.commission.commission_rates.rate, "0.100000000000000000");
    const consKey = loadPrivValidatorKey(`${s.node.home}/config/priv_validator_key.json`).pubKey;
    assert.deepEqual(v.consensus_pubkey, {
      "@type": "/cosmos.crypto.ed25519.PubKey",
      key: Buffer.from(consKey).toString("base64"),
    });
    assert.deepEqual((await json(["query", "staking", "validator", valoper])).validator, v);
    assert.equal((await json(["query", "staking", "validators", "--status", "unbonded"])).validators.length, 0);
    assert.equal((await json(["query", "staking", "pool"])).pool.bonded_tokens, "100000000");
    const params = (await json(["query", "staking", "params"])).params;
    assert.equal(params.bond_denom, "udgrid");
    assert.equal(params.unbonding_time, "1814400s");
    const missing = await cli(["query", "staking", "validator", valoperOf(alice), ...node]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not found/);
  });

  it("tx staking delegate changes the voting power CosmJS and RPC validators report two heights later", async () => {
    // a real subprocess, as a user runs it
    const out = await dgrid([
      "tx",
      "staking",
      "delegate",
      valoper,
      "25000000udgrid",
      "--from",
      "alice",
      "--gas",
      "auto",
      "--broadcast-mode",
      "block",
      "-y",
      "-o",
      "json",
      ...ring,
      ...node,
    ]);
    const res = JSON.parse(out.stdout);
    assert.equal(res.code, 0, res.raw_log);
    const h = Number(res.height);
    assert.ok(h > 0);

    await waitForHeight(s.node.rpcUrl, h + 2);
    assert.equal((await comet.validators({ height: h })).validators[0].votingPower, 100n);
    assert.equal((await comet.validators({ height: h + 1 })).validators[0].votingPower, 100n);
    assert.equal((await comet.validators({ height: h + 2 })).validators[0].votingPower, 125n);
    const qc = QueryClient.withExtensions(comet, setupStakingExtension);
    const { validators } = await qc.staking.validators("BOND_STATUS_BONDED");
    assert.equal(validators[0].tokens, "125000000");

    const d = await json(["query", "staking", "delegation", alice, valoper]);
    assert.deepEqual(d.delegation_response.balance, { denom: "udgrid", amount: "25000000" });
    assert.equal(d.delegation_response.delegation.shares, "25000000.000000000000000000");
    const ds = await json(["query", "staking", "delegations", alice]);
    assert.equal(ds.delegation_responses.length, 1);
    assert.equal(ds.pagination.total, "1");

    // unbond part of it; the unbonding entry shows up and the power drops two heights later
    const un = await json([
      "tx",
      "staking",
      "unbond",
      valoper,
      "5000000udgrid",
      "--from",
      "alice",
      "--gas",
      "auto",
      "--broadcast-mode",
      "block",
      "-y",
      ...ring,
    ]);
    assert.equal(un.code, 0, un.raw_log);
    await waitForHeight(s.node.rpcUrl, Number(un.height) + 2);
    assert.equal((await comet.validators({ height: Number(un.height) + 2 })).validators[0].votingPower, 120n);
    const ubd = await json(["query", "staking", "unbonding-delegations", alice]);
    assert.equal(ubd.unbonding_responses[0].entries[0].balance, "5000000");
    assert.equal(ubd.unbonding_responses[0].entries[0].creation_height, un.height);

    // cancel it: the tokens are delegated again
    const cancel = await json([
      "tx",
      "staking",
      "cancel-unbond",
      valoper,
      "5000000udgrid",
      un.height,
      "--from",
      "alice",
      "--gas",
      "auto",
      "--broadcast-mode",
      "block",
      "-y",
      ...ring,
    ]);
    assert.equal(cancel.code, 0, cancel.raw_log);
    const d2 = await json(["query", "staking", "delegation", alice, valoper]);
    assert.equal(d2.delegation_response.balance.amount, "25000000");
  });

  it("query slashing signing-info shows the validator's info; unjail of a non-jailed validator is refused (slashing 5)", async () => {
    const consKey = loadPrivValidatorKey(`${s.node.home}/config/priv_validator_key.json`).pubKey;
    const valcons = consAddressToString(ed25519ConsAddress(consKey));
    const byAddr = (await json(["query", "slashing", "signing-info", valcons])).val_signing_info;
    assert.equal(byAddr.address, valcons);
    assert.equal(byAddr.tombstoned, false);
    assert.equal(byAddr.missed_blocks_counter, "0");
    assert.equal(byAddr.jailed_until, "1970-01-01T00:00:00Z");
    assert.ok(Number(byAddr.index_offset) > 0);
    const pkJson = JSON.stringify({
      "@type": "/cosmos.crypto.ed25519.PubKey",
      key: Buffer.from(consKey).toString("base64"),
    });
    assert.equal((await json(["query", "slashing", "signing-info", pkJson])).val_signing_info.address, valcons);
    assert.equal((await json(["query", "slashing", "signing-info", valoper])).val_signing_info.address, valcons);
    const all = await json(["query", "slashing", "signing-infos"]);
    assert.deepEqual(
      all.info.map((i: { address: string }) => i.address),
      [valcons],
    );
    const params = (await json(["query", "slashing", "params"])).params;
    assert.equal(params.signed_blocks_window, "20");
    assert.equal(params.min_signed_per_window, "0.500000000000000000");

    const r = await cli([
      "tx",
      "slashing",
      "unjail",
      "--from",
      "val",
      "--broadcast-mode",
      "block",
      "-y",
      "-o",
      "json",
      ...ring,
      ...node,
    ]);
    assert.equal(r.code, 1);
    const res = JSON.parse(r.stdout);
    assert.equal(res.code, 5, res.raw_log);
    assert.equal(res.codespace, "slashing");
    assert.match(res.raw_log, /not jailed/);
    const v = (await json(["query", "staking", "validator", valoper])).validator;
    assert.equal(v.jailed, false);
    assert.equal(v.status, "BOND_STATUS_BONDED");
  });

  it("create-validator, edit-validator, redelegate; a second validator that never signs is jailed for downtime and can unjail after the jail time", async (t) => {
    const tx = (...args: string[]) =>
      json(["tx", ...args, "--from", "alice", "--gas", "auto", "--broadcast-mode", "block", "-y", ...ring]);
    const { publicKey } = generateKeyPairSync("ed25519");
    const key = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url");
    const file = join(s.node.home, "ghost.json");
    writeFileSync(
      file,
      JSON.stringify({
        pubkey: { "@type": "/cosmos.crypto.ed25519.PubKey", key: key.toString("base64") },
        amount: "2000000udgrid",
        moniker: "ghost",
        website: "https://ghost.example",
        "commission-rate": "0.05",
        "min-self-delegation": "1",
      }),
    );
    const created = await tx("staking", "create-validator", file);
    assert.equal(created.code, 0, created.raw_log);
    const ghost = valoperOf(alice);
    const edited = await tx("staking", "edit-validator", "--new-moniker", "ghost2", "--details", "never signs");
    assert.equal(edited.code, 0, edited.raw_log);
    const redel = await tx("staking", "redelegate", valoper, ghost, "1000000udgrid");
    assert.equal(redel.code, 0, redel.raw_log);

    const v = (await json(["query", "staking", "validator", ghost])).validator;
    assert.equal(v.description.moniker, "ghost2");
    assert.equal(v.description.details, "never signs");
    assert.equal(v.description.website, "https://ghost.example");
    assert.equal(v.commission.commission_rates.rate, "0.050000000000000000");
    assert.equal(v.tokens, "3000000");
    assert.equal((await json(["query", "staking", "validators"])).validators.length, 2);

    // the ghost's consensus key never signs: after the window it is jailed (the real validator has
    // more than 2/3 of the power, so blocks continue) and slashed by slash_fraction_downtime (1%)
    const valcons = consAddressToString(ed25519ConsAddress(key));
    const jailed = await until("the ghost validator to be jailed", async () => {
      const g = (await json(["query", "staking", "validator", ghost])).validator;
      return g.jailed ? g : undefined;
    });
    assert.notEqual(jailed.status, "BOND_STATUS_BONDED");
    assert.ok(BigInt(jailed.tokens) < 3_000_000n && BigInt(jailed.tokens) >= 2_970_000n, jailed.tokens);
    const info = (await json(["query", "slashing", "signing-info", valcons])).val_signing_info;
    assert.equal(info.tombstoned, false);
    const jailedUntil = Date.parse(info.jailed_until);
    assert.ok(jailedUntil > 0);

    // unjail before jailed_until is refused with slashing 4, after it succeeds (block time decides)
    const early = await cli([
      "tx",
      "slashing",
      "unjail",
      "--from",
      "alice",
      "--broadcast-mode",
      "block",
      "-y",
      "-o",
      "json",
      ...ring,
      ...node,
    ]);
    const earlyRes = JSON.parse(early.stdout);
    const earlyTime = Date.parse((await comet.block(Number(earlyRes.height))).block.header.time.toISOString());
    if (earlyTime < jailedUntil) {
      assert.equal(early.code, 1);
      assert.deepEqual([earlyRes.code, earlyRes.codespace], [4, "slashing"], earlyRes.raw_log);
      t.diagnostic("unjail before jailed_until refused with slashing 4");
      await until("block time past jailed_until", async () =>
        (await comet.block()).block.header.time.getTime() > jailedUntil ? true : undefined,
      );
      const late = await tx("slashing", "unjail");
      assert.equal(late.code, 0, late.raw_log);
    } else {
      t.diagnostic("the first unjail already came after jailed_until");
      assert.equal(earlyRes.code, 0, earlyRes.raw_log);
    }
    assert.equal((await json(["query", "staking", "validator", ghost])).validator.jailed, false);
    // the real validator is untouched
    const real = (await json(["query", "slashing", "signing-info", valoper])).val_signing_info;
    assert.equal(real.missed_blocks_counter, "0");
  });
});
