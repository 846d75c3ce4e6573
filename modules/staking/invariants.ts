// x/staking invariants (SDK x/staking/keeper/invariants.go): module accounts (pool balances match the
// validators and unbondings), positive delegations, delegator shares (validator shares = sum of its
// delegations' shares), non-negative power.
import type { Context } from "../../chain/baseapp/context.ts";
import { decFromProtoString, formatDec } from "../../chain/baseapp/dec.ts";
import type { StakingKeeper } from "./keeper.ts";
import { isBonded, sharesOf, tokensOf } from "./types.ts";

export interface InvariantResult {
  broken: boolean;
  message: string;
}

export async function moduleAccountInvariant(ctx: Context, k: StakingKeeper): Promise<InvariantResult> {
  let bonded = 0n;
  let notBonded = 0n;
  for (const v of await k.getAllValidators(ctx)) {
    if (isBonded(v)) bonded += tokensOf(v);
    else notBonded += tokensOf(v);
  }
  for (const u of await k.getAllUnbondingDelegations(ctx)) for (const e of u.entries) notBonded += BigInt(e.balance);
  const poolBonded = await k.totalBondedTokens(ctx);
  const poolNotBonded = await k.notBondedTokens(ctx);
  const broken = poolBonded !== bonded || poolNotBonded !== notBonded;
  return {
    broken,
    message: `staking: module accounts invariant\n\tPool's bonded tokens: ${poolBonded}\n\tsum of bonded tokens: ${bonded}\n\tPool's not bonded tokens: ${poolNotBonded}\n\tsum of not bonded tokens: ${notBonded}\n`,
  };
}

export async function delegatorSharesInvariant(ctx: Context, k: StakingKeeper): Promise<InvariantResult> {
  const sums = new Map<string, bigint>();
  const bad: string[] = [];
  for (const d of await k.getAllDelegations(ctx)) {
    const s = decFromProtoString(d.shares);
    if (s <= 0n) bad.push(`delegation with non-positive shares: ${d.delegatorAddress} -> ${d.validatorAddress}`);
    sums.set(d.validatorAddress, (sums.get(d.validatorAddress) ?? 0n) + s);
  }
  for (const v of await k.getAllValidators(ctx)) {
    if (tokensOf(v) < 0n) bad.push(`negative tokens for validator ${v.operatorAddress}`);
    const sum = sums.get(v.operatorAddress) ?? 0n;
    if (sum !== sharesOf(v)) {
      bad.push(
        `broken delegator shares invariance: validator ${v.operatorAddress} shares ${formatDec(sharesOf(v))}, sum of delegations ${formatDec(sum)}`,
      );
    }
  }
  return { broken: bad.length > 0, message: `staking: delegator shares invariant\n\t${bad.join("\n\t")}\n` };
}

export async function stakingInvariants(ctx: Context, k: StakingKeeper): Promise<InvariantResult[]> {
  return [await moduleAccountInvariant(ctx, k), await delegatorSharesInvariant(ctx, k)];
}
