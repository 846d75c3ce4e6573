// x/upgrade PreBlocker (SDK v0.50 x/upgrade/abci.go): at a plan's height, apply it if this binary
// has its handler, else log `UPGRADE "<name>" NEEDED at height <h>` and halt (UpgradeNeededError).
import type { Context } from "../../chain/baseapp/context.ts";
import { BinaryUpdatedBeforeTriggerError, UpgradeNeededError } from "./errors.ts";
import type { UpgradeKeeper } from "./keeper.ts";

export function upgradeNeededMessage(name: string, height: bigint, info: string): string {
  return `UPGRADE "${name}" NEEDED at height ${height}${info ? `: ${info}` : ""}`;
}

export async function preBlocker(ctx: Context, k: UpgradeKeeper): Promise<void> {
  const plan = await k.getUpgradePlan(ctx);
  if (!plan) return;
  const height = BigInt(ctx.height);
  const log = ctx.logger.child({ module: "x/upgrade" });
  if (plan.height > 0n && plan.height <= height) {
    if (!k.hasHandler(plan.name)) {
      k.dumpUpgradeInfo(height, plan);
      const msg = upgradeNeededMessage(plan.name, plan.height, plan.info);
      log.error({ plan: plan.name, height: Number(plan.height) }, msg);
      throw new UpgradeNeededError(plan.name, plan.height, msg);
    }
    log.info({ plan: plan.name }, `applying upgrade "${plan.name}" at height: ${plan.height}`);
    await k.applyUpgrade(ctx, plan);
    return;
  }
  if (k.hasHandler(plan.name)) {
    const msg = `BINARY UPDATED BEFORE TRIGGER! UPGRADE "${plan.name}" - in binary but not executed on chain. Downgrade your binary`;
    log.error(msg);
    throw new BinaryUpdatedBeforeTriggerError(msg);
  }
}
