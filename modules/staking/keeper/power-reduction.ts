// Consensus power (SDK x/staking/keeper/power_reduction.go): tokens per unit of power.

import type { Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { consensusPower } from "../types.ts";
import type { KeeperCore } from "./core.ts";

/** Consensus power of a validator: tokens / power reduction when bonded, else 0. */
export function powerOf(k: KeeperCore, validator: Validator): bigint {
  return consensusPower(validator, k.powerReduction);
}

export function tokensFromConsensusPower(k: KeeperCore, power: bigint): bigint {
  return power * k.powerReduction;
}
