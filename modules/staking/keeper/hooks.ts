// Staking hooks (SDK x/staking/types/hooks.go MultiStakingHooks): every module's hooks, called in
// the order they were registered.

import type { StakingHooks } from "../expected-keepers.ts";
import type { KeeperCore } from "./core.ts";

export async function runHook<K extends keyof StakingHooks>(
  k: KeeperCore,
  name: K,
  call: (h: Required<StakingHooks>[K]) => Promise<void> | void,
): Promise<void> {
  for (const h of k.hooks) {
    const fn = h[name];
    if (fn) await call(fn.bind(h) as Required<StakingHooks>[K]);
  }
}
