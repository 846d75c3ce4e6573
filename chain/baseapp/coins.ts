// Coins as Cosmos SDK types/coin.go: bigint amounts, denoms matching the SDK regex, a Coins list kept
// sorted by denom with no duplicates and no zero entries. String form "100udgrid,5uatom".
import { ErrInvalidCoins } from "../errors/errors.ts";

/** The chain's staking and fee denom by default (SDK sdk.DefaultBondDenom, here "udgrid"). */
export const DefaultBondDenom = "udgrid";

export interface Coin {
  denom: string;
  amount: bigint;
}

// [a-zA-Z][a-zA-Z0-9/:._-]{2,127} (types/coin.go reDnmString)
const DENOM_RE = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;

export function validateDenom(denom: string): void {
  if (!DENOM_RE.test(denom)) throw ErrInvalidCoins.wrap(`invalid denom: ${denom}`);
}

export function coin(amount: bigint | number | string, denom: string): Coin {
  return { denom, amount: BigInt(amount) };
}

/** Parses a decimal integer string as the SDK's math.Int does (no sign, no leading '+'). */
export function parseAmount(s: string): bigint {
  if (!/^-?[0-9]{1,78}$/.test(s)) throw ErrInvalidCoins.wrap(`invalid amount: ${s}`);
  return BigInt(s);
}

/** From the proto/JSON shape {denom, amount: string}. Throws ErrInvalidCoins on a bad amount. */
export function fromProtoCoin(c: { denom: string; amount: string }): Coin {
  return { denom: c.denom, amount: parseAmount(c.amount) };
}

export function toProtoCoin(c: Coin): { denom: string; amount: string } {
  return { denom: c.denom, amount: c.amount.toString() };
}

export function fromProtoCoins(list: readonly { denom: string; amount: string }[]): Coin[] {
  return list.map(fromProtoCoin);
}

export function toProtoCoins(list: readonly Coin[]): { denom: string; amount: string }[] {
  return list.map(toProtoCoin);
}

export function coinsToString(list: readonly Coin[]): string {
  return list.map((c) => `${c.amount}${c.denom}`).join(",");
}

/** Coins.Validate: sorted by denom, no duplicates, every amount positive, valid denoms. */
export function validateCoins(list: readonly Coin[]): void {
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    validateDenom(c.denom);
    if (c.amount <= 0n) throw ErrInvalidCoins.wrap(`coin ${c.amount}${c.denom} amount is not positive`);
    if (i > 0) {
      const prev = list[i - 1].denom;
      if (prev === c.denom) throw ErrInvalidCoins.wrap(`duplicate denomination ${c.denom}`);
      if (prev > c.denom) throw ErrInvalidCoins.wrap(`denomination ${c.denom} is not sorted`);
    }
  }
}

export function isValidCoins(list: readonly Coin[]): boolean {
  try {
    validateCoins(list);
    return true;
  } catch {
    return false;
  }
}

/** Sorts and merges duplicates, dropping zero amounts (sdk.NewCoins without the panic). */
export function normalizeCoins(list: readonly Coin[]): Coin[] {
  const m = new Map<string, bigint>();
  for (const c of list) m.set(c.denom, (m.get(c.denom) ?? 0n) + c.amount);
  return [...m.entries()]
    .filter(([, a]) => a !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([denom, amount]) => ({ denom, amount }));
}

export function addCoins(a: readonly Coin[], b: readonly Coin[]): Coin[] {
  return normalizeCoins([...a, ...b]);
}

/** a - b; throws ErrInsufficientFunds-style ErrInvalidCoins if any result is negative. */
export function subCoins(a: readonly Coin[], b: readonly Coin[]): Coin[] {
  const r = normalizeCoins([...a, ...b.map((c) => ({ denom: c.denom, amount: -c.amount }))]);
  if (r.some((c) => c.amount < 0n)) throw ErrInvalidCoins.wrap(`negative coin amount: ${coinsToString(r)}`);
  return r;
}

export function amountOf(list: readonly Coin[], denom: string): bigint {
  return list.find((c) => c.denom === denom)?.amount ?? 0n;
}

/** True if every coin of b is covered by a (Coins.IsAllGTE(b)). */
export function isAllGTE(a: readonly Coin[], b: readonly Coin[]): boolean {
  return b.every((c) => amountOf(a, c.denom) >= c.amount);
}

export function coinsEqual(a: readonly Coin[], b: readonly Coin[]): boolean {
  const x = normalizeCoins(a);
  const y = normalizeCoins(b);
  return x.length === y.length && x.every((c, i) => c.denom === y[i].denom && c.amount === y[i].amount);
}

// ---- decimal coins (min gas prices): fixed point with 18 decimals, as sdk.Dec ----

export const DEC_PRECISION = 18n;
const DEC_ONE = 10n ** DEC_PRECISION;

export interface DecCoin {
  denom: string;
  /** amount * 10^18 */
  amount18: bigint;
}

export function parseDec(s: string): bigint {
  const m = /^([0-9]+)(?:\.([0-9]{1,18}))?$/.exec(s);
  if (!m) throw ErrInvalidCoins.wrap(`invalid decimal: ${s}`);
  const frac = (m[2] ?? "").padEnd(18, "0");
  return BigInt(m[1]) * DEC_ONE + BigInt(frac);
}

/** "0.025udgrid,1uatom" -> DecCoins; empty string -> []. */
export function parseDecCoins(s: string): DecCoin[] {
  if (s.trim() === "") return [];
  return s.split(",").map((part) => {
    const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(part.trim());
    if (!m) throw ErrInvalidCoins.wrap(`invalid decimal coin expression: ${part}`);
    return { denom: m[2], amount18: parseDec(m[1]) };
  });
}

/** ceil(price * gas) per denom, as the SDK's required fee for min gas prices. */
export function requiredFees(prices: readonly DecCoin[], gas: bigint): Coin[] {
  return normalizeCoins(prices.map((p) => ({ denom: p.denom, amount: (p.amount18 * gas + DEC_ONE - 1n) / DEC_ONE })));
}

/** Coins.IsAnyGTE: some coin of a is >= the same denom in b. */
export function isAnyGTE(a: readonly Coin[], b: readonly Coin[]): boolean {
  if (b.length === 0) return false;
  return b.some((c) => amountOf(a, c.denom) >= c.amount);
}
