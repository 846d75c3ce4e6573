// x/gov parameters (cosmos.gov.v1.Params), defaults and validation as SDK v0.50 (x/gov/types/v1/params.go).
// Fractions are LegacyDec text ("0.334000000000000000"); durations are proto Durations, "172800s" in JSON.
import { Params } from "cosmjs-types/cosmos/gov/v1/gov";
import type { Duration } from "cosmjs-types/google/protobuf/duration";
import { fromProtoCoins, isAllGTE, isValidCoins } from "../../chain/baseapp/coins.ts";
import { DEC_ONE, type Dec, formatDec, parseDec } from "../../chain/baseapp/dec.ts";
import { durationToJson as nsToDurationJson } from "../../chain/baseapp/time.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { isValidAddress } from "../../chain/types/address.ts";

export type GovParams = Params;

/** DGrid's deposit denom; min deposit 10 DGRID (10000000udgrid) as the SDK's 10000000stake default. */
export const DefaultDepositDenom = "udgrid";
export const DefaultMinDepositTokens = 10_000_000n;
export const DefaultPeriod: Duration = { seconds: 172800n, nanos: 0 };
export const DefaultExpeditedPeriod: Duration = { seconds: 86400n, nanos: 0 };

export function defaultParams(): GovParams {
  return {
    minDeposit: [{ denom: DefaultDepositDenom, amount: DefaultMinDepositTokens.toString() }],
    maxDepositPeriod: { ...DefaultPeriod },
    votingPeriod: { ...DefaultPeriod },
    quorum: formatDec(parseDec("0.334")),
    threshold: formatDec(parseDec("0.5")),
    vetoThreshold: formatDec(parseDec("0.334")),
    minInitialDepositRatio: formatDec(0n),
    proposalCancelRatio: formatDec(parseDec("0.5")),
    proposalCancelDest: "",
    expeditedVotingPeriod: { ...DefaultExpeditedPeriod },
    expeditedThreshold: formatDec(parseDec("0.667")),
    expeditedMinDeposit: [{ denom: DefaultDepositDenom, amount: (DefaultMinDepositTokens * 5n).toString() }],
    burnVoteQuorum: false,
    burnProposalDepositPrevote: false,
    burnVoteVeto: true,
    minDepositRatio: formatDec(parseDec("0.01")),
  };
}

export function encodeParams(p: GovParams): Uint8Array {
  return Params.encode(p).finish();
}

export function decodeParams(b: Uint8Array): GovParams {
  return Params.decode(b);
}

export function durationNs(d: Duration | undefined): bigint {
  if (!d) return 0n;
  return d.seconds * 1_000_000_000n + BigInt(d.nanos);
}

/** LegacyNewDecFromStr on a params field; throws ErrInvalidRequest naming the field. */
export function decParam(s: string, field: string): Dec {
  try {
    return parseDec(s);
  } catch {
    throw ErrInvalidRequest.wrap(`invalid ${field} string: ${s}`);
  }
}

function fraction(s: string, field: string, positive: boolean): Dec {
  const d = decParam(s, field);
  if (positive ? d <= 0n : d < 0n)
    throw ErrInvalidRequest.wrap(`${field} must be ${positive ? "positive" : "non-negative"}: ${s}`);
  if (d > DEC_ONE) throw ErrInvalidRequest.wrap(`${field} too large: ${s}`);
  return d;
}

/** Params.ValidateBasic (v0.50). */
export function validateParams(p: GovParams): void {
  const minDeposit = fromProtoCoins(p.minDeposit);
  if (minDeposit.length === 0 || !isValidCoins(minDeposit))
    throw ErrInvalidRequest.wrap(`invalid minimum deposit: ${JSON.stringify(p.minDeposit)}`);
  const expMin = fromProtoCoins(p.expeditedMinDeposit);
  if (expMin.length === 0 || !isValidCoins(expMin))
    throw ErrInvalidRequest.wrap(`invalid expedited minimum deposit: ${JSON.stringify(p.expeditedMinDeposit)}`);
  if (isAllGTE(minDeposit, expMin))
    throw ErrInvalidRequest.wrap("expedited minimum deposit must be greater than minimum deposit");
  fraction(p.quorum, "quorum", false);
  const threshold = fraction(p.threshold, "vote threshold", true);
  const expThreshold = fraction(p.expeditedThreshold, "expedited vote threshold", true);
  if (expThreshold <= threshold)
    throw ErrInvalidRequest.wrap(
      `expedited vote threshold ${p.expeditedThreshold}, must be greater than the regular threshold ${p.threshold}`,
    );
  fraction(p.vetoThreshold, "veto threshold", true);
  if (!p.votingPeriod) throw ErrInvalidRequest.wrap("voting period must not be nil");
  if (durationNs(p.votingPeriod) <= 0n) throw ErrInvalidRequest.wrap("voting period must be positive");
  if (!p.expeditedVotingPeriod) throw ErrInvalidRequest.wrap("expedited voting period must not be nil");
  if (durationNs(p.expeditedVotingPeriod) <= 0n)
    throw ErrInvalidRequest.wrap("expedited voting period must be positive");
  if (durationNs(p.expeditedVotingPeriod) >= durationNs(p.votingPeriod))
    throw ErrInvalidRequest.wrap("expedited voting period must be strictly less that the regular voting period");
  fraction(p.minInitialDepositRatio, "mininum initial deposit ratio", false);
  fraction(p.proposalCancelRatio, "proposal cancel rate", false);
  if (p.proposalCancelDest !== "" && !isValidAddress(p.proposalCancelDest))
    throw ErrInvalidRequest.wrap(`invalid address for cancel proposal dest: ${p.proposalCancelDest}`);
  if (!p.maxDepositPeriod) throw ErrInvalidRequest.wrap("maximum deposit period must not be nil");
  if (durationNs(p.maxDepositPeriod) <= 0n) throw ErrInvalidRequest.wrap("maximum deposit period must be positive");
  fraction(p.minDepositRatio, "minimum deposit ratio", false);
}

// ---- JSON (SDK genesis / CLI shape, snake_case) ----

export function durationToJson(d: Duration | undefined): string {
  return nsToDurationJson(durationNs(d));
}

export function durationFromJson(v: unknown, field: string): Duration {
  const m = typeof v === "string" ? /^(\d+)(?:\.(\d{1,9}))?s$/.exec(v) : null;
  if (!m) throw ErrInvalidRequest.wrap(`${field}: invalid duration ${JSON.stringify(v)}`);
  return { seconds: BigInt(m[1]), nanos: Number((m[2] ?? "").padEnd(9, "0") || "0") };
}

export interface ParamsJson {
  min_deposit: { denom: string; amount: string }[];
  max_deposit_period: string;
  voting_period: string;
  quorum: string;
  threshold: string;
  veto_threshold: string;
  min_initial_deposit_ratio: string;
  proposal_cancel_ratio: string;
  proposal_cancel_dest: string;
  expedited_voting_period: string;
  expedited_threshold: string;
  expedited_min_deposit: { denom: string; amount: string }[];
  burn_vote_quorum: boolean;
  burn_proposal_deposit_prevote: boolean;
  burn_vote_veto: boolean;
  min_deposit_ratio: string;
}

export function paramsToJson(p: GovParams): ParamsJson {
  return {
    min_deposit: p.minDeposit.map((c) => ({ denom: c.denom, amount: c.amount })),
    max_deposit_period: durationToJson(p.maxDepositPeriod),
    voting_period: durationToJson(p.votingPeriod),
    quorum: p.quorum,
    threshold: p.threshold,
    veto_threshold: p.vetoThreshold,
    min_initial_deposit_ratio: p.minInitialDepositRatio,
    proposal_cancel_ratio: p.proposalCancelRatio,
    proposal_cancel_dest: p.proposalCancelDest,
    expedited_voting_period: durationToJson(p.expeditedVotingPeriod),
    expedited_threshold: p.expeditedThreshold,
    expedited_min_deposit: p.expeditedMinDeposit.map((c) => ({ denom: c.denom, amount: c.amount })),
    burn_vote_quorum: p.burnVoteQuorum,
    burn_proposal_deposit_prevote: p.burnProposalDepositPrevote,
    burn_vote_veto: p.burnVoteVeto,
    min_deposit_ratio: p.minDepositRatio,
  };
}

/** Missing fields take the defaults; decimals are normalized to the 18-digit text form. */
export function paramsFromJson(j: Partial<ParamsJson> | undefined): GovParams {
  const d = defaultParams();
  const dec = (v: unknown, field: string, def: string) =>
    v === undefined ? def : formatDec(decParam(String(v), field));
  const coins = (v: unknown, def: { denom: string; amount: string }[]) =>
    Array.isArray(v) ? v.map((c) => ({ denom: String(c.denom), amount: String(c.amount) })) : def;
  const dur = (v: unknown, field: string, def: Duration | undefined) =>
    v === undefined ? def : durationFromJson(v, field);
  const x = j ?? {};
  return {
    minDeposit: coins(x.min_deposit, d.minDeposit),
    maxDepositPeriod: dur(x.max_deposit_period, "max_deposit_period", d.maxDepositPeriod),
    votingPeriod: dur(x.voting_period, "voting_period", d.votingPeriod),
    quorum: dec(x.quorum, "quorum", d.quorum),
    threshold: dec(x.threshold, "threshold", d.threshold),
    vetoThreshold: dec(x.veto_threshold, "veto_threshold", d.vetoThreshold),
    minInitialDepositRatio: dec(x.min_initial_deposit_ratio, "min_initial_deposit_ratio", d.minInitialDepositRatio),
    proposalCancelRatio: dec(x.proposal_cancel_ratio, "proposal_cancel_ratio", d.proposalCancelRatio),
    proposalCancelDest: x.proposal_cancel_dest ?? d.proposalCancelDest,
    expeditedVotingPeriod: dur(x.expedited_voting_period, "expedited_voting_period", d.expeditedVotingPeriod),
    expeditedThreshold: dec(x.expedited_threshold, "expedited_threshold", d.expeditedThreshold),
    expeditedMinDeposit: coins(x.expedited_min_deposit, d.expeditedMinDeposit),
    burnVoteQuorum: x.burn_vote_quorum ?? d.burnVoteQuorum,
    burnProposalDepositPrevote: x.burn_proposal_deposit_prevote ?? d.burnProposalDepositPrevote,
    burnVoteVeto: x.burn_vote_veto ?? d.burnVoteVeto,
    minDepositRatio: dec(x.min_deposit_ratio, "min_deposit_ratio", d.minDepositRatio),
  };
}
