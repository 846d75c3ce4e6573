// x/gov gRPC Query service (cosmos.gov.v1.Query, SDK v0.50 x/gov/keeper/grpc_query.go).

import type { PageRequest } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import { Deposit, Proposal, ProposalStatus, Vote } from "cosmjs-types/cosmos/gov/v1/gov";
import {
  QueryConstitutionRequest,
  QueryConstitutionResponse,
  QueryDepositRequest,
  QueryDepositResponse,
  QueryDepositsRequest,
  QueryDepositsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryProposalRequest,
  QueryProposalResponse,
  QueryProposalsRequest,
  QueryProposalsResponse,
  QueryTallyResultRequest,
  QueryTallyResultResponse,
  QueryVoteRequest,
  QueryVoteResponse,
  QueryVotesRequest,
  QueryVotesResponse,
} from "cosmjs-types/cosmos/gov/v1/query";
import type { Context } from "../../chain/baseapp/context.ts";
import { invalidArgument, notFound, parseAddressArg } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import {
  emptyTallyResult,
  type GovKeeper,
  StatusDepositPeriod,
  StatusFailed,
  StatusPassed,
  StatusRejected,
} from "./keeper.ts";
import { byProposalPrefix, DepositsPrefix, ProposalsPrefix, StoreKey, VotesPrefix } from "./keys.ts";
import { tally } from "./tally.ts";

export const QueryPrefix = "/cosmos.gov.v1.Query/";

export function checkId(id: bigint): void {
  if (id === 0n) throw invalidArgument("proposal id can not be 0");
}

/** The tally a query shows: empty in the deposit period, final once decided, live while voting. */
export async function currentTally(ctx: Context, k: GovKeeper, p: Proposal) {
  if (p.status === StatusDepositPeriod) return emptyTallyResult();
  if (p.status === StatusPassed || p.status === StatusRejected || p.status === StatusFailed)
    return p.finalTallyResult ?? emptyTallyResult();
  return (await tally(ctx, k, p)).tally;
}

/** A stored vote (`voter` already checked non-empty where the API requires it). */
export async function voteOf(ctx: Context, k: GovKeeper, proposalId: bigint, voter: string): Promise<Vote> {
  checkId(proposalId);
  parseAddressArg(voter, "voter");
  const v = await k.getVote(ctx, proposalId, voter);
  if (!v) throw invalidArgument(`voter: ${voter} not found for proposal: ${proposalId}`);
  return v;
}

export async function depositOf(ctx: Context, k: GovKeeper, proposalId: bigint, depositor: string): Promise<Deposit> {
  checkId(proposalId);
  parseAddressArg(depositor, "depositor");
  const d = await k.getDeposit(ctx, proposalId, depositor);
  if (!d) throw invalidArgument(`depositer: ${depositor} not found for proposal: ${proposalId}`);
  return d;
}

/** One page of a proposal's votes or deposits (stored as cosmos.gov.v1 messages), mapped by `map`. */
export async function pageOfProposal<T>(
  ctx: Context,
  prefix: typeof VotesPrefix | typeof DepositsPrefix,
  proposalId: bigint,
  page: PageRequest | undefined,
  map: (value: Uint8Array) => T,
) {
  checkId(proposalId);
  return paginate(ctx.kvStore(StoreKey), byProposalPrefix(prefix, proposalId), page, (_k, v) => map(v));
}

/** The tally of an existing proposal as of now (final once it ended). */
export async function tallyOf(ctx: Context, k: GovKeeper, proposalId: bigint) {
  checkId(proposalId);
  const p = await k.getProposal(ctx, proposalId);
  if (!p) throw notFound(`proposal ${proposalId} doesn't exist`);
  return currentTally(ctx, k, p);
}

/** Proposals with the v1 filters (status, voter, depositor), paginated over the proposal store. */
export async function filteredProposals(
  ctx: Context,
  k: GovKeeper,
  r: {
    proposalStatus: ProposalStatus;
    voter: string;
    depositor: string;
    pagination?: QueryProposalsRequest["pagination"];
  },
) {
  if (r.voter !== "") parseAddressArg(r.voter, "voter");
  if (r.depositor !== "") parseAddressArg(r.depositor, "depositor");
  return paginate(ctx.kvStore(StoreKey), ProposalsPrefix, r.pagination, async (_key, v) => {
    const p = Proposal.decode(v);
    if (r.proposalStatus !== ProposalStatus.PROPOSAL_STATUS_UNSPECIFIED && p.status !== r.proposalStatus)
      return undefined;
    if (r.voter !== "" && !(await k.getVote(ctx, p.id, r.voter))) return undefined;
    if (r.depositor !== "" && !(await k.getDeposit(ctx, p.id, r.depositor))) return undefined;
    return p;
  });
}

export function registerQueryServer(cfg: Configurator, k: GovKeeper): void {
  cfg.registerQuery(
    `${QueryPrefix}Constitution`,
    queryHandler(QueryConstitutionRequest, QueryConstitutionResponse, async (ctx) => ({
      constitution: await k.getConstitution(ctx),
    })),
  );

  cfg.registerQuery(
    `${QueryPrefix}Proposal`,
    queryHandler(QueryProposalRequest, QueryProposalResponse, async (ctx, r) => {
      checkId(r.proposalId);
      const p = await k.getProposal(ctx, r.proposalId);
      if (!p) throw notFound(`proposal ${r.proposalId} doesn't exist`);
      return { proposal: p };
    }),
  );

  cfg.registerQuery(
    `${QueryPrefix}Proposals`,
    queryHandler(QueryProposalsRequest, QueryProposalsResponse, async (ctx, r) => {
      const { items, pagination } = await filteredProposals(ctx, k, r);
      return { proposals: items, pagination };
    }),
  );

  cfg.registerQuery(
    `${QueryPrefix}Vote`,
    queryHandler(QueryVoteRequest, QueryVoteResponse, async (ctx, r) => {
      checkId(r.proposalId);
      if (r.voter === "") throw invalidArgument("empty voter address");
      return { vote: await voteOf(ctx, k, r.proposalId, r.voter) };
    }),
  );

  cfg.registerQuery(
    `${QueryPrefix}Votes`,
    queryHandler(QueryVotesRequest, QueryVotesResponse, async (ctx, r) => {
      const { items, pagination } = await pageOfProposal(ctx, VotesPrefix, r.proposalId, r.pagination, Vote.decode);
      return { votes: items, pagination };
    }),
  );

  cfg.registerQuery(
    `${QueryPrefix}Params`,
    queryHandler(QueryParamsRequest, QueryParamsResponse, async (ctx, r) => {
      const params = await k.getParams(ctx);
      const out: Record<string, unknown> = { params };
      switch (r.paramsType) {
        case "deposit":
          out.depositParams = { minDeposit: params.minDeposit, maxDepositPeriod: params.maxDepositPeriod };
          break;
        case "voting":
          out.votingParams = { votingPeriod: params.votingPeriod };
          break;
        case "tallying":
          out.tallyParams = { quorum: params.quorum, threshold: params.threshold, vetoThreshold: params.vetoThreshold };
          break;
        default:
          if (r.paramsType !== "") throw invalidArgument(`unknown params type: ${r.paramsType}`);
      }
      return out;
    }),
  );

  cfg.registerQuery(
    `${QueryPrefix}Deposit`,
    queryHandler(QueryDepositRequest, QueryDepositResponse, async (ctx, r) => {
      checkId(r.proposalId);
      if (r.depositor === "") throw invalidArgument("empty depositor address");
      return { deposit: await depositOf(ctx, k, r.proposalId, r.depositor) };
    }),
  );

  cfg.registerQuery(
    `${QueryPrefix}Deposits`,
    queryHandler(QueryDepositsRequest, QueryDepositsResponse, async (ctx, r) => {
      const { items, pagination } = await pageOfProposal(
        ctx,
        DepositsPrefix,
        r.proposalId,
        r.pagination,
        Deposit.decode,
      );
      return { deposits: items, pagination };
    }),
  );

  cfg.registerQuery(
    `${QueryPrefix}TallyResult`,
    queryHandler(QueryTallyResultRequest, QueryTallyResultResponse, async (ctx, r) => {
      return { tally: await tallyOf(ctx, k, r.proposalId) };
    }),
  );
}
