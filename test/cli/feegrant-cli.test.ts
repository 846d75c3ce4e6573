// `dgrid tx feegrant grant|revoke` and `dgrid query feegrant ...` against a real DGridApp behind the
// fake RPC: a basic allowance granted and read back three ways, then used by the grantee's MsgSend
// with --fee-granter (the granter pays the fee, the limit falls); a periodic allowance restricted to
// MsgExec refuses that MsgSend with feegrant's code 7; revoke leaves nothing; bad flags fail before signing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { allowanceJson } from "../../app/cli/feegrant-impl.ts";
import { type AppNode, startAliceBobAppNode } from "./app-node.ts";
import { cli, tempHome } from "./helpers.ts";

const CAROL = toBech32("dgrid", new Uint8Array(20).fill(9));
const EXEC = "/cosmos.authz.v1beta1.MsgExec";

describe("feegrant CLI against the in-process app", () => {
  let app: AppNode;
  let alice: string;
  let bob: string;
  const home = tempHome();
  const ring = ["--home", home, "--keyring-backend", "test"];
  const txFlags = ["--node", "", "--fees", "10000udgrid", "-y", ...ring];
  const flags = () => txFlags.map((f, i) => (i === 1 ? app.node.url : f));
  const json = async (args: string[]) => {
    const r = await cli([...args, "--node", app.node.url, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  /** runs a tx command (CheckTx), then puts it in a block and expects it to succeed there */
  const tx = async (args: string[]) => {
    const r = await cli([...args, ...flags(), "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const res = await app.deliver();
    assert.equal(res.txResults.length, 1);
    assert.equal(res.txResults[0].code, 0, res.txResults[0].log);
  };
  const balance = async (address: string) =>
    BigInt(
      (await json(["query", "bank", "balances", address])).balances.find((c: { denom: string }) => c.denom === "udgrid")
        ?.amount ?? "0",
    );

  before(async () => {
    ({ alice, bob, node: app } = await startAliceBobAppNode(ring));
  });
  after(async () => {
    await app?.node.close();
  });

  it("grants a basic allowance and reads it back by pair, grantee and granter", async () => {
    const expiration = Math.floor(Date.now() / 1000) + 86_400;
    const expiry = new Date(expiration * 1000).toISOString().replace(".000Z", "Z");
    // the granter by key name, the expiration in RFC 3339 (simd's form)
    await tx(["tx", "feegrant", "grant", "alice", bob, "--spend-limit", "50000udgrid", "--expiration", expiry]);
    const expected = {
      "@type": "/cosmos.feegrant.v1beta1.BasicAllowance",
      spend_limit: [{ denom: "udgrid", amount: "50000" }],
      expiration: expiry,
    };
    const one = await json(["query", "feegrant", "grant", alice, bob]);
    assert.deepEqual(one.allowance, { granter: alice, grantee: bob, allowance: expected });
    for (const [cmd, who] of [
      ["grants-by-grantee", bob],
      ["grants-by-granter", alice],
    ]) {
      const r = await json(["query", "feegrant", cmd, who, "--count-total"]);
      assert.deepEqual(r.allowances, [{ granter: alice, grantee: bob, allowance: expected }], cmd);
      assert.equal(r.pagination.total, "1");
    }
    const text = await cli(["query", "feegrant", "grant", alice, bob, "--node", app.node.url]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /"@type": \/cosmos\.feegrant\.v1beta1\.BasicAllowance\n/);
  });

  it("the grantee's tx with --fee-granter is paid by the granter; the allowance falls by the fee", async () => {
    const [aliceBefore, bobBefore] = [await balance(alice), await balance(bob)];
    await tx(["tx", "bank", "send", "bob", CAROL, "700udgrid", "--fee-granter", alice]);
    assert.equal(await balance(CAROL), 700n);
    assert.equal(await balance(bob), bobBefore - 700n, "bob pays no fee");
    assert.equal(await balance(alice), aliceBefore - 10000n, "alice pays bob's fee");
    const one = await json(["query", "feegrant", "grant", alice, bob]);
    assert.deepEqual(one.allowance.allowance.spend_limit, [{ denom: "udgrid", amount: "40000" }]);
  });

  it("a periodic allowance for MsgExec only refuses a MsgSend (feegrant 7); revoke leaves none", async () => {
    await tx(["tx", "feegrant", "revoke", alice, bob]);
    await tx([
      "tx",
      "feegrant",
      "grant",
      alice,
      bob,
      "--spend-limit",
      "90000udgrid",
      "--period",
      "3600",
      "--period-limit",
      "30000udgrid",
      "--allowed-messages",
      EXEC,
    ]);
    const { allowance } = (await json(["query", "feegrant", "grant", alice, bob])).allowance;
    assert.equal(allowance["@type"], "/cosmos.feegrant.v1beta1.AllowedMsgAllowance");
    assert.deepEqual(allowance.allowed_messages, [EXEC]);
    const { period_reset, ...periodic } = allowance.allowance;
    assert.deepEqual(periodic, {
      "@type": "/cosmos.feegrant.v1beta1.PeriodicAllowance",
      basic: { spend_limit: [{ denom: "udgrid", amount: "90000" }], expiration: null },
      period: "3600s",
      period_spend_limit: [{ denom: "udgrid", amount: "30000" }],
      period_can_spend: [{ denom: "udgrid", amount: "30000" }],
    });
    const resetIn = Date.parse(period_reset) / 1000 - Date.now() / 1000;
    assert.ok(resetIn > 3500 && resetIn <= 3600, `period_reset ${period_reset}`);

    const refused = await cli(["tx", "bank", "send", "bob", CAROL, "1udgrid", "--fee-granter", alice, ...flags()]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /code 7 \(codespace feegrant\).*message not allowed/);

    await tx(["tx", "feegrant", "revoke", "alice", bob]);
    assert.deepEqual((await json(["query", "feegrant", "grants-by-grantee", bob])).allowances, []);
    const none = await cli(["query", "feegrant", "grant", alice, bob, "--node", app.node.url]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /Error: .*fee-grant not found/);
  });

  it("refuses bad allowances and flags before signing", async () => {
    const sent = app.node.broadcast.length;
    const now = Date.parse("2030-01-01T00:00:00Z");
    assert.throws(() => allowanceJson({ periodLimit: "5udgrid" }, now), /--period-limit needs --period/);
    assert.throws(() => allowanceJson({ period: "60" }, now), /--period needs --period-limit/);
    assert.throws(
      () => allowanceJson({ period: "2h", periodLimit: "5udgrid", expiration: "2030-01-01T01:00:00Z" }, now),
      /would end after --expiration/,
    );
    assert.throws(() => allowanceJson({ allowedMessages: "cosmos.bank.v1beta1.MsgSend" }, now), /expected a type URL/);
    assert.deepEqual(allowanceJson({}, now), { "@type": "/cosmos.feegrant.v1beta1.BasicAllowance", spend_limit: [] });

    const bad = await cli(["tx", "feegrant", "grant", "alice", bob, "--spend-limit", "5", ...flags()]);
    assert.match(bad.stderr, /invalid coins "5"/);
    const self = await cli(["tx", "feegrant", "grant", "alice", alice, ...flags()]);
    assert.match(self.stderr, /cannot be granted to its granter/);
    const unknown = await cli(["tx", "feegrant", "grant", "nobody", bob, ...flags()]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /nobody/);
    assert.equal(app.node.broadcast.length, sent, "nothing was broadcast");
  });
});
