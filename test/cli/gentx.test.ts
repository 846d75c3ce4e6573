// `dgrid genesis gentx` / `collect-gentxs` over real homes, and buildGenesisWithGentxs: the genesis
// they produce starts an app whose InitChain validator set is the gentxs' validators.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { buildGenesisWithGentxs } from "../../app/cli/gentx.ts";
import { Ed25519Key, loadPrivValidatorKey } from "../../chain/types/keys.ts";
import { initChainFromGenesisDoc } from "./app-node.ts";
import { cli, tempHome } from "./helpers.ts";

const TEST = ["--keyring-backend", "test"];

async function home(chainId: string, moniker: string): Promise<{ home: string; address: string }> {
  const h = tempHome();
  let r = await cli(["init", "--home", h, "--chain-id", chainId, "--moniker", moniker, "--no-validator"]);
  assert.equal(r.code, 0, r.stderr);
  r = await cli(["keys", "add", "val", "--home", h, ...TEST, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const address = JSON.parse(r.stdout).address as string;
  return { home: h, address };
}

function readJson(p: string): any {
  return JSON.parse(readFileSync(p, "utf8"));
}

describe("genesis gentx / collect-gentxs", () => {
  it("two homes: gentx each, collect into one genesis; InitChain returns both validators", async () => {
    const chainId = "gentx-chain-1";
    const a = await home(chainId, "alpha");
    const b = await home(chainId, "beta");
    for (const who of [a, b]) {
      const r = await cli(["genesis", "add-account", "--home", a.home, who.address, "1000000000udgrid"]);
      assert.equal(r.code, 0, r.stderr);
    }
    // b signs against a copy of a's genesis (same chain id, accounts funded)
    copyFileSync(join(a.home, "config", "genesis.json"), join(b.home, "config", "genesis.json"));
    let r = await cli(["genesis", "gentx", "--home", a.home, "val", "100000000udgrid", "--chain-id", chainId, ...TEST]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Genesis transaction written to/);
    r = await cli([
      "genesis",
      "gentx",
      "--home",
      b.home,
      "val",
      "250000000udgrid",
      ...TEST,
      "--commission-rate",
      "0.05",
      "--moniker",
      "beta-validator",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const bFiles = readdirSync(join(b.home, "config", "gentx"));
    assert.equal(bFiles.length, 1);
    assert.match(bFiles[0], /^gentx-[0-9a-f]{40}\.json$/);
    copyFileSync(join(b.home, "config", "gentx", bFiles[0]), join(a.home, "config", "gentx", bFiles[0]));
    const gentx = readJson(join(b.home, "config", "gentx", bFiles[0]));
    assert.equal(gentx.body.messages[0].description.moniker, "beta-validator");
    assert.equal(gentx.body.messages[0].commission.rate, "0.050000000000000000");
    assert.match(gentx.body.memo, /^[0-9a-f]{40}@127\.0\.0\.1:26656$/);

    r = await cli(["genesis", "collect-gentxs", "--home", a.home, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).gentxs, 2);
    const doc = readJson(join(a.home, "config", "genesis.json"));
    assert.equal(doc.app_state.genutil.gen_txs.length, 2);
    assert.deepEqual(doc.validators, []);
    r = await cli(["genesis", "validate", "--home", a.home]);
    assert.equal(r.code, 0, r.stderr);

    const init = await initChainFromGenesisDoc(doc);
    const keyA = loadPrivValidatorKey(join(a.home, "config", "priv_validator_key.json")).pubKey;
    const keyB = loadPrivValidatorKey(join(b.home, "config", "priv_validator_key.json")).pubKey;
    const got = new Map(init.validators.map((u) => [Buffer.from(u.pubKey?.ed25519 ?? []).toString("hex"), u.power]));
    assert.equal(got.get(Buffer.from(keyA).toString("hex")), 100n);
    assert.equal(got.get(Buffer.from(keyB).toString("hex")), 250n);
    assert.equal(got.size, 2);
  });

  it("gentx refuses an unfunded key and a wrong chain id; collect-gentxs with no files fails", async () => {
    const a = await home("gentx-chain-2", "alpha");
    let r = await cli(["genesis", "gentx", "--home", a.home, "val", "100udgrid", ...TEST]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /balance not in genesis state/);
    r = await cli(["genesis", "add-account", "--home", a.home, a.address, "50udgrid"]);
    assert.equal(r.code, 0, r.stderr);
    r = await cli(["genesis", "gentx", "--home", a.home, "val", "100udgrid", ...TEST]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /insufficient fund for delegation/);
    r = await cli(["genesis", "gentx", "--home", a.home, "val", "10udgrid", "--chain-id", "other", ...TEST]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not match genesis.json's chain id/);
    assert.equal(existsSync(join(a.home, "config", "gentx")), false);
    r = await cli(["genesis", "collect-gentxs", "--home", a.home]);
    assert.equal(r.code, 1);
  });

  it("buildGenesisWithGentxs: N validators bonded at InitChain, sorted by power", async () => {
    const validators = [];
    for (let i = 0; i < 3; i++) {
      const signer = await DirectSecp256k1Wallet.fromKey(new Uint8Array(32).fill(i + 1), "dgrid");
      const key = Ed25519Key.fromSeed(new Uint8Array(32).fill(i + 10));
      validators.push({
        signer,
        consensusPubKey: key.pubKey,
        moniker: `node${i}`,
        balance: [{ denom: "udgrid", amount: 1_000_000_000n }],
        selfDelegation: BigInt(i + 1) * 10_000_000n,
        memo: `node${i}@127.0.0.1:${26656 + i}`,
      });
    }
    const extra = (await (await Secp256k1HdWallet.generate(12, { prefix: "dgrid" })).getAccounts())[0].address;
    const { genesis, peers } = await buildGenesisWithGentxs({
      chainId: "localnet-1",
      accounts: [{ address: extra, coins: [{ denom: "udgrid", amount: 5n }] }],
      validators,
      stakingParams: { unbonding_time: "60s" },
    });
    assert.equal(peers.length, 3);
    assert.equal((genesis.app_state as any).staking.params.unbonding_time, "60s");
    const init = await initChainFromGenesisDoc(JSON.parse(JSON.stringify(genesis)));
    assert.deepEqual(
      init.validators.map((u) => u.power),
      [30n, 20n, 10n],
    );
  });
});
