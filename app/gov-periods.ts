// The gov periods a development chain derives from one voting period (`dgrid init --voting-period`,
// `dgrid localnet --voting-period`): deposits may take as long as the vote, expedited proposals
// vote for half of it (the SDK requires it strictly shorter than the regular period).
import type { ParamsJson as GovParamsJson } from "../modules/gov/params.ts";

/** the localnet's default voting period: long enough for people to vote by hand */
export const LOCALNET_VOTING_PERIOD_S = 60;

export type GovPeriods = Pick<GovParamsJson, "voting_period" | "max_deposit_period" | "expedited_voting_period">;

/** `seconds` >= 2, so the expedited period (seconds / 2, rounded down) is positive and shorter. */
export function govPeriods(seconds: number): GovPeriods {
  if (!Number.isSafeInteger(seconds) || seconds < 2)
    throw new Error(`a voting period must be at least 2s, got ${seconds}s`);
  return {
    voting_period: `${seconds}s`,
    max_deposit_period: `${seconds}s`,
    expedited_voting_period: `${Math.floor(seconds / 2)}s`,
  };
}
