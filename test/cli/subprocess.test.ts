// The real entry point: `node bin/dgrid.js ...` as a user runs it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { tempHome } from "./helpers.ts";

const bin = join(resolve(import.meta.dirname, "..", ".."), "bin", "dgrid.js");

function dgrid(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    input,
    encoding: "utf8",
    env: { ...process.env, DGRID_HOME: "" },
    // a node that started despite a bad config would run until killed here
    timeout: 60_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe("bin/dgrid.js", () => {
  it("init through the binary; errors exit non-zero without a stack", () => {
    const home = tempHome();
    let r = dgrid([
      "init",
      "--home",
      home,
      "--chain-id",
      "sub-1",
      "--moniker",
      "s",
      "--output",
      "json",
      "--keyring-backend",
      "test",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).chain_id, "sub-1");
    r = dgrid(["genesis", "add-account", "--home", home, "k", "ten"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: invalid coins "ten"/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);

    r = dgrid(["--help"]);
    assert.equal(r.code, 0);
    for (const cmd of ["init", "genesis", "keys", "query", "tx", "status"])
      assert.match(r.stdout, new RegExp(`\\b${cmd}\\b`));
  });

  it("start with a misspelled key in config.toml exits 1 at once, naming the key", () => {
    const home = tempHome();
    assert.equal(dgrid(["init", "--home", home, "--chain-id", "sub-1", "--moniker", "s", "--no-validator"]).code, 0);
    const path = join(home, "config", "config.toml");
    const text = readFileSync(path, "utf8");
    assert.match(text, /\nladdr = "tcp:\/\/127\.0\.0\.1:26657"\n/);
    writeFileSync(path, text.replace(/\nladdr = "tcp:\/\/127\.0\.0\.1:26657"\n/, '\nladr = "tcp://127.0.0.1:26657"\n'));
    const r = dgrid(["start", "--home", home]);
    assert.equal(r.signal, null, "dgrid start did not exit on its own");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: invalid node config/);
    assert.match(r.stderr, /config\.toml: rpc\.ladr: unknown key \(did you mean "rpc\.laddr"\?\)/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
