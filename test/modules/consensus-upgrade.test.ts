import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MsgUpdateParams } from "cosmjs-types/cosmos/consensus/v1/tx";
import { MsgCancelUpgrade, MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import pino from "pino";
import { Context } from "../../chain/baseapp/context.ts";
import { Router } from "../../chain/baseapp/module.ts";
import { InfiniteGasMeter } from "../../chain/baseapp/store-deps.ts";
import { CodedError } from "../../chain/errors/errors.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { defaultConsensusParams } from "../../chain/types/genesis.ts";
import { ConsensusKeeper } from "../../modules/consensus/keeper.ts";
import { ConsensusModule } from "../../modules/consensus/module.ts";
import { preBlocker } from "../../modules/upgrade/abci.ts";
import { BinaryUpdatedBeforeTriggerError, UpgradeNeededError } from "../../modules/upgrade/errors.ts";
import { UpgradeKeeper } from "../../modules/upgrade/keeper.ts";
import { UpgradeModule } from "../../modules/upgrade/module.ts";
import { MemCacheMultiStore, MemKV } from "../app/memory-store.ts";

const GOV = moduleAddress("gov");

function setup() {
  const stores = new Map(["consensus", "upgrade"].map((n) => [n, new MemKV()] as const));
  const root = new MemCacheMultiStore({ getStore: (n: string) => stores.get(n) as MemKV });
  const lines: string[] = [];
  const logger = pino({ level: "info" }, { write: (s: string) => lines.push(s) });
  const ctx = (height: number) =>
    new Context(root, { height, timeMs: 0, chainId: "t" }, new InfiniteGasMeter(), "finalize", logger);
  const ck = new ConsensusKeeper(GOV);
  const uk = new UpgradeKeeper({ authority: GOV }, { moduleVersions: () => [] });
  const router = new Router();
  const consensus = new ConsensusModule(ck);
  for (const m of [consensus, new UpgradeModule(uk)]) m.registerServices(router);
  const exec = (height: number, typeUrl: string, msg: unknown) => {
    const reg = router.msg(typeUrl);
    if (!reg) throw new Error(typeUrl);
    return reg.handler(ctx(height), msg);
  };
  return { ctx, ck, uk, exec, consensus, lines };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CodedError) return `${e.codespace}:${e.code}`;
    throw e;
  }
  return "ok";
}

function cpMsg(over: Partial<MsgUpdateParams> = {}): MsgUpdateParams {
  const d = defaultConsensusParams();
  return { authority: GOV, block: d.block, evidence: d.evidence, validator: d.validator, abci: undefined, ...over };
}

describe("x/consensus", () => {
  it("authority, required sections, CometBFT validation; EndBlock reports the update once", async () => {
    const s = setup();
    s.ck.setParams(s.ctx(1), defaultConsensusParams());
    assert.equal(await codeOf(s.exec(5, MsgUpdateParams.typeUrl, cpMsg({ authority: moduleAddress("x") }))), "gov:13");
    assert.equal(await codeOf(s.exec(5, MsgUpdateParams.typeUrl, cpMsg({ evidence: undefined }))), "sdk:18");
    assert.equal(
      await codeOf(s.exec(5, MsgUpdateParams.typeUrl, cpMsg({ block: { maxBytes: 0n, maxGas: -1n } }))),
      "sdk:18",
    );
    assert.equal(
      await codeOf(s.exec(5, MsgUpdateParams.typeUrl, cpMsg({ validator: { pubKeyTypes: ["rsa"] } }))),
      "sdk:18",
    );
    // vote extensions: not at a past height
    assert.equal(
      await codeOf(s.exec(5, MsgUpdateParams.typeUrl, cpMsg({ abci: { voteExtensionsEnableHeight: 5n } }))),
      "sdk:18",
    );
    assert.deepEqual(await s.consensus.endBlock(s.ctx(5)), {});
    await s.exec(5, MsgUpdateParams.typeUrl, cpMsg({ abci: { voteExtensionsEnableHeight: 10n } }));
    const r = await s.consensus.endBlock(s.ctx(5));
    assert.equal(r.consensusParamUpdates?.abci?.voteExtensionsEnableHeight, 10n);
    assert.deepEqual(await s.consensus.endBlock(s.ctx(6)), {});
    // once enabled they cannot be disabled, nor moved after the enable height passed
    assert.equal(
      await codeOf(s.exec(11, MsgUpdateParams.typeUrl, cpMsg({ abci: { voteExtensionsEnableHeight: 0n } }))),
      "sdk:18",
    );
    assert.equal(
      await codeOf(s.exec(11, MsgUpdateParams.typeUrl, cpMsg({ abci: { voteExtensionsEnableHeight: 20n } }))),
      "sdk:18",
    );
  });
});

describe("x/upgrade", () => {
  it("schedules (authority, not in the past), cancels, halts at the height with the log line", async () => {
    const s = setup();
    const plan = (name: string, height: bigint) => ({ name, height, info: "see docs", time: undefined as any });
    assert.equal(
      await codeOf(s.exec(5, MsgSoftwareUpgrade.typeUrl, { authority: moduleAddress("x"), plan: plan("v2", 10n) })),
      "upgrade:6",
    );
    assert.equal(
      await codeOf(s.exec(5, MsgSoftwareUpgrade.typeUrl, { authority: GOV, plan: plan("v2", 4n) })),
      "sdk:18",
    );
    assert.equal(
      await codeOf(s.exec(5, MsgSoftwareUpgrade.typeUrl, { authority: GOV, plan: plan("", 10n) })),
      "sdk:18",
    );
    await s.exec(5, MsgSoftwareUpgrade.typeUrl, { authority: GOV, plan: plan("v2", 10n) });
    await s.exec(6, MsgCancelUpgrade.typeUrl, { authority: GOV });
    assert.equal(await s.uk.getUpgradePlan(s.ctx(6)), undefined);
    await s.exec(6, MsgSoftwareUpgrade.typeUrl, { authority: GOV, plan: plan("v2", 10n) });
    await preBlocker(s.ctx(9), s.uk);
    await assert.rejects(preBlocker(s.ctx(10), s.uk), UpgradeNeededError);
    assert.ok(s.lines.some((l) => l.includes('UPGRADE \\"v2\\" NEEDED at height 10: see docs')));
  });

  it("a binary with the handler applies the plan at its height; too early it refuses to run", async () => {
    const s = setup();
    await s.exec(5, MsgSoftwareUpgrade.typeUrl, {
      authority: GOV,
      plan: { name: "v2", height: 10n, info: "", time: undefined as any },
    });
    let ran = 0;
    s.uk.setUpgradeHandler("v2", async () => {
      ran++;
    });
    await assert.rejects(preBlocker(s.ctx(9), s.uk), BinaryUpdatedBeforeTriggerError);
    await preBlocker(s.ctx(10), s.uk);
    assert.equal(ran, 1);
    assert.equal(await s.uk.getUpgradePlan(s.ctx(10)), undefined);
    assert.equal(await s.uk.getDoneHeight(s.ctx(10), "v2"), 10n);
    assert.equal(
      await codeOf(
        s.exec(11, MsgSoftwareUpgrade.typeUrl, { authority: GOV, plan: { name: "v2", height: 20n, info: "" } }),
      ),
      "sdk:18",
    );
  });
});
