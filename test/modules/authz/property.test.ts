// Random sequences of grants, MsgExecs, refunds and time passing: spend limits never go negative nor
// above what was granted plus nothing, failed execs move no balance, and the supply invariant holds.
import assert from "node:assert/strict";
import { it } from "node:test";
import { MsgExecResponse } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { SendAuthorization } from "cosmjs-types/cosmos/bank/v1beta1/authz";
import fc from "fast-check";
import { moduleAddress } from "../../../chain/types/address.ts";
import { totalSupplyInvariant } from "../../../modules/bank/invariants.ts";
import { InferenceAuthorization } from "../../../proto/gen/dgrid/inference/v1/authz.ts";
import { MsgRequestInferenceResponse } from "../../../proto/gen/dgrid/inference/v1/tx.ts";
import { addr, ESCROW, setup } from "./harness.ts";
import * as m from "./msgs.ts";

const OWNER = addr("owner");
const AGENT = addr("agent");
const C = addr("carol");
const D = addr("dave");
const ud = (n: bigint) => [{ denom: "udgrid", amount: n.toString() }];

const op = fc.oneof(
  fc.record({
    kind: fc.constant("grantSend" as const),
    limit: fc.bigInt({ min: 1n, max: 500n }),
    allowC: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("grantInference" as const),
    limit: fc.bigInt({ min: 1n, max: 500n }),
    period: fc.option(fc.bigInt({ min: 1n, max: 200n }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant("send" as const), amount: fc.bigInt({ min: 1n, max: 200n }), toC: fc.boolean() }),
  fc.record({ kind: fc.constant("request" as const), fee: fc.bigInt({ min: 0n, max: 150n }) }),
  fc.record({ kind: fc.constant("refund" as const), pick: fc.nat(), part: fc.boolean() }),
  fc.record({ kind: fc.constant("time" as const), ms: fc.integer({ min: 1, max: 120_000 }) }),
  fc.record({ kind: fc.constant("revoke" as const), inference: fc.boolean() }),
);

it("authz limits never go negative and every balance stays accounted for", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
      const env = setup();
      await env.fund(OWNER, 10_000n);
      const moved = { sent: 0n };
      for (const o of ops) {
        const before = (await env.bk.getBalance(env.ctx, OWNER, "udgrid")).amount;
        let msg: m.AnyMsg | undefined;
        if (o.kind === "grantSend") msg = m.grant(OWNER, AGENT, m.sendAuth(o.limit, o.allowC ? [C] : []));
        if (o.kind === "grantInference")
          msg = m.grant(
            OWNER,
            AGENT,
            m.inferenceAuth({
              spendLimit: ud(o.limit),
              ...(o.period ? { period: { seconds: 60n, nanos: 0 }, periodSpendLimit: ud(o.period) } : {}),
            }),
          );
        if (o.kind === "send") msg = m.exec(AGENT, [m.send(OWNER, o.toC ? C : D, o.amount)]);
        if (o.kind === "request") {
          env.inference.fee = o.fee;
          msg = m.exec(AGENT, [m.requestInference(OWNER, "m1")]);
        }
        if (o.kind === "revoke")
          msg = m.revoke(
            OWNER,
            AGENT,
            o.inference ? "/dgrid.inference.v1.MsgRequestInference" : "/cosmos.bank.v1beta1.MsgSend",
          );
        if (o.kind === "time") env.advance(o.ms);
        if (o.kind === "refund") {
          const open = [...env.inference.open.keys()];
          if (open.length > 0) {
            const id = open[o.pick % open.length];
            const fee = env.inference.open.get(id)!.fee;
            if (fee > 0n) await env.refund(id, o.part ? fee / 2n || fee : fee, !o.part);
          }
        }
        if (msg) {
          // a failed message is a failed tx: the harness keeps nothing of it
          const ok = await env.deliver(msg.typeUrl, msg.value).then(
            (r) => r,
            () => undefined,
          );
          if (!ok && o.kind !== "grantSend" && o.kind !== "grantInference") {
            assert.equal(
              (await env.bk.getBalance(env.ctx, OWNER, "udgrid")).amount,
              before,
              "a refused exec moves nothing",
            );
          }
          if (ok && o.kind === "send") moved.sent += o.amount;
          if (ok && o.kind === "request")
            MsgRequestInferenceResponse.decode(MsgExecResponse.decode(ok.value).results[0]);
        }
        // limits stay positive (a used-up grant is deleted)
        const send = await env.authz.getGrant(env.ctx, OWNER, AGENT, "/cosmos.bank.v1beta1.MsgSend");
        if (send)
          for (const c of SendAuthorization.decode(send.authorization!.value).spendLimit)
            assert.ok(BigInt(c.amount) > 0n);
        const inf = await env.authz.getGrant(env.ctx, OWNER, AGENT, "/dgrid.inference.v1.MsgRequestInference");
        if (inf) {
          const a = InferenceAuthorization.decode(inf.authorization!.value);
          for (const c of [...a.spendLimit, ...a.periodCanSpend])
            assert.ok(BigInt(c.amount) > 0n, "limits stay positive");
          for (const c of a.periodCanSpend)
            assert.ok(BigInt(c.amount) <= BigInt(a.periodSpendLimit.find((p) => p.denom === c.denom)?.amount ?? "0"));
        }
      }
      const escrowed = [...env.inference.open.values()].reduce((s, r) => s + r.fee, 0n);
      const owner = (await env.bk.getBalance(env.ctx, OWNER, "udgrid")).amount;
      const recipients =
        (await env.bk.getBalance(env.ctx, C, "udgrid")).amount + (await env.bk.getBalance(env.ctx, D, "udgrid")).amount;
      assert.equal(recipients, moved.sent);
      // settled-but-not-refunded fees stay in escrow in the fake: owner + recipients + escrow = funded
      const escrowBalance = (await env.bk.getBalance(env.ctx, moduleAddress(ESCROW), "udgrid")).amount;
      assert.equal(owner + recipients + escrowBalance, 10_000n);
      assert.ok(escrowBalance >= escrowed);
      assert.equal((await totalSupplyInvariant(env.ctx, env.bk)).broken, false);
    }),
    { numRuns: 60 },
  );
});
