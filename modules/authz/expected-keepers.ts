// What x/authz needs from other modules (SDK x/authz/expected_keepers.go) and from the app.
import type { Coin } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import type { MsgHandler, MsgType } from "../../chain/baseapp/module.ts";
import type { MsgRequestInference } from "../../proto/gen/dgrid/inference/v1/tx.ts";

/** An account as x/authz creates one for a new grantee (x/auth's Account). */
export interface AccountI {
  address: string;
}

export interface AccountKeeperI {
  hasAccount(ctx: Context, address: string): Promise<boolean>;
  newAccountWithAddress(ctx: Context, address: string): Promise<AccountI & { accountNumber: bigint; sequence: bigint }>;
  setAccount(ctx: Context, acc: AccountI & { accountNumber: bigint; sequence: bigint }): void;
}

export interface BankKeeperI {
  /** module accounts that may not receive funds (none may be a new grantee either) */
  blockedAddr(address: string): boolean;
}

/** modules/inference: what a request would cost now (InferenceKeeper.checkRequest; throws when refused) */
export interface InferenceKeeperI {
  checkRequest(ctx: Context, msg: MsgRequestInference): Promise<{ fee: Coin }>;
}

/** The app's msg router (chain/baseapp/module.ts Router): MsgExec dispatches its messages through it. */
export interface MsgRouterI {
  msg(typeUrl: string): { type: MsgType<unknown>; handler: MsgHandler<unknown> } | undefined;
}
