// x/bank invariants: total supply equals the sum of all balances, per denom.
import { type Coin, coinsEqual, coinsToString, normalizeCoins } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import type { BankKeeper } from "./keeper.ts";

export interface InvariantResult {
  broken: boolean;
  message: string;
}

export async function totalSupplyInvariant(ctx: Context, keeper: BankKeeper): Promise<InvariantResult> {
  let sum: Coin[] = [];
  const perDenom = new Map<string, bigint>();
  await keeper.iterateAllBalances(ctx, (_a, c) => {
    perDenom.set(c.denom, (perDenom.get(c.denom) ?? 0n) + c.amount);
    return undefined;
  });
  sum = normalizeCoins([...perDenom.entries()].map(([denom, amount]) => ({ denom, amount })));
  const supply = await keeper.getTotalSupply(ctx);
  const broken = !coinsEqual(sum, supply);
  return {
    broken,
    message: `bank: total supply invariant\n\tsum of accounts coins: ${coinsToString(sum)}\n\tsupply: ${coinsToString(supply)}\n`,
  };
}
