// `dgrid tx gov ...` and `dgrid query gov ...`: the proposal file (SDK v0.50 JSON: messages with
// "@type", metadata, deposit, title, summary, expedited) to a MsgSubmitProposal, and the gov queries
// printed in the SDK's JSON shape. Loaded only when a gov command runs.
import { readFileSync } from "node:fs";
import { toBase64 } from "@cosmjs/encoding";
import type { EncodeObject, GeneratedType } from "@cosmjs/proto-signing";
import { defaultRegistryTypes, QueryClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { MsgUpdateParams as AuthMsgUpdateParams } from "cosmjs-types/cosmos/auth/v1beta1/tx";
import { MsgUpdateParams as BankMsgUpdateParams, MsgSetSendEnabled } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { MsgUpdateParams as ConsensusMsgUpdateParams } from "cosmjs-types/cosmos/consensus/v1/tx";
import {
  type Deposit,
  type Proposal,
  ProposalStatus,
  proposalStatusFromJSON,
  proposalStatusToJSON,
  type TallyResult,
  type Vote,
  VoteOption,
  voteOptionToJSON,
} from "cosmjs-types/cosmos/gov/v1/gov";
import {
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
  QueryVotesRequest,
  QueryVotesResponse,
} from "cosmjs-types/cosmos/gov/v1/query";
import {
  MsgUpdateParams as GovMsgUpdateParams,
  MsgCancelProposal,
  MsgDeposit,
  MsgSubmitProposal,
  MsgVote,
} from "cosmjs-types/cosmos/gov/v1/tx";
import { MsgUpdateParams as SlashingMsgUpdateParams } from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import { MsgUpdateParams as StakingMsgUpdateParams } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { MsgCancelUpgrade, MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { paramsToJson } from "../../modules/gov/params.ts";
import { MsgUpdateParams as InferenceMsgUpdateParams } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import { MsgDelistModel, MsgUpdateParams as RegistryMsgUpdateParams } from "../../proto/gen/dgrid/registry/v1/tx.ts";
import { MsgUpdateParams as ReputationMsgUpdateParams } from "../../proto/gen/dgrid/reputation/v1/tx.ts";
import { parseAddress, parseCoins } from "./args.ts";
import { CliError } from "./context.ts";
import { withNode } from "./node-client.ts";

/**
 * Message types a proposal file may carry (beyond CosmJS's defaults): every module's MsgUpdateParams,
 * bank's MsgSetSendEnabled, gov's MsgCancelProposal, registry's MsgDelistModel and the upgrade plans.
 * The dgrid codecs are ts-proto (@bufbuild/protobuf writer): CosmJS only calls encode/decode/fromPartial.
 */
export const PROPOSAL_MSG_TYPES: [string, GeneratedType][] = [
  [StakingMsgUpdateParams.typeUrl, StakingMsgUpdateParams],
  [SlashingMsgUpdateParams.typeUrl, SlashingMsgUpdateParams],
  ["/dgrid.registry.v1.MsgUpdateParams", RegistryMsgUpdateParams as unknown as GeneratedType],
  ["/dgrid.registry.v1.MsgDelistModel", MsgDelistModel as unknown as GeneratedType],
  ["/dgrid.inference.v1.MsgUpdateParams", InferenceMsgUpdateParams as unknown as GeneratedType],
  ["/dgrid.reputation.v1.MsgUpdateParams", ReputationMsgUpdateParams as unknown as GeneratedType],
  [AuthMsgUpdateParams.typeUrl, AuthMsgUpdateParams],
  [BankMsgUpdateParams.typeUrl, BankMsgUpdateParams],
  [MsgSetSendEnabled.typeUrl, MsgSetSendEnabled],
  [GovMsgUpdateParams.typeUrl, GovMsgUpdateParams],
  [MsgCancelProposal.typeUrl, MsgCancelProposal],
  [ConsensusMsgUpdateParams.typeUrl, ConsensusMsgUpdateParams],
  [MsgSoftwareUpgrade.typeUrl, MsgSoftwareUpgrade],
  [MsgCancelUpgrade.typeUrl, MsgCancelUpgrade],
];

type Codec = GeneratedType & { fromJSON?(o: unknown): unknown; toJSON?(m: unknown): unknown };

function codecs(): Map<string, Codec> {
  return new Map<string, Codec>([...defaultRegistryTypes, ...PROPOSAL_MSG_TYPES] as [string, Codec][]);
}

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const DURATION = /^(\d+)(?:\.(\d{1,9}))?s$/;

/** SDK JSON (snake_case, durations as "172800s") to the camelCase JSON cosmjs-types' fromJSON reads. */
function toProtoJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toProtoJson);
  if (typeof v === "string") {
    const m = DURATION.exec(v);
    return m ? { seconds: m[1], nanos: Number((m[2] ?? "").padEnd(9, "0") || "0") } : v;
  }
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.startsWith("@") ? k : camel(k), toProtoJson(x)]));
  return v;
}

/** cosmjs-types JSON back to the SDK's snake_case shape (durations as "Ns"). */
export function toSdkJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toSdkJson);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 2 && keys.includes("seconds") && keys.includes("nanos")) {
      const nanos = Number(o.nanos);
      return nanos === 0 ? `${o.seconds}s` : `${o.seconds}.${String(nanos).padStart(9, "0").replace(/0+$/, "")}s`;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [snake(k), toSdkJson(x)]));
  }
  return v;
}

/** One proposal message {"@type": url, ...fields} to an Any. */
export function messageToAny(json: unknown, index: number): Any {
  if (!json || typeof json !== "object") throw new CliError(`messages[${index}] must be an object`);
  const { "@type": typeUrl, ...fields } = json as Record<string, unknown>;
  if (typeof typeUrl !== "string" || typeUrl === "") throw new CliError(`messages[${index}] has no "@type"`);
  const codec = codecs().get(typeUrl);
  if (!codec?.fromJSON) throw new CliError(`messages[${index}]: unknown message type ${typeUrl}`);
  let msg: unknown;
  try {
    msg = codec.fromJSON(toProtoJson(fields));
  } catch (e) {
    throw new CliError(`messages[${index}] (${typeUrl}): ${(e as Error).message}`);
  }
  return { typeUrl, value: codec.encode(msg as never).finish() };
}

export interface ProposalFile {
  messages?: unknown[];
  metadata?: string;
  deposit?: string;
  title?: string;
  summary?: string;
  expedited?: boolean;
}

/** Reads and checks a proposal file; the message for `proposer`. */
export function proposalFromFile(path: string): (proposer: string) => EncodeObject {
  let file: ProposalFile;
  try {
    file = JSON.parse(readFileSync(path, "utf8")) as ProposalFile;
  } catch (e) {
    throw new CliError(`cannot read proposal file ${path}: ${(e as Error).message}`);
  }
  if (!file || typeof file !== "object") throw new CliError(`${path}: a JSON object is expected`);
  const messages = (file.messages ?? []).map(messageToAny);
  const deposit = file.deposit ? parseCoins(file.deposit) : [];
  if (!file.title) throw new CliError(`${path}: "title" is required`);
  if (!file.summary) throw new CliError(`${path}: "summary" is required`);
  return (proposer) => ({
    typeUrl: MsgSubmitProposal.typeUrl,
    value: MsgSubmitProposal.fromPartial({
      messages,
      initialDeposit: deposit.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
      proposer,
      metadata: file.metadata ?? "",
      title: file.title,
      summary: file.summary,
      expedited: file.expedited === true,
    }),
  });
}

export function parseProposalId(text: string): bigint {
  if (!/^[0-9]+$/.test(text) || BigInt(text) === 0n) throw new CliError(`invalid proposal id "${text}"`);
  return BigInt(text);
}

const OPTIONS: Record<string, VoteOption> = {
  yes: VoteOption.VOTE_OPTION_YES,
  no: VoteOption.VOTE_OPTION_NO,
  abstain: VoteOption.VOTE_OPTION_ABSTAIN,
  no_with_veto: VoteOption.VOTE_OPTION_NO_WITH_VETO,
  nowithveto: VoteOption.VOTE_OPTION_NO_WITH_VETO,
};

export function parseVoteOption(text: string): VoteOption {
  const key = text.toLowerCase().replace(/^vote_option_/, "");
  const o = OPTIONS[key];
  if (o === undefined) throw new CliError(`invalid vote option "${text}": expected yes, no, abstain or no_with_veto`);
  return o;
}

export function depositMsg(id: bigint, amount: string): (depositor: string) => EncodeObject {
  const coins = parseCoins(amount);
  return (depositor) => ({
    typeUrl: MsgDeposit.typeUrl,
    value: MsgDeposit.fromPartial({
      proposalId: id,
      depositor,
      amount: coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
    }),
  });
}

export function voteMsg(id: bigint, option: VoteOption, metadata = ""): (voter: string) => EncodeObject {
  return (voter) => ({
    typeUrl: MsgVote.typeUrl,
    value: MsgVote.fromPartial({ proposalId: id, voter, option, metadata }),
  });
}

// ---- queries ----

async function abciQuery(url: string, path: string, request: Uint8Array, height?: number): Promise<Uint8Array> {
  const comet = await Comet38Client.connect(url);
  try {
    return (await QueryClient.withExtensions(comet).queryAbci(path, request, height)).value;
  } finally {
    comet.disconnect();
  }
}

function timeJson(t: { seconds: bigint; nanos: number } | undefined): string | null {
  if (!t) return null;
  const iso = new Date(Number(t.seconds) * 1000).toISOString().replace(".000Z", "");
  return t.nanos === 0 ? `${iso}Z` : `${iso}.${String(t.nanos).padStart(9, "0").replace(/0+$/, "")}Z`;
}

function tallyJson(t: TallyResult | undefined) {
  return t
    ? {
        yes_count: t.yesCount,
        abstain_count: t.abstainCount,
        no_count: t.noCount,
        no_with_veto_count: t.noWithVetoCount,
      }
    : null;
}

function messageJson(any: Any): Record<string, unknown> {
  const codec = codecs().get(any.typeUrl);
  if (codec?.toJSON) {
    try {
      return { "@type": any.typeUrl, ...(toSdkJson(codec.toJSON(codec.decode(any.value))) as object) };
    } catch {
      // fall through to the raw form
    }
  }
  return { "@type": any.typeUrl, value: toBase64(any.value) };
}

export function proposalJson(p: Proposal) {
  return {
    id: p.id.toString(),
    messages: p.messages.map(messageJson),
    status: proposalStatusToJSON(p.status),
    final_tally_result: tallyJson(p.finalTallyResult),
    submit_time: timeJson(p.submitTime),
    deposit_end_time: timeJson(p.depositEndTime),
    total_deposit: p.totalDeposit.map((c) => ({ denom: c.denom, amount: c.amount })),
    voting_start_time: timeJson(p.votingStartTime),
    voting_end_time: timeJson(p.votingEndTime),
    metadata: p.metadata,
    title: p.title,
    summary: p.summary,
    proposer: p.proposer,
    expedited: p.expedited,
    failed_reason: p.failedReason,
  };
}

function voteJson(v: Vote) {
  return {
    proposal_id: v.proposalId.toString(),
    voter: v.voter,
    options: v.options.map((o) => ({ option: voteOptionToJSON(o.option), weight: o.weight })),
    metadata: v.metadata,
  };
}

function depositJson(d: Deposit) {
  return {
    proposal_id: d.proposalId.toString(),
    depositor: d.depositor,
    amount: d.amount.map((c) => ({ denom: c.denom, amount: c.amount })),
  };
}

function pageJson(p: { nextKey: Uint8Array; total: bigint } | undefined) {
  return { next_key: p && p.nextKey.length > 0 ? toBase64(p.nextKey) : null, total: String(p?.total ?? 0n) };
}

const Q = "/cosmos.gov.v1.Query/";

export interface ProposalsFilter {
  status?: string;
  voter?: string;
  depositor?: string;
  limit?: number;
  offset?: number;
}

export function parseStatus(text: string | undefined): ProposalStatus {
  if (text === undefined) return ProposalStatus.PROPOSAL_STATUS_UNSPECIFIED;
  const name = text.toUpperCase().replace(/^PROPOSAL_STATUS_/, "");
  const s = proposalStatusFromJSON(`PROPOSAL_STATUS_${name}`);
  if (s === ProposalStatus.UNRECOGNIZED)
    throw new CliError(`invalid status "${text}": expected deposit_period, voting_period, passed, rejected or failed`);
  return s;
}

export async function queryProposals(url: string, f: ProposalsFilter) {
  const status = parseStatus(f.status);
  if (f.voter) parseAddress(f.voter);
  if (f.depositor) parseAddress(f.depositor);
  return withNode(url, async () => {
    const req = QueryProposalsRequest.fromPartial({
      proposalStatus: status,
      voter: f.voter ?? "",
      depositor: f.depositor ?? "",
      pagination: { limit: BigInt(f.limit ?? 100), offset: BigInt(f.offset ?? 0), countTotal: true },
    });
    const res = QueryProposalsResponse.decode(
      await abciQuery(url, `${Q}Proposals`, QueryProposalsRequest.encode(req).finish()),
    );
    return { proposals: res.proposals.map(proposalJson), pagination: pageJson(res.pagination) };
  });
}

function notFound(e: unknown, what: string): never {
  const msg = (e as Error).message ?? String(e);
  if (/not found|doesn't exist/i.test(msg)) throw new CliError(`${what} not found`);
  throw e;
}

export async function queryProposal(url: string, idText: string) {
  const id = parseProposalId(idText);
  return withNode(url, async () => {
    const bytes = await abciQuery(url, `${Q}Proposal`, QueryProposalRequest.encode({ proposalId: id }).finish()).catch(
      (e) => notFound(e, `proposal ${id}`),
    );
    const p = QueryProposalResponse.decode(bytes).proposal;
    if (!p) throw new CliError(`proposal ${id} not found`);
    return { proposal: proposalJson(p) };
  });
}

export async function queryTally(url: string, idText: string) {
  const id = parseProposalId(idText);
  return withNode(url, async () => {
    const bytes = await abciQuery(
      url,
      `${Q}TallyResult`,
      QueryTallyResultRequest.encode({ proposalId: id }).finish(),
    ).catch((e) => notFound(e, `proposal ${id}`));
    return { tally: tallyJson(QueryTallyResultResponse.decode(bytes).tally) };
  });
}

export async function queryVotes(url: string, idText: string) {
  const id = parseProposalId(idText);
  return withNode(url, async () => {
    const req = QueryVotesRequest.encode({ proposalId: id, pagination: undefined }).finish();
    const res = QueryVotesResponse.decode(await abciQuery(url, `${Q}Votes`, req));
    return { votes: res.votes.map(voteJson), pagination: pageJson(res.pagination) };
  });
}

export async function queryDeposits(url: string, idText: string) {
  const id = parseProposalId(idText);
  return withNode(url, async () => {
    const req = QueryDepositsRequest.encode({ proposalId: id, pagination: undefined }).finish();
    const res = QueryDepositsResponse.decode(await abciQuery(url, `${Q}Deposits`, req));
    return { deposits: res.deposits.map(depositJson), pagination: pageJson(res.pagination) };
  });
}

export async function queryParams(url: string) {
  return withNode(url, async () => {
    const res = QueryParamsResponse.decode(
      await abciQuery(url, `${Q}Params`, QueryParamsRequest.encode({ paramsType: "" }).finish()),
    );
    return { params: res.params ? paramsToJson(res.params) : null };
  });
}
