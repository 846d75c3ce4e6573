import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import fc from "fast-check";
import { parseAddress, parseCoins } from "../../app/cli/args.ts";
import { toYaml } from "../../app/cli/context.ts";

const denom = fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/);

describe("CLI argument parsing", () => {
  it("parseCoins round-trips any list of distinct positive coins, sorted by denom", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(denom, fc.bigInt({ min: 1n, max: 10n ** 30n })), {
          selector: (t) => t[0],
          minLength: 1,
          maxLength: 6,
        }),
        (list) => {
          const text = list.map(([d, a]) => `${a}${d}`).join(",");
          const parsed = parseCoins(text);
          const sorted = [...list].sort((x, y) => (x[0] < y[0] ? -1 : 1));
          assert.deepEqual(
            parsed,
            sorted.map(([d, a]) => ({ denom: d, amount: a })),
          );
        },
      ),
    );
  });

  it("parseCoins rejects malformed input", () => {
    for (const bad of [
      "",
      ",",
      "1",
      "udgrid",
      "-1udgrid",
      "1.5udgrid",
      "1u",
      "0udgrid",
      "1udgrid,1udgrid",
      "1 udgrid x",
    ]) {
      assert.throws(() => parseCoins(bad), /invalid coins/, bad);
    }
  });

  it("parseAddress accepts dgrid addresses of 20 and 32 bytes only", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
        assert.deepEqual(parseAddress(toBech32("dgrid", bytes)), bytes);
        assert.throws(() => parseAddress(toBech32("cosmos", bytes)), /expected prefix "dgrid"/);
      }),
    );
    assert.equal(parseAddress(toBech32("dgrid", new Uint8Array(32))).length, 32);
    assert.throws(() => parseAddress(toBech32("dgrid", new Uint8Array(19))), /20 or 32 bytes/);
    assert.throws(() => parseAddress("not-an-address"), /invalid address/);
  });

  it("toYaml renders nested objects and arrays", () => {
    assert.equal(
      toYaml({ balances: [{ denom: "udgrid", amount: "5" }], pagination: { next_key: null } }),
      "balances:\n  - denom: udgrid\n    amount: 5\npagination:\n  next_key: null\n",
    );
  });
});

describe("command-line errors", () => {
  it("unknown commands and options exit non-zero with commander's message", async () => {
    const { cli } = await import("./helpers.ts");
    const unknown = await cli(["no-such-command"]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown command 'no-such-command'/);
    const badOpt = await cli(["keys", "list", "--bogus"]);
    assert.notEqual(badOpt.code, 0);
    assert.match(badOpt.stderr, /unknown option '--bogus'/);
    const badOutput = await cli(["keys", "list", "-o", "yaml"]);
    assert.notEqual(badOutput.code, 0);
    assert.match(badOutput.stderr, /Allowed choices are text, json/);
  });
});
