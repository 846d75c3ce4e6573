// x/gov invariant (SDK keeper/invariants.go ModuleAccountInvariant): the gov module account holds
// exactly the sum of all deposits.
import { addCoins, type Coin, coinsEqual, coinsToString, fromProtoCoins } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import type { GovKeeper } from "./keeper.ts";
import { ModuleName } from "./keys.ts";

export async function moduleAccountInvariant(
  ctx: Context,
  k: GovKeeper,
): Promise<{ broken: boolean; message: string }> {
  let total: Coin[] = [];
  for (const d of await k.getAllDeposits(ctx)) total = addCoins(total, fromProtoCoins(d.amount));
  const balance = await k.deps.bankKeeper.getAllBalances(ctx, k.deps.accountKeeper.moduleAddress(ModuleName));
  const broken = !coinsEqual(balance, total);
  return {
    broken,
    message: `gov: deposits invariant: deposits ${coinsToString(total) || "0"}, module account ${coinsToString(balance) || "0"}`,
  };
}
