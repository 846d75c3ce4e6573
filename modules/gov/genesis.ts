// x/gov genesis (cosmos.gov.v1.GenesisState in the SDK's snake_case JSON): starting_proposal_id,
// params, constitution, proposals (with their queues), deposits, votes. Proposal messages are kept
// as {"@type", "value": base64 protobuf} since the app has no JSON codec for arbitrary messages.

import { fromBase64, toBase64 } from "@cosmjs/encoding";
import {
  type Deposit,
  type Proposal,
  proposalStatusFromJSON,
  proposalStatusToJSON,
  type Vote,
  voteOptionFromJSON,
  voteOptionToJSON,
} from "cosmjs-types/cosmos/gov/v1/gov";
import { addCoins, type Coin, coinsEqual, coinsToString, fromProtoCoins } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { timestampToNs } from "../../chain/baseapp/time.ts";
import { ErrInvalidGenesis } from "./errors.ts";
import { type GovKeeper, StatusDepositPeriod, StatusVotingPeriod } from "./keeper.ts";
import {
  ActiveProposalQueuePrefix,
  InactiveProposalQueuePrefix,
  ModuleName,
  queueKey,
  StoreKey,
  u64be,
} from "./keys.ts";
import { defaultParams, type ParamsJson, paramsFromJson, paramsToJson, validateParams } from "./params.ts";

type ProtoCoin = { denom: string; amount: string };

export interface GenesisJson {
  starting_proposal_id: string;
  deposits: { proposal_id: string; depositor: string; amount: ProtoCoin[] }[];
  votes: { proposal_id: string; voter: string; options: { option: string; weight: string }[]; metadata: string }[];
  proposals: Record<string, unknown>[];
  params: ParamsJson;
  constitution: string;
}

export function defaultGenesis(): GenesisJson {
  return {
    starting_proposal_id: "1",
    deposits: [],
    votes: [],
    proposals: [],
    params: paramsToJson(defaultParams()),
    constitution: "",
  };
}

function tsToJson(t: { seconds: bigint; nanos: number } | undefined): string | null {
  if (!t) return null;
  const ms = Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);
  const iso = new Date(ms).toISOString();
  if (t.nanos % 1e6 === 0) return iso.replace(".000Z", "Z");
  return `${iso.slice(0, 19)}.${String(t.nanos).padStart(9, "0").replace(/0+$/, "")}Z`;
}

function tsFromJson(v: unknown): { seconds: bigint; nanos: number } | undefined {
  if (v === null || v === undefined) return undefined;
  const m = typeof v === "string" ? /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(v) : null;
  if (!m) throw ErrInvalidGenesis.wrap(`invalid timestamp ${JSON.stringify(v)}`);
  const secs = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(secs)) throw ErrInvalidGenesis.wrap(`invalid timestamp ${JSON.stringify(v)}`);
  return { seconds: BigInt(secs / 1000), nanos: Number((m[2] ?? "").padEnd(9, "0") || "0") };
}

function tallyToJson(t: Proposal["finalTallyResult"]) {
  return t
    ? {
        yes_count: t.yesCount,
        abstain_count: t.abstainCount,
        no_count: t.noCount,
        no_with_veto_count: t.noWithVetoCount,
      }
    : null;
}

export function proposalToJson(p: Proposal): Record<string, unknown> {
  return {
    id: p.id.toString(),
    messages: p.messages.map((m) => ({ "@type": m.typeUrl, value: toBase64(m.value) })),
    status: proposalStatusToJSON(p.status),
    final_tally_result: tallyToJson(p.finalTallyResult),
    submit_time: tsToJson(p.submitTime),
    deposit_end_time: tsToJson(p.depositEndTime),
    total_deposit: p.totalDeposit.map((c) => ({ denom: c.denom, amount: c.amount })),
    voting_start_time: tsToJson(p.votingStartTime),
    voting_end_time: tsToJson(p.votingEndTime),
    metadata: p.metadata,
    title: p.title,
    summary: p.summary,
    proposer: p.proposer,
    expedited: p.expedited,
    failed_reason: p.failedReason,
  };
}

export function proposalFromJson(j: Record<string, any>): Proposal {
  const t = j.final_tally_result;
  return {
    id: BigInt(j.id),
    messages: (j.messages ?? []).map((m: any) => ({
      typeUrl: String(m["@type"]),
      value: fromBase64(String(m.value ?? "")),
    })),
    status: proposalStatusFromJSON(j.status),
    finalTallyResult: t
      ? {
          yesCount: t.yes_count,
          abstainCount: t.abstain_count,
          noCount: t.no_count,
          noWithVetoCount: t.no_with_veto_count,
        }
      : undefined,
    submitTime: tsFromJson(j.submit_time),
    depositEndTime: tsFromJson(j.deposit_end_time),
    totalDeposit: (j.total_deposit ?? []).map((c: ProtoCoin) => ({ denom: c.denom, amount: String(c.amount) })),
    votingStartTime: tsFromJson(j.voting_start_time),
    votingEndTime: tsFromJson(j.voting_end_time),
    metadata: j.metadata ?? "",
    title: j.title ?? "",
    summary: j.summary ?? "",
    proposer: j.proposer ?? "",
    expedited: Boolean(j.expedited),
    failedReason: j.failed_reason ?? "",
  };
}

interface Parsed {
  startingProposalId: bigint;
  params: ReturnType<typeof paramsFromJson>;
  constitution: string;
  proposals: Proposal[];
  deposits: Deposit[];
  votes: Vote[];
}

function parse(json: unknown): Parsed {
  const j = (json ?? {}) as Partial<GenesisJson>;
  try {
    return {
      startingProposalId: BigInt(j.starting_proposal_id ?? "1"),
      params: paramsFromJson(j.params),
      constitution: j.constitution ?? "",
      proposals: (j.proposals ?? []).map((p) => proposalFromJson(p as Record<string, any>)),
      deposits: (j.deposits ?? []).map((d) => ({
        proposalId: BigInt(d.proposal_id),
        depositor: d.depositor,
        amount: d.amount.map((c) => ({ denom: c.denom, amount: String(c.amount) })),
      })),
      votes: (j.votes ?? []).map((v) => ({
        proposalId: BigInt(v.proposal_id),
        voter: v.voter,
        options: v.options.map((o) => ({ option: voteOptionFromJSON(o.option), weight: o.weight })),
        metadata: v.metadata ?? "",
      })),
    };
  } catch (e) {
    throw ErrInvalidGenesis.wrap(e instanceof Error ? e.message : String(e));
  }
}

/** ValidateGenesis: starting id > 0, valid params, no duplicate proposals / deposits / votes. */
export function validateGenesis(json: unknown): void {
  const g = parse(json);
  if (g.startingProposalId === 0n) throw ErrInvalidGenesis.wrap("starting proposal id must be greater than 0");
  validateParams(g.params);
  const ids = new Set<bigint>();
  for (const p of g.proposals) {
    if (ids.has(p.id)) throw ErrInvalidGenesis.wrap(`duplicate proposal id: ${p.id}`);
    if (p.id >= g.startingProposalId)
      throw ErrInvalidGenesis.wrap(
        `proposal id ${p.id} must be lower than starting proposal id ${g.startingProposalId}`,
      );
    ids.add(p.id);
  }
  const seen = new Set<string>();
  for (const d of g.deposits) {
    const key = `d/${d.proposalId}/${d.depositor}`;
    if (seen.has(key)) throw ErrInvalidGenesis.wrap(`duplicate deposit: ${d.proposalId} ${d.depositor}`);
    if (!ids.has(d.proposalId)) throw ErrInvalidGenesis.wrap(`deposit for unknown proposal ${d.proposalId}`);
    seen.add(key);
  }
  for (const v of g.votes) {
    const key = `v/${v.proposalId}/${v.voter}`;
    if (seen.has(key)) throw ErrInvalidGenesis.wrap(`duplicate vote: ${v.proposalId} ${v.voter}`);
    if (!ids.has(v.proposalId)) throw ErrInvalidGenesis.wrap(`vote for unknown proposal ${v.proposalId}`);
    seen.add(key);
  }
}

export async function initGenesis(ctx: Context, k: GovKeeper, json: unknown): Promise<void> {
  validateGenesis(json);
  const g = parse(json);
  k.setProposalId(ctx, g.startingProposalId);
  k.setParams(ctx, g.params);
  k.setConstitution(ctx, g.constitution);
  // the SDK creates the gov module account here; DGrid lets the first deposit create it (bank does)
  const govAddress = k.deps.accountKeeper.moduleAddress(ModuleName);
  let total: Coin[] = [];
  for (const d of g.deposits) {
    k.setDeposit(ctx, d);
    total = addCoins(total, fromProtoCoins(d.amount));
  }
  for (const v of g.votes) k.setVote(ctx, v);
  const store = ctx.kvStore(StoreKey);
  for (const p of g.proposals) {
    if (p.status === StatusDepositPeriod)
      store.set(queueKey(InactiveProposalQueuePrefix, timestampToNs(p.depositEndTime), p.id), u64be(p.id));
    if (p.status === StatusVotingPeriod)
      store.set(queueKey(ActiveProposalQueuePrefix, timestampToNs(p.votingEndTime), p.id), u64be(p.id));
    k.setProposal(ctx, p);
  }
  const balance = await k.deps.bankKeeper.getAllBalances(ctx, govAddress);
  if (!coinsEqual(balance, total))
    throw ErrInvalidGenesis.wrap(
      `expected gov module account balance ${coinsToString(total) || "0"} to equal the deposits, got ${coinsToString(balance) || "0"}`,
    );
}

export async function exportGenesis(ctx: Context, k: GovKeeper): Promise<GenesisJson> {
  return {
    starting_proposal_id: (await k.peekProposalId(ctx)).toString(),
    deposits: (await k.getAllDeposits(ctx)).map((d) => ({
      proposal_id: d.proposalId.toString(),
      depositor: d.depositor,
      amount: d.amount.map((c) => ({ denom: c.denom, amount: c.amount })),
    })),
    votes: (await k.getAllVotes(ctx)).map((v) => ({
      proposal_id: v.proposalId.toString(),
      voter: v.voter,
      options: v.options.map((o) => ({ option: voteOptionToJSON(o.option), weight: o.weight })),
      metadata: v.metadata,
    })),
    proposals: (await k.getProposals(ctx)).map(proposalToJson),
    params: paramsToJson(await k.getParams(ctx)),
    constitution: await k.getConstitution(ctx),
  };
}
