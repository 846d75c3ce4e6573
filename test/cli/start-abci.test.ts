// `dgrid start --abci` / `--proxy-app` (and their config keys abci.laddr / proxyApp): one process runs
// either the app alone or the engine alone, never both halves at once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig, writeConfig } from "../../chain/node/config.ts";
import { cli, tempHome } from "./helpers.ts";

describe("dgrid start --abci / --proxy-app", () => {
  it("refuses both flags at once", async () => {
    const home = tempHome();
    const r = await cli([
      "start",
      "--home",
      home,
      "--abci",
      "tcp://127.0.0.1:0",
      "--proxy-app",
      "tcp://127.0.0.1:26658",
      "--log-level",
      "silent",
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--abci \(abci\.laddr\) runs only the app and --proxy-app \(proxyApp\) only the engine/);
  });

  it("reads the config keys: abci.laddr in config.json with --proxy-app is refused too", async () => {
    const home = tempHome();
    const cfg = loadConfig(home);
    assert.equal(cfg.abci.laddr, "");
    assert.equal(cfg.proxyApp, "");
    cfg.abci.laddr = "unix:///tmp/never.sock";
    writeConfig(home, cfg);
    const r = await cli(["start", "--home", home, "--proxy-app", "tcp://127.0.0.1:26658", "--log-level", "silent"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /give one/);
  });

  it("an app started without a genesis says which file it needs", async () => {
    const home = tempHome();
    const r = await cli(["start", "--home", home, "--abci", "tcp://127.0.0.1:0", "--log-level", "silent"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read .*config\/genesis\.json/);
  });
});
