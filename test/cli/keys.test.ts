import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { Keyring } from "../../chain/keyring/keyring.ts";
import { cli, KNOWN_MNEMONIC, tempHome } from "./helpers.ts";

const test = ["--keyring-backend", "test"];

describe("dgrid keys (test backend)", () => {
  it("add / list / show / delete round-trip", async () => {
    const home = tempHome();
    const add = await cli(["keys", "add", "alice", "--home", home, ...test]);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /name: alice/);
    const words = add.stderr.trim().split("\n").at(-1)!;
    assert.equal(words.split(" ").length, 24, "a 24-word mnemonic on stderr");
    assert.ok(validateMnemonic(words, wordlist));
    const expected = (await (await DirectSecp256k1HdWallet.fromMnemonic(words, { prefix: "dgrid" })).getAccounts())[0];

    const show = await cli(["keys", "show", "alice", "-a", "--home", home, ...test]);
    assert.equal(show.stdout.trim(), expected.address);
    const showJson = JSON.parse((await cli(["keys", "show", "alice", "--home", home, ...test, "-o", "json"])).stdout);
    assert.equal(showJson.address, expected.address);
    assert.equal(JSON.parse(showJson.pubkey).key, Buffer.from(expected.pubkey).toString("base64"));
    // By address too.
    const byAddr = await cli(["keys", "show", expected.address, "-a", "--home", home, ...test]);
    assert.equal(byAddr.stdout.trim(), expected.address);

    const bob = await cli(["keys", "add", "bob", "--home", home, ...test, "-o", "json"]);
    const bobJson = JSON.parse(bob.stdout);
    assert.equal(bobJson.name, "bob");
    assert.equal(bobJson.mnemonic.split(" ").length, 24);

    const list = JSON.parse((await cli(["keys", "list", "--home", home, ...test, "-o", "json"])).stdout);
    assert.deepEqual(
      list.map((k: any) => k.name),
      ["alice", "bob"],
    );

    const dup = await cli(["keys", "add", "alice", "--home", home, ...test]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already exists/);

    const del = await cli(["keys", "delete", "alice", "-y", "--home", home, ...test]);
    assert.equal(del.code, 0, del.stderr);
    const gone = await cli(["keys", "show", "alice", "--home", home, ...test]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /key "alice" not found/);
    const list2 = JSON.parse((await cli(["keys", "list", "--home", home, ...test, "-o", "json"])).stdout);
    assert.deepEqual(
      list2.map((k: any) => k.name),
      ["bob"],
    );
  });

  it("delete asks for confirmation and keeps the key on 'n'", async () => {
    const home = tempHome();
    await cli(["keys", "add", "k", "--home", home, ...test]);
    const no = await cli(["keys", "delete", "k", "--home", home, ...test], { stdin: "n\n" });
    assert.equal(no.code, 1);
    assert.match(no.stderr, /aborted/);
    const yes = await cli(["keys", "delete", "k", "--home", home, ...test], { stdin: "y\n" });
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal((await cli(["keys", "list", "--home", home, ...test, "-o", "json"])).stdout.trim(), "[]");
  });

  it("--recover of a known mnemonic gives CosmJS's address, and refuses an invalid phrase", async () => {
    const home = tempHome();
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(KNOWN_MNEMONIC, { prefix: "dgrid" });
    const [acc] = await wallet.getAccounts();
    const r = await cli(["keys", "add", "known", "--recover", "--home", home, ...test, "-o", "json"], {
      stdin: `  ${KNOWN_MNEMONIC}\n`,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.address, acc.address);
    assert.equal(out.mnemonic, undefined, "a recovered mnemonic is not echoed");

    const bad = await cli(["keys", "add", "bad", "--recover", "--home", home, ...test], {
      stdin: KNOWN_MNEMONIC.replace(/art$/, "zoo"),
    });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid mnemonic/);
    const again = await cli(["keys", "add", "other", "--recover", "--home", home, ...test], { stdin: KNOWN_MNEMONIC });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already stored as key "known"/);
  });

  it("--keyring-dir puts the keyring outside the home", async () => {
    const home = tempHome();
    const dir = tempHome();
    const r = await cli(["keys", "add", "k", "--home", home, "--keyring-dir", dir, ...test]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(join(dir, "keyring-test")), ["k.info.json"]);
    const inHome = await cli(["keys", "list", "--home", home, ...test, "-o", "json"]);
    assert.equal(inHome.stdout.trim(), "[]");
  });

  it("rejects bad names and unknown backends", async () => {
    const home = tempHome();
    const badName = await cli(["keys", "add", "../evil", "--home", home, ...test]);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /invalid key name/);
    const badBackend = await cli(["keys", "list", "--home", home, "--keyring-backend", "os"]);
    assert.equal(badBackend.code, 1);
    assert.match(badBackend.stderr, /unknown keyring backend "os"/);
  });
});

describe("dgrid keys (file backend)", () => {
  it("encrypts the mnemonic at rest and needs the passphrase to use the key", async () => {
    const home = tempHome();
    const noPass = await cli(["keys", "add", "sec", "--home", home]);
    assert.equal(noPass.code, 1);
    assert.match(noPass.stderr, /needs a passphrase/);

    const r = await cli(["keys", "add", "sec", "--recover", "--home", home, "-o", "json"], {
      stdin: KNOWN_MNEMONIC,
      env: { DGRID_KEYRING_PASSPHRASE: "correct horse battery" },
    });
    assert.equal(r.code, 0, r.stderr);
    const dir = join(home, "keyring-file");
    const files = readdirSync(dir);
    assert.deepEqual(files, ["sec.info.json"]);
    const raw = readFileSync(join(dir, files[0]), "utf8");
    assert.ok(!raw.includes("abandon"), "mnemonic is not stored in the clear");

    // Listing needs no passphrase; the secret does.
    const list = await cli(["keys", "list", "--home", home, "-o", "json"]);
    assert.equal(JSON.parse(list.stdout)[0].address, JSON.parse(r.stdout).address);
    const ok = new Keyring({ backend: "file", dir: home, passphrase: "correct horse battery" });
    assert.equal(ok.mnemonic("sec"), KNOWN_MNEMONIC);
    const wrong = new Keyring({ backend: "file", dir: home, passphrase: "wrong passphrase" });
    assert.throws(() => wrong.mnemonic("sec"), /wrong keyring passphrase/);
    const none = new Keyring({ backend: "file", dir: home });
    assert.throws(() => none.mnemonic("sec"), /needs a passphrase/);
    const signer = await ok.signer("sec");
    assert.equal((await signer.getAccounts())[0].address, JSON.parse(r.stdout).address);
  });
});
