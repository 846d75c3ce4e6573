// Authz genesis carries the granted-request index (DGrid's `granted_requests`): after an export and an
// import, a refund of a request paid under an InferenceAuthorization still credits the grant, the
// imported state exports the same genesis, an entry whose grant expired by the genesis time is
// dropped with it, and a malformed list is refused at validation.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MsgExecResponse } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { exportGenesis, initGenesis, validateGenesis } from "../../../modules/authz/genesis.ts";
import { InferenceAuthorization } from "../../../proto/gen/dgrid/inference/v1/authz.ts";
import { MsgRequestInferenceResponse } from "../../../proto/gen/dgrid/inference/v1/tx.ts";
import { addr, type Env, ESCROW, setup } from "./harness.ts";
import * as m from "./msgs.ts";

const REQ = "/dgrid.inference.v1.MsgRequestInference";
const OWNER = addr("owner");
const AGENT = addr("agent");
const ud = (n: bigint) => [{ denom: "udgrid", amount: n.toString() }];
const T = 1_700_000_000_000;

async function spendLimit(env: Env): Promise<bigint | undefined> {
  const g = await env.authz.getGrant(env.ctx, OWNER, AGENT, REQ);
  const a = g ? InferenceAuthorization.decode(g.authorization!.value) : undefined;
  return a ? BigInt(a.spendLimit[0]?.amount ?? "0") : undefined;
}

async function request(env: Env): Promise<bigint> {
  const e = m.exec(AGENT, [m.requestInference(OWNER, "m1")]);
  const res = await env.deliver(e.typeUrl, e.value);
  return MsgRequestInferenceResponse.decode(MsgExecResponse.decode(res.value).results[0]).requestId;
}

/** A chain where the owner's grant paid two requests (100 each) out of a limit of 1,000. */
async function chainWithPaidRequests(expirationMs?: number) {
  const env = setup({ timeMs: T, height: 1 });
  await env.fund(OWNER, 10_000n);
  const g = m.grant(OWNER, AGENT, m.inferenceAuth({ spendLimit: ud(1000n) }), expirationMs);
  await env.deliver(g.typeUrl, g.value);
  const ids = [await request(env), await request(env)];
  assert.equal(await spendLimit(env), 800n);
  return { env, ids, exported: JSON.parse(JSON.stringify(await exportGenesis(env.ctx, env.authz))) };
}

/** The fake inference module of a fresh chain holding the same open requests and escrow. */
async function withOpenRequests(env: Env, ids: bigint[]) {
  const escrowed = [{ denom: "udgrid", amount: 100n * BigInt(ids.length) }];
  await env.bk.mintCoins(env.ctx, "mint", escrowed);
  await env.bk.sendCoinsFromModuleToModule(env.ctx, "mint", ESCROW, escrowed);
  for (const id of ids) env.inference.open.set(id, { requester: OWNER, fee: 100n });
}

describe("authz genesis: granted requests", () => {
  it("are exported and imported: a refund after the import credits the grant; the import exports the same", async () => {
    const { ids, exported } = await chainWithPaidRequests();
    assert.deepEqual(
      exported.granted_requests.map((r: { request_id: string; creditable: unknown; period_reset: unknown }) => [
        r.request_id,
        r.creditable,
        r.period_reset,
      ]),
      ids.map((id) => [id.toString(), { denom: "udgrid", amount: "100" }, null]),
    );
    validateGenesis(exported);
    const fresh = setup({ timeMs: T + 5_000, height: 1 });
    await initGenesis(fresh.ctx, fresh.authz, exported);
    assert.deepEqual(JSON.parse(JSON.stringify(await exportGenesis(fresh.ctx, fresh.authz))), exported);
    await withOpenRequests(fresh, ids);
    await fresh.refund(ids[0]);
    assert.equal(await spendLimit(fresh), 900n, "the refund credited the imported grant");
    await fresh.settle(ids[1]);
    assert.equal(await spendLimit(fresh), 900n, "a settled request credits nothing");
    assert.deepEqual((await exportGenesis(fresh.ctx, fresh.authz)).granted_requests, [], "both left the index");
  });

  it("an entry whose grant expired by the genesis time is dropped with the grant", async () => {
    const { exported } = await chainWithPaidRequests(T + 60_000);
    assert.equal(exported.granted_requests.length, 2);
    const later = setup({ timeMs: T + 120_000, height: 1 });
    await initGenesis(later.ctx, later.authz, exported);
    assert.deepEqual(await exportGenesis(later.ctx, later.authz), { authorization: [], granted_requests: [] });
  });

  it("a genesis without granted_requests imports; a malformed list is refused", async () => {
    const { exported } = await chainWithPaidRequests();
    const { granted_requests: _g, ...older } = exported;
    validateGenesis(older);
    const fresh = setup({ timeMs: T, height: 1 });
    await initGenesis(fresh.ctx, fresh.authz, older);
    assert.deepEqual((await exportGenesis(fresh.ctx, fresh.authz)).granted_requests, []);
    const one = exported.granted_requests[0];
    for (const [list, why] of [
      [[one, one], /duplicate granted request/],
      [[{ ...one, request_id: "0" }], /invalid request_id/],
      [[{ ...one, request_id: "18446744073709551616" }], /invalid request_id/],
      [[{ ...one, granter: "nope" }], /invalid granter/],
      [[{ ...one, creditable: { denom: "udgrid", amount: "-1" } }], /invalid creditable/],
      [[{ ...one, creditable: { denom: "u", amount: "1" } }], /invalid creditable/],
      [[{ ...one, period_reset: "yesterday" }], /invalid timestamp/],
      ["all", /must be a list/],
    ] as const)
      assert.throws(() => validateGenesis({ ...exported, granted_requests: list }), why, JSON.stringify(list));
  });
});
