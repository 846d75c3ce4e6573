// What x/gov needs from other modules (SDK x/gov/types/expected_keepers.go) and from the app.
import type { Delegation, Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { Coin } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import type { MsgHandler, MsgResponse, MsgType } from "../../chain/baseapp/module.ts";

/** An account as x/gov reads one (x/auth's Account, the SDK's sdk.AccountI): its address. */
export interface AccountI {
  address: string;
}

export interface AccountKeeperI {
  getModuleAccount(ctx: Context, name: string): Promise<AccountI>;
  moduleAddress(name: string): string;
}

export interface BankKeeperI {
  sendCoinsFromAccountToModule(ctx: Context, from: string, module: string, amt: readonly Coin[]): Promise<void>;
  sendCoinsFromModuleToAccount(ctx: Context, module: string, to: string, amt: readonly Coin[]): Promise<void>;
  burnCoins(ctx: Context, module: string, amt: readonly Coin[]): Promise<void>;
  getAllBalances(ctx: Context, address: string): Promise<Coin[]>;
}

/**
 * The staking keeper as the staking module implements it. `Validator.tokens` is an Int string,
 * `Validator.delegatorShares` and `Delegation.shares` are LegacyDec in the protobuf form (atoms, no
 * point; a text form with a point is accepted too). Addresses are bech32 (operator: dgridvaloper).
 */
export interface StakingKeeperI {
  /** bonded validators, highest power first (at most max_validators) */
  bondedValidatorsByPower(ctx: Context): Promise<Validator[]>;
  totalBondedTokens(ctx: Context): Promise<bigint>;
  delegatorDelegations(ctx: Context, delegatorBech32: string): Promise<Delegation[]>;
  validator(ctx: Context, operatorBech32: string): Promise<Validator | undefined>;
  validatorDelegations(ctx: Context, operatorBech32: string): Promise<Delegation[]>;
}

/** The app's msg router (chain/baseapp/module.ts Router): what a type URL decodes to and who handles it. */
export interface MsgRouterI {
  msg(typeUrl: string): { type: MsgType<unknown>; handler: MsgHandler<unknown> } | undefined;
}

/** Runs one proposal message (an Any) as the msg service router would; throws a CodedError on failure. */
export type MsgExecutor = (ctx: Context, msg: Any) => Promise<MsgResponse>;
