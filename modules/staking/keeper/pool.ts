// The bonded and not-bonded pools (SDK x/staking/keeper/pool.go): module accounts whose bond-denom
// balances hold the tokens of bonded validators, and of everything else (unbonding / unbonded
// validators, unbonding delegations). Tokens move between them and are burned through the bank keeper.

import type { Coin } from "../../../chain/baseapp/coins.ts";
import type { Context } from "../../../chain/baseapp/context.ts";
import { BondedPoolName, NotBondedPoolName } from "../keys.ts";
import type { KeeperCore } from "./core.ts";
import { bondDenom } from "./params.ts";

/** `amount` of the bond denom as a coin list. */
export async function coins(k: KeeperCore, ctx: Context, amount: bigint): Promise<Coin[]> {
  return [{ denom: await bondDenom(k, ctx), amount }];
}

export async function bondedTokensToNotBonded(k: KeeperCore, ctx: Context, amount: bigint): Promise<void> {
  if (amount <= 0n) return;
  await k.deps.bankKeeper.sendCoinsFromModuleToModule(
    ctx,
    BondedPoolName,
    NotBondedPoolName,
    await coins(k, ctx, amount),
  );
}

export async function notBondedTokensToBonded(k: KeeperCore, ctx: Context, amount: bigint): Promise<void> {
  if (amount <= 0n) return;
  await k.deps.bankKeeper.sendCoinsFromModuleToModule(
    ctx,
    NotBondedPoolName,
    BondedPoolName,
    await coins(k, ctx, amount),
  );
}

export async function burnBondedTokens(k: KeeperCore, ctx: Context, amount: bigint): Promise<void> {
  if (amount <= 0n) return;
  await k.deps.bankKeeper.burnCoins(ctx, BondedPoolName, await coins(k, ctx, amount));
}

export async function burnNotBondedTokens(k: KeeperCore, ctx: Context, amount: bigint): Promise<void> {
  if (amount <= 0n) return;
  await k.deps.bankKeeper.burnCoins(ctx, NotBondedPoolName, await coins(k, ctx, amount));
}

/** Tokens in the bonded pool (sum of bonded validators' tokens). */
export async function totalBondedTokens(k: KeeperCore, ctx: Context): Promise<bigint> {
  const denom = await bondDenom(k, ctx);
  return (await k.deps.bankKeeper.getBalance(ctx, k.deps.accountKeeper.moduleAddress(BondedPoolName), denom)).amount;
}

/** Tokens in the not-bonded pool (unbonding and unbonded validators, unbonding delegations). */
export async function notBondedTokens(k: KeeperCore, ctx: Context): Promise<bigint> {
  const denom = await bondDenom(k, ctx);
  const addr = k.deps.accountKeeper.moduleAddress(NotBondedPoolName);
  return (await k.deps.bankKeeper.getBalance(ctx, addr, denom)).amount;
}

/** Bond-denom balance of a pool (its module account is created on the first transfer into it). */
export async function poolBalance(k: KeeperCore, ctx: Context, pool: string): Promise<bigint> {
  const addr = k.deps.accountKeeper.moduleAddress(pool);
  return (await k.deps.bankKeeper.getBalance(ctx, addr, await bondDenom(k, ctx))).amount;
}
