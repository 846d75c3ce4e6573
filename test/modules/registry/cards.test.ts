// Model cards: every field's limits (refused by ValidateBasic, so at CheckTx, with registry:12),
// updates by the creator only (registry:13), version lineage (registry:14) and the stats record that
// settlement feeds (bounded window, nearest-rank percentiles, creator earnings).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { indexesInvariant } from "../../../modules/registry/invariants.ts";
import { MsgRegisterModelType, MsgUpdateModelCardType } from "../../../modules/registry/msg-server.ts";
import { LATENCY_WINDOW, percentile } from "../../../modules/registry/stats.ts";
import {
  QueryCreatorModelsRequest,
  QueryCreatorModelsResponse,
  QueryModelLineageRequest,
  QueryModelLineageResponse,
  QueryModelRequest,
  QueryModelResponse,
} from "../../../proto/gen/dgrid/registry/v1/query.ts";
import { account, card, modelId, setup } from "./harness.ts";

const alice = account(1);
const bob = account(2);

describe("registry: model cards", () => {
  it("a registration without a card still works; one with a card stores it", async () => {
    const env = setup();
    assert.equal(await env.register({ id: modelId(1), creator: alice }), "ok");
    const c = card({
      task: "speech",
      description: "Voice activity detection.\nOne line more.",
      license: "MIT",
      tags: ["vad", "audio-16k"],
      sourceUri: "https://github.com/snakers4/silero-vad",
      inputDoc: "16 kHz mono float32 frames of 512 samples",
      outputDoc: "speech probability",
    });
    assert.equal(await env.register({ id: modelId(2), creator: alice, card: c }), "ok");
    assert.equal((await env.keeper.getModel(env.ctx(), modelId(1)))?.card, undefined);
    assert.deepEqual((await env.keeper.getModel(env.ctx(), modelId(2)))?.card, c);
  });

  it("refuses every field over its limits with registry:12, in ValidateBasic (CheckTx)", () => {
    const bad: [string, Partial<ReturnType<typeof card>>][] = [
      ["unknown task", { task: "translation" }],
      ["empty task", { task: "" }],
      ["long description", { description: "x".repeat(1025) }],
      ["description of 1025 bytes in 2-byte chars", { description: "é".repeat(513) }],
      ["control character", { description: "a\u0007b" }],
      ["lone surrogate", { inputDoc: "a\ud800b" }],
      ["long output doc", { outputDoc: "y".repeat(1025) }],
      ["license expression", { license: "MIT OR Apache-2.0" }],
      ["license charset", { license: "MIT!" }],
      ["long license", { license: `L${"a".repeat(64)}` }],
      ["nine tags", { tags: ["a", "b", "c", "d", "e", "f", "g", "h", "i"] }],
      ["upper-case tag", { tags: ["OCR"] }],
      ["empty tag", { tags: [""] }],
      ["trailing hyphen", { tags: ["ocr-"] }],
      ["long tag", { tags: ["a".repeat(33)] }],
      ["duplicate tag", { tags: ["ocr", "ocr"] }],
      ["uri without scheme", { sourceUri: "github.com/x" }],
      ["uri with space", { sourceUri: "https://x y" }],
      ["long uri", { sourceUri: `https://${"a".repeat(250)}` }],
      ["supersedes not an id", { supersedes: "abc" }],
      ["supersedes itself", { supersedes: modelId(1) }],
    ];
    const env = setup();
    for (const [what, over] of bad) {
      const reg = env.registration({ id: modelId(1), creator: alice, card: card(over) });
      assert.throws(() => MsgRegisterModelType.validateBasic!(reg), { codespace: "registry", code: 12 }, what);
      const upd = { creator: alice, modelId: modelId(1), card: card(over) };
      assert.throws(() => MsgUpdateModelCardType.validateBasic!(upd), { codespace: "registry", code: 12 }, what);
    }
    const good = card({
      license: "LicenseRef-my-own",
      tags: ["a", "b", "c", "d", "e", "f", "g", "h"],
      description: "é".repeat(512),
      sourceUri: "ipfs://bafy",
    });
    MsgRegisterModelType.validateBasic!(env.registration({ id: modelId(1), creator: alice, card: good }));
    for (const license of ["Apache-2.0", "GPL-2.0+", "CC-BY-4.0", "0BSD"])
      MsgRegisterModelType.validateBasic!(
        env.registration({ id: modelId(1), creator: alice, card: card({ license }) }),
      );
  });

  it("only the creator updates a card; the hash, specs and price stay", async () => {
    const env = setup();
    await env.register({ id: modelId(1), creator: alice, price: 700n });
    assert.equal(await env.updateCard(bob, modelId(1), card()), "registry:13");
    assert.equal(await env.updateCard(alice, modelId(9), card()), "registry:4");
    const before = await env.keeper.getModel(env.ctx(), modelId(1));
    assert.equal(await env.updateCard(alice, modelId(1), card({ task: "detection", tags: ["boxes"] })), "ok");
    const after = await env.keeper.getModel(env.ctx(), modelId(1));
    assert.deepEqual({ ...after, card: undefined }, { ...before, card: undefined });
    assert.equal(after?.card?.task, "detection");
    assert.deepEqual(await env.discoverAll({ tag: "boxes" }), [modelId(1)]);
    assert.deepEqual(await env.discoverAll({ task: "detection" }), [modelId(1)]);
    assert.deepEqual(await env.discoverAll({ task: "ocr" }), []);
    await env.delist(modelId(1));
    assert.equal(await env.updateCard(alice, modelId(1), card()), "registry:5");
  });

  it("lineage: a new version supersedes an older one of the same creator; clients follow it to the newest", async () => {
    const env = setup();
    const [v1, v2, v3, other] = [modelId(1), modelId(2), modelId(3), modelId(4)];
    await env.register({ id: v1, creator: alice, card: card() });
    await env.register({ id: other, creator: bob, card: card() });
    assert.equal(await env.register({ id: v2, creator: alice, card: card({ supersedes: other }) }), "registry:14");
    assert.equal(await env.register({ id: v2, creator: alice, card: card({ supersedes: modelId(9) }) }), "registry:14");
    assert.equal(await env.register({ id: v2, creator: alice, card: card({ supersedes: v1 }) }), "ok");
    // v1 already has a newer version: a second one is refused
    assert.equal(await env.register({ id: v3, creator: alice, card: card({ supersedes: v1 }) }), "registry:14");
    assert.equal(await env.register({ id: v3, creator: alice, card: card({ supersedes: v2 }) }), "ok");
    // a cycle: v1 cannot supersede its own newer version
    assert.equal(await env.updateCard(alice, v1, card({ supersedes: v3 })), "registry:14");
    const lineage = (id: string) =>
      env.query("ModelLineage", QueryModelLineageRequest, QueryModelLineageResponse, { id });
    assert.deepEqual(await lineage(v2), { ids: [v1, v2, v3], latest: v3 });
    const m = await env.query("Model", QueryModelRequest, QueryModelResponse, { id: v1 });
    assert.equal(m.latest, v3);
    assert.equal(m.model?.supersededBy, v2);
    // v3 now supersedes nothing: v2 is the end of its own chain again
    assert.equal(await env.updateCard(alice, v3, card()), "ok");
    assert.equal((await env.keeper.getModel(env.ctx(), v2))?.supersededBy, "");
    assert.deepEqual(await lineage(v1), { ids: [v1, v2], latest: v2 });
    assert.deepEqual(await lineage(v3), { ids: [v3], latest: v3 });
    assert.equal((await indexesInvariant(env.ctx(), env.keeper)).broken, false);
  });
});

describe("registry: stats from settlement", () => {
  it("counters, agreement rate, fixed window percentiles and creator earnings", async () => {
    const env = setup();
    await env.register({ id: modelId(1), creator: alice });
    await env.register({ id: modelId(2), creator: alice });
    const k = env.keeper;
    const fee = { denom: "udgrid", amount: "100" };
    await k.recordSettlement(env.ctx(5), modelId(1), {
      finalized: true,
      agreement: "unanimous",
      items: 4,
      latencyBlocks: 2,
      creatorFee: fee,
    });
    await k.recordSettlement(env.ctx(6), modelId(1), {
      finalized: true,
      agreement: "majority",
      items: 1,
      latencyBlocks: 6,
      creatorFee: fee,
    });
    await k.recordSettlement(env.ctx(7), modelId(1), { finalized: false, agreement: "no_quorum", items: 1 });
    await k.recordSettlement(env.ctx(7), modelId(1), { finalized: false, agreement: "none", items: 1 });
    const s = await k.getStats(env.ctx(), modelId(1));
    assert.equal(s?.requestsFinalized, 2n);
    assert.equal(s?.requestsRefunded, 2n);
    assert.equal(s?.items, 5n);
    assert.equal(s?.agreementPpm, 333_333n); // 1 unanimous of 3 judged
    assert.deepEqual([s?.latencyP50, s?.latencyP99], [2, 6]);
    assert.deepEqual(s?.creatorFees, [{ denom: "udgrid", amount: "200" }]);
    assert.equal(s?.lastHeight, 7n);
    await k.recordSettlement(env.ctx(8), modelId(2), {
      finalized: true,
      agreement: "unanimous",
      items: 1,
      latencyBlocks: 1,
      creatorFee: { denom: "uatom", amount: "5" },
    });
    const c = await env.query("CreatorModels", QueryCreatorModelsRequest, QueryCreatorModelsResponse, {
      creator: alice,
    });
    assert.deepEqual(c.earnings, {
      creator: alice,
      fees: [
        { denom: "uatom", amount: "5" },
        { denom: "udgrid", amount: "200" },
      ],
      requestsFinalized: 3n,
    });
    assert.deepEqual(c.models.map((m) => m.model?.id).sort(), [modelId(1), modelId(2)].sort());
    assert.ok(
      c.models.every((m) => m.model?.goldenVectors.length === 0),
      "listings leave out golden vectors",
    );
    await assert.rejects(
      k.recordSettlement(env.ctx(8), modelId(3), { finalized: true, agreement: "unanimous", items: 1 }),
      {
        codespace: "registry",
        code: 4,
      },
    );
    await assert.rejects(k.recordSettlement(env.ctx(8), modelId(1), { finalized: true, agreement: "none", items: 1 }));
    await assert.rejects(
      k.recordSettlement(env.ctx(8), modelId(1), { finalized: true, agreement: "unanimous", items: -1 }),
    );
  });

  it("stays bounded: the window keeps the latest LATENCY_WINDOW latencies, whatever the count", async () => {
    const env = setup();
    await env.register({ id: modelId(1), creator: alice });
    const all: number[] = [];
    for (let i = 0; i < 3 * LATENCY_WINDOW + 5; i++) {
      const latency = (i * 37) % 101;
      all.push(latency);
      await env.keeper.recordSettlement(env.ctx(10 + i), modelId(1), {
        finalized: true,
        agreement: "unanimous",
        items: 1,
        latencyBlocks: latency,
      });
      const s = await env.keeper.getStats(env.ctx(), modelId(1));
      const recent = all.slice(-LATENCY_WINDOW);
      assert.equal(s?.latencyWindow.length, recent.length);
      assert.deepEqual(
        [...(s?.latencyWindow ?? [])].sort((a, b) => a - b),
        [...recent].sort((a, b) => a - b),
      );
      assert.equal(s?.latencyP50, percentile(recent, 50));
      assert.equal(s?.latencyP99, percentile(recent, 99));
    }
    assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
    assert.equal(percentile([5, 1, 3, 2, 4], 99), 5);
    assert.equal(percentile([], 50), 0);
  });
});
