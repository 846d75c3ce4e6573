import assert from "node:assert/strict";
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { parse as parseToml } from "smol-toml";
import { parseGenesis } from "../../chain/types/genesis.ts";
import { cli, tempHome } from "./helpers.ts";

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

// Two fixed dgrid addresses (20 zero bytes / 20 0x01 bytes).
const ADDR_A = toBech32("dgrid", new Uint8Array(20));
const ADDR_B = toBech32("dgrid", new Uint8Array(20).fill(1));

async function initHome(chainId = "test-chain-1"): Promise<string> {
  const home = tempHome();
  const r = await cli(["init", "--home", home, "--chain-id", chainId, "--moniker", "alpha"]);
  assert.equal(r.code, 0, r.stderr);
  return home;
}

describe("dgrid init", () => {
  it("writes keys, state, config and a genesis with this node as the only validator", async () => {
    const home = await initHome();
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

    const text = readFileSync(join(home, "config", "genesis.json"), "utf8");
    const doc = parseGenesis(text);
    assert.equal(doc.chain_id, "test-chain-1");
    assert.equal(doc.initial_height, "1");
    assert.ok(Math.abs(Date.parse(doc.genesis_time) - Date.now()) < 60_000, "genesis time is now");
    assert.equal(doc.validators.length, 1);
    assert.equal(doc.validators[0].address, addr);
    assert.equal(doc.validators[0].power, "10");
    assert.deepEqual(doc.validators[0].pub_key, pv.pub_key);
    assert.equal(doc.consensus_params.block.max_bytes, "22020096");
    const app = doc.app_state as any;
    assert.deepEqual(app.auth.accounts, []);
    assert.equal(app.auth.params.tx_sig_limit, "7");
    assert.deepEqual(app.bank.balances, []);
    assert.equal(app.bank.params.default_send_enabled, true);
    const meta = app.bank.denom_metadata[0];
    assert.equal(meta.base, "udgrid");
    assert.equal(meta.symbol, "DGRID");
    assert.ok(meta.denom_units.some((u: any) => u.denom === meta.display && u.exponent === 6));
  });

  it("refuses to overwrite without --overwrite, and replaces the keys with it", async () => {
    const home = await initHome();
    const before = readFileSync(join(home, "config", "priv_validator_key.json"), "utf8");
    const again = await cli(["init", "--home", home, "--chain-id", "other-1"]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists.*--overwrite/);
    assert.equal(readFileSync(join(home, "config", "priv_validator_key.json"), "utf8"), before);
    const forced = await cli(["init", "--home", home, "--chain-id", "other-1", "--overwrite", "-o", "json"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(JSON.parse(forced.stdout).chain_id, "other-1");
    assert.notEqual(readFileSync(join(home, "config", "priv_validator_key.json"), "utf8"), before);
  });

  it("rejects a bad chain id and a missing --chain-id", async () => {
    const bad = await cli(["init", "--home", tempHome(), "--chain-id", "bad chain id!"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid chain id/);
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
    doc.validators[0].address = "00".repeat(20);
    writeFileSync(path, JSON.stringify(doc));
    r = await cli(["genesis", "validate", "--home", home]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not match its pub_key/);

    r = await cli(["genesis", "validate", "--home", tempHome()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read genesis/);
  });
});
