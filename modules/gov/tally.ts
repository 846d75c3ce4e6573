// Tally (SDK v0.50 x/gov/keeper/tally.go): bonded validators vote with their bonded tokens; a
// delegator who votes moves its shares' power from its validator's vote to its own. LegacyDec
// arithmetic throughout (MulInt exact, Quo/Mul rounded half-even), counts truncated to integers.

import type { WeightedVoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import { type Proposal, type TallyResult, VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import type { Context } from "../../chain/baseapp/context.ts";
import {
  type Dec,
  decFromInt,
  decFromProtoString,
  decMul,
  decQuo,
  decTruncateInt,
  parseDec,
} from "../../chain/baseapp/dec.ts";
import { addressFromString, addressToString, Bech32PrefixValAddr } from "../../chain/types/address.ts";
import type { GovKeeper } from "./keeper.ts";

export interface TallyOutcome {
  passes: boolean;
  burnDeposits: boolean;
  tally: TallyResult;
}

interface ValidatorGovInfo {
  bondedTokens: bigint;
  delegatorShares: Dec;
  deductions: Dec;
  vote: WeightedVoteOption[];
}

const OPTIONS = [
  VoteOption.VOTE_OPTION_YES,
  VoteOption.VOTE_OPTION_ABSTAIN,
  VoteOption.VOTE_OPTION_NO,
  VoteOption.VOTE_OPTION_NO_WITH_VETO,
];

/** shares * tokens / totalShares (LegacyDec MulInt then Quo) */
function powerOf(shares: Dec, tokens: bigint, totalShares: Dec): Dec {
  if (totalShares === 0n) return 0n;
  return decQuo(shares * tokens, totalShares);
}

export async function tally(ctx: Context, k: GovKeeper, proposal: Proposal): Promise<TallyOutcome> {
  const results = new Map<VoteOption, Dec>(OPTIONS.map((o) => [o, 0n]));
  const add = (options: readonly WeightedVoteOption[], power: Dec) => {
    for (const o of options) {
      results.set(o.option, (results.get(o.option) ?? 0n) + decMul(power, parseDec(o.weight)));
    }
  };
  let totalVotingPower: Dec = 0n;
  const sk = k.staking;
  const validators = new Map<string, ValidatorGovInfo>();
  if (sk) {
    for (const v of await sk.bondedValidatorsByPower(ctx)) {
      validators.set(v.operatorAddress, {
        bondedTokens: BigInt(v.tokens || "0"),
        delegatorShares: decFromProtoString(v.delegatorShares),
        deductions: 0n,
        vote: [],
      });
    }
  }
  for (const vote of await k.getVotes(ctx, proposal.id)) {
    const valAddr = addressToString(addressFromString(vote.voter), Bech32PrefixValAddr);
    const own = validators.get(valAddr);
    if (own) own.vote = vote.options;
    if (!sk) continue;
    for (const d of await sk.delegatorDelegations(ctx, vote.voter)) {
      const val = validators.get(d.validatorAddress);
      if (!val) continue;
      const shares = decFromProtoString(d.shares);
      val.deductions += shares;
      const power = powerOf(shares, val.bondedTokens, val.delegatorShares);
      add(vote.options, power);
      totalVotingPower += power;
    }
  }
  for (const val of validators.values()) {
    if (val.vote.length === 0) continue;
    const power = powerOf(val.delegatorShares - val.deductions, val.bondedTokens, val.delegatorShares);
    add(val.vote, power);
    totalVotingPower += power;
  }

  const params = await k.getParams(ctx);
  const r = (o: VoteOption) => results.get(o) ?? 0n;
  const tallyResult: TallyResult = {
    yesCount: decTruncateInt(r(VoteOption.VOTE_OPTION_YES)).toString(),
    abstainCount: decTruncateInt(r(VoteOption.VOTE_OPTION_ABSTAIN)).toString(),
    noCount: decTruncateInt(r(VoteOption.VOTE_OPTION_NO)).toString(),
    noWithVetoCount: decTruncateInt(r(VoteOption.VOTE_OPTION_NO_WITH_VETO)).toString(),
  };
  const totalBonded = sk ? await sk.totalBondedTokens(ctx) : 0n;
  if (totalBonded === 0n) return { passes: false, burnDeposits: false, tally: tallyResult };

  const percentVoting = decQuo(totalVotingPower, decFromInt(totalBonded));
  if (percentVoting < parseDec(params.quorum))
    return { passes: false, burnDeposits: params.burnVoteQuorum, tally: tallyResult };

  const nonAbstain = totalVotingPower - r(VoteOption.VOTE_OPTION_ABSTAIN);
  if (nonAbstain === 0n) return { passes: false, burnDeposits: false, tally: tallyResult };

  if (decQuo(r(VoteOption.VOTE_OPTION_NO_WITH_VETO), totalVotingPower) > parseDec(params.vetoThreshold))
    return { passes: false, burnDeposits: params.burnVoteVeto, tally: tallyResult };

  const threshold = parseDec(proposal.expedited ? params.expeditedThreshold : params.threshold);
  if (decQuo(r(VoteOption.VOTE_OPTION_YES), nonAbstain) > threshold)
    return { passes: true, burnDeposits: false, tally: tallyResult };
  return { passes: false, burnDeposits: false, tally: tallyResult };
}
