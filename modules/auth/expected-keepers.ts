// What the ante handler needs from x/bank (the SDK's ante BankKeeper interface).
import type { Coin } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";

export interface BankKeeperI {
  sendCoinsFromAccountToModule(ctx: Context, from: string, module: string, amt: readonly Coin[]): Promise<void>;
}
