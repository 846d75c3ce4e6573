// What every keeper file works on, as the SDK's x/staking/keeper/keeper.go Keeper struct: the
// store, the auth and bank keepers, the registered hooks and the power reduction. The functions in
// this folder take it as their first argument `k`, as the Go files' methods take their receiver.

import type { Context } from "../../../chain/baseapp/context.ts";
import type { KVStore } from "../../../chain/store/types.ts";
import type { AccountKeeperI, BankKeeperI, StakingHooks } from "../expected-keepers.ts";
import { StoreKey } from "../keys.ts";
import { DefaultPowerReduction } from "../params.ts";

export interface StakingKeeperOptions {
  /** tokens per unit of consensus power (sdk.DefaultPowerReduction = 10^6) */
  powerReduction?: bigint;
}

export interface StakingKeeperDeps {
  accountKeeper: AccountKeeperI;
  bankKeeper: BankKeeperI;
}

export class KeeperCore {
  readonly powerReduction: bigint;
  /** in registration order; `runHook` (hooks.ts) calls them */
  readonly hooks: StakingHooks[] = [];

  constructor(
    options: StakingKeeperOptions,
    readonly deps: StakingKeeperDeps,
  ) {
    this.powerReduction = options.powerReduction ?? DefaultPowerReduction;
  }

  store(ctx: Context): KVStore {
    return ctx.kvStore(StoreKey);
  }
}

const te = new TextEncoder();
const td = new TextDecoder();

/** Integers (powers, the last unbonding id) are stored as their decimal text; absent reads as 0. */
export function decodeInt(b: Uint8Array | undefined): bigint {
  return b ? BigInt(td.decode(b)) : 0n;
}

export function encodeInt(n: bigint): Uint8Array {
  return te.encode(n.toString());
}
