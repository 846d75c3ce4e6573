// Params (SDK x/staking/keeper/params.go): stored under ParamsKey, defaults when absent.

import type { Context } from "../../../chain/baseapp/context.ts";
import { ParamsKey } from "../keys.ts";
import { decodeParams, defaultParams, encodeParams, type StakingParams } from "../params.ts";
import type { KeeperCore } from "./core.ts";

export async function getParams(k: KeeperCore, ctx: Context): Promise<StakingParams> {
  const b = await k.store(ctx).get(ParamsKey);
  return b ? decodeParams(b) : defaultParams();
}

export function setParams(k: KeeperCore, ctx: Context, p: StakingParams): void {
  k.store(ctx).set(ParamsKey, encodeParams(p));
}

export async function bondDenom(k: KeeperCore, ctx: Context): Promise<string> {
  return (await getParams(k, ctx)).bondDenom;
}

/** unbonding_time in milliseconds (completion times are block time + this). */
export function unbondingMs(p: StakingParams): number {
  return Number(p.unbondingTime.seconds) * 1000 + Math.floor(p.unbondingTime.nanos / 1_000_000);
}
