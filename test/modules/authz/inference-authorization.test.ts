import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MsgExecResponse } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { CodedError } from "../../../chain/errors/errors.ts";
import { resetPeriod } from "../../../modules/authz/authorizations/inference.ts";
import { totalSupplyInvariant } from "../../../modules/bank/invariants.ts";
import { InferenceAuthorization } from "../../../proto/gen/dgrid/inference/v1/authz.ts";
import { MsgRequestInferenceResponse } from "../../../proto/gen/dgrid/inference/v1/tx.ts";
import { addr, type Env, setup } from "./harness.ts";
import * as m from "./msgs.ts";

const REQ = "/dgrid.inference.v1.MsgRequestInference";
const OWNER = addr("owner");
const AGENT = addr("agent");
const ud = (n: bigint) => [{ denom: "udgrid", amount: n.toString() }];
const DAY_MS = 86_400_000;

async function current(env: Env): Promise<InferenceAuthorization | undefined> {
  const g = await env.authz.getGrant(env.ctx, OWNER, AGENT, REQ);
  return g ? InferenceAuthorization.decode(g.authorization!.value) : undefined;
}

async function request(env: Env, model = "m1"): Promise<bigint> {
  const e = m.exec(AGENT, [m.requestInference(OWNER, model)]);
  const res = await env.deliver(e.typeUrl, e.value);
  return MsgRequestInferenceResponse.decode(MsgExecResponse.decode(res.value).results[0]).requestId;
}

async function rejectsWith(p: Promise<unknown>, code: string, text: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CodedError, String(e));
    assert.equal(`${e.codespace}:${e.code}`, code, e.message);
    assert.match(e.message, text);
    return true;
  });
}

async function grant(env: Env, a: Partial<InferenceAuthorization>, expirationMs?: number) {
  const g = m.grant(OWNER, AGENT, m.inferenceAuth(a), expirationMs);
  await env.deliver(g.typeUrl, g.value);
}

describe("InferenceAuthorization", () => {
  it("spends the request fee from the limit, refuses other models and fees over the per-request max, deletes when used up", async () => {
    const env = setup();
    await env.fund(OWNER, 10_000n);
    await grant(env, {
      spendLimit: ud(250n),
      maxFeePerRequest: { denom: "udgrid", amount: "120" },
      allowedModels: ["m1", "m2"],
    });
    await request(env, "m1");
    assert.deepEqual((await current(env))?.spendLimit, ud(150n));
    assert.equal((await env.bk.getBalance(env.ctx, OWNER, "udgrid")).amount, 9_900n);
    await rejectsWith(request(env, "m3"), "sdk:4", /model m3 is not allowed/);
    env.inference.fee = 121n;
    await rejectsWith(request(env, "m2"), "sdk:4", /over the max fee per request/);
    env.inference.fee = 100n;
    await request(env, "m2");
    await rejectsWith(request(env), "sdk:5", /more than the spend limit/);
    env.inference.fee = 50n;
    await request(env);
    assert.equal(await current(env), undefined, "used up: deleted");
    assert.ok(env.ctx.eventManager.events().some((e) => e.type === "cosmos.authz.v1beta1.EventRevoke"));
    assert.equal((await env.bk.getBalance(env.ctx, OWNER, "udgrid")).amount, 9_750n);
    assert.equal((await totalSupplyInvariant(env.ctx, env.bk)).broken, false);
  });

  it("period: its own limit, reset at the period's end as PeriodicAllowance", async () => {
    const env = setup();
    await env.fund(OWNER, 10_000n);
    await grant(env, {
      spendLimit: ud(1000n),
      period: { seconds: 86_400n, nanos: 0 },
      periodSpendLimit: ud(200n),
    });
    const a0 = await current(env);
    assert.deepEqual(a0?.periodCanSpend, ud(200n), "filled at grant");
    assert.equal(a0?.periodReset?.seconds, BigInt(env.block.timeMs / 1000) + 86_400n);
    await request(env);
    await request(env);
    await rejectsWith(request(env), "sdk:5", /period's spend limit/);
    env.advance(DAY_MS - 1000);
    await rejectsWith(request(env), "sdk:5", /period's spend limit/);
    env.advance(1000); // the reset time itself starts the new period
    await request(env);
    const a1 = await current(env);
    assert.deepEqual(a1?.periodCanSpend, ud(100n));
    assert.deepEqual(a1?.spendLimit, ud(700n));
    assert.equal(a1?.periodReset?.seconds, a0!.periodReset!.seconds + 86_400n);
  });

  it("resetPeriod: after a long pause the next reset is a full period from now; the allowance is capped by the total", () => {
    const a = InferenceAuthorization.fromPartial({
      spendLimit: ud(50n),
      period: { seconds: 10n, nanos: 0 },
      periodSpendLimit: ud(200n),
      periodCanSpend: [],
      periodReset: { seconds: 100n, nanos: 0 },
    });
    const r = resetPeriod(a, 1_000n * 1_000_000_000n);
    assert.deepEqual(r.periodCanSpend, ud(50n));
    assert.equal(r.periodReset?.seconds, 1_010n);
    assert.equal(resetPeriod(a, 99n * 1_000_000_000n), a, "before the reset time nothing changes");
  });

  it("a refunded request credits its fee back (total and period), capped at what it was charged", async () => {
    const env = setup();
    await env.fund(OWNER, 10_000n);
    await grant(env, { spendLimit: ud(1000n), period: { seconds: 3600n, nanos: 0 }, periodSpendLimit: ud(300n) });
    const id1 = await request(env);
    const id2 = await request(env);
    assert.deepEqual((await current(env))?.spendLimit, ud(800n));
    // partial refund (redundancy reduced), then the rest at expiry
    await env.refund(id1, 30n, false);
    assert.deepEqual((await current(env))?.spendLimit, ud(830n));
    assert.deepEqual((await current(env))?.periodCanSpend, ud(130n));
    await env.refund(id1);
    assert.deepEqual((await current(env))?.spendLimit, ud(900n));
    assert.ok(env.ctx.eventManager.events().some((e) => e.type === "inference_authorization_credited"));
    // a settled request leaves the index: nothing to credit later
    await env.settle(id2);
    assert.deepEqual((await current(env))?.spendLimit, ud(900n));
    assert.equal((await env.bk.getBalance(env.ctx, OWNER, "udgrid")).amount, 9_900n);
    assert.equal((await totalSupplyInvariant(env.ctx, env.bk)).broken, false);
  });

  it("a refund in a later period raises the total only; after a revoke or re-grant it credits nothing", async () => {
    const env = setup();
    await env.fund(OWNER, 10_000n);
    await grant(env, { spendLimit: ud(1000n), period: { seconds: 60n, nanos: 0 }, periodSpendLimit: ud(100n) });
    const id1 = await request(env);
    env.advance(61_000);
    const id2 = await request(env); // a new period, spent at once
    await env.refund(id1);
    const a = await current(env);
    assert.deepEqual(a?.spendLimit, ud(900n));
    assert.deepEqual(a?.periodCanSpend, [], "the old period's refund does not raise this period's allowance");
    await grant(env, { spendLimit: ud(40n) });
    await env.refund(id2);
    assert.deepEqual((await current(env))?.spendLimit, ud(40n), "the new grant keeps its own limit");
    const id3 = await request(env, "m1").catch(() => undefined);
    assert.equal(id3, undefined, "100 over the new 40 limit");
    env.inference.fee = 10n;
    const id4 = await request(env);
    const r = m.revoke(OWNER, AGENT, REQ);
    await env.deliver(r.typeUrl, r.value);
    await env.refund(id4);
    assert.equal(await current(env), undefined);
  });

  it("expired grants refuse requests (authz 6)", async () => {
    const env = setup();
    await env.fund(OWNER, 1000n);
    await grant(env, { spendLimit: ud(1000n) }, env.block.timeMs + 1000);
    await request(env);
    env.advance(1001);
    await rejectsWith(request(env), "authz:6", /expired/);
  });

  it("validateBasic: a spend limit is required; period fields need a period", async () => {
    const env = setup();
    const bad = [
      { spendLimit: [] },
      { spendLimit: ud(1n), periodSpendLimit: ud(1n) },
      { spendLimit: ud(1n), period: { seconds: 0n, nanos: 0 }, periodSpendLimit: ud(1n) },
      { spendLimit: ud(1n), allowedModels: ["a", "a"] },
    ];
    for (const a of bad) await assert.rejects(grant(env, a), CodedError);
  });
});
