// What the ante handler needs from x/bank and x/feegrant (the SDK's ante BankKeeper and FeegrantKeeper).
import type { Coin } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";

export interface BankKeeperI {
  sendCoinsFromAccountToModule(ctx: Context, from: string, module: string, amt: readonly Coin[]): Promise<void>;
}

export interface FeegrantKeeperI {
  /** accepts granter paying `fee` for grantee's tx of these messages (and records the use), or throws */
  useGrantedFees(
    ctx: Context,
    granter: string,
    grantee: string,
    fee: readonly Coin[],
    msgTypeUrls: readonly string[],
  ): Promise<void>;
}
