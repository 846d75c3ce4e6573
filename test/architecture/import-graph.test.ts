// The dependency direction is checked on the real tree, and the checker itself is checked on
// graphs with one violation of each kind (so a checker that flags nothing fails here).
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { dependencyViolations, readImportGraph } from "./import-graph.ts";

const root = resolve(import.meta.dirname, "..", "..");

describe("import graph", () => {
  it("follows proto -> chain -> modules -> app, validator used by app, no production import of test/", () => {
    const edges = readImportGraph(root, ["chain", "modules", "app", "validator", "client", "proto", "bin"]);
    assert.ok(edges.length > 500, `read ${edges.length} import edges; expected the whole tree`);
    assert.ok(
      edges.some((e) => e.from === "app/app.ts" && e.to === "chain/baseapp/base-app.ts"),
      "the reader resolves relative imports",
    );
    assert.deepEqual(dependencyViolations(edges), []);
  });

  it("flags each kind of violation", () => {
    const cases: [string, string, RegExp][] = [
      ["chain/node/node.ts", "validator/node-inference.ts", /engine \(chain\/\) imports validator/],
      ["chain/baseapp/run-tx.ts", "modules/auth/ante.ts", /engine \(chain\/\) imports modules/],
      ["chain/node/node.ts", "app/app.ts", /engine \(chain\/\) imports app/],
      ["modules/inference/keeper.ts", "modules/registry/spec.ts", /module inference reaches module registry/],
      ["modules/bank/keeper.ts", "app/app.ts", /a module imports app/],
      ["app/node.ts", "test/support/localnet.ts", /production code imports test/],
      ["validator/duties.ts", "app/cli/keyring.ts", /validator\/ imports app/],
      ["proto/gen/x.ts", "chain/types/hash.ts", /proto\/ imports chain/],
    ];
    for (const [from, to, why] of cases) {
      const v = dependencyViolations([{ from, to }]);
      assert.equal(v.length, 1, `${from} -> ${to} should be one violation, got ${JSON.stringify(v)}`);
      assert.match(v[0], why);
    }
    // allowed: a module's expected-keepers may name another module's types; tests import anything
    assert.deepEqual(
      dependencyViolations([
        { from: "modules/gov/expected-keepers.ts", to: "modules/staking/types.ts" },
        { from: "test/app/app.test.ts", to: "modules/bank/keeper.ts" },
        { from: "app/app.ts", to: "validator/node-inference.ts" },
        { from: "modules/bank/keeper.ts", to: "chain/store/types.ts" },
      ]),
      [],
    );
  });
});
