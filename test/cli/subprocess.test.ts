// The real entry point: `node bin/dgrid.js ...` as a user runs it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { tempHome } from "./helpers.ts";

const bin = join(resolve(import.meta.dirname, "..", ".."), "bin", "dgrid.js");

function dgrid(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    input,
    encoding: "utf8",
    env: { ...process.env, DGRID_HOME: "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
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
});
