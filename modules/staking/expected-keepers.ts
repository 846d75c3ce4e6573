// What x/staking needs from x/auth and x/bank (the SDK's x/staking/types/expected_keepers.go), and
// the hooks other modules may register (StakingHooks).
import type { Coin } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import type { Dec } from "../../chain/baseapp/dec.ts";

/** An account as x/staking reads one (x/auth's Account, the SDK's sdk.AccountI): its address. */
export interface AccountI {
  address: string;
}

export interface AccountKeeperI {
  getModuleAccount(ctx: Context, name: string): Promise<AccountI>;
  moduleAddress(name: string): string;
}

export interface BankKeeperI {
  getBalance(ctx: Context, address: string, denom: string): Promise<Coin>;
  getAllBalances(ctx: Context, address: string): Promise<Coin[]>;
  sendCoinsFromAccountToModule(ctx: Context, from: string, module: string, amt: readonly Coin[]): Promise<void>;
  sendCoinsFromModuleToAccount(ctx: Context, module: string, to: string, amt: readonly Coin[]): Promise<void>;
  sendCoinsFromModuleToModule(ctx: Context, from: string, to: string, amt: readonly Coin[]): Promise<void>;
  burnCoins(ctx: Context, module: string, amt: readonly Coin[]): Promise<void>;
}

/**
 * SDK StakingHooks (x/staking/types/expected_keepers.go). Every method is optional. Addresses:
 * `valAddr` bech32 `dgridvaloper...`, `delAddr` bech32 `dgrid...`, `consAddr` the 20 raw bytes of
 * the CometBFT address. A hook that throws fails the message (or the block, from EndBlock).
 */
export interface StakingHooks {
  afterValidatorCreated?(ctx: Context, valAddr: string): Promise<void> | void;
  beforeValidatorModified?(ctx: Context, valAddr: string): Promise<void> | void;
  afterValidatorRemoved?(ctx: Context, consAddr: Uint8Array, valAddr: string): Promise<void> | void;
  afterValidatorBonded?(ctx: Context, consAddr: Uint8Array, valAddr: string): Promise<void> | void;
  afterValidatorBeginUnbonding?(ctx: Context, consAddr: Uint8Array, valAddr: string): Promise<void> | void;
  beforeDelegationCreated?(ctx: Context, delAddr: string, valAddr: string): Promise<void> | void;
  beforeDelegationSharesModified?(ctx: Context, delAddr: string, valAddr: string): Promise<void> | void;
  beforeDelegationRemoved?(ctx: Context, delAddr: string, valAddr: string): Promise<void> | void;
  afterDelegationModified?(ctx: Context, delAddr: string, valAddr: string): Promise<void> | void;
  beforeValidatorSlashed?(ctx: Context, valAddr: string, fraction: Dec): Promise<void> | void;
}
