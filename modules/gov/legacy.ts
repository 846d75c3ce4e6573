// The legacy cosmos.gov.v1beta1 Query and Msg services, as SDK v0.50 keeps them (x/gov/keeper/
// grpc_query.go legacyQueryServer, msg_server.go legacyMsgServer, migrations/v3/convert.go): CosmJS's
// gov extension (setupGovExtension) and amino wallets use them. Proposals are converted from v1
// (content = the first message, the SDK's hack for v1 proposals); MsgVote / MsgVoteWeighted /
// MsgDeposit run the v1 logic. MsgSubmitProposal (legacy content) is not supported.
import { createGovAminoConverters } from "@cosmjs/stargate";
import type { Proposal as V1Proposal, TallyResult as V1Tally, Vote as V1Vote } from "cosmjs-types/cosmos/gov/v1/gov";
import { Deposit as V1Deposit, Vote as V1VoteCodec } from "cosmjs-types/cosmos/gov/v1/gov";
import type { Proposal, TallyResult } from "cosmjs-types/cosmos/gov/v1beta1/gov";
import {
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
} from "cosmjs-types/cosmos/gov/v1beta1/query";
import {
  MsgDeposit,
  MsgDepositResponse,
  MsgVote,
  MsgVoteResponse,
  MsgVoteWeighted,
  MsgVoteWeightedResponse,
} from "cosmjs-types/cosmos/gov/v1beta1/tx";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { decFromProtoString, decToProtoString, formatDec, parseDec } from "../../chain/baseapp/dec.ts";
import { invalidArgument, notFound } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import { ErrInvalidVote } from "./errors.ts";
import type { GovKeeper } from "./keeper.ts";
import { DepositsPrefix, VotesPrefix } from "./keys.ts";
import { depositHandler, voteHandler, voteWeightedHandler } from "./msg-server.ts";
import { checkId, depositOf, filteredProposals, pageOfProposal, tallyOf, voteOf } from "./query-server.ts";

const P = "/cosmos.gov.v1beta1.Query/";
/** Go's zero time.Time (v1beta1 times are non-nullable) */
const ZERO_TIME: Timestamp = { seconds: -62135596800n, nanos: 0 };

export function legacyTally(t: V1Tally | undefined): TallyResult {
  return {
    yes: t?.yesCount ?? "0",
    abstain: t?.abstainCount ?? "0",
    no: t?.noCount ?? "0",
    noWithVeto: t?.noWithVetoCount ?? "0",
  };
}

export function legacyProposal(p: V1Proposal): Proposal {
  return {
    proposalId: p.id,
    content: p.messages[0],
    status: p.status as number,
    finalTallyResult: legacyTally(p.finalTallyResult),
    submitTime: p.submitTime ?? ZERO_TIME,
    depositEndTime: p.depositEndTime ?? ZERO_TIME,
    totalDeposit: p.totalDeposit,
    votingStartTime: p.votingStartTime ?? ZERO_TIME,
    votingEndTime: p.votingEndTime ?? ZERO_TIME,
  };
}

/** v1beta1 weights are LegacyDec in the protobuf atoms form */
export function legacyVote(v: V1Vote) {
  return {
    proposalId: v.proposalId,
    voter: v.voter,
    option: 0,
    options: v.options.map((o) => ({ option: o.option as number, weight: decToProtoString(parseDec(o.weight)) })),
  };
}

export function registerLegacyQueryServer(cfg: Configurator, k: GovKeeper): void {
  cfg.registerQuery(
    `${P}Proposal`,
    queryHandler(QueryProposalRequest, QueryProposalResponse, async (ctx, r) => {
      checkId(r.proposalId);
      const p = await k.getProposal(ctx, r.proposalId);
      if (!p) throw notFound(`proposal ${r.proposalId} doesn't exist`);
      return { proposal: legacyProposal(p) };
    }),
  );
  cfg.registerQuery(
    `${P}Proposals`,
    queryHandler(QueryProposalsRequest, QueryProposalsResponse, async (ctx, r) => {
      const { items, pagination } = await filteredProposals(ctx, k, {
        ...r,
        proposalStatus: r.proposalStatus as number,
      });
      return { proposals: items.map(legacyProposal), pagination };
    }),
  );
  cfg.registerQuery(
    `${P}Vote`,
    queryHandler(QueryVoteRequest, QueryVoteResponse, async (ctx, r) => {
      return { vote: legacyVote(await voteOf(ctx, k, r.proposalId, r.voter)) };
    }),
  );
  cfg.registerQuery(
    `${P}Votes`,
    queryHandler(QueryVotesRequest, QueryVotesResponse, async (ctx, r) => {
      const { items, pagination } = await pageOfProposal(ctx, VotesPrefix, r.proposalId, r.pagination, (v) =>
        legacyVote(V1VoteCodec.decode(v)),
      );
      return { votes: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}Params`,
    queryHandler(QueryParamsRequest, QueryParamsResponse, async (ctx, r) => {
      const p = await k.getParams(ctx);
      const dec = (s: string) => new TextEncoder().encode(decToProtoString(parseDec(s)));
      switch (r.paramsType) {
        case "deposit":
          return { depositParams: { minDeposit: p.minDeposit, maxDepositPeriod: p.maxDepositPeriod } };
        case "voting":
          return { votingParams: { votingPeriod: p.votingPeriod } };
        case "tallying":
          return {
            tallyParams: { quorum: dec(p.quorum), threshold: dec(p.threshold), vetoThreshold: dec(p.vetoThreshold) },
          };
        default:
          throw invalidArgument(`${r.paramsType} is not a valid parameter type`);
      }
    }),
  );
  cfg.registerQuery(
    `${P}Deposit`,
    queryHandler(QueryDepositRequest, QueryDepositResponse, async (ctx, r) => {
      return { deposit: await depositOf(ctx, k, r.proposalId, r.depositor) };
    }),
  );
  cfg.registerQuery(
    `${P}Deposits`,
    queryHandler(QueryDepositsRequest, QueryDepositsResponse, async (ctx, r) => {
      const { items, pagination } = await pageOfProposal(
        ctx,
        DepositsPrefix,
        r.proposalId,
        r.pagination,
        V1Deposit.decode,
      );
      return { deposits: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}TallyResult`,
    queryHandler(QueryTallyResultRequest, QueryTallyResultResponse, async (ctx, r) => {
      return { tally: legacyTally(await tallyOf(ctx, k, r.proposalId)) };
    }),
  );
}

const amino = createGovAminoConverters();

function aminoOf(typeUrl: string, msg: unknown): { type: string; value: any } {
  const c = amino[typeUrl];
  if (!c) throw new Error(`no amino converter for ${typeUrl}`);
  return { type: c.aminoType, value: c.toAmino(msg) };
}

export const LegacyMsgVoteType: MsgType<MsgVote> = {
  typeUrl: MsgVote.typeUrl,
  decode: (b) => MsgVote.decode(b),
  encode: (m) => MsgVote.encode(m).finish(),
  signers: (m) => [m.voter],
  toAmino: (m) => aminoOf(MsgVote.typeUrl, m),
};

export const LegacyMsgVoteWeightedType: MsgType<MsgVoteWeighted> = {
  typeUrl: MsgVoteWeighted.typeUrl,
  decode: (b) => MsgVoteWeighted.decode(b),
  encode: (m) => MsgVoteWeighted.encode(m).finish(),
  signers: (m) => [m.voter],
  toAmino: (m) => aminoOf(MsgVoteWeighted.typeUrl, m),
};

export const LegacyMsgDepositType: MsgType<MsgDeposit> = {
  typeUrl: MsgDeposit.typeUrl,
  decode: (b) => MsgDeposit.decode(b),
  encode: (m) => MsgDeposit.encode(m).finish(),
  signers: (m) => [m.depositor],
  toAmino: (m) => aminoOf(MsgDeposit.typeUrl, m),
};

/** Registers the v1beta1 vote / deposit messages, each running the v1 handler. */
export function registerLegacyMsgServer(cfg: Configurator, k: GovKeeper): void {
  const v1 = { vote: voteHandler(k), weighted: voteWeightedHandler(k), deposit: depositHandler(k) };
  cfg.registerMsg(LegacyMsgVoteType, async (ctx, msg) => {
    await v1.vote(ctx, { proposalId: msg.proposalId, voter: msg.voter, option: msg.option, metadata: "" });
    return { typeUrl: MsgVoteResponse.typeUrl, value: MsgVoteResponse.encode({}).finish() };
  });
  cfg.registerMsg(LegacyMsgVoteWeightedType, async (ctx, msg) => {
    const options = msg.options.map((o) => {
      try {
        return { option: o.option, weight: formatDec(decFromProtoString(o.weight)) };
      } catch (e) {
        throw ErrInvalidVote.wrap(`invalid weight: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    await v1.weighted(ctx, { proposalId: msg.proposalId, voter: msg.voter, options, metadata: "" });
    return { typeUrl: MsgVoteWeightedResponse.typeUrl, value: MsgVoteWeightedResponse.encode({}).finish() };
  });
  cfg.registerMsg(LegacyMsgDepositType, async (ctx, msg) => {
    await v1.deposit(ctx, { proposalId: msg.proposalId, depositor: msg.depositor, amount: msg.amount });
    return { typeUrl: MsgDepositResponse.typeUrl, value: MsgDepositResponse.encode({}).finish() };
  });
}
