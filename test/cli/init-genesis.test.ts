import assert from "node:assert/strict";
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { parse as parseToml } from "smol-toml";
import { parseGenesis } from "../../chain/types/genesis.ts";
import { initChainFromGenesisDoc } from "./app-node.ts";
import { cli, tempHome } from "./helpers.ts";

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

// Two fixed dgrid addresses (20 zero bytes / 20 0x01 bytes).
const ADDR_A = toBech32("dgrid", new Uint8Array(20));
const ADDR_B = toBech32("dgrid", new Uint8Array(20).fill(1));

/** a home whose genesis has no validators (the genesis commands' tests add accounts to it) */
async function initHome(chainId = "test-chain-1"): Promise<string> {
  const home = tempHome();
  const r = await cli(["init", "--home", home, "--chain-id", chainId, "--moniker", "alpha", "--no-validator"]);
  assert.equal(r.code, 0, r.stderr);
  return home;
}

describe("dgrid init", () => {
  it("writes keys, state and config; the node is the genesis validator through a collected gentx", async () => {
    const home = tempHome();
    const r = await cli([
      "init",
      "--home",
      home,
      "--chain-id",
      "test-chain-1",
      "--moniker",
      "alpha",
      "--keyring-backend",
      "test",
      "--voting-period",
      "1m",
      "-o",
      "json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const pv = readJson(join(home, "config", "priv_validator_key.json"));
    assert.equal(pv.pub_key.type, "tendermint/PubKeyEd25519");
    assert.equal(pv.priv_key.type, "tendermint/PrivKeyEd25519");
    const pub = Buffer.from(pv.pub_key.value, "base64");
    const priv = Buffer.from(pv.priv_key.value, "base64");
    assert.equal(pub.length, 32);
    assert.equal(priv.length, 64);
    assert.deepEqual(priv.subarray(32), pub, "priv key is seed || pubkey");
    // The seed really derives the public key (independently of the code under test).
    const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), priv.subarray(0, 32)]);
    const spki = createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" })).export({
      format: "der",
      type: "spki",
    });
    assert.deepEqual(spki.subarray(-32), pub);
    const addr = createHash("sha256").update(pub).digest().subarray(0, 20).toString("hex").toUpperCase();
    assert.equal(pv.address, addr);
    assert.equal(out.validator_address, addr);

    const nodeKey = readJson(join(home, "config", "node_key.json"));
    assert.equal(nodeKey.priv_key.type, "tendermint/PrivKeyEd25519");
    assert.equal(Buffer.from(nodeKey.priv_key.value, "base64").length, 64);
    assert.notEqual(nodeKey.priv_key.value, pv.priv_key.value);

    assert.deepEqual(readJson(join(home, "data", "priv_validator_state.json")), { height: "0", round: 0, step: 0 });

    // the TOML files (CometBFT's config.toml, the SDK's app.toml), read independently of the loader
    const cfg = parseToml(readFileSync(join(home, "config", "config.toml"), "utf8")) as any;
    assert.equal(cfg.moniker, "alpha");
    assert.match(cfg.rpc.laddr, /^tcp:\/\//);
    assert.ok(cfg.p2p.laddr);
    assert.ok(cfg.mempool.size > 0);
    assert.match(cfg.consensus.timeout_commit, /^\d+m?s$/);
    assert.ok(cfg.log_level);
    const appToml = parseToml(readFileSync(join(home, "config", "app.toml"), "utf8")) as any;
    assert.match(appToml["minimum-gas-prices"], /udgrid$/);
    assert.equal(existsSync(join(home, "config", "config.json")), false);
    // the node signs MsgServeModel with the operator key
    assert.equal(appToml.inference["operator-key"], "validator");
    assert.equal(appToml.inference["keyring-backend"], "test");

    // the operator key is in the keyring, and the command said what it made
    const shown = await cli(["keys", "show", "validator", "-a", "--home", home, "--keyring-backend", "test"]);
    assert.equal(shown.stdout.trim(), out.validator.address);
    assert.equal(out.validator.key_status, "created");
    assert.equal(out.validator.mnemonic.split(" ").length, 24);
    assert.equal(out.validator.self_delegation, "100000000udgrid");

    const text = readFileSync(join(home, "config", "genesis.json"), "utf8");
    const doc = parseGenesis(text);
    assert.equal(doc.chain_id, "test-chain-1");
    assert.equal(doc.initial_height, "1");
    assert.ok(Math.abs(Date.parse(doc.genesis_time) - Date.now()) < 60_000, "genesis time is now");
    assert.deepEqual(doc.validators, [], "the set comes from the gentx at InitChain");
    assert.equal(doc.consensus_params.block.max_bytes, "22020096");
    assert.equal(doc.consensus_params.abci.vote_extensions_enable_height, "2", "inference needs vote extensions");
    const app = doc.app_state as any;
    assert.deepEqual(
      app.auth.accounts.map((a: any) => a.address),
      [out.validator.address],
    );
    assert.deepEqual(app.bank.balances, [
      { address: out.validator.address, coins: [{ denom: "udgrid", amount: "1000000000" }] },
    ]);
    assert.equal(app.auth.params.tx_sig_limit, "7");
    assert.equal(app.bank.params.default_send_enabled, true);
    const meta = app.bank.denom_metadata[0];
    assert.equal(meta.base, "udgrid");
    assert.equal(meta.symbol, "DGRID");
    assert.ok(meta.denom_units.some((u: any) => u.denom === meta.display && u.exponent === 6));
    assert.equal(app.gov.params.voting_period, "60s");
    assert.equal(app.gov.params.max_deposit_period, "60s");
    assert.equal(app.gov.params.expedited_voting_period, "30s");
    assert.equal(app.genutil.gen_txs.length, 1);
    const create = app.genutil.gen_txs[0].body.messages[0];
    assert.equal(create.pubkey.key, pv.pub_key.value);
    assert.equal(create.validator_address, out.validator.operator_address);
    assert.equal(readdirSync(join(home, "config", "gentx")).length, 1);

    const v = await cli(["genesis", "validate", "--home", home]);
    assert.equal(v.code, 0, v.stderr);
    const init = await initChainFromGenesisDoc(doc);
    assert.equal(init.validators.length, 1);
    assert.deepEqual(Buffer.from(init.validators[0].pubKey?.ed25519 ?? []), pub);
    assert.equal(init.validators[0].power, 100n);
  });

  it("prints what it did; --no-validator leaves the genesis without validators or accounts", async () => {
    const home = tempHome();
    const r = await cli(["init", "--home", home, "--chain-id", "c-1", "--keyring-backend", "test"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /validator key: +"validator" \(created, test keyring\) dgrid1/);
    assert.match(r.stdout, /its gentx bonds 100000000udgrid/);
    assert.match(r.stdout, /voting period: +172800s/);
    assert.match(r.stderr, /mnemonic/);

    const bare = tempHome();
    const n = await cli(["init", "--home", bare, "--chain-id", "c-2", "--no-validator"]);
    assert.equal(n.code, 0, n.stderr);
    assert.match(n.stdout, /validators: +none yet/);
    const doc = readJson(join(bare, "config", "genesis.json"));
    assert.deepEqual(doc.validators, []);
    assert.deepEqual(doc.app_state.auth.accounts, []);
    assert.equal(doc.app_state.genutil, undefined);
    const appToml = parseToml(readFileSync(join(bare, "config", "app.toml"), "utf8")) as any;
    assert.equal(appToml.inference["operator-key"], "");
  });

  it("a file keyring without a passphrase fails before anything is written", async () => {
    const home = tempHome();
    const r = await cli(["init", "--home", home, "--chain-id", "c-3"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /validator key "validator": the file keyring needs a passphrase.*--no-validator/);
    assert.equal(existsSync(join(home, "config")), false);
    const bad = await cli([
      "init",
      "--home",
      home,
      "--chain-id",
      "c-3",
      "--self-delegation",
      "5udgrid",
      "--validator-balance",
      "4udgrid",
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /does not cover --self-delegation/);
  });

  it("refuses to overwrite without --overwrite, and replaces the keys with it (reusing the operator key)", async () => {
    const home = tempHome();
    const ring = ["--keyring-backend", "test"];
    const first = await cli(["init", "--home", home, "--chain-id", "test-chain-1", ...ring, "-o", "json"]);
    assert.equal(first.code, 0, first.stderr);
    const before = readFileSync(join(home, "config", "priv_validator_key.json"), "utf8");
    const again = await cli(["init", "--home", home, "--chain-id", "other-1", ...ring]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists.*--overwrite/);
    assert.equal(readFileSync(join(home, "config", "priv_validator_key.json"), "utf8"), before);
    const forced = await cli(["init", "--home", home, "--chain-id", "other-1", "--overwrite", ...ring, "-o", "json"]);
    assert.equal(forced.code, 0, forced.stderr);
    const out = JSON.parse(forced.stdout);
    assert.equal(out.chain_id, "other-1");
    assert.equal(out.validator.key_status, "reused");
    assert.equal(out.validator.address, JSON.parse(first.stdout).validator.address);
    assert.notEqual(readFileSync(join(home, "config", "priv_validator_key.json"), "utf8"), before);
    // the old node's gentx is gone: collect-gentxs finds only the new one
    assert.equal(readdirSync(join(home, "config", "gentx")).length, 1);
    const c = await cli(["genesis", "collect-gentxs", "--home", home]);
    assert.equal(c.code, 0, c.stderr);
  });

  it("rejects a bad chain id, a bad voting period and a missing --chain-id", async () => {
    const bad = await cli(["init", "--home", tempHome(), "--chain-id", "bad chain id!"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid chain id/);
    const period = await cli(["init", "--home", tempHome(), "--chain-id", "c-4", "--voting-period", "soon"]);
    assert.equal(period.code, 1);
    assert.match(period.stderr, /invalid --voting-period "soon"/);
    const missing = await cli(["init", "--home", tempHome()]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /--chain-id/);
  });
});

describe("dgrid genesis", () => {
  it("add-account adds accounts with sequential numbers, balances and supply; validate accepts it", async () => {
    const home = await initHome();
    let r = await cli(["genesis", "add-account", "--home", home, ADDR_B, "1000000udgrid,5stake"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `added genesis account ${ADDR_B} with 5stake,1000000udgrid to ${join(home, "config", "genesis.json")}\n`,
    );
    r = await cli(["genesis", "add-account", "--home", home, ADDR_A, "250udgrid"]);
    assert.equal(r.code, 0, r.stderr);
    const app = readJson(join(home, "config", "genesis.json")).app_state;
    assert.deepEqual(app.auth.accounts, [
      {
        "@type": "/cosmos.auth.v1beta1.BaseAccount",
        address: ADDR_B,
        pub_key: null,
        account_number: "0",
        sequence: "0",
      },
      {
        "@type": "/cosmos.auth.v1beta1.BaseAccount",
        address: ADDR_A,
        pub_key: null,
        account_number: "1",
        sequence: "0",
      },
    ]);
    // Balances sorted by address bytes (A = 0x00.., B = 0x01..), coins sorted by denom.
    assert.deepEqual(app.bank.balances, [
      { address: ADDR_A, coins: [{ denom: "udgrid", amount: "250" }] },
      {
        address: ADDR_B,
        coins: [
          { denom: "stake", amount: "5" },
          { denom: "udgrid", amount: "1000000" },
        ],
      },
    ]);
    assert.deepEqual(app.bank.supply, [
      { denom: "stake", amount: "5" },
      { denom: "udgrid", amount: "1000250" },
    ]);
    const v = await cli(["genesis", "validate", "--home", home]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /valid genesis file/);
  });

  it("refuses duplicates, bad addresses and bad coins with clear messages", async () => {
    const home = await initHome();
    assert.equal((await cli(["genesis", "add-account", "--home", home, ADDR_A, "1udgrid"])).code, 0);
    const cases: [string[], RegExp][] = [
      [[ADDR_A, "5udgrid"], /existing address/],
      [[toBech32("cosmos", new Uint8Array(20)), "5udgrid"], /prefix "dgrid"/],
      [[`${ADDR_A.slice(0, -1)}${ADDR_A.endsWith("q") ? "p" : "q"}`, "5udgrid"], /invalid address.*checksum/i],
      [[ADDR_B, "lots"], /invalid coins/],
      [[ADDR_B, "0udgrid"], /zero amount/],
      [[ADDR_B, "5udgrid,6udgrid"], /duplicate denom/],
      [[ADDR_B, "5udgrid,"], /invalid coins/],
      [["no-such-key", "5udgrid"], /neither a valid dgrid address nor a key/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(["genesis", "add-account", "--home", home, "--keyring-backend", "test", ...args]);
      assert.equal(r.code, 1, `${args.join(" ")} should fail`);
      assert.match(r.stderr, re, args.join(" "));
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
    const app = readJson(join(home, "config", "genesis.json")).app_state;
    assert.equal(app.auth.accounts.length, 1, "failed commands changed nothing");
  });

  it("add-account resolves a keyring key name", async () => {
    const home = await initHome();
    const add = await cli(["keys", "add", "val", "--home", home, "--keyring-backend", "test", "-o", "json"]);
    assert.equal(add.code, 0, add.stderr);
    const { address } = JSON.parse(add.stdout);
    const r = await cli(["genesis", "add-account", "--home", home, "--keyring-backend", "test", "val", "7udgrid"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readJson(join(home, "config", "genesis.json")).app_state.auth.accounts[0].address, address);
  });

  it("validate rejects a wrong supply, a bad validator address and a missing genesis", async () => {
    const home = await initHome();
    await cli(["genesis", "add-account", "--home", home, ADDR_A, "100udgrid"]);
    const path = join(home, "config", "genesis.json");
    const doc = readJson(path);
    doc.app_state.bank.supply = [{ denom: "udgrid", amount: "99" }];
    writeFileSync(path, JSON.stringify(doc));
    let r = await cli(["genesis", "validate", "--home", home]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /supply/);

    doc.app_state.bank.supply = [{ denom: "udgrid", amount: "100" }];
    const pv = readJson(join(home, "config", "priv_validator_key.json"));
    doc.validators = [{ address: "00".repeat(20), pub_key: pv.pub_key, power: "10", name: "alpha" }];
    writeFileSync(path, JSON.stringify(doc));
    r = await cli(["genesis", "validate", "--home", home]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not match its pub_key/);

    r = await cli(["genesis", "validate", "--home", tempHome()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read genesis/);
  });
});
