// Coin-list arithmetic of the spend-limited authorizations (proto Coins with string amounts,
// bigint inside): validation, "a covers b", subtraction that refuses to go below zero.
import {
  type Coin,
  fromProtoCoins,
  normalizeCoins,
  toProtoCoins,
  validateCoins,
} from "../../../chain/baseapp/coins.ts";
import { ErrInvalidCoins } from "../../../chain/errors/errors.ts";

export type ProtoCoin = { denom: string; amount: string };

/** valid, sorted, no duplicates, every amount > 0; `what` names the field in the error */
export function positiveCoins(list: readonly ProtoCoin[], what: string): Coin[] {
  let coins: Coin[];
  try {
    coins = fromProtoCoins(list);
    validateCoins(coins);
  } catch (e) {
    throw ErrInvalidCoins.wrap(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (coins.some((c) => c.amount <= 0n)) throw ErrInvalidCoins.wrap(`${what} must be positive`);
  return coins;
}

/** a - b, or undefined when any denom would go negative (sdk.Coins.SafeSub's isNegative) */
export function safeSub(a: readonly Coin[], b: readonly Coin[]): Coin[] | undefined {
  const r = new Map<string, bigint>();
  for (const c of a) r.set(c.denom, (r.get(c.denom) ?? 0n) + c.amount);
  for (const c of b) r.set(c.denom, (r.get(c.denom) ?? 0n) - c.amount);
  if ([...r.values()].some((v) => v < 0n)) return undefined;
  return normalizeCoins([...r.entries()].map(([denom, amount]) => ({ denom, amount })));
}

/** per denom, the smaller of a and b (denoms of a only) */
export function minCoins(a: readonly Coin[], b: readonly Coin[]): Coin[] {
  return normalizeCoins(
    a.map((c) => {
      const other = b.find((x) => x.denom === c.denom)?.amount ?? 0n;
      return { denom: c.denom, amount: c.amount < other ? c.amount : other };
    }),
  );
}

export function toProto(list: readonly Coin[]): ProtoCoin[] {
  return toProtoCoins(normalizeCoins(list));
}

export function fromProto(list: readonly ProtoCoin[]): Coin[] {
  return normalizeCoins(fromProtoCoins(list));
}
