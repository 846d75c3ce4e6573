// Registry genesis with cards, lineage and stats: export -> import into a fresh store gives the same
// export, the same index entries and the same discovery answers; bad lineage or stats are refused.
// The v1 -> v2 migration builds the indexes of models stored before cards existed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exportGenesis, initGenesis, validateGenesis } from "../../../modules/registry/genesis.ts";
import { indexesInvariant } from "../../../modules/registry/invariants.ts";
import { modelKey, StoreKey } from "../../../modules/registry/keys.ts";
import { migrateV1ToV2 } from "../../../modules/registry/migrations.ts";
import { RegistryConsensusVersion } from "../../../modules/registry/module.ts";
import { Model } from "../../../proto/gen/dgrid/registry/v1/registry.ts";
import { account, card, type Env, modelId, setup } from "./harness.ts";

const alice = account(1);
const bob = account(2);

async function populated(): Promise<Env> {
  const env = setup();
  await env.register({ id: modelId(1), creator: alice, price: 300n, card: card({ task: "ocr", tags: ["scan"] }) });
  await env.register({ id: modelId(2), creator: alice, price: 100n, card: card({ supersedes: modelId(1) }) });
  await env.register({ id: modelId(3), creator: bob, price: 200n });
  await env.register({ id: modelId(4), creator: bob, price: 50n, card: card({ task: "speech" }) });
  await env.delist(modelId(4));
  const fee = { denom: "udgrid", amount: "10" };
  for (let i = 0; i < 70; i++)
    await env.keeper.recordSettlement(env.ctx(10 + i), modelId(i % 2 === 0 ? 1 : 3), {
      finalized: i % 5 !== 0,
      agreement: i % 5 === 0 ? "no_quorum" : i % 3 === 0 ? "majority" : "unanimous",
      items: 2,
      latencyBlocks: i % 5 === 0 ? undefined : 1 + (i % 7),
      creatorFee: i % 5 === 0 ? undefined : fee,
    });
  return env;
}

const orders = async (env: Env) => {
  const out: Record<string, string[]> = {};
  for (const sort of ["price", "usage", "agreement", "latency"])
    for (const f of [{}, { task: "ocr" }, { creator: alice }, { tag: "scan" }])
      out[`${sort} ${JSON.stringify(f)}`] = await env.discoverAll({ ...f, sort });
  return out;
};

describe("registry: genesis and migration", () => {
  it("export -> import round-trips cards, lineage, stats and earnings, and rebuilds the same indexes", async () => {
    const a = await populated();
    const exported = await exportGenesis(a.ctx(), a.keeper);
    validateGenesis(exported);
    const g = exported as { models: { superseded_by?: string }[]; model_stats: unknown[]; creator_earnings: unknown[] };
    assert.equal(g.models.length, 4);
    assert.equal(g.model_stats.length, 2);
    assert.equal(g.creator_earnings.length, 2);
    const b = setup();
    await initGenesis(b.ctx(), b.keeper, JSON.parse(JSON.stringify(exported)));
    assert.deepEqual(await exportGenesis(b.ctx(), b.keeper), exported);
    assert.deepEqual(await b.keeper.storedIndexKeys(b.ctx()), await a.keeper.storedIndexKeys(a.ctx()));
    assert.deepEqual(await orders(b), await orders(a));
    assert.equal((await indexesInvariant(b.ctx(), b.keeper)).broken, false);
    assert.deepEqual((await orders(a))[`usage {"creator":"${alice}"}`], [modelId(1), modelId(2)]);
  });

  it("refuses genesis whose lineage links disagree, loop or cross creators, and stats out of bounds", async () => {
    const exported = (await exportGenesis((await populated()).ctx(), (await populated()).keeper)) as Record<
      string,
      unknown
    >;
    const models = exported.models as Record<string, unknown>[];
    const mutate = (f: (g: { models: Record<string, unknown>[]; model_stats: Record<string, unknown>[] }) => void) => {
      const g = JSON.parse(JSON.stringify(exported));
      f(g);
      return g;
    };
    const i1 = models.findIndex((m) => m.id === modelId(1));
    const i3 = models.findIndex((m) => m.id === modelId(3));
    const i2 = models.findIndex((m) => m.id === modelId(2));
    const bad = [
      mutate((g) => void (g.models[i1].superseded_by = "")),
      mutate((g) => void (g.models[i3].superseded_by = modelId(2))),
      mutate((g) => {
        // a two-model loop: 1 supersedes 2 and 2 supersedes 1
        (g.models[i1] as { card: Record<string, unknown> }).card = { task: "ocr", supersedes: modelId(2) };
        g.models[i2].superseded_by = modelId(1);
      }),
      mutate((g) => void (g.models[i2].creator = bob)),
      mutate((g) => void (g.model_stats[0].latency_window = new Array(65).fill(1))),
      mutate((g) => void (g.model_stats[0].latency_p50 = 999)),
      mutate((g) => void (g.model_stats[0].requests_finalized = "1")),
      mutate((g) => void (g.model_stats[0].model_id = modelId(9))),
      mutate((g) => void ((g.models[i1] as { card: Record<string, unknown> }).card.tags = ["Bad Tag"])),
    ];
    for (const [i, g] of bad.entries())
      assert.throws(() => validateGenesis(g), /registry genesis|invalid model card/, `case ${i}`);
  });

  it("v1 -> v2: a store of card-less models gets its indexes; consensus version is 2", async () => {
    assert.equal(RegistryConsensusVersion, 2);
    const env = setup();
    const ctx = env.ctx();
    // v1 state: models written as v1 did, nothing else
    for (const [n, price] of [
      [1, 30n],
      [2, 10n],
      [3, 20n],
    ] as const) {
      const r = env.registration({ id: modelId(n), creator: n === 3 ? bob : alice, price });
      const m: Model = { ...r, registeredHeight: 1n, delisted: false, card: undefined, supersededBy: "" };
      ctx.kvStore(StoreKey).set(modelKey(m.id), Model.encode(m).finish());
    }
    assert.equal((await indexesInvariant(ctx, env.keeper)).broken, true);
    assert.deepEqual(await env.discoverAll({}), []);
    await migrateV1ToV2(ctx, env.keeper);
    await migrateV1ToV2(ctx, env.keeper); // idempotent
    assert.equal((await indexesInvariant(ctx, env.keeper)).broken, false);
    assert.deepEqual(await env.discoverAll({ sort: "price" }), [modelId(2), modelId(3), modelId(1)]);
    assert.deepEqual(await env.discoverAll({ creator: alice, sort: "price" }, true), [modelId(1), modelId(2)]);
  });
});
