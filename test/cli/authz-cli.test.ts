// `dgrid tx authz grant|exec|revoke` and `dgrid query authz ...` against a real DGridApp behind the
// fake RPC: an inference authorization granted and read back three ways, a MsgSend run by the grantee
// under a send grant (the granter's balance moves, the grant's limit falls), revokes leave nothing.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { authorizationJson, pageRequest, parseExpiration } from "../../app/cli/authz-impl.ts";
import { type AppNode, startAliceBobAppNode } from "./app-node.ts";
import { cli, tempHome } from "./helpers.ts";

const CAROL = toBech32("dgrid", new Uint8Array(20).fill(7));
const INFERENCE = "/dgrid.inference.v1.InferenceAuthorization";
const REQUEST = "/dgrid.inference.v1.MsgRequestInference";
const SEND = "/cosmos.bank.v1beta1.MsgSend";

describe("authz CLI against the in-process app", () => {
  let app: AppNode;
  let alice: string;
  let bob: string;
  let lastHash = "";
  const home = tempHome();
  const ring = ["--home", home, "--keyring-backend", "test"];
  const txFlags = (from: string) => ["--from", from, "--node", app.node.url, "--fees", "10000udgrid", "-y", ...ring];
  const json = async (args: string[]) => {
    const r = await cli([...args, "--node", app.node.url, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  /** runs a tx command (CheckTx), then puts it in a block and expects it to succeed there */
  const tx = async (args: string[], from: string) => {
    const r = await cli(["tx", "authz", ...args, ...txFlags(from), "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    lastHash = JSON.parse(r.stdout).txhash;
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

  it("grants an inference authorization and reads it back by pair, type, granter and grantee", async () => {
    const expiration = Math.floor(Date.now() / 1000) + 86_400;
    await tx(
      [
        "grant",
        bob,
        "inference",
        "--spend-limit",
        "10000udgrid",
        "--max-fee-per-request",
        "3000udgrid",
        "--models",
        "m1,m2",
        "--period",
        "24h",
        "--period-limit",
        "5000udgrid",
        "--expiration",
        String(expiration),
      ],
      "alice",
    );
    const expected = {
      "@type": INFERENCE,
      spend_limit: [{ denom: "udgrid", amount: "10000" }],
      max_fee_per_request: { denom: "udgrid", amount: "3000" },
      allowed_models: ["m1", "m2"],
      period: "86400s",
      period_spend_limit: [{ denom: "udgrid", amount: "5000" }],
      period_can_spend: [{ denom: "udgrid", amount: "5000" }],
    };
    const expiry = new Date(expiration * 1000).toISOString().replace(".000Z", "Z");

    const pair = await json(["query", "authz", "grants", alice, bob]);
    assert.equal(pair.grants.length, 1);
    const { period_reset, ...auth } = pair.grants[0].authorization;
    assert.deepEqual(auth, expected);
    assert.match(period_reset, /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(pair.grants[0].expiration, expiry);

    const byType = await json(["query", "authz", "grants", alice, bob, REQUEST]);
    assert.deepEqual(byType.grants, pair.grants);

    for (const [cmd, who] of [
      ["grants-by-granter", alice],
      ["grants-by-grantee", bob],
    ]) {
      const r = await json(["query", "authz", cmd, who, "--count-total"]);
      assert.equal(r.grants.length, 1, cmd);
      assert.equal(r.grants[0].granter, alice);
      assert.equal(r.grants[0].grantee, bob);
      assert.deepEqual(r.grants[0].authorization, pair.grants[0].authorization);
      assert.equal(r.pagination.total, "1");
    }

    const text = await cli(["query", "authz", "grants-by-grantee", bob, "--node", app.node.url]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /allowed_models:\n\s+- m1\n\s+- m2/);
  });

  it("exec runs a MsgSend under a send grant: the granter pays, the limit falls", async () => {
    await tx(["grant", bob, "send", "--spend-limit", "5000udgrid"], "alice");
    const file = join(home, "exec.json");
    const msg = {
      "@type": SEND,
      from_address: alice,
      to_address: CAROL,
      amount: [{ denom: "udgrid", amount: "1200" }],
    };
    writeFileSync(file, JSON.stringify({ body: { messages: [msg], memo: "" }, auth_info: {}, signatures: [] }));
    const [aliceBefore, bobBefore] = [await balance(alice), await balance(bob)];

    await tx(["exec", file], "bob");

    // `query tx` shows the exec'd message itself, not the Any's bytes
    const shown = await json(["query", "tx", lastHash]);
    assert.deepEqual(shown.tx.body.messages, [{ "@type": "/cosmos.authz.v1beta1.MsgExec", grantee: bob, msgs: [msg] }]);
    assert.equal(await balance(CAROL), 1200n);
    assert.equal(await balance(alice), aliceBefore - 1200n);
    assert.equal(await balance(bob), bobBefore - 10000n, "the grantee pays only its fee");
    const send = await json(["query", "authz", "grants", alice, bob, SEND]);
    assert.deepEqual(send.grants[0].authorization.spend_limit, [{ denom: "udgrid", amount: "3800" }]);
  });

  it("revoke removes the grants; the queries then show none", async () => {
    await tx(["revoke", bob, REQUEST], "alice");
    await tx(["revoke", bob, SEND], "alice");
    assert.deepEqual((await json(["query", "authz", "grants", alice, bob])).grants, []);
    assert.deepEqual((await json(["query", "authz", "grants-by-granter", alice])).grants, []);
    assert.deepEqual((await json(["query", "authz", "grants-by-grantee", bob])).grants, []);
    const one = await cli(["query", "authz", "grants", alice, bob, SEND, "--node", app.node.url]);
    assert.equal(one.code, 1);
    assert.match(one.stderr, /Error: .*(no authorization|not found)/i);
  });

  it("refuses bad grants, files and flags before signing", async () => {
    assert.throws(() => authorizationJson("send", {}), /--spend-limit/);
    assert.throws(() => authorizationJson("generic", {}), /--msg-type/);
    assert.throws(() => authorizationJson("send", { spendLimit: "5udgrid", models: "m" }), /--models does not apply/);
    assert.throws(() => authorizationJson("inference", { spendLimit: "5udgrid", period: "1h" }), /go together/);
    assert.throws(() => authorizationJson("delegate", {}), /not supported by this chain/);
    assert.throws(() => parseExpiration("1000"), /in the future/);
    assert.deepEqual(parseExpiration("2100-01-01T00:00:00Z").seconds, 4_102_444_800n);
    assert.deepEqual(pageRequest({ limit: "10", page: "3" }).offset, 20n);
    assert.throws(() => pageRequest({ page: "2", offset: "5" }), /together/);

    const bad = join(home, "bad.json");
    writeFileSync(bad, JSON.stringify({ body: { messages: [{ "@type": "/no.such.Msg" }] } }));
    const r = await cli(["tx", "authz", "exec", bad, ...txFlags("bob")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown message type "no.such.Msg"/);
    const empty = join(home, "empty.json");
    writeFileSync(empty, "{}");
    assert.match((await cli(["tx", "authz", "exec", empty, ...txFlags("bob")])).stderr, /has no messages/);
    const kind = await cli(["tx", "authz", "grant", bob, "stake", ...txFlags("alice")]);
    assert.match(kind.stderr, /invalid authorization type "stake"/);
    assert.equal(app.node.broadcast.length, 5, "nothing more was broadcast");
  });
});
