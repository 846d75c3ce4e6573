// Unbonding ids (SDK x/staking/keeper/unbonding.go IncrementUnbondingID): every unbonding-delegation
// and redelegation entry gets the next id. They are counted, not indexed (no "on hold" hooks).

import type { Context } from "../../../chain/baseapp/context.ts";
import { UnbondingIDKey } from "../keys.ts";
import { decodeInt, encodeInt, type KeeperCore } from "./core.ts";

export function setLastUnbondingId(k: KeeperCore, ctx: Context, id: bigint): void {
  k.store(ctx).set(UnbondingIDKey, encodeInt(id));
}

export async function nextUnbondingId(k: KeeperCore, ctx: Context): Promise<bigint> {
  const s = k.store(ctx);
  const id = decodeInt(await s.get(UnbondingIDKey)) + 1n;
  s.set(UnbondingIDKey, encodeInt(id));
  return id;
}
