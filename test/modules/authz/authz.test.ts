import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Grant } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import {
  QueryGranteeGrantsRequest,
  QueryGranteeGrantsResponse,
  QueryGranterGrantsRequest,
  QueryGranterGrantsResponse,
  QueryGrantsRequest,
  QueryGrantsResponse,
} from "cosmjs-types/cosmos/authz/v1beta1/query";
import { MsgExecResponse } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { SendAuthorization } from "cosmjs-types/cosmos/bank/v1beta1/authz";
import { CodedError } from "../../../chain/errors/errors.ts";
import { exportGenesis, initGenesis, validateGenesis } from "../../../modules/authz/genesis.ts";
import { totalSupplyInvariant } from "../../../modules/bank/invariants.ts";
import { addr, setup } from "./harness.ts";
import * as m from "./msgs.ts";

const SEND = "/cosmos.bank.v1beta1.MsgSend";
const A = addr("granter");
const B = addr("grantee");
const C = addr("carol");

async function rejectsWith(p: Promise<unknown>, codespace: string, code: number, text?: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CodedError, String(e));
    assert.equal(`${e.codespace}:${e.code}`, `${codespace}:${code}`, e.message);
    if (text) assert.match(e.message, text);
    return true;
  });
}

async function balance(env: ReturnType<typeof setup>, a: string) {
  return (await env.bk.getBalance(env.ctx, a, "udgrid")).amount;
}

describe("x/authz", () => {
  it("MsgExec of a message nobody granted fails with authz ErrNoAuthorizationFound (authz 2)", async () => {
    const env = setup();
    await env.fund(A, 1000n);
    const e = m.exec(B, [m.send(A, C, 10n)]);
    await rejectsWith(env.deliver(e.typeUrl, e.value), "authz", 2, /failed to get grant/);
    assert.equal(await balance(env, A), 1000n);
  });

  it("a message the grantee signed itself needs no grant; results are the responses' bytes", async () => {
    const env = setup();
    await env.fund(B, 50n);
    const e = m.exec(B, [m.send(B, C, 10n)]);
    const res = await env.deliver(e.typeUrl, e.value);
    assert.equal(MsgExecResponse.decode(res.value).results.length, 1);
    assert.equal(await balance(env, C), 10n);
    const idx = env.ctx.eventManager.events().filter((x) => x.attributes.some((a) => a.key === "authz_msg_index"));
    assert.ok(idx.some((x) => x.type === "transfer"));
  });

  it("GenericAuthorization allows its message type without limit; revoke ends it", async () => {
    const env = setup();
    await env.fund(A, 1000n);
    const g = m.grant(A, B, m.generic(SEND));
    await env.deliver(g.typeUrl, g.value);
    assert.ok(env.ctx.eventManager.events().some((x) => x.type === "cosmos.authz.v1beta1.EventGrant"));
    for (let i = 0; i < 3; i++) {
      const e = m.exec(B, [m.send(A, C, 100n)]);
      await env.deliver(e.typeUrl, e.value);
    }
    assert.equal(await balance(env, C), 300n);
    const r = m.revoke(A, B, SEND);
    await env.deliver(r.typeUrl, r.value);
    const e = m.exec(B, [m.send(A, C, 1n)]);
    await rejectsWith(env.deliver(e.typeUrl, e.value), "authz", 2);
    await rejectsWith(env.deliver(r.typeUrl, r.value), "authz", 2);
  });

  it("MsgGrant checks: granter = grantee (authz 7), unknown message type (sdk 29), past expiration (authz 3)", async () => {
    const env = setup();
    const self = m.grant(A, A, m.generic(SEND));
    await rejectsWith(env.deliver(self.typeUrl, self.value), "authz", 7);
    const unknown = m.grant(A, B, m.generic("/no.such.Msg"));
    await rejectsWith(env.deliver(unknown.typeUrl, unknown.value), "sdk", 29);
    const past = m.grant(A, B, m.generic(SEND), env.block.timeMs);
    await rejectsWith(env.deliver(past.typeUrl, past.value), "authz", 3);
    const bad = m.grant(A, B, m.sendAuth(0n));
    await rejectsWith(env.deliver(bad.typeUrl, bad.value), "sdk", 10);
    const dup = m.grant(A, B, m.sendAuth(5n, [C, C]));
    await rejectsWith(env.deliver(dup.typeUrl, dup.value), "bank", 8);
    // a new grantee gets an account
    const ok = m.grant(A, addr("new"), m.generic(SEND));
    await env.deliver(ok.typeUrl, ok.value);
    assert.ok(await env.ak.hasAccount(env.ctx, addr("new")));
  });

  it("SendAuthorization: spend limit falls, allow list enforced, deleted when used up", async () => {
    const env = setup();
    await env.fund(A, 1000n);
    const g = m.grant(A, B, m.sendAuth(150n, [C]));
    await env.deliver(g.typeUrl, g.value);
    const toOther = m.exec(B, [m.send(A, addr("dave"), 10n)]);
    await rejectsWith(env.deliver(toOther.typeUrl, toOther.value), "sdk", 4, /cannot send to/);
    const e = m.exec(B, [m.send(A, C, 100n)]);
    await env.deliver(e.typeUrl, e.value);
    const left = await env.authz.getGrant(env.ctx, A, B, SEND);
    assert.deepEqual(SendAuthorization.decode(left!.authorization!.value).spendLimit, [
      { denom: "udgrid", amount: "50" },
    ]);
    const over = m.exec(B, [m.send(A, C, 51n)]);
    await rejectsWith(env.deliver(over.typeUrl, over.value), "sdk", 5, /more than spend limit/);
    const rest = m.exec(B, [m.send(A, C, 50n)]);
    await env.deliver(rest.typeUrl, rest.value);
    assert.equal(await env.authz.getGrant(env.ctx, A, B, SEND), undefined);
    assert.equal(await balance(env, C), 150n);
    assert.equal((await totalSupplyInvariant(env.ctx, env.bk)).broken, false);
  });

  it("expired grants are refused, then pruned by the queue at the next BeginBlock", async () => {
    const env = setup();
    await env.fund(A, 1000n);
    const g = m.grant(A, B, m.generic(SEND), env.block.timeMs + 10_000);
    await env.deliver(g.typeUrl, g.value);
    env.advance(10_000); // exactly at expiration: still valid
    await env.authz.dequeueAndDeleteExpiredGrants(env.ctx);
    const e = m.exec(B, [m.send(A, C, 1n)]);
    await env.deliver(e.typeUrl, e.value);
    env.advance(1);
    await rejectsWith(env.deliver(e.typeUrl, e.value), "authz", 6);
    assert.ok(await env.authz.getGrant(env.ctx, A, B, SEND));
    await env.authz.dequeueAndDeleteExpiredGrants(env.ctx);
    assert.equal(await env.authz.getGrant(env.ctx, A, B, SEND), undefined);
    // the queue is empty too: nothing left under 0x02
    let queued = 0;
    for await (const [k] of env.ctx.kvStore("authz").iterate({})) if (k[0] === 0x02) queued++;
    assert.equal(queued, 0);
  });

  it("a re-grant with another expiration moves the queue entry", async () => {
    const env = setup();
    const t = env.block.timeMs;
    const g1 = m.grant(A, B, m.generic(SEND), t + 1000);
    await env.deliver(g1.typeUrl, g1.value);
    const g2 = m.grant(A, B, m.generic(SEND), t + 5000);
    await env.deliver(g2.typeUrl, g2.value);
    env.advance(2000);
    await env.authz.dequeueAndDeleteExpiredGrants(env.ctx);
    assert.ok(await env.authz.getGrant(env.ctx, A, B, SEND), "not pruned at the old expiration");
    env.advance(4000);
    await env.authz.dequeueAndDeleteExpiredGrants(env.ctx);
    assert.equal(await env.authz.getGrant(env.ctx, A, B, SEND), undefined);
  });

  it("queries: Grants (one type, or paginated), GranterGrants, GranteeGrants", async () => {
    const env = setup();
    for (const g of [
      m.grant(A, B, m.generic(SEND)),
      m.grant(A, B, m.generic("/cosmos.authz.v1beta1.MsgRevoke")),
      m.grant(A, C, m.sendAuth(5n)),
      m.grant(C, B, m.generic(SEND)),
    ])
      await env.deliver(g.typeUrl, g.value);
    const q = async <T>(path: string, req: Uint8Array, dec: { decode(b: Uint8Array): T }) =>
      dec.decode(await env.queries.query(`/cosmos.authz.v1beta1.Query/${path}`)!(env.ctx, req));
    const one = await q(
      "Grants",
      QueryGrantsRequest.encode({ granter: A, grantee: B, msgTypeUrl: SEND }).finish(),
      QueryGrantsResponse,
    );
    assert.equal(one.grants.length, 1);
    const paged = await q(
      "Grants",
      QueryGrantsRequest.encode({
        granter: A,
        grantee: B,
        msgTypeUrl: "",
        pagination: { key: new Uint8Array(), offset: 0n, limit: 1n, countTotal: true, reverse: false },
      }).finish(),
      QueryGrantsResponse,
    );
    assert.equal(paged.grants.length, 1);
    assert.equal(paged.pagination?.total, 2n);
    assert.ok(paged.pagination!.nextKey.length > 0);
    const byGranter = await q(
      "GranterGrants",
      QueryGranterGrantsRequest.encode({ granter: A }).finish(),
      QueryGranterGrantsResponse,
    );
    assert.deepEqual(byGranter.grants.map((g) => g.grantee).sort(), [B, B, C].sort());
    const byGrantee = await q(
      "GranteeGrants",
      QueryGranteeGrantsRequest.encode({ grantee: B }).finish(),
      QueryGranteeGrantsResponse,
    );
    assert.deepEqual(byGrantee.grants.map((g) => g.granter).sort(), [A, A, C].sort());
    await assert.rejects(
      q(
        "Grants",
        QueryGrantsRequest.encode({ granter: A, grantee: C, msgTypeUrl: "/x.Y" }).finish(),
        QueryGrantsResponse,
      ),
      /authorization not found/,
    );
  });

  it("MsgExec inside MsgExec runs; nesting deeper than the limit is refused", async () => {
    const env = setup();
    await env.fund(A, 100n);
    const g = m.grant(A, B, m.generic(SEND));
    await env.deliver(g.typeUrl, g.value);
    const nested = m.exec(B, [m.exec(B, [m.send(A, C, 5n)])]);
    await env.deliver(nested.typeUrl, nested.value);
    assert.equal(await balance(env, C), 5n);
    let deep = m.send(A, C, 1n);
    for (let i = 0; i < 10; i++) deep = m.exec(B, [deep]);
    await rejectsWith(env.deliver(deep.typeUrl, deep.value), "sdk", 18, /nested deeper/);
  });

  it("genesis: export and import give back the same grants; expired ones are skipped", async () => {
    const env = setup();
    const t = env.block.timeMs;
    for (const g of [
      m.grant(A, B, m.generic(SEND), t + 60_000),
      m.grant(A, C, m.sendAuth(7n, [B])),
      m.grant(C, B, m.inferenceAuth({ spendLimit: [{ denom: "udgrid", amount: "500" }], allowedModels: ["m1"] })),
    ])
      await env.deliver(g.typeUrl, g.value);
    const exported = await exportGenesis(env.ctx, env.authz);
    validateGenesis(JSON.parse(JSON.stringify(exported)));
    assert.equal(exported.authorization.length, 3);
    const fresh = setup();
    await initGenesis(fresh.ctx, fresh.authz, JSON.parse(JSON.stringify(exported)));
    assert.deepEqual(await exportGenesis(fresh.ctx, fresh.authz), exported);
    const g = await fresh.authz.getGrant(fresh.ctx, A, B, SEND);
    assert.deepEqual(Grant.toJSON(g!), Grant.toJSON((await env.authz.getGrant(env.ctx, A, B, SEND))!));
    const later = setup({ timeMs: t + 120_000, height: 1 });
    await initGenesis(later.ctx, later.authz, JSON.parse(JSON.stringify(exported)));
    assert.equal(await later.authz.getGrant(later.ctx, A, B, SEND), undefined);
    assert.throws(
      () => validateGenesis({ authorization: [{ granter: A, grantee: B, authorization: { "@type": "/x.Y" } }] }),
      /unknown authorization type/,
    );
  });
});
