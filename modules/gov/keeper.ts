// GovKeeper: proposals, deposits, votes, params and the queues of x/gov (SDK v0.50 x/gov/keeper:
// proposal.go, deposit.go, vote.go). Tally is in tally.ts, the EndBlocker in abci.ts.
import {
  Deposit,
  Proposal,
  ProposalStatus,
  Vote,
  VoteOption,
  voteOptionToJSON,
  type WeightedVoteOption,
} from "cosmjs-types/cosmos/gov/v1/gov";
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { Logger } from "pino";
import {
  addCoins,
  amountOf,
  type Coin,
  coinsToString,
  fromProtoCoins,
  isAllGTE,
  toProtoCoins,
} from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import {
  DEC_ONE,
  decFromInt,
  decMul,
  decMulIntTruncate,
  decRoundInt,
  formatDec,
  parseDec,
} from "../../chain/baseapp/dec.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { executeAnyMsg } from "../../chain/baseapp/run-tx.ts";
import { nsToTimestamp, timestampToNs } from "../../chain/baseapp/time.ts";
import { CodedError, ErrInvalidCoins } from "../../chain/errors/errors.ts";
import type { CacheMultiStore } from "../../chain/store/types.ts";
import {
  ErrInactiveProposal,
  ErrInvalidDepositDenom,
  ErrInvalidProposal,
  ErrInvalidProposalMsg,
  ErrInvalidProposer,
  ErrInvalidSigner,
  ErrInvalidVote,
  ErrMetadataTooLong,
  ErrMinDepositTooSmall,
  ErrSummaryTooLong,
  ErrUnknownProposal,
  ErrUnroutableProposalMsg,
  ErrVotingPeriodEnded,
} from "./errors.ts";
import * as ev from "./events.ts";
import type { AccountKeeperI, BankKeeperI, MsgExecutor, MsgRouterI, StakingKeeperI } from "./expected-keepers.ts";
import {
  ActiveProposalQueuePrefix,
  byProposalPrefix,
  ConstitutionKey,
  DepositsPrefix,
  depositKey,
  InactiveProposalQueuePrefix,
  ModuleName,
  ParamsKey,
  ProposalIDKey,
  ProposalsPrefix,
  proposalKey,
  queueKey,
  readU64be,
  StoreKey,
  u64be,
  VotesPrefix,
  voteKey,
  votingPeriodKey,
} from "./keys.ts";
import { decodeParams, defaultParams, durationNs, encodeParams, type GovParams } from "./params.ts";

export interface GovKeeperOptions {
  /** who may send gov's MsgUpdateParams (default: the gov module account) */
  authority: string;
  /** SDK config.MaxMetadataLen (also bounds titles and vote metadata) */
  maxMetadataLen?: number;
  maxSummaryLen?: number;
}

export interface GovKeeperDeps {
  accountKeeper: AccountKeeperI;
  bankKeeper: BankKeeperI;
  /** optional until the app connects staking: without it no stake votes and proposals fail quorum */
  stakingKeeper?: StakingKeeperI;
  /** the app's msg router: submission checks that every message is routable */
  router: MsgRouterI;
  /** runs a passed proposal's message; default: executeAnyMsg over `router` */
  executor?: MsgExecutor;
  logger: Logger;
}

export const StatusDepositPeriod = ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD;
export const StatusVotingPeriod = ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD;
export const StatusPassed = ProposalStatus.PROPOSAL_STATUS_PASSED;
export const StatusRejected = ProposalStatus.PROPOSAL_STATUS_REJECTED;
export const StatusFailed = ProposalStatus.PROPOSAL_STATUS_FAILED;

export function blockTimeNs(ctx: Context): bigint {
  return BigInt(ctx.timeMs) * 1_000_000n;
}

export function emptyTallyResult() {
  return { yesCount: "0", abstainCount: "0", noCount: "0", noWithVetoCount: "0" };
}

/** v1.ValidVoteOption */
export function validVoteOption(o: VoteOption): boolean {
  return (
    o === VoteOption.VOTE_OPTION_YES ||
    o === VoteOption.VOTE_OPTION_ABSTAIN ||
    o === VoteOption.VOTE_OPTION_NO ||
    o === VoteOption.VOTE_OPTION_NO_WITH_VETO
  );
}

/** v1.ValidWeightedVoteOption: weight a decimal in (0, 1] and a valid option */
export function validWeightedVoteOption(o: WeightedVoteOption): boolean {
  let w: bigint;
  try {
    w = parseDec(o.weight);
  } catch {
    return false;
  }
  return w > 0n && w <= DEC_ONE && validVoteOption(o.option);
}

export function weightedOptionsString(options: readonly WeightedVoteOption[]): string {
  return options.map((o) => `option:${voteOptionToJSON(o.option)} weight:"${o.weight}"`).join("\n");
}

export function nonSplitVoteOption(option: VoteOption): WeightedVoteOption[] {
  return [{ option, weight: formatDec(DEC_ONE) }];
}

export class GovKeeper {
  readonly storeKey = StoreKey;
  readonly authority: string;
  private readonly maxMetadataLen: number;
  private readonly maxSummaryLen: number;
  private stakingKeeper?: StakingKeeperI;
  private readonly executor: MsgExecutor;
  readonly logger: Logger;

  constructor(
    options: GovKeeperOptions,
    readonly deps: GovKeeperDeps,
  ) {
    this.authority = options.authority;
    this.maxMetadataLen = options.maxMetadataLen ?? 255;
    this.maxSummaryLen = options.maxSummaryLen ?? 10200;
    this.stakingKeeper = deps.stakingKeeper;
    this.executor = deps.executor ?? ((ctx, any) => executeAnyMsg(deps.router, ctx, any));
    this.logger = deps.logger.child({ module: "x/gov" });
  }

  /** The app connects the staking keeper once it exists (SDK: gov is built with it). */
  setStakingKeeper(sk: StakingKeeperI | undefined): void {
    this.stakingKeeper = sk;
  }

  get staking(): StakingKeeperI | undefined {
    return this.stakingKeeper;
  }

  govAddress(): string {
    return this.deps.accountKeeper.moduleAddress(ModuleName);
  }

  // ---- params, constitution, proposal id ----

  async getParams(ctx: Context): Promise<GovParams> {
    const b = await ctx.kvStore(StoreKey).get(ParamsKey);
    return b ? decodeParams(b) : defaultParams();
  }

  setParams(ctx: Context, p: GovParams): void {
    ctx.kvStore(StoreKey).set(ParamsKey, encodeParams(p));
  }

  async getConstitution(ctx: Context): Promise<string> {
    const b = await ctx.kvStore(StoreKey).get(ConstitutionKey);
    return b ? new TextDecoder().decode(b) : "";
  }

  setConstitution(ctx: Context, c: string): void {
    ctx.kvStore(StoreKey).set(ConstitutionKey, new TextEncoder().encode(c));
  }

  /** The id the next proposal gets (starting_proposal_id, default 1). */
  async peekProposalId(ctx: Context): Promise<bigint> {
    const b = await ctx.kvStore(StoreKey).get(ProposalIDKey);
    return b ? readU64be(b) : 1n;
  }

  setProposalId(ctx: Context, id: bigint): void {
    ctx.kvStore(StoreKey).set(ProposalIDKey, u64be(id));
  }

  // ---- proposals ----

  async getProposal(ctx: Context, id: bigint): Promise<Proposal | undefined> {
    const b = await ctx.kvStore(StoreKey).get(proposalKey(id));
    return b ? Proposal.decode(b) : undefined;
  }

  async mustGetProposal(ctx: Context, id: bigint): Promise<Proposal> {
    const p = await this.getProposal(ctx, id);
    if (!p) throw ErrUnknownProposal.wrap(`proposal ${id} doesn't exist`);
    return p;
  }

  setProposal(ctx: Context, p: Proposal): void {
    const store = ctx.kvStore(StoreKey);
    if (p.status === StatusVotingPeriod) store.set(votingPeriodKey(p.id), new Uint8Array([1]));
    else store.delete(votingPeriodKey(p.id));
    store.set(proposalKey(p.id), Proposal.encode(p).finish());
  }

  deleteProposal(ctx: Context, p: Proposal): void {
    const store = ctx.kvStore(StoreKey);
    if (p.depositEndTime) store.delete(queueKey(InactiveProposalQueuePrefix, timestampToNs(p.depositEndTime), p.id));
    if (p.votingEndTime) {
      store.delete(queueKey(ActiveProposalQueuePrefix, timestampToNs(p.votingEndTime), p.id));
      store.delete(votingPeriodKey(p.id));
    }
    store.delete(proposalKey(p.id));
  }

  async getProposals(ctx: Context): Promise<Proposal[]> {
    const out: Proposal[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), ProposalsPrefix)) out.push(Proposal.decode(v));
    return out;
  }

  /** Proposal ids in a queue whose end time is at or before `nowNs`, in (time, id) order. */
  async queueUntil(ctx: Context, prefix: Uint8Array, nowNs: bigint): Promise<{ endNs: bigint; id: bigint }[]> {
    const out: { endNs: bigint; id: bigint }[] = [];
    const store = ctx.kvStore(StoreKey);
    const end = queueKey(prefix, nowNs + 1n, 0n).subarray(0, prefix.length + 8);
    for await (const [k] of store.iterate({ start: prefix, end })) {
      out.push({ endNs: readU64be(k, prefix.length), id: readU64be(k, prefix.length + 8) });
    }
    return out;
  }

  private assertMetadataLength(s: string): void {
    if (s.length > this.maxMetadataLen) throw ErrMetadataTooLong.wrap(`got metadata with length ${s.length}`);
  }

  /**
   * Keeper.SubmitProposal: every message must decode, pass ValidateBasic, have the gov module account
   * as its only signer and a route; then the proposal enters its deposit period.
   */
  async submitProposal(
    ctx: Context,
    messages: readonly Any[],
    metadata: string,
    title: string,
    summary: string,
    proposer: string,
    expedited: boolean,
  ): Promise<Proposal> {
    this.assertMetadataLength(metadata);
    if (summary.length > this.maxSummaryLen) throw ErrSummaryTooLong.wrap(`got summary with length ${summary.length}`);
    this.assertMetadataLength(title);
    const gov = this.govAddress();
    const typeUrls: string[] = [];
    for (const any of messages) {
      typeUrls.push(any.typeUrl);
      const reg = this.deps.router.msg(any.typeUrl);
      if (!reg) throw ErrUnroutableProposalMsg.wrap(any.typeUrl);
      let msg: unknown;
      try {
        msg = reg.type.decode(any.value);
      } catch (e) {
        throw ErrInvalidProposalMsg.wrap(`decode ${any.typeUrl}: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        reg.type.validateBasic?.(msg);
      } catch (e) {
        throw ErrInvalidProposalMsg.wrap(e instanceof Error ? e.message : String(e));
      }
      const signers = reg.type.signers(msg);
      if (signers.length !== 1) throw ErrInvalidSigner.wrap(`${any.typeUrl} has ${signers.length} signers`);
      if (signers[0] !== gov) throw ErrInvalidSigner.wrap(signers[0]);
    }
    const id = await this.peekProposalId(ctx);
    this.setProposalId(ctx, id + 1n);
    const params = await this.getParams(ctx);
    const now = blockTimeNs(ctx);
    const depositEnd = now + durationNs(params.maxDepositPeriod);
    const proposal: Proposal = {
      id,
      messages: messages.map((m) => ({ typeUrl: m.typeUrl, value: m.value })),
      status: StatusDepositPeriod,
      finalTallyResult: emptyTallyResult(),
      submitTime: nsToTimestamp(now),
      depositEndTime: nsToTimestamp(depositEnd),
      totalDeposit: [],
      votingStartTime: undefined,
      votingEndTime: undefined,
      metadata,
      title,
      summary,
      proposer,
      expedited,
      failedReason: "",
    };
    this.setProposal(ctx, proposal);
    ctx.kvStore(StoreKey).set(queueKey(InactiveProposalQueuePrefix, depositEnd, id), u64be(id));
    ctx.eventManager.emit(ev.submitProposal(id, typeUrls));
    return proposal;
  }

  minDepositFor(params: GovParams, expedited: boolean): Coin[] {
    return fromProtoCoins(expedited ? params.expeditedMinDeposit : params.minDeposit);
  }

  /** msg server validateInitialDeposit: initial deposit >= min deposit * min_initial_deposit_ratio. */
  async validateInitialDeposit(ctx: Context, initial: readonly Coin[], expedited: boolean): Promise<void> {
    const params = await this.getParams(ctx);
    const ratio = parseDec(params.minInitialDepositRatio);
    if (ratio === 0n) return;
    const need = this.minDepositFor(params, expedited).map((c) => ({
      denom: c.denom,
      amount: decRoundInt(decMul(decFromInt(c.amount), ratio)),
    }));
    if (!isAllGTE(initial, need))
      throw ErrMinDepositTooSmall.wrap(`was (${coinsToString(initial)}), need (${coinsToString(need)})`);
  }

  validateDepositDenom(params: GovParams, amount: readonly Coin[]): void {
    const accepted = params.minDeposit.map((c) => c.denom);
    for (const c of amount) {
      if (!accepted.includes(c.denom))
        throw ErrInvalidDepositDenom.wrap(
          `deposited ${coinsToString(amount)}, but gov accepts only the following denom(s): [${accepted.join(" ")}]`,
        );
    }
  }

  /** Keeper.AddDeposit; returns true when this deposit started the voting period. */
  async addDeposit(ctx: Context, id: bigint, depositor: string, amount: readonly Coin[]): Promise<boolean> {
    const proposal = await this.mustGetProposal(ctx, id);
    if (proposal.status !== StatusDepositPeriod && proposal.status !== StatusVotingPeriod)
      throw ErrInactiveProposal.wrap(String(id));
    const params = await this.getParams(ctx);
    const minDeposit = this.minDepositFor(params, proposal.expedited);
    const ratio = parseDec(params.minDepositRatio);
    this.validateDepositDenom(params, amount);
    if (ratio !== 0n) {
      const thresholds: string[] = [];
      let met = false;
      for (const m of minDeposit) {
        const threshold = decMulIntTruncate(ratio, m.amount);
        thresholds.push(`${threshold}${m.denom}`);
        if (!amount.some((c) => c.denom === m.denom)) continue;
        if (amountOf(amount, m.denom) >= threshold) {
          met = true;
          break;
        }
      }
      if (!met)
        throw ErrMinDepositTooSmall.wrap(
          `received ${coinsToString(amount)} but need at least one of the following: ${thresholds.join(",")}`,
        );
    }
    await this.deps.bankKeeper.sendCoinsFromAccountToModule(ctx, depositor, ModuleName, amount);
    proposal.totalDeposit = toProtoCoins(addCoins(fromProtoCoins(proposal.totalDeposit), amount));
    this.setProposal(ctx, proposal);
    let activated = false;
    if (proposal.status === StatusDepositPeriod && isAllGTE(fromProtoCoins(proposal.totalDeposit), minDeposit)) {
      await this.activateVotingPeriod(ctx, proposal);
      activated = true;
    }
    const existing = await this.getDeposit(ctx, id, depositor);
    const deposit: Deposit = existing
      ? { ...existing, amount: toProtoCoins(addCoins(fromProtoCoins(existing.amount), amount)) }
      : { proposalId: id, depositor, amount: toProtoCoins(amount) };
    ctx.eventManager.emit(ev.proposalDeposit(depositor, coinsToString(amount), id));
    this.setDeposit(ctx, deposit);
    return activated;
  }

  async activateVotingPeriod(ctx: Context, proposal: Proposal): Promise<void> {
    const now = blockTimeNs(ctx);
    const params = await this.getParams(ctx);
    const period = proposal.expedited ? params.expeditedVotingPeriod : params.votingPeriod;
    const end = now + durationNs(period);
    proposal.votingStartTime = nsToTimestamp(now);
    proposal.votingEndTime = nsToTimestamp(end);
    proposal.status = StatusVotingPeriod;
    this.setProposal(ctx, proposal);
    const store = ctx.kvStore(StoreKey);
    store.delete(queueKey(InactiveProposalQueuePrefix, timestampToNs(proposal.depositEndTime), proposal.id));
    store.set(queueKey(ActiveProposalQueuePrefix, end, proposal.id), u64be(proposal.id));
  }

  // ---- deposits ----

  async getDeposit(ctx: Context, id: bigint, depositor: string): Promise<Deposit | undefined> {
    const b = await ctx.kvStore(StoreKey).get(depositKey(id, depositor));
    return b ? Deposit.decode(b) : undefined;
  }

  setDeposit(ctx: Context, d: Deposit): void {
    ctx.kvStore(StoreKey).set(depositKey(d.proposalId, d.depositor), Deposit.encode(d).finish());
  }

  async getDeposits(ctx: Context, id: bigint): Promise<Deposit[]> {
    const out: Deposit[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), byProposalPrefix(DepositsPrefix, id)))
      out.push(Deposit.decode(v));
    return out;
  }

  async getAllDeposits(ctx: Context): Promise<Deposit[]> {
    const out: Deposit[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), DepositsPrefix)) out.push(Deposit.decode(v));
    return out;
  }

  /** Every deposit back to its depositor; deposits deleted. */
  async refundAndDeleteDeposits(ctx: Context, id: bigint): Promise<void> {
    for (const d of await this.getDeposits(ctx, id)) {
      const amt = fromProtoCoins(d.amount);
      if (amt.length > 0) await this.deps.bankKeeper.sendCoinsFromModuleToAccount(ctx, ModuleName, d.depositor, amt);
      ctx.kvStore(StoreKey).delete(depositKey(id, d.depositor));
    }
  }

  /** All deposits burned from the gov module account; deposits deleted. */
  async deleteAndBurnDeposits(ctx: Context, id: bigint): Promise<void> {
    let total: Coin[] = [];
    for (const d of await this.getDeposits(ctx, id)) {
      total = addCoins(total, fromProtoCoins(d.amount));
      ctx.kvStore(StoreKey).delete(depositKey(id, d.depositor));
    }
    if (total.length > 0) await this.deps.bankKeeper.burnCoins(ctx, ModuleName, total);
  }

  /** ChargeDeposit (cancellation): rate of each deposit burned or sent to `dest`, the rest refunded. */
  async chargeDeposit(ctx: Context, id: bigint, dest: string, rateText: string): Promise<void> {
    const rate = parseDec(rateText);
    let charges: Coin[] = [];
    for (const d of await this.getDeposits(ctx, id)) {
      const remaining: Coin[] = [];
      for (const c of fromProtoCoins(d.amount)) {
        const burn = decMulIntTruncate(rate, c.amount);
        remaining.push({ denom: c.denom, amount: c.amount - burn });
        charges = addCoins(charges, [{ denom: c.denom, amount: burn }]);
      }
      const rest = addCoins([], remaining);
      if (rest.length > 0) await this.deps.bankKeeper.sendCoinsFromModuleToAccount(ctx, ModuleName, d.depositor, rest);
      ctx.kvStore(StoreKey).delete(depositKey(id, d.depositor));
    }
    if (charges.length === 0) return;
    if (dest === "") await this.deps.bankKeeper.burnCoins(ctx, ModuleName, charges);
    else await this.deps.bankKeeper.sendCoinsFromModuleToAccount(ctx, ModuleName, dest, charges);
  }

  // ---- votes ----

  async addVote(
    ctx: Context,
    id: bigint,
    voter: string,
    options: readonly WeightedVoteOption[],
    metadata: string,
  ): Promise<void> {
    const proposal = await this.mustGetProposal(ctx, id);
    if (proposal.status !== StatusVotingPeriod) throw ErrInactiveProposal.wrap(String(id));
    this.assertMetadataLength(metadata);
    for (const o of options) {
      if (!validWeightedVoteOption(o)) throw ErrInvalidVote.wrap(weightedOptionsString([o]));
    }
    const vote: Vote = { proposalId: id, voter, options: options.map((o) => ({ ...o })), metadata };
    ctx.kvStore(StoreKey).set(voteKey(id, voter), Vote.encode(vote).finish());
    ctx.eventManager.emit(ev.proposalVote(voter, weightedOptionsString(options), id));
  }

  async getVote(ctx: Context, id: bigint, voter: string): Promise<Vote | undefined> {
    const b = await ctx.kvStore(StoreKey).get(voteKey(id, voter));
    return b ? Vote.decode(b) : undefined;
  }

  /** Votes of a proposal in key (voter address bytes) order. */
  async getVotes(ctx: Context, id: bigint): Promise<Vote[]> {
    const out: Vote[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), byProposalPrefix(VotesPrefix, id)))
      out.push(Vote.decode(v));
    return out;
  }

  async getAllVotes(ctx: Context): Promise<Vote[]> {
    const out: Vote[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), VotesPrefix)) out.push(Vote.decode(v));
    return out;
  }

  setVote(ctx: Context, v: Vote): void {
    ctx.kvStore(StoreKey).set(voteKey(v.proposalId, v.voter), Vote.encode(v).finish());
  }

  async deleteVotes(ctx: Context, id: bigint): Promise<void> {
    for (const v of await this.getVotes(ctx, id)) ctx.kvStore(StoreKey).delete(voteKey(id, v.voter));
  }

  // ---- cancel ----

  async cancelProposal(ctx: Context, id: bigint, proposer: string): Promise<void> {
    const proposal = await this.mustGetProposal(ctx, id);
    if (proposal.proposer === "")
      throw ErrInvalidProposal.wrap(`proposal ${id} doesn't have proposer ${proposer}, so cannot be canceled`);
    if (proposal.proposer !== proposer) throw ErrInvalidProposer.wrap(`invalid proposer ${proposer}`);
    if (proposal.status !== StatusDepositPeriod && proposal.status !== StatusVotingPeriod)
      throw ErrInvalidProposal.wrap("proposal should be in the deposit or voting period");
    if (proposal.votingEndTime && timestampToNs(proposal.votingEndTime) < blockTimeNs(ctx))
      throw ErrVotingPeriodEnded.wrap(`voting period is already ended for this proposal ${id}`);
    const params = await this.getParams(ctx);
    await this.chargeDeposit(ctx, id, params.proposalCancelDest, params.proposalCancelRatio);
    if (proposal.votingStartTime) await this.deleteVotes(ctx, id);
    this.deleteProposal(ctx, proposal);
    this.logger.info({ proposal: id.toString(), proposer }, "proposal is canceled by proposer");
  }

  // ---- execution ----

  /**
   * Runs a passed proposal's messages on a branch of the state with the gov module account as
   * signer; the branch (and the messages' events) reach the block state only if all succeed.
   */
  async executeMessages(
    ctx: Context,
    proposal: Proposal,
  ): Promise<{ ok: true } | { ok: false; index: number; typeUrl: string; error: string }> {
    const parent = ctx.multiStore as Partial<CacheMultiStore>;
    if (typeof parent.branch !== "function") throw new Error("gov: proposal execution needs a branchable store");
    const branch = parent.branch.call(ctx.multiStore);
    const events = [];
    for (let i = 0; i < proposal.messages.length; i++) {
      const any = proposal.messages[i];
      const sub = ctx.with({ multiStore: branch });
      try {
        await this.executor(sub, any);
      } catch (e) {
        if (!(e instanceof CodedError))
          this.logger.error({ err: e, proposal: proposal.id.toString() }, "proposal message threw");
        return { ok: false, index: i, typeUrl: any.typeUrl, error: e instanceof Error ? e.message : String(e) };
      }
      events.push(...sub.eventManager.events());
    }
    branch.write();
    ctx.eventManager.emitMany(events);
    return { ok: true };
  }
}

/** MsgDeposit / initial deposit coins check: valid and all positive (SDK validateDeposit). */
export function validateDepositCoins(amount: readonly Coin[]): void {
  if (amount.length === 0 || amount.some((c) => c.amount <= 0n))
    throw ErrInvalidCoins.wrap(coinsToString(amount) || "empty deposit");
}
