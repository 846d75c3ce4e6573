// The CLI loads the heavy top-level commands (init, genesis, chain-registry, gateway, rollback) only
// when a command line names them or needs the whole tree: app/cli/program.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CliIO } from "../../app/cli/context.ts";
import { buildProgram, commandNameOf, HEAVY_COMMANDS, LIGHT_COMMANDS } from "../../app/cli/program.ts";

const io: CliIO = { out: () => {}, err: () => {}, readStdin: async () => "", readLine: async () => "", env: {} };
const names = async (args?: string[]) =>
  (await buildProgram(io, async () => {}, args)).commands.map((c) => c.name()).sort();

describe("CLI: heavy commands load on demand", () => {
  it("the light and heavy lists cover exactly the full command tree", async () => {
    const all = await names();
    assert.deepEqual(all, [...LIGHT_COMMANDS, ...Object.keys(HEAVY_COMMANDS)].sort());
  });

  it("a light command line loads no heavy command; a heavy one loads only itself", async () => {
    const heavy = Object.keys(HEAVY_COMMANDS);
    const light = await names(["--home", "/tmp/x", "-o", "json", "query", "bank", "balances", "dgrid1x"]);
    assert.deepEqual(
      light.filter((n) => heavy.includes(n)),
      [],
    );
    assert.deepEqual(light, [...LIGHT_COMMANDS].sort());
    for (const h of heavy) {
      const got = await names(["--log-level", "warn", h, "--help"]);
      assert.deepEqual(got, [...LIGHT_COMMANDS, h].sort(), h);
    }
  });

  it("help, an unknown command or no command at all get the whole tree", async () => {
    const all = await names();
    for (const args of [[], ["help"], ["--help"], ["nonsense", "x"], ["--home", "h"]])
      assert.deepEqual(await names(args), all, JSON.stringify(args));
  });

  it("commandNameOf skips global options and their values", () => {
    assert.equal(
      commandNameOf(["--home", "a", "--log-level", "debug", "--log-format", "json", "-o", "json", "tx"]),
      "tx",
    );
    assert.equal(commandNameOf(["--home=a", "genesis", "validate"]), "genesis");
    assert.equal(commandNameOf(["--help"]), undefined);
  });
});
