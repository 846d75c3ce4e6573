// `dgrid query auth module-account NAME` and `module-accounts` against a fresh chain's state: every
// module account exists from genesis, so a param-change proposal's authority (gov) can be looked up
// before anything has been deposited.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { MODULE_ACCOUNT_PERMISSIONS } from "../../app/app.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { block, genesis, initApp, newApp, testKey } from "../app/helpers.ts";
import { type FakeNode, startFakeNode } from "./fake-node.ts";
import { cli } from "./helpers.ts";

describe("query auth module-account(s)", () => {
  let node: FakeNode | undefined;
  after(async () => node?.close());

  it("prints the gov address on a fresh chain, and every module account", async () => {
    const alice = await testKey("alice");
    const app = newApp();
    await initApp(app, genesis([{ address: alice.address, coins: [{ denom: "udgrid", amount: "1000" }] }]));
    await block(app, 1, []);
    node = await startFakeNode("modacc-1", async (path, data) => {
      const r = await app.query({ path, data, height: 0n, prove: false });
      return { code: r.code, log: r.log, value: r.value };
    });

    const gov = await cli(["query", "auth", "module-account", "gov", "--node", node.url, "--output", "json"]);
    assert.equal(gov.code, 0, gov.stderr);
    const acc = JSON.parse(gov.stdout).account;
    assert.equal(acc["@type"], "/cosmos.auth.v1beta1.ModuleAccount");
    assert.equal(acc.name, "gov");
    assert.equal(acc.base_account.address, moduleAddress("gov"));
    assert.deepEqual(acc.permissions, ["burner"]);

    const text = await cli(["query", "auth", "module-account", "gov", "--node", node.url]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`address: ${moduleAddress("gov")}`));

    const all = await cli(["query", "auth", "module-accounts", "--node", node.url, "--output", "json"]);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(
      (JSON.parse(all.stdout).accounts as { name: string }[]).map((a) => a.name),
      Object.keys(MODULE_ACCOUNT_PERMISSIONS).sort(),
    );

    const missing = await cli(["query", "auth", "module-account", "nope", "--node", node.url]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /module account nope not found/);
  });
});
