// InferenceKeeper: requests, assignment, commitments and reveals from vote extensions, agreement,
// settlement, refunds. Deterministic: bigint arithmetic, store-ordered iteration, no clock.

import { BondStatus, type Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { type Coin, coinsToString } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { ErrInvalidAddress } from "../../chain/errors/errors.ts";
import { layoutDataSizes } from "../../chain/tensor/digest.ts";
import { matchSpecs } from "../../chain/tensor/spec.ts";
import { addressFromString, valoperToAccount } from "../../chain/types/address.ts";
import { bytesEqual, prefixEnd, toHex, u64be } from "../../chain/types/bytes.ts";
import { encodeMessage } from "../../chain/types/proto-encode.ts";
import {
  type Assignment,
  ExecutionError,
  ExecutorOutcome,
  InferenceRequest,
  InferenceResult,
  type OutputRef,
  Params,
  RequestStatus,
  type VoteExtension,
} from "../../proto/gen/dgrid/inference/v1/inference.ts";
import type { MsgRequestInference } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import type { Model, NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { type Candidate, candidateOf, decide, minSupport, outputSources, policyOf } from "./agreement.ts";
import { assignExecutors, type WeightedCandidate } from "./assignment.ts";
import { checkedItems, checkSameShapes, hasBatchDimension, isBatch, rootOfCanonicalBatch } from "./batch.ts";
import { settleBatch } from "./batch-settlement.ts";
import { blobBytes, checkItemBlobs, hasBlobs, itemBlobs } from "./blobs.ts";
import { commitmentHash, sha256 } from "./commitment.ts";
import {
  ErrFeeTooLow,
  ErrInvalidBlob,
  ErrInvalidInput,
  ErrInvalidRequest,
  ErrModelUnavailable,
  ErrNoExecutors,
  ErrTooManyPending,
} from "./errors.ts";
import type { RefundReason } from "./events.ts";
import * as ev from "./events.ts";
import type {
  BankKeeperI,
  DutyRequest,
  InferenceDutiesI,
  RegistryKeeperI,
  ReputationKeeperI,
  RequestHooksI,
  StakingKeeperI,
} from "./expected-keepers.ts";
import {
  byExecutorKey,
  byExecutorPrefix,
  byRequesterKey,
  CommunityPoolAccountName,
  DeadlinePrefix,
  deadlineKey,
  EscrowAccountName,
  NextIdKey,
  ParamsKey,
  PendingCountKey,
  PendingPrefix,
  pendingKey,
  readU64,
  requestKey,
  resultKey,
  StoreKey,
  UnassignedPrefix,
  unassignedKey,
} from "./keys.ts";
import { errorName } from "./outcome.ts";
import { defaultParams, type InferenceParams, PPM } from "./params.ts";
import { outputLimits, revealForm } from "./reveal.ts";
import { splitFee } from "./settlement.ts";
import { reportSettlement } from "./settlement-report.ts";
import { consAddress } from "./vote-extensions.ts";

export interface InferenceKeeperDeps {
  bankKeeper: BankKeeperI;
  registryKeeper: RegistryKeeperI;
  reputationKeeper: ReputationKeeperI;
  /** absent until the staking module is wired: no validator can be assigned */
  stakingKeeper?: StakingKeeperI;
  /** told about refunded fees and closed requests (x/authz credits InferenceAuthorizations) */
  hooks?: RequestHooksI;
}

/** What checkRequest found: the effective redundancy and the fee it costs. */
export interface RequestPlan {
  requesterBytes: Uint8Array;
  /** the redundancy asked for (0 resolved to default_redundancy) */
  requested: number;
  /** min(requested, eligible executors) */
  redundancy: number;
  /** price x items x redundancy: what is escrowed */
  fee: Coin;
  /** price x items x (requested - redundancy): never taken from the requester */
  uncharged: Coin;
  maxFee: { denom: string; amount: string };
  pending: bigint;
}

export class InferenceKeeper {
  readonly storeKey = StoreKey;

  constructor(readonly deps: InferenceKeeperDeps) {}

  /** Connects the staking keeper after construction (the app builds staking and inference together). */
  setStakingKeeper(staking: StakingKeeperI): void {
    this.deps.stakingKeeper = staking;
  }

  /** Connects the request hooks after construction (x/authz is built after the inference keeper). */
  setHooks(hooks: RequestHooksI): void {
    this.deps.hooks = hooks;
  }

  // ---- params and counters ----

  async getParams(ctx: Context): Promise<InferenceParams> {
    const b = await ctx.kvStore(StoreKey).get(ParamsKey);
    return b ? Params.decode(b) : defaultParams();
  }

  setParams(ctx: Context, p: InferenceParams): void {
    ctx.kvStore(StoreKey).set(ParamsKey, encodeMessage(Params, p));
  }

  async nextId(ctx: Context): Promise<bigint> {
    const b = await ctx.kvStore(StoreKey).get(NextIdKey);
    return b ? readU64(b) : 1n;
  }

  setNextId(ctx: Context, id: bigint): void {
    ctx.kvStore(StoreKey).set(NextIdKey, u64be(id));
  }

  async pendingCount(ctx: Context): Promise<bigint> {
    const b = await ctx.kvStore(StoreKey).get(PendingCountKey);
    return b ? readU64(b) : 0n;
  }

  private setPendingCount(ctx: Context, n: bigint): void {
    ctx.kvStore(StoreKey).set(PendingCountKey, u64be(n));
  }

  // ---- records ----

  async getRequest(ctx: Context, id: bigint): Promise<InferenceRequest | undefined> {
    const b = await ctx.kvStore(StoreKey).get(requestKey(id));
    return b ? InferenceRequest.decode(b) : undefined;
  }

  setRequest(ctx: Context, r: InferenceRequest): void {
    ctx.kvStore(StoreKey).set(requestKey(r.id), encodeMessage(InferenceRequest, r));
  }

  async getResult(ctx: Context, id: bigint): Promise<InferenceResult | undefined> {
    const b = await ctx.kvStore(StoreKey).get(resultKey(id));
    return b ? InferenceResult.decode(b) : undefined;
  }

  setResult(ctx: Context, r: InferenceResult): void {
    ctx.kvStore(StoreKey).set(resultKey(r.requestId), encodeMessage(InferenceResult, r));
  }

  /** Ids of requests not yet settled, ascending. */
  async pendingIds(ctx: Context): Promise<bigint[]> {
    const out: bigint[] = [];
    for await (const [k] of iteratePrefix(ctx.kvStore(StoreKey), PendingPrefix)) out.push(readU64(k));
    return out;
  }

  /** Sum of the escrowed fees of pending requests, by denom (the escrow invariant's right side). */
  async pendingFees(ctx: Context): Promise<Map<string, bigint>> {
    const sums = new Map<string, bigint>();
    for (const id of await this.pendingIds(ctx)) {
      const r = await this.getRequest(ctx, id);
      if (!r?.fee) continue;
      sums.set(r.fee.denom, (sums.get(r.fee.denom) ?? 0n) + BigInt(r.fee.amount));
    }
    return sums;
  }

  // ---- MsgRequestInference ----

  /**
   * Every check of a request that writes nothing: CheckTx runs it (ante.ts) and createRequest runs it
   * again in the block. The effective redundancy is min(requested, eligible executors now); the fee
   * is price x items x effective redundancy (a single request is one item). A request no eligible executor can serve (fewer than the quorum
   * of its effective redundancy, which is: none) is refused with ErrNoExecutors.
   */
  async checkRequest(ctx: Context, msg: MsgRequestInference): Promise<RequestPlan> {
    let requesterBytes: Uint8Array;
    try {
      requesterBytes = addressFromString(msg.requester);
    } catch (e) {
      throw ErrInvalidAddress.wrap(`invalid requester address: ${e instanceof Error ? e.message : String(e)}`);
    }
    const p = await this.getParams(ctx);
    const model = await this.deps.registryKeeper.getModelHead(ctx, msg.modelId);
    if (!model) throw ErrModelUnavailable.wrap(`model ${msg.modelId} is not registered`);
    if (model.delisted) throw ErrModelUnavailable.wrap(`model ${msg.modelId} is delisted`);
    const items = checkedItems(msg, p.maxBatch);
    const batch = isBatch(msg);
    const which = (i: number) => (batch ? `items[${i}].inputs` : "inputs");
    for (let i = 0; i < items.length; i++) {
      if (items[i].length > p.maxInputTensors)
        throw ErrInvalidInput.wrap(
          `${which(i)}: ${items[i].length} input tensors over the max_input_tensors param (${p.maxInputTensors})`,
        );
    }
    // the sizes first, so an oversized tensor is named by the limit it breaks (a batch: all items together)
    const rawBytes = items.reduce((n, inputs) => inputs.reduce((m, t) => m + t.data.length, n), 0);
    if (BigInt(rawBytes) > p.maxInputBytes)
      throw ErrInvalidInput.wrap(
        `inputs of ${rawBytes} bytes over the max_input_bytes param (${p.maxInputBytes}) of the inference module`,
      );
    // blob references (README.md#blobs): sizes checked against the shapes below, the bytes never here
    const blobs = itemBlobs(msg);
    if (batch && msg.inputBlobs.length > 0) throw ErrInvalidBlob.wrap("a batch carries its blobs in its items");
    const blobSizes = items.map((inputs, i) => checkItemBlobs(inputs, blobs[i] ?? [], which(i), p.blobThresholdBytes));
    const totalBlobBytes = blobBytes(msg);
    if (totalBlobBytes > p.blobMaxBytes)
      throw ErrInvalidBlob.wrap(`blobs of ${totalBlobBytes} bytes over the blob_max_bytes param (${p.blobMaxBytes})`);
    for (let i = 0; i < items.length; i++) {
      try {
        matchSpecs(model.inputs, items[i], which(i), blobSizes[i]);
      } catch (e) {
        throw ErrInvalidInput.wrap(e instanceof Error ? e.message : String(e));
      }
    }
    checkSameShapes(items);
    const requested = msg.redundancy === 0 ? p.defaultRedundancy : msg.redundancy;
    if (requested < 1 || requested > p.maxRedundancy)
      throw ErrInvalidRequest.wrap(`redundancy ${requested} outside 1..${p.maxRedundancy} (the max_redundancy param)`);
    // min(requested, eligible) is all this needs: counted up to `requested`
    const eligible = await this.eligibleExecutors(ctx, msg.modelId, requested);
    const redundancy = Math.min(requested, eligible);
    if (eligible < minSupport(Math.max(redundancy, 1), p.quorumPpm))
      throw ErrNoExecutors.wrap(
        `model ${msg.modelId} has ${eligible} eligible executors (serving, bonded, not jailed, reputation at or above the floor)`,
      );
    const price = model.pricePerCall ?? { denom: "udgrid", amount: "0" };
    const unit = BigInt(price.amount);
    // one fee for the whole request: price x items x redundancy
    const n = BigInt(items.length);
    const fee: Coin = { denom: price.denom, amount: unit * n * BigInt(redundancy) };
    const maxFee = msg.maxFee ?? { denom: fee.denom, amount: "0" };
    if (!/^\d+$/.test(maxFee.amount)) throw ErrInvalidRequest.wrap(`invalid max fee amount "${maxFee.amount}"`);
    if (fee.amount > 0n && (maxFee.denom !== fee.denom || BigInt(maxFee.amount) < fee.amount))
      throw ErrFeeTooLow.wrap(`max fee ${maxFee.amount}${maxFee.denom} below ${coinsToString([fee])}`);
    const pending = await this.pendingCount(ctx);
    if (pending >= p.maxPendingRequests)
      throw ErrTooManyPending.wrap(`${pending} requests pending (the max_pending_requests param)`);
    return {
      requesterBytes,
      requested,
      redundancy,
      fee,
      uncharged: { denom: price.denom, amount: unit * n * BigInt(requested - redundancy) },
      maxFee,
      pending,
    };
  }

  async createRequest(ctx: Context, msg: MsgRequestInference): Promise<bigint> {
    const plan = await this.checkRequest(ctx, msg);
    const { fee, redundancy } = plan;
    if (fee.amount > 0n)
      await this.deps.bankKeeper.sendCoinsFromAccountToModule(ctx, msg.requester, EscrowAccountName, [fee]);

    const id = await this.nextId(ctx);
    this.setNextId(ctx, id + 1n);
    const store = ctx.kvStore(StoreKey);
    this.setRequest(ctx, {
      id,
      requester: msg.requester,
      modelId: msg.modelId,
      inputs: msg.inputs,
      maxFee: plan.maxFee,
      fee: { denom: fee.denom, amount: fee.amount.toString() },
      redundancy,
      status: RequestStatus.REQUEST_STATUS_UNSPECIFIED,
      createdHeight: BigInt(ctx.height),
      commitDeadline: 0n,
      revealDeadline: 0n,
      executors: [],
      quorum: 0,
      requestedRedundancy: plan.requested,
      items: msg.items,
      inputBlobs: msg.inputBlobs,
    });
    store.set(unassignedKey(id), new Uint8Array());
    store.set(pendingKey(id), new Uint8Array());
    store.set(byRequesterKey(plan.requesterBytes, id), new Uint8Array());
    this.setPendingCount(ctx, plan.pending + 1n);
    ctx.eventManager.emit(
      ev.requestCreated({
        id,
        modelId: msg.modelId,
        requester: msg.requester,
        fee: coinsToString([fee]),
        redundancy,
        requestedRedundancy: plan.requested,
        uncharged: plan.uncharged.amount > 0n ? coinsToString([plan.uncharged]) : `0${fee.denom}`,
      }),
    );
    return id;
  }

  // ---- EndBlock: assignment and deadlines ----

  /** Candidates for a model: serving, bonded, at or above the reputation floor; weight = power x score. */
  async candidates(ctx: Context, modelId: string): Promise<WeightedCandidate[]> {
    const staking = this.deps.stakingKeeper;
    if (!staking) return [];
    const serving = new Set<string>();
    for await (const operator of this.deps.registryKeeper.serverValidators(ctx, modelId)) serving.add(operator);
    if (serving.size === 0) return [];
    const floor = await this.deps.reputationKeeper.floor(ctx);
    const out: WeightedCandidate[] = [];
    for (const v of await staking.bondedValidatorsByPower(ctx)) {
      if (!serving.has(v.operatorAddress)) continue;
      const c = await this.asCandidate(ctx, staking, v, floor);
      if (c) out.push(c);
    }
    return out;
  }

  /**
   * How many executors could serve a model now, counted up to `atMost`: candidates()'s filters over
   * the model's servers, stopping at `atMost`. checkRequest (twice per request: CheckTx and the block)
   * needs only min(requested, eligible): this reads about `atMost` validators where candidates()
   * reads and decodes every bonded one. One difference: candidates() keeps the first max_validators
   * bonded validators by power, and between a governance change lowering max_validators and the next
   * staking EndBlock more may be bonded; a request counted with one of them has its redundancy, and
   * fee, lowered at assignment (reduceRedundancy), as when an executor leaves meanwhile.
   */
  async eligibleExecutors(ctx: Context, modelId: string, atMost: number): Promise<number> {
    const staking = this.deps.stakingKeeper;
    if (!staking || atMost <= 0) return 0;
    const floor = await this.deps.reputationKeeper.floor(ctx);
    let n = 0;
    for await (const operator of this.deps.registryKeeper.serverValidators(ctx, modelId)) {
      const v = await staking.validator(ctx, operator);
      if (!v || v.status !== BondStatus.BOND_STATUS_BONDED) continue;
      if ((await this.asCandidate(ctx, staking, v, floor)) && ++n >= atMost) break;
    }
    return n;
  }

  /** A bonded, serving validator as a candidate: not jailed, a consensus key, score at or above the floor, weight > 0. */
  private async asCandidate(
    ctx: Context,
    staking: StakingKeeperI,
    v: Validator,
    floor: bigint,
  ): Promise<WeightedCandidate | undefined> {
    if (v.jailed) return undefined;
    const cons = consAddress(v);
    if (!cons) return undefined;
    const score = await this.deps.reputationKeeper.score(ctx, v.operatorAddress);
    if (score < floor) return undefined;
    const weight = staking.powerOf(v) * score;
    return weight > 0n ? { validator: v.operatorAddress, consAddress: cons, weight } : undefined;
  }

  /** Assigns executors to the requests created in this block; returns the new duties of `self`. */
  async assignNew(ctx: Context, self?: Uint8Array): Promise<DutyRequest[]> {
    const store = ctx.kvStore(StoreKey);
    const ids: bigint[] = [];
    for await (const [k] of iteratePrefix(store, UnassignedPrefix)) ids.push(readU64(k));
    if (ids.length === 0) return [];
    const p = await this.getParams(ctx);
    const seed = ctx.block.hash && ctx.block.hash.length > 0 ? ctx.block.hash : sha256(u64be(BigInt(ctx.height)));
    const duties: DutyRequest[] = [];
    const cache = new Map<string, WeightedCandidate[]>();
    const models = new Map<string, Model | undefined>();
    for (const id of ids) {
      store.delete(unassignedKey(id));
      const r = await this.getRequest(ctx, id);
      if (!r) continue;
      let cands = cache.get(r.modelId);
      if (!cands) {
        cands = await this.candidates(ctx, r.modelId);
        cache.set(r.modelId, cands);
      }
      const chosen = assignExecutors(cands, r.redundancy, seed, id);
      if (chosen.length === 0) {
        await this.refund(ctx, r, "no_executors");
        continue;
      }
      // fewer eligible now than at inclusion: the fee follows the executions that can happen
      if (chosen.length < r.redundancy) await this.reduceRedundancy(ctx, r, chosen.length);
      r.executors = chosen.map((c) => ({
        validator: c.validator,
        consAddress: c.consAddress,
        commitment: new Uint8Array(),
        commitHeight: 0n,
        revealed: false,
        revealHeight: 0n,
        outputs: [],
        outputHash: new Uint8Array(),
        invalidOutput: false,
        outcome: ExecutorOutcome.EXECUTOR_OUTCOME_UNSPECIFIED,
        error: ExecutionError.EXECUTION_ERROR_UNSPECIFIED,
        items: [],
        blobUnavailable: false,
        outputRef: undefined,
      }));
      r.quorum = minSupport(chosen.length, p.quorumPpm);
      r.status = RequestStatus.REQUEST_STATUS_COMMIT;
      r.commitDeadline = BigInt(ctx.height) + p.commitDeadlineBlocks;
      this.setRequest(ctx, r);
      store.set(deadlineKey(r.commitDeadline, id), new Uint8Array());
      for (const c of chosen) store.set(byExecutorKey(c.consAddress, id), new Uint8Array());
      ctx.eventManager.emit(
        ev.executorsAssigned(
          id,
          r.modelId,
          chosen.map((c) => c.validator),
          r.commitDeadline,
        ),
      );
      if (self && chosen.some((c) => bytesEqual(c.consAddress, self))) {
        // (assignment writes no model: one read of each per block)
        if (!models.has(r.modelId)) models.set(r.modelId, await this.deps.registryKeeper.getModelHead(ctx, r.modelId));
        const model = models.get(r.modelId);
        if (model) duties.push(dutyOf(r, model, self, p));
      }
    }
    return duties;
  }

  /** Lowers a request's redundancy to `assigned`; the fee of the executions that will not happen goes back to the requester. */
  private async reduceRedundancy(ctx: Context, r: InferenceRequest, assigned: number): Promise<void> {
    const fee = BigInt(r.fee?.amount ?? "0");
    const denom = r.fee?.denom ?? "udgrid";
    const kept = (fee / BigInt(r.redundancy)) * BigInt(assigned);
    const back = fee - kept;
    if (back > 0n) {
      await this.deps.bankKeeper.sendCoinsFromModuleToAccount(ctx, EscrowAccountName, r.requester, [
        { denom, amount: back },
      ]);
      await this.deps.hooks?.afterFeeRefunded(ctx, r.id, { denom, amount: back });
    }
    ctx.eventManager.emit(ev.redundancyReduced(r.id, r.requester, r.redundancy, assigned, `${back}${denom}`));
    r.redundancy = assigned;
    r.fee = { denom, amount: kept.toString() };
  }

  /** Closes commit phases and settles reveal phases whose deadline is this height (or earlier). */
  async processDeadlines(ctx: Context): Promise<void> {
    const store = ctx.kvStore(StoreKey);
    const end = prefixEnd(new Uint8Array([...DeadlinePrefix, ...u64be(BigInt(ctx.height))]));
    const due: [bigint, bigint][] = [];
    for await (const [k] of store.iterate({ start: DeadlinePrefix, end })) due.push([readU64(k, 1), readU64(k, 9)]);
    for (const [height, id] of due) {
      store.delete(deadlineKey(height, id));
      const r = await this.getRequest(ctx, id);
      if (!r) continue;
      if (r.status === RequestStatus.REQUEST_STATUS_COMMIT && r.commitDeadline === height) {
        await this.closeCommitPhase(ctx, r);
      } else if (r.status === RequestStatus.REQUEST_STATUS_REVEAL && r.revealDeadline === height) {
        await this.settle(ctx, r);
      }
    }
  }

  private async closeCommitPhase(ctx: Context, r: InferenceRequest): Promise<void> {
    const committed = r.executors.filter((e) => e.commitment.length > 0).length;
    if (committed < r.quorum) {
      // no outcome can reach the quorum: nobody can tell whose fault that was, so nobody loses reputation
      const missing = this.markMissing(r);
      // an executor said (in its extension) that it could not obtain the input blobs
      const reason = r.executors.some((e) => e.blobUnavailable)
        ? "blob_unavailable"
        : committed === 0
          ? "expired"
          : "no_quorum";
      await this.refund(ctx, r, reason, missing);
      return;
    }
    const p = await this.getParams(ctx);
    const store = ctx.kvStore(StoreKey);
    store.delete(deadlineKey(r.commitDeadline, r.id));
    r.status = RequestStatus.REQUEST_STATUS_REVEAL;
    r.revealDeadline = BigInt(ctx.height) + p.revealDeadlineBlocks;
    this.setRequest(ctx, r);
    store.set(deadlineKey(r.revealDeadline, r.id), new Uint8Array());
    ctx.eventManager.emit(ev.commitPhaseClosed(r.id, committed, r.revealDeadline));
  }

  // ---- PreBlock: commitments and reveals from the injected extended commit ----

  /**
   * Applies the extensions of one extended commit. Reveals are judged against the phases as they
   * were before this block (a reveal in the same block as the last commitment is early), then
   * commitments are recorded, then phases move and finished requests settle. `commitmentsOnly`
   * (ExtendVote's look at the proposed block) records commitments and closes commit phases only.
   */
  async applyExtensions(
    ctx: Context,
    exts: { consAddress: Uint8Array; ext: VoteExtension }[],
    commitmentsOnly = false,
  ): Promise<void> {
    const p = await this.getParams(ctx);
    const touched = new Map<bigint, InferenceRequest>();
    const load = async (id: bigint) => {
      let r = touched.get(id);
      if (!r) {
        r = await this.getRequest(ctx, id);
        if (r) touched.set(id, r);
      }
      return r;
    };
    const phaseAtStart = new Map<bigint, RequestStatus>();
    for (const { ext } of exts) {
      for (const x of [...ext.reveals, ...ext.commitments]) {
        const r = await load(x.requestId);
        if (r && !phaseAtStart.has(r.id)) phaseAtStart.set(r.id, r.status);
      }
    }
    const models = new Map<string, Model | undefined>();
    const modelOf = async (id: string) => {
      if (!models.has(id)) models.set(id, await this.deps.registryKeeper.getModelHead(ctx, id));
      return models.get(id);
    };

    // 1. reveals
    for (const { consAddress: cons, ext } of commitmentsOnly ? [] : exts) {
      for (const rev of ext.reveals) {
        const r = await load(rev.requestId);
        const reject = (reason: string, who = toHex(cons)) =>
          ctx.eventManager.emit(ev.revealRejected(rev.requestId, who, reason));
        if (!r) {
          reject("unknown_request");
          continue;
        }
        // settled already: a late copy of a reveal (extensions lag the state by one height)
        if (!isPending(r.status)) continue;
        const a = r.executors.find((e) => bytesEqual(e.consAddress, cons));
        if (!a) {
          reject("not_assigned");
          continue;
        }
        if (phaseAtStart.get(r.id) !== RequestStatus.REQUEST_STATUS_REVEAL) {
          reject("early", a.validator);
          continue;
        }
        if (a.commitment.length === 0) {
          reject("no_commitment", a.validator);
          continue;
        }
        // the first accepted reveal counts; copies sent again before it showed on chain are ignored
        if (a.revealed) continue;
        // the outcome: an error class, outputs within max_output_bytes, or a reference to outputs by
        // hash where the params and the model's policy allow it; a batch: one per item
        const model = await modelOf(r.modelId);
        const form = revealForm(rev, r.items.length, outputLimits(p, model ? policyOf(model) : undefined));
        if (!form.ok) {
          reject(form.reason, a.validator);
          continue;
        }
        const canonical = form.canonical;
        if (!bytesEqual(commitmentHash(r.id, cons, rev.salt, canonical), a.commitment)) {
          reject("mismatch", a.validator);
          continue;
        }
        // an output that does not fit the model's output spec is recorded invalid (dissent; it cannot win)
        const fits = (o: { outputs: NamedTensor[]; error: ExecutionError; outputRef?: OutputRef }) => {
          if (o.error !== ExecutionError.EXECUTION_ERROR_UNSPECIFIED) return true;
          if (!model) return false;
          try {
            // a reference: its layout (data empty, the sizes follow from the shapes) against the spec
            if (o.outputRef)
              matchSpecs(model.outputs, o.outputRef.layout, "outputs", layoutDataSizes(o.outputRef.layout));
            else matchSpecs(model.outputs, o.outputs, "outputs");
            return true;
          } catch {
            return false;
          }
        };
        for (const it of form.items) it.invalid = !fits(it);
        const valid = form.items.length > 0 ? form.items.every((it) => !it.invalid) : fits(rev);
        a.revealed = true;
        a.revealHeight = BigInt(ctx.height);
        a.outputs = rev.outputs;
        a.outputRef = rev.outputRef;
        a.error = rev.error;
        a.items = form.items;
        // a batch: the Merkle root of its item hashes stands for the outcome
        a.outputHash = isBatch(r) ? rootOfCanonicalBatch(canonical) : sha256(canonical);
        a.invalidOutput = form.items.length > 0 ? false : !valid;
        ctx.eventManager.emit(ev.outputRevealed(r.id, a.validator, a.outputHash, valid, errorName(a.error)));
      }
    }

    // 2. commitments
    for (const { consAddress: cons, ext } of exts) {
      for (const c of ext.commitments) {
        const r = await load(c.requestId);
        if (!r || r.status !== RequestStatus.REQUEST_STATUS_COMMIT) continue;
        const a = r.executors.find((e) => bytesEqual(e.consAddress, cons));
        if (!a || a.commitment.length > 0 || a.blobUnavailable) continue;
        if (c.blobUnavailable) {
          // only a request with blobs can lack its bytes; the marker closes this executor's commit phase
          if (c.commitment.length !== 0 || !hasBlobs(r)) continue;
          a.blobUnavailable = true;
          ctx.eventManager.emit(ev.blobUnavailable(r.id, a.validator));
          continue;
        }
        if (c.commitment.length !== 32) continue;
        a.commitment = c.commitment;
        a.commitHeight = BigInt(ctx.height);
        ctx.eventManager.emit(ev.outputCommitted(r.id, a.validator, c.commitment));
      }
    }

    // 3. transitions, in request id order
    for (const id of [...touched.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const r = touched.get(id)!;
      if (r.status === RequestStatus.REQUEST_STATUS_COMMIT) {
        if (r.executors.every((e) => e.commitment.length > 0 || e.blobUnavailable)) await this.closeCommitPhase(ctx, r);
        else this.setRequest(ctx, r);
      } else if (r.status === RequestStatus.REQUEST_STATUS_REVEAL && !commitmentsOnly) {
        const committed = r.executors.filter((e) => e.commitment.length > 0);
        if (committed.every((e) => e.revealed)) await this.settle(ctx, r);
        else this.setRequest(ctx, r);
      }
    }
  }

  // ---- settlement ----

  /** Marks the executors that did not reveal as missing (the request's record only); returns them. */
  markMissing(r: InferenceRequest): string[] {
    const missing: string[] = [];
    for (const e of r.executors) {
      if (e.revealed) continue;
      e.outcome = ExecutorOutcome.EXECUTOR_OUTCOME_MISSING;
      missing.push(e.validator);
    }
    return missing;
  }

  /**
   * Agreement on outcomes under the model's policy, then payment, reputation, slashing; or a refund.
   *
   * Reputation moves only for what a validator controls, and only where the others show it could
   * have been done: with a winning outcome, the executors that did not commit or reveal lose
   * reputation as missing, and, when the winner's supporters are at least slash_min_support_ppm of
   * the assigned executors (a supermajority), those that revealed another outcome lose it as
   * dissenters (and are slashed). Without a winner nobody loses anything and the fee is refunded.
   * Agreeing on an output raises the score; agreeing on an error (the request failed by its input)
   * leaves it unchanged, so no stream of requests, runnable or not, can lower an honest executor's score.
   */
  async settle(ctx: Context, r: InferenceRequest): Promise<void> {
    if (isBatch(r)) return settleBatch(this, ctx, r);
    const p = await this.getParams(ctx);
    const model = await this.deps.registryKeeper.getModelHead(ctx, r.modelId);
    const revealed = r.executors.filter((e) => e.revealed);
    const cands: Candidate[] = [];
    if (model) {
      for (const e of revealed) {
        if (e.invalidOutput) continue;
        cands.push(candidateOf(e.validator, e, e.outputHash));
      }
    }
    const policy = model ? policyOf(model) : { kind: "exact" as const };
    const d = decide(policy, cands, r.quorum);
    const missing = this.markMissing(r);
    if (d.winner === undefined || !model) {
      await this.refund(ctx, r, "no_quorum", missing);
      return;
    }
    const winner = cands[d.winner];
    const winnerAssignment = r.executors.find((e) => e.validator === winner.id)!;
    const failed = winner.error !== undefined;
    const agreeing = d.supporters;
    const dissenting = revealed.filter((e) => !agreeing.includes(e.validator)).map((e) => e.validator);
    const supermajority = BigInt(agreeing.length) * PPM >= p.slashMinSupportPpm * BigInt(r.executors.length);
    const fee = BigInt(r.fee?.amount ?? "0");
    const denom = r.fee?.denom ?? "udgrid";
    // a failed request pays the executors for the work; the creator's model produced nothing
    const split = splitFee(fee, failed ? 0n : model.creatorSharePpm, p.executorSharePpm, agreeing.length);
    const bank = this.deps.bankKeeper;
    if (split.creator > 0n)
      await bank.sendCoinsFromModuleToAccount(ctx, EscrowAccountName, model.creator, [
        { denom, amount: split.creator },
      ]);
    if (split.perExecutor > 0n) {
      for (const v of agreeing) {
        await bank.sendCoinsFromModuleToAccount(ctx, EscrowAccountName, valoperToAccount(v), [
          { denom, amount: split.perExecutor },
        ]);
      }
    }
    if (split.community > 0n)
      await bank.sendCoinsFromModuleToModule(ctx, EscrowAccountName, CommunityPoolAccountName, [
        { denom, amount: split.community },
      ]);
    const rep = this.deps.reputationKeeper;
    for (const e of r.executors) {
      if (!e.revealed) {
        await rep.recordOutcome(ctx, e.validator, "missing");
        continue;
      }
      const agreed = agreeing.includes(e.validator);
      e.outcome = agreed ? ExecutorOutcome.EXECUTOR_OUTCOME_AGREED : ExecutorOutcome.EXECUTOR_OUTCOME_DISSENTED;
      if (agreed && !failed) await rep.recordOutcome(ctx, e.validator, "agree");
      else if (!agreed && supermajority) await rep.recordOutcome(ctx, e.validator, "dissent");
    }
    if (supermajority) await this.slashDissenters(ctx, r, p, new Set(dissenting));
    const coin = (a: bigint) => ({ denom, amount: a.toString() });
    const status = failed ? RequestStatus.REQUEST_STATUS_FAILED : RequestStatus.REQUEST_STATUS_FINALIZED;
    const result: InferenceResult = {
      requestId: r.id,
      status,
      outputs: failed ? [] : winnerAssignment.outputs,
      outputRef: winnerAssignment.outputRef,
      outputSources: outputSources(agreeing, (v) => r.executors.find((e) => e.validator === v)?.outputRef),
      outputHash: winner.hash,
      agreeing,
      dissenting,
      missing,
      height: BigInt(ctx.height),
      creatorPaid: coin(split.creator),
      executorsPaid: coin(split.executors),
      communityPaid: coin(split.community),
      refunded: coin(0n),
      reason: failed ? "input_failed" : "",
      error: winner.error ?? ExecutionError.EXECUTION_ERROR_UNSPECIFIED,
      items: [],
      itemsRoot: new Uint8Array(),
    };
    this.setResult(ctx, result);
    await this.close(ctx, r, result);
    const settled = {
      id: r.id,
      modelId: r.modelId,
      outputHash: winner.hash,
      agreeing,
      dissenting,
      missing,
      creatorPaid: `${split.creator}${denom}`,
      executorsPaid: `${split.executors}${denom}`,
      communityPaid: `${split.community}${denom}`,
    };
    ctx.eventManager.emit(
      failed ? ev.requestFailed({ ...settled, error: errorName(winner.error) }) : ev.requestFinalized(settled),
    );
  }

  /**
   * Provable dissent: a revealed outcome (bound by its commitment) against a supermajority. Slashes
   * the executors in `who` (valoper addresses; the caller decided the supermajority).
   */
  async slashDissenters(ctx: Context, r: InferenceRequest, p: InferenceParams, who: Set<string>): Promise<void> {
    const staking = this.deps.stakingKeeper;
    if (!staking || p.slashFractionPpm === 0n) return;
    for (const e of r.executors) {
      if (!who.has(e.validator)) continue;
      const v = await staking.validatorByConsAddr(ctx, e.consAddress);
      // gone, or unbonded since its commitment (its stake left; staking refuses to slash it: the
      // SDK's slashing and evidence modules skip unbonded validators the same way)
      if (!v || v.status === BondStatus.BOND_STATUS_UNBONDED) continue;
      await staking.slash(
        ctx,
        e.consAddress,
        Number(e.commitHeight),
        staking.powerOf(v),
        p.slashFractionPpm * 10n ** 12n,
      );
      ctx.eventManager.emit(ev.executorSlashed(r.id, e.validator, p.slashFractionPpm));
    }
  }

  /** Returns the whole escrowed fee to the requester. */
  async refund(ctx: Context, r: InferenceRequest, reason: RefundReason, missing?: string[]): Promise<void> {
    const fee = BigInt(r.fee?.amount ?? "0");
    const denom = r.fee?.denom ?? "udgrid";
    if (fee > 0n) {
      await this.deps.bankKeeper.sendCoinsFromModuleToAccount(ctx, EscrowAccountName, r.requester, [
        { denom, amount: fee },
      ]);
      await this.deps.hooks?.afterFeeRefunded(ctx, r.id, { denom, amount: fee });
    }
    const coin = (a: bigint) => ({ denom, amount: a.toString() });
    const result: InferenceResult = {
      requestId: r.id,
      status: RequestStatus.REQUEST_STATUS_REFUNDED,
      outputs: [],
      outputRef: undefined,
      outputSources: [],
      outputHash: new Uint8Array(),
      agreeing: [],
      dissenting: [],
      missing: missing ?? r.executors.filter((e) => !e.revealed).map((e) => e.validator),
      height: BigInt(ctx.height),
      creatorPaid: coin(0n),
      executorsPaid: coin(0n),
      communityPaid: coin(0n),
      refunded: coin(fee),
      reason,
      error: ExecutionError.EXECUTION_ERROR_UNSPECIFIED,
      items: [],
      itemsRoot: new Uint8Array(),
    };
    this.setResult(ctx, result);
    await this.close(ctx, r, result);
    ctx.eventManager.emit(ev.requestRefunded(r.id, r.requester, `${fee}${denom}`, reason));
  }

  /**
   * Final state of a settled request: its stats reported (registry, reputation), indexes removed,
   * revealed outputs dropped (the result keeps the winner).
   */
  async close(ctx: Context, r: InferenceRequest, result: InferenceResult): Promise<void> {
    await reportSettlement(this.deps, ctx, r, result);
    const status = result.status;
    const store = ctx.kvStore(StoreKey);
    store.delete(pendingKey(r.id));
    // only the keys of the phase it closes in: the others were deleted when it left them, and each
    // delete of an absent key still costs the IAVL tree a search at commit
    if (r.status === RequestStatus.REQUEST_STATUS_UNSPECIFIED) store.delete(unassignedKey(r.id));
    if (r.status === RequestStatus.REQUEST_STATUS_COMMIT && r.commitDeadline > 0n)
      store.delete(deadlineKey(r.commitDeadline, r.id));
    if (r.status === RequestStatus.REQUEST_STATUS_REVEAL && r.revealDeadline > 0n)
      store.delete(deadlineKey(r.revealDeadline, r.id));
    for (const e of r.executors) {
      store.delete(byExecutorKey(e.consAddress, r.id));
      e.outputs = [];
      e.outputRef = undefined;
      e.items = [];
    }
    r.status = status;
    this.setRequest(ctx, r);
    const n = await this.pendingCount(ctx);
    this.setPendingCount(ctx, n > 0n ? n - 1n : 0n);
    await this.deps.hooks?.afterRequestClosed(ctx, r.id);
  }

  // ---- validator duties ----

  /** Pending requests assigned to `cons`, as the duties see them. */
  async dutiesOf(ctx: Context, cons: Uint8Array): Promise<DutyRequest[]> {
    const ids: bigint[] = [];
    for await (const [k] of iteratePrefix(ctx.kvStore(StoreKey), byExecutorPrefix(cons))) ids.push(readU64(k));
    const out: DutyRequest[] = [];
    if (ids.length === 0) return out;
    const params = await this.getParams(ctx);
    // one read of each model per call (this runs at every precommit over every pending duty)
    const models = new Map<string, Model | undefined>();
    for (const id of ids) {
      const r = await this.getRequest(ctx, id);
      if (!r || !isPending(r.status) || r.status === RequestStatus.REQUEST_STATUS_UNSPECIFIED) continue;
      if (!models.has(r.modelId)) models.set(r.modelId, await this.deps.registryKeeper.getModelHead(ctx, r.modelId));
      const model = models.get(r.modelId);
      if (model) out.push(dutyOf(r, model, cons, params));
    }
    return out;
  }
}

export function isPending(s: RequestStatus): boolean {
  return (
    s === RequestStatus.REQUEST_STATUS_UNSPECIFIED ||
    s === RequestStatus.REQUEST_STATUS_COMMIT ||
    s === RequestStatus.REQUEST_STATUS_REVEAL
  );
}

function dutyOf(r: InferenceRequest, model: Model, cons: Uint8Array, p: InferenceParams): DutyRequest {
  const a: Assignment | undefined = r.executors.find((e) => bytesEqual(e.consAddress, cons));
  const byHash = outputLimits(p, policyOf(model)).byHash;
  return {
    requestId: r.id,
    modelId: r.modelId,
    inputs: r.inputs,
    items: r.items.map((i) => i.inputs),
    inputBlobs: r.inputBlobs,
    itemBlobs: r.items.map((i) => i.blobs),
    batchable: hasBatchDimension(model),
    sessionOptions: model.sessionOptions ?? {
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      intraOpNumThreads: 0,
    },
    phase: r.status === RequestStatus.REQUEST_STATUS_REVEAL ? "reveal" : "commit",
    committed: (a?.commitment.length ?? 0) > 0 || (a?.blobUnavailable ?? false),
    revealed: a?.revealed ?? false,
    maxOutputBytes: Number(p.maxOutputBytes),
    ...(byHash
      ? {
          outputsByHash: {
            thresholdBytes: Number(byHash.thresholdBytes),
            maxBytes: Number(byHash.maxBytes),
            policy: byHash.policy,
          },
        }
      : {}),
  };
}

export type { InferenceDutiesI };
