// StakingKeeper: validators, delegations, unbonding delegations, redelegations, the bonded set and its
// updates to consensus, slashing and jailing, as Cosmos SDK v0.50 x/staking/keeper. Tokens move
// between the delegators and the bonded / not-bonded pool module accounts through the bank keeper.

import {
  type Delegation,
  Delegation as DelegationProto,
  DVPairs,
  DVVTriplets,
  type Redelegation,
  Redelegation as RedelegationProto,
  type UnbondingDelegation,
  UnbondingDelegation as UnbondingDelegationProto,
  ValAddresses,
  type Validator,
  Validator as ValidatorProto,
  ValidatorUpdates,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Coin } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import {
  DEC_ONE,
  type Dec,
  decFromInt,
  decFromProtoString,
  decMul,
  decMulIntTruncate,
  decToProtoString,
  decTruncateInt,
} from "../../chain/baseapp/dec.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { compareBytes } from "../../chain/store/bytes.ts";
import { bytesEqual } from "../../chain/types/merkle.ts";
import {
  ErrBadRedelegationDst,
  ErrBadRedelegationSrc,
  ErrDelegatorShareExRateInvalid,
  ErrMaxRedelegationEntries,
  ErrMaxUnbondingDelegationEntries,
  ErrNoDelegation,
  ErrNoDelegatorForAddress,
  ErrNoRedelegation,
  ErrNotEnoughDelegationShares,
  ErrNoUnbondingDelegation,
  ErrNoValidatorFound,
  ErrSelfRedelegation,
  ErrTinyRedelegationAmount,
  ErrTransitiveRedelegation,
} from "./errors.ts";
import * as ev from "./events.ts";
import type { AccountKeeperI, BankKeeperI, StakingHooks } from "./expected-keepers.ts";
import {
  BondedPoolName,
  DelegationKey,
  delegationByValIndexKey,
  delegationKey,
  delegationsByDelegatorPrefix,
  delegationsByValidatorPrefix,
  inclusiveEnd,
  LastTotalPowerKey,
  LastValidatorPowerKey,
  lastValidatorPowerKey,
  NotBondedPoolName,
  ParamsKey,
  parseValidatorQueueKey,
  RedelegationKey,
  RedelegationQueueKey,
  readLengthPrefixed,
  redByValDstIndexKey,
  redByValSrcIndexKey,
  redKey,
  redQueueKey,
  redsByDelegatorPrefix,
  redsByDstDelegatorPrefix,
  redsBySrcPrefix,
  StoreKey,
  UnbondingDelegationKey,
  UnbondingIDKey,
  UnbondingQueueKey,
  ubdByValIndexKey,
  ubdKey,
  ubdQueueKey,
  ubdsByDelegatorPrefix,
  ubdsByValidatorPrefix,
  ValidatorQueueKey,
  ValidatorsByPowerIndexKey,
  ValidatorsKey,
  ValidatorUpdatesKey,
  validatorByConsAddrKey,
  validatorKey,
  validatorPowerIndexKey,
  validatorQueueKey,
} from "./keys.ts";
import { DefaultPowerReduction, decodeParams, defaultParams, encodeParams, type StakingParams } from "./params.ts";
import {
  abciValidatorUpdate,
  accAddrFromString,
  accAddrToString,
  addTokensFromDel,
  BondStatus,
  consAddress,
  consensusPower,
  invalidExRate,
  isBonded,
  isUnbonded,
  isUnbonding,
  msToTimestamp,
  potentialConsensusPower,
  removeDelShares,
  setTokens,
  sharesFromTokens,
  sharesFromTokensTruncated,
  sharesOf,
  timestampToMs,
  tokensFromShares,
  tokensOf,
  valAddrFromString,
  valAddrToString,
} from "./types.ts";

export interface StakingKeeperOptions {
  /** tokens per unit of consensus power (sdk.DefaultPowerReduction = 10^6) */
  powerReduction?: bigint;
}

export interface StakingKeeperDeps {
  accountKeeper: AccountKeeperI;
  bankKeeper: BankKeeperI;
}

const te = new TextEncoder();
const td = new TextDecoder();

function decodeInt(b: Uint8Array | undefined): bigint {
  return b ? BigInt(td.decode(b)) : 0n;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export class StakingKeeper {
  readonly storeKey = StoreKey;
  private readonly pr: bigint;
  private readonly hooks: StakingHooks[] = [];

  constructor(
    options: StakingKeeperOptions,
    private readonly deps: StakingKeeperDeps,
  ) {
    this.pr = options.powerReduction ?? DefaultPowerReduction;
  }

  /** Registers staking hooks (SDK SetHooks). May be called by several modules; they run in order. */
  setHooks(hooks: StakingHooks): this {
    this.hooks.push(hooks);
    return this;
  }

  powerReduction(): bigint {
    return this.pr;
  }

  /** Consensus power of a validator: tokens / power reduction when bonded, else 0. */
  powerOf(validator: Validator): bigint {
    return consensusPower(validator, this.pr);
  }

  tokensFromConsensusPower(power: bigint): bigint {
    return power * this.pr;
  }

  async runHook<K extends keyof StakingHooks>(
    name: K,
    call: (h: Required<StakingHooks>[K]) => Promise<void> | void,
  ): Promise<void> {
    for (const h of this.hooks) {
      const fn = h[name];
      if (fn) await call(fn.bind(h) as Required<StakingHooks>[K]);
    }
  }

  private store(ctx: Context) {
    return ctx.kvStore(StoreKey);
  }

  // ---- params ----

  async getParams(ctx: Context): Promise<StakingParams> {
    const b = await this.store(ctx).get(ParamsKey);
    return b ? decodeParams(b) : defaultParams();
  }

  setParams(ctx: Context, p: StakingParams): void {
    this.store(ctx).set(ParamsKey, encodeParams(p));
  }

  async bondDenom(ctx: Context): Promise<string> {
    return (await this.getParams(ctx)).bondDenom;
  }

  // ---- validators ----

  async getValidator(ctx: Context, operator: Uint8Array): Promise<Validator | undefined> {
    const b = await this.store(ctx).get(validatorKey(operator));
    return b ? ValidatorProto.decode(b) : undefined;
  }

  /** The validator by its bech32 operator address (`dgridvaloper...`), or undefined. */
  async validator(ctx: Context, operatorBech32: string): Promise<Validator | undefined> {
    return this.getValidator(ctx, valAddrFromString(operatorBech32));
  }

  /** The validator by its 20-byte consensus (CometBFT) address, or undefined. */
  async validatorByConsAddr(ctx: Context, consAddr: Uint8Array): Promise<Validator | undefined> {
    const op = await this.store(ctx).get(validatorByConsAddrKey(consAddr));
    return op ? this.getValidator(ctx, op) : undefined;
  }

  private async mustGetValidator(ctx: Context, operator: Uint8Array): Promise<Validator> {
    const v = await this.getValidator(ctx, operator);
    if (!v) throw ErrNoValidatorFound.wrap(`validator ${valAddrToString(operator)} does not exist`);
    return v;
  }

  setValidator(ctx: Context, v: Validator): void {
    this.store(ctx).set(validatorKey(valAddrFromString(v.operatorAddress)), ValidatorProto.encode(v).finish());
  }

  setValidatorByConsAddr(ctx: Context, v: Validator): void {
    this.store(ctx).set(validatorByConsAddrKey(consAddress(v)), valAddrFromString(v.operatorAddress));
  }

  /** Jailed validators are not kept in the power index. */
  setValidatorByPowerIndex(ctx: Context, v: Validator): void {
    if (v.jailed) return;
    this.setNewValidatorByPowerIndex(ctx, v);
  }

  setNewValidatorByPowerIndex(ctx: Context, v: Validator): void {
    const op = valAddrFromString(v.operatorAddress);
    this.store(ctx).set(validatorPowerIndexKey(potentialConsensusPower(v, this.pr), op), op);
  }

  deleteValidatorByPowerIndex(ctx: Context, v: Validator): void {
    const op = valAddrFromString(v.operatorAddress);
    this.store(ctx).delete(validatorPowerIndexKey(potentialConsensusPower(v, this.pr), op));
  }

  async getAllValidators(ctx: Context): Promise<Validator[]> {
    const out: Validator[] = [];
    for await (const [, v] of iteratePrefix(this.store(ctx), ValidatorsKey)) out.push(ValidatorProto.decode(v));
    return out;
  }

  /** Operator addresses in power-index order (highest power first, then lowest address). */
  private async validatorsByPowerIndex(ctx: Context): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for await (const [, v] of iteratePrefix(this.store(ctx), ValidatorsByPowerIndexKey, true)) out.push(v);
    return out;
  }

  /** GetBondedValidatorsByPower: the bonded validators, highest power first, at most max_validators. */
  async bondedValidatorsByPower(ctx: Context): Promise<Validator[]> {
    const max = (await this.getParams(ctx)).maxValidators;
    const out: Validator[] = [];
    for (const op of await this.validatorsByPowerIndex(ctx)) {
      if (out.length >= max) break;
      const v = await this.mustGetValidator(ctx, op);
      if (isBonded(v)) out.push(v);
    }
    return out;
  }

  /** Tokens in the bonded pool (sum of bonded validators' tokens). */
  async totalBondedTokens(ctx: Context): Promise<bigint> {
    const denom = await this.bondDenom(ctx);
    return (await this.deps.bankKeeper.getBalance(ctx, this.deps.accountKeeper.moduleAddress(BondedPoolName), denom))
      .amount;
  }

  /** Tokens in the not-bonded pool (unbonding and unbonded validators, unbonding delegations). */
  async notBondedTokens(ctx: Context): Promise<bigint> {
    const denom = await this.bondDenom(ctx);
    const addr = this.deps.accountKeeper.moduleAddress(NotBondedPoolName);
    return (await this.deps.bankKeeper.getBalance(ctx, addr, denom)).amount;
  }

  /** Bond-denom balance of a pool (its module account is created on the first transfer into it). */
  async poolBalance(ctx: Context, pool: string): Promise<bigint> {
    const addr = this.deps.accountKeeper.moduleAddress(pool);
    return (await this.deps.bankKeeper.getBalance(ctx, addr, await this.bondDenom(ctx))).amount;
  }

  // ---- last validator powers ----

  async getLastValidatorPower(ctx: Context, operator: Uint8Array): Promise<bigint | undefined> {
    const b = await this.store(ctx).get(lastValidatorPowerKey(operator));
    return b ? decodeInt(b) : undefined;
  }

  setLastValidatorPower(ctx: Context, operator: Uint8Array, power: bigint): void {
    this.store(ctx).set(lastValidatorPowerKey(operator), te.encode(power.toString()));
  }

  deleteLastValidatorPower(ctx: Context, operator: Uint8Array): void {
    this.store(ctx).delete(lastValidatorPowerKey(operator));
  }

  /** (operator bytes, power) of the last validator set, in operator-address order. */
  async getLastValidatorPowers(ctx: Context): Promise<{ operator: Uint8Array; power: bigint }[]> {
    const out: { operator: Uint8Array; power: bigint }[] = [];
    for await (const [k, v] of iteratePrefix(this.store(ctx), LastValidatorPowerKey)) {
      out.push({ operator: Uint8Array.from(readLengthPrefixed(k, 0).addr), power: decodeInt(v) });
    }
    return out;
  }

  async getLastTotalPower(ctx: Context): Promise<bigint> {
    return decodeInt(await this.store(ctx).get(LastTotalPowerKey));
  }

  setLastTotalPower(ctx: Context, power: bigint): void {
    this.store(ctx).set(LastTotalPowerKey, te.encode(power.toString()));
  }

  /** The validator updates of the last EndBlock. */
  async getValidatorUpdates(ctx: Context): Promise<ValidatorUpdate[]> {
    const b = await this.store(ctx).get(ValidatorUpdatesKey);
    return b ? ValidatorUpdates.decode(b).updates : [];
  }

  // ---- delegations ----

  async getDelegation(ctx: Context, del: Uint8Array, val: Uint8Array): Promise<Delegation | undefined> {
    const b = await this.store(ctx).get(delegationKey(del, val));
    return b ? DelegationProto.decode(b) : undefined;
  }

  /** The delegation of `delegatorBech32` to `operatorBech32`, or undefined. */
  async delegation(ctx: Context, delegatorBech32: string, operatorBech32: string): Promise<Delegation | undefined> {
    return this.getDelegation(ctx, accAddrFromString(delegatorBech32), valAddrFromString(operatorBech32));
  }

  /** All delegations of a delegator, by validator address. */
  async delegatorDelegations(ctx: Context, delegatorBech32: string): Promise<Delegation[]> {
    const out: Delegation[] = [];
    const prefix = delegationsByDelegatorPrefix(accAddrFromString(delegatorBech32));
    for await (const [, v] of iteratePrefix(this.store(ctx), prefix)) out.push(DelegationProto.decode(v));
    return out;
  }

  /** All delegations to a validator, by delegator address (SDK GetValidatorDelegations). */
  async validatorDelegations(ctx: Context, operatorBech32: string): Promise<Delegation[]> {
    const val = valAddrFromString(operatorBech32);
    const dels: Uint8Array[] = [];
    for await (const [k] of iteratePrefix(this.store(ctx), delegationsByValidatorPrefix(val))) {
      dels.push(Uint8Array.from(readLengthPrefixed(k, 0).addr));
    }
    const out: Delegation[] = [];
    for (const d of dels) {
      const x = await this.getDelegation(ctx, d, val);
      if (x) out.push(x);
    }
    return out;
  }

  async getAllDelegations(ctx: Context): Promise<Delegation[]> {
    const out: Delegation[] = [];
    for await (const [, v] of iteratePrefix(this.store(ctx), DelegationKey)) out.push(DelegationProto.decode(v));
    return out;
  }

  setDelegation(ctx: Context, d: Delegation): void {
    const del = accAddrFromString(d.delegatorAddress);
    const val = valAddrFromString(d.validatorAddress);
    const s = this.store(ctx);
    s.set(delegationKey(del, val), DelegationProto.encode(d).finish());
    s.set(delegationByValIndexKey(val, del), new Uint8Array());
  }

  async removeDelegation(ctx: Context, d: Delegation): Promise<void> {
    await this.runHook("beforeDelegationRemoved", (f) => f(ctx, d.delegatorAddress, d.validatorAddress));
    const del = accAddrFromString(d.delegatorAddress);
    const val = valAddrFromString(d.validatorAddress);
    const s = this.store(ctx);
    s.delete(delegationKey(del, val));
    s.delete(delegationByValIndexKey(val, del));
  }

  // ---- unbonding delegations ----

  async getUnbondingDelegation(
    ctx: Context,
    del: Uint8Array,
    val: Uint8Array,
  ): Promise<UnbondingDelegation | undefined> {
    const b = await this.store(ctx).get(ubdKey(del, val));
    return b ? UnbondingDelegationProto.decode(b) : undefined;
  }

  setUnbondingDelegation(ctx: Context, u: UnbondingDelegation): void {
    const del = accAddrFromString(u.delegatorAddress);
    const val = valAddrFromString(u.validatorAddress);
    const s = this.store(ctx);
    s.set(ubdKey(del, val), UnbondingDelegationProto.encode(u).finish());
    s.set(ubdByValIndexKey(val, del), new Uint8Array());
  }

  removeUnbondingDelegation(ctx: Context, u: UnbondingDelegation): void {
    const del = accAddrFromString(u.delegatorAddress);
    const val = valAddrFromString(u.validatorAddress);
    const s = this.store(ctx);
    s.delete(ubdKey(del, val));
    s.delete(ubdByValIndexKey(val, del));
  }

  async delegatorUnbondingDelegations(ctx: Context, delegatorBech32: string): Promise<UnbondingDelegation[]> {
    const out: UnbondingDelegation[] = [];
    const prefix = ubdsByDelegatorPrefix(accAddrFromString(delegatorBech32));
    for await (const [, v] of iteratePrefix(this.store(ctx), prefix)) out.push(UnbondingDelegationProto.decode(v));
    return out;
  }

  async unbondingDelegationsFromValidator(ctx: Context, operatorBech32: string): Promise<UnbondingDelegation[]> {
    const val = valAddrFromString(operatorBech32);
    const dels: Uint8Array[] = [];
    for await (const [k] of iteratePrefix(this.store(ctx), ubdsByValidatorPrefix(val))) {
      dels.push(Uint8Array.from(readLengthPrefixed(k, 0).addr));
    }
    const out: UnbondingDelegation[] = [];
    for (const d of dels) {
      const u = await this.getUnbondingDelegation(ctx, d, val);
      if (u) out.push(u);
    }
    return out;
  }

  async getAllUnbondingDelegations(ctx: Context): Promise<UnbondingDelegation[]> {
    const out: UnbondingDelegation[] = [];
    for await (const [, v] of iteratePrefix(this.store(ctx), UnbondingDelegationKey))
      out.push(UnbondingDelegationProto.decode(v));
    return out;
  }

  setLastUnbondingId(ctx: Context, id: bigint): void {
    this.store(ctx).set(UnbondingIDKey, te.encode(id.toString()));
  }

  private async nextUnbondingId(ctx: Context): Promise<bigint> {
    const s = this.store(ctx);
    const id = decodeInt(await s.get(UnbondingIDKey)) + 1n;
    s.set(UnbondingIDKey, te.encode(id.toString()));
    return id;
  }

  /** SetUnbondingDelegationEntry: merges into an entry of the same height and completion time. */
  async setUnbondingDelegationEntry(
    ctx: Context,
    del: Uint8Array,
    val: Uint8Array,
    creationHeight: bigint,
    completionMs: number,
    balance: bigint,
  ): Promise<UnbondingDelegation> {
    const id = await this.nextUnbondingId(ctx);
    const ubd = (await this.getUnbondingDelegation(ctx, del, val)) ?? {
      delegatorAddress: accAddrToString(del),
      validatorAddress: valAddrToString(val),
      entries: [],
    };
    const same = ubd.entries.find(
      (e) => e.creationHeight === creationHeight && timestampToMs(e.completionTime) === completionMs,
    );
    if (same) {
      same.balance = (BigInt(same.balance) + balance).toString();
      same.initialBalance = (BigInt(same.initialBalance) + balance).toString();
    } else {
      ubd.entries.push({
        creationHeight,
        completionTime: msToTimestamp(completionMs),
        initialBalance: balance.toString(),
        balance: balance.toString(),
        unbondingId: id,
        unbondingOnHoldRefCount: 0n,
      });
    }
    this.setUnbondingDelegation(ctx, ubd);
    return ubd;
  }

  // ---- redelegations ----

  async getRedelegation(
    ctx: Context,
    del: Uint8Array,
    src: Uint8Array,
    dst: Uint8Array,
  ): Promise<Redelegation | undefined> {
    const b = await this.store(ctx).get(redKey(del, src, dst));
    return b ? RedelegationProto.decode(b) : undefined;
  }

  setRedelegation(ctx: Context, r: Redelegation): void {
    const del = accAddrFromString(r.delegatorAddress);
    const src = valAddrFromString(r.validatorSrcAddress);
    const dst = valAddrFromString(r.validatorDstAddress);
    const s = this.store(ctx);
    s.set(redKey(del, src, dst), RedelegationProto.encode(r).finish());
    s.set(redByValSrcIndexKey(del, src, dst), new Uint8Array());
    s.set(redByValDstIndexKey(del, src, dst), new Uint8Array());
  }

  removeRedelegation(ctx: Context, r: Redelegation): void {
    const del = accAddrFromString(r.delegatorAddress);
    const src = valAddrFromString(r.validatorSrcAddress);
    const dst = valAddrFromString(r.validatorDstAddress);
    const s = this.store(ctx);
    s.delete(redKey(del, src, dst));
    s.delete(redByValSrcIndexKey(del, src, dst));
    s.delete(redByValDstIndexKey(del, src, dst));
  }

  async delegatorRedelegations(ctx: Context, delegatorBech32: string): Promise<Redelegation[]> {
    const out: Redelegation[] = [];
    const prefix = redsByDelegatorPrefix(accAddrFromString(delegatorBech32));
    for await (const [, v] of iteratePrefix(this.store(ctx), prefix)) out.push(RedelegationProto.decode(v));
    return out;
  }

  async redelegationsFromSrcValidator(ctx: Context, operatorBech32: string): Promise<Redelegation[]> {
    const src = valAddrFromString(operatorBech32);
    const keys: { del: Uint8Array; dst: Uint8Array }[] = [];
    for await (const [k] of iteratePrefix(this.store(ctx), redsBySrcPrefix(src))) {
      const d = readLengthPrefixed(k, 0);
      keys.push({ del: Uint8Array.from(d.addr), dst: Uint8Array.from(readLengthPrefixed(k, d.next).addr) });
    }
    const out: Redelegation[] = [];
    for (const { del, dst } of keys) {
      const r = await this.getRedelegation(ctx, del, src, dst);
      if (r) out.push(r);
    }
    return out;
  }

  async getAllRedelegations(ctx: Context): Promise<Redelegation[]> {
    const out: Redelegation[] = [];
    for await (const [, v] of iteratePrefix(this.store(ctx), RedelegationKey)) out.push(RedelegationProto.decode(v));
    return out;
  }

  /** A redelegation by `del` into `dst` is still maturing (transitive redelegations are refused). */
  async hasReceivingRedelegation(ctx: Context, del: Uint8Array, dst: Uint8Array): Promise<boolean> {
    for await (const _ of iteratePrefix(this.store(ctx), redsByDstDelegatorPrefix(dst, del))) return true;
    return false;
  }

  // ---- queues ----

  private async getTimeSlice<T>(
    ctx: Context,
    key: Uint8Array,
    codec: { decode(b: Uint8Array): T },
  ): Promise<T | undefined> {
    const b = await this.store(ctx).get(key);
    return b ? codec.decode(b) : undefined;
  }

  async insertUBDQueue(ctx: Context, u: UnbondingDelegation, completionMs: number): Promise<void> {
    const key = ubdQueueKey(completionMs);
    const slice = (await this.getTimeSlice(ctx, key, DVPairs)) ?? { pairs: [] };
    slice.pairs.push({ delegatorAddress: u.delegatorAddress, validatorAddress: u.validatorAddress });
    this.store(ctx).set(key, DVPairs.encode(slice).finish());
  }

  async insertRedelegationQueue(ctx: Context, r: Redelegation, completionMs: number): Promise<void> {
    const key = redQueueKey(completionMs);
    const slice = (await this.getTimeSlice(ctx, key, DVVTriplets)) ?? { triplets: [] };
    slice.triplets.push({
      delegatorAddress: r.delegatorAddress,
      validatorSrcAddress: r.validatorSrcAddress,
      validatorDstAddress: r.validatorDstAddress,
    });
    this.store(ctx).set(key, DVVTriplets.encode(slice).finish());
  }

  /** Entries of a queue up to and including `nowMs`, removed from the store. */
  private async dequeueMature(ctx: Context, prefix: Uint8Array, endKey: Uint8Array): Promise<Uint8Array[]> {
    const s = this.store(ctx);
    const found: [Uint8Array, Uint8Array][] = [];
    for await (const [k, v] of s.iterate({ start: prefix, end: inclusiveEnd(endKey) })) {
      found.push([Uint8Array.from(k), Uint8Array.from(v)]);
    }
    for (const [k] of found) s.delete(k);
    return found.map(([, v]) => v);
  }

  async insertUnbondingValidatorQueue(ctx: Context, v: Validator): Promise<void> {
    const key = validatorQueueKey(timestampToMs(v.unbondingTime), v.unbondingHeight);
    const slice = (await this.getTimeSlice(ctx, key, ValAddresses)) ?? { addresses: [] };
    slice.addresses.push(v.operatorAddress);
    this.store(ctx).set(key, ValAddresses.encode(slice).finish());
  }

  async deleteValidatorQueue(ctx: Context, v: Validator): Promise<void> {
    const key = validatorQueueKey(timestampToMs(v.unbondingTime), v.unbondingHeight);
    const slice = await this.getTimeSlice(ctx, key, ValAddresses);
    if (!slice) return;
    const left = slice.addresses.filter((a) => a !== v.operatorAddress);
    if (left.length === 0) this.store(ctx).delete(key);
    else this.store(ctx).set(key, ValAddresses.encode({ addresses: left }).finish());
  }

  // ---- pools ----

  private async coins(ctx: Context, amount: bigint): Promise<Coin[]> {
    return [{ denom: await this.bondDenom(ctx), amount }];
  }

  private async bondedTokensToNotBonded(ctx: Context, amount: bigint): Promise<void> {
    if (amount <= 0n) return;
    await this.deps.bankKeeper.sendCoinsFromModuleToModule(
      ctx,
      BondedPoolName,
      NotBondedPoolName,
      await this.coins(ctx, amount),
    );
  }

  private async notBondedTokensToBonded(ctx: Context, amount: bigint): Promise<void> {
    if (amount <= 0n) return;
    await this.deps.bankKeeper.sendCoinsFromModuleToModule(
      ctx,
      NotBondedPoolName,
      BondedPoolName,
      await this.coins(ctx, amount),
    );
  }

  private async burnBondedTokens(ctx: Context, amount: bigint): Promise<void> {
    if (amount <= 0n) return;
    await this.deps.bankKeeper.burnCoins(ctx, BondedPoolName, await this.coins(ctx, amount));
  }

  private async burnNotBondedTokens(ctx: Context, amount: bigint): Promise<void> {
    if (amount <= 0n) return;
    await this.deps.bankKeeper.burnCoins(ctx, NotBondedPoolName, await this.coins(ctx, amount));
  }

  // ---- validator state transitions ----

  /** AddValidatorTokensAndShares: re-indexes by power; returns the shares issued. */
  private addValidatorTokensAndShares(ctx: Context, v: Validator, amount: bigint): Dec {
    this.deleteValidatorByPowerIndex(ctx, v);
    const issued = addTokensFromDel(v, amount);
    this.setValidator(ctx, v);
    this.setValidatorByPowerIndex(ctx, v);
    return issued;
  }

  /** RemoveValidatorTokensAndShares: returns the tokens the shares were worth. */
  private removeValidatorTokensAndShares(ctx: Context, v: Validator, shares: Dec): bigint {
    this.deleteValidatorByPowerIndex(ctx, v);
    const tokens = removeDelShares(v, shares);
    this.setValidator(ctx, v);
    this.setValidatorByPowerIndex(ctx, v);
    return tokens;
  }

  /** RemoveValidatorTokens (slashing): tokens leave without their shares. */
  private removeValidatorTokens(ctx: Context, v: Validator, tokens: bigint): void {
    this.deleteValidatorByPowerIndex(ctx, v);
    const left = tokensOf(v) - tokens;
    if (left < 0n) throw new Error("attempting to remove more tokens than available in validator");
    setTokens(v, left);
    this.setValidator(ctx, v);
    this.setValidatorByPowerIndex(ctx, v);
  }

  /** RemoveValidator: only an unbonded validator without tokens. */
  async removeValidator(ctx: Context, operator: Uint8Array): Promise<void> {
    const v = await this.getValidator(ctx, operator);
    if (!v) return;
    if (!isUnbonded(v)) throw new Error("cannot call RemoveValidator on bonded or unbonding validators");
    if (tokensOf(v) > 0n) throw new Error("attempting to remove a validator which still contains tokens");
    const cons = consAddress(v);
    const s = this.store(ctx);
    s.delete(validatorKey(operator));
    s.delete(validatorByConsAddrKey(cons));
    s.delete(validatorPowerIndexKey(potentialConsensusPower(v, this.pr), operator));
    await this.runHook("afterValidatorRemoved", (f) => f(ctx, cons, v.operatorAddress));
  }

  private async bondValidator(ctx: Context, v: Validator): Promise<Validator> {
    this.deleteValidatorByPowerIndex(ctx, v);
    v.status = BondStatus.BOND_STATUS_BONDED;
    this.setValidator(ctx, v);
    this.setValidatorByPowerIndex(ctx, v);
    await this.deleteValidatorQueue(ctx, v);
    await this.runHook("afterValidatorBonded", (f) => f(ctx, consAddress(v), v.operatorAddress));
    return v;
  }

  private async beginUnbondingValidator(ctx: Context, v: Validator): Promise<Validator> {
    const params = await this.getParams(ctx);
    this.deleteValidatorByPowerIndex(ctx, v);
    if (!isBonded(v)) throw new Error(`should not already be unbonded or unbonding, validator: ${v.operatorAddress}`);
    v.status = BondStatus.BOND_STATUS_UNBONDING;
    v.unbondingTime = msToTimestamp(ctx.timeMs + unbondingMs(params));
    v.unbondingHeight = BigInt(ctx.height);
    this.setValidator(ctx, v);
    this.setValidatorByPowerIndex(ctx, v);
    await this.insertUnbondingValidatorQueue(ctx, v);
    await this.runHook("afterValidatorBeginUnbonding", (f) => f(ctx, consAddress(v), v.operatorAddress));
    return v;
  }

  private completeUnbondingValidator(ctx: Context, v: Validator): Validator {
    v.status = BondStatus.BOND_STATUS_UNBONDED;
    this.setValidator(ctx, v);
    return v;
  }

  private async jailValidator(ctx: Context, v: Validator): Promise<void> {
    if (v.jailed) throw new Error(`cannot jail already jailed validator, validator: ${v.operatorAddress}`);
    v.jailed = true;
    this.setValidator(ctx, v);
    this.deleteValidatorByPowerIndex(ctx, v);
  }

  private unjailValidator(ctx: Context, v: Validator): void {
    if (!v.jailed) throw new Error(`cannot unjail already unjailed validator, validator: ${v.operatorAddress}`);
    v.jailed = false;
    this.setValidator(ctx, v);
    this.setValidatorByPowerIndex(ctx, v);
  }

  /** Jails the validator with this consensus address (no-op if unknown or already jailed). */
  async jail(ctx: Context, consAddr: Uint8Array): Promise<void> {
    const v = await this.validatorByConsAddr(ctx, consAddr);
    if (!v || v.jailed) return;
    await this.jailValidator(ctx, v);
    ctx.logger.info({ module: "staking", validator: v.operatorAddress }, "validator jailed");
  }

  /** Unjails the validator with this consensus address (no-op if unknown or not jailed). */
  async unjail(ctx: Context, consAddr: Uint8Array): Promise<void> {
    const v = await this.validatorByConsAddr(ctx, consAddr);
    if (!v?.jailed) return;
    this.unjailValidator(ctx, v);
    ctx.logger.info({ module: "staking", validator: v.operatorAddress }, "validator un-jailed");
  }

  // ---- delegation ----

  /**
   * Delegate: bonds `amount` tokens from `del` to `v`. With `subtractAccount` the tokens come from the
   * delegator's account (`tokenSrc` must not be bonded); otherwise they are already in a pool (a
   * redelegation or cancelled unbonding) and move between pools as the statuses require.
   */
  async delegate(
    ctx: Context,
    del: Uint8Array,
    amount: bigint,
    tokenSrc: BondStatus,
    v: Validator,
    subtractAccount: boolean,
  ): Promise<Dec> {
    if (invalidExRate(v)) throw ErrDelegatorShareExRateInvalid.wrap("validator has no tokens but has shares");
    const val = valAddrFromString(v.operatorAddress);
    const delStr = accAddrToString(del);
    let d = await this.getDelegation(ctx, del, val);
    if (d) await this.runHook("beforeDelegationSharesModified", (f) => f(ctx, delStr, v.operatorAddress));
    else {
      d = { delegatorAddress: delStr, validatorAddress: v.operatorAddress, shares: "0" };
      await this.runHook("beforeDelegationCreated", (f) => f(ctx, delStr, v.operatorAddress));
    }
    if (subtractAccount) {
      if (tokenSrc === BondStatus.BOND_STATUS_BONDED) throw new Error("delegation token source cannot be bonded");
      const pool = isBonded(v) ? BondedPoolName : NotBondedPoolName;
      await this.deps.bankKeeper.sendCoinsFromAccountToModule(ctx, delStr, pool, await this.coins(ctx, amount));
    } else {
      const srcBonded = tokenSrc === BondStatus.BOND_STATUS_BONDED;
      if (!srcBonded && isBonded(v)) await this.notBondedTokensToBonded(ctx, amount);
      else if (srcBonded && !isBonded(v)) await this.bondedTokensToNotBonded(ctx, amount);
    }
    const newShares = this.addValidatorTokensAndShares(ctx, v, amount);
    d.shares = decToProtoString(decFromProtoString(d.shares) + newShares);
    this.setDelegation(ctx, d);
    await this.runHook("afterDelegationModified", (f) => f(ctx, delStr, v.operatorAddress));
    return newShares;
  }

  /** Unbond: removes shares from a delegation; returns the tokens they were worth. */
  async unbond(ctx: Context, del: Uint8Array, val: Uint8Array, shares: Dec): Promise<bigint> {
    const d = await this.getDelegation(ctx, del, val);
    if (!d) throw ErrNoDelegatorForAddress.wrap("no delegation for this (address, validator) tuple");
    const delShares = decFromProtoString(d.shares);
    if (delShares < shares) throw ErrNotEnoughDelegationShares.wrap(`${d.shares} < ${decToProtoString(shares)}`);
    await this.runHook("beforeDelegationSharesModified", (f) => f(ctx, d.delegatorAddress, d.validatorAddress));
    let v = await this.getValidator(ctx, val);
    if (!v) throw ErrNoValidatorFound.wrap(`validator ${valAddrToString(val)} does not exist`);
    const left = delShares - shares;
    d.shares = decToProtoString(left);
    // an operator whose self-delegation falls under the minimum is jailed
    if (bytesEqual(del, val) && !v.jailed) {
      const selfTokens = decTruncateInt(tokensFromShares(v, left));
      if (selfTokens < BigInt(v.minSelfDelegation || "0")) {
        await this.jailValidator(ctx, v);
        v = await this.mustGetValidator(ctx, val);
      }
    }
    if (left === 0n) await this.removeDelegation(ctx, d);
    else {
      this.setDelegation(ctx, d);
      await this.runHook("afterDelegationModified", (f) => f(ctx, d.delegatorAddress, d.validatorAddress));
    }
    const amount = this.removeValidatorTokensAndShares(ctx, v, shares);
    if (sharesOf(v) === 0n && isUnbonded(v)) await this.removeValidator(ctx, val);
    return amount;
  }

  /** ValidateUnbondAmount: the shares worth `amount` tokens, capped at the delegation's shares. */
  async validateUnbondAmount(ctx: Context, del: Uint8Array, val: Uint8Array, amount: bigint): Promise<Dec> {
    const v = await this.getValidator(ctx, val);
    if (!v) throw ErrNoValidatorFound.wrap(`validator ${valAddrToString(val)} does not exist`);
    const d = await this.getDelegation(ctx, del, val);
    if (!d) throw ErrNoDelegation.wrap(`no delegation of ${accAddrToString(del)} to ${v.operatorAddress}`);
    let shares = sharesFromTokens(v, amount);
    const truncated = sharesFromTokensTruncated(v, amount);
    const delShares = decFromProtoString(d.shares);
    if (truncated > delShares) throw ErrInvalidRequest.wrap("invalid shares amount");
    if (shares > delShares) shares = delShares;
    return shares;
  }

  /** Undelegate: unbonds shares into an unbonding delegation that completes after unbonding_time. */
  async undelegate(
    ctx: Context,
    del: Uint8Array,
    val: Uint8Array,
    shares: Dec,
  ): Promise<{ completionMs: number; amount: bigint }> {
    const v = await this.getValidator(ctx, val);
    if (!v) throw ErrNoDelegatorForAddress.wrap(`validator ${valAddrToString(val)} does not exist`);
    const params = await this.getParams(ctx);
    const ubd = await this.getUnbondingDelegation(ctx, del, val);
    if (ubd && ubd.entries.length >= params.maxEntries) throw ErrMaxUnbondingDelegationEntries.wrap("");
    const amount = await this.unbond(ctx, del, val, shares);
    if (isBonded(v)) await this.bondedTokensToNotBonded(ctx, amount);
    const completionMs = ctx.timeMs + unbondingMs(params);
    const u = await this.setUnbondingDelegationEntry(ctx, del, val, BigInt(ctx.height), completionMs, amount);
    await this.insertUBDQueue(ctx, u, completionMs);
    return { completionMs, amount };
  }

  /** CompleteUnbonding: pays out the mature entries of an unbonding delegation. */
  async completeUnbonding(ctx: Context, del: Uint8Array, val: Uint8Array): Promise<bigint> {
    const ubd = await this.getUnbondingDelegation(ctx, del, val);
    if (!ubd) throw ErrNoUnbondingDelegation.wrap("");
    let paid = 0n;
    const keep = [];
    for (const e of ubd.entries) {
      if (timestampToMs(e.completionTime) <= ctx.timeMs) {
        const bal = BigInt(e.balance);
        if (bal > 0n) {
          await this.deps.bankKeeper.sendCoinsFromModuleToAccount(
            ctx,
            NotBondedPoolName,
            ubd.delegatorAddress,
            await this.coins(ctx, bal),
          );
          paid += bal;
        }
      } else keep.push(e);
    }
    ubd.entries = keep;
    if (keep.length === 0) this.removeUnbondingDelegation(ctx, ubd);
    else this.setUnbondingDelegation(ctx, ubd);
    return paid;
  }

  /** getBeginInfo: when a redelegation from `src` completes (now = no record needed). */
  private async beginInfo(
    ctx: Context,
    src: Uint8Array,
  ): Promise<{ completionMs: number; height: bigint; completeNow: boolean }> {
    const v = await this.getValidator(ctx, src);
    const params = await this.getParams(ctx);
    if (!v || isBonded(v)) {
      return { completionMs: ctx.timeMs + unbondingMs(params), height: BigInt(ctx.height), completeNow: false };
    }
    if (isUnbonded(v)) return { completionMs: 0, height: 0n, completeNow: true };
    return { completionMs: timestampToMs(v.unbondingTime), height: v.unbondingHeight, completeNow: false };
  }

  /** BeginRedelegation: moves shares from `src` to `dst`; returns the completion time (ms). */
  async beginRedelegation(
    ctx: Context,
    del: Uint8Array,
    src: Uint8Array,
    dst: Uint8Array,
    shares: Dec,
  ): Promise<{ completionMs: number; amount: bigint }> {
    if (bytesEqual(src, dst)) throw ErrSelfRedelegation.wrap("");
    const dstV = await this.getValidator(ctx, dst);
    if (!dstV) throw ErrBadRedelegationDst.wrap("");
    const srcV = await this.getValidator(ctx, src);
    if (!srcV) throw ErrBadRedelegationSrc.wrap("");
    if (await this.hasReceivingRedelegation(ctx, del, src)) throw ErrTransitiveRedelegation.wrap("");
    const params = await this.getParams(ctx);
    const existing = await this.getRedelegation(ctx, del, src, dst);
    if (existing && existing.entries.length >= params.maxEntries) throw ErrMaxRedelegationEntries.wrap("");
    const amount = await this.unbond(ctx, del, src, shares);
    if (amount === 0n) throw ErrTinyRedelegationAmount.wrap("");
    // the destination may have changed (same validator object re-read after unbond)
    const dstNow = (await this.getValidator(ctx, dst)) ?? dstV;
    const sharesCreated = await this.delegate(ctx, del, amount, srcV.status, dstNow, false);
    const info = await this.beginInfo(ctx, src);
    if (info.completeNow) return { completionMs: info.completionMs, amount };
    const red = existing ?? {
      delegatorAddress: accAddrToString(del),
      validatorSrcAddress: valAddrToString(src),
      validatorDstAddress: valAddrToString(dst),
      entries: [],
    };
    red.entries.push({
      creationHeight: info.height,
      completionTime: msToTimestamp(info.completionMs),
      initialBalance: amount.toString(),
      sharesDst: decToProtoString(sharesCreated),
      unbondingId: await this.nextUnbondingId(ctx),
      unbondingOnHoldRefCount: 0n,
    });
    this.setRedelegation(ctx, red);
    await this.insertRedelegationQueue(ctx, red, info.completionMs);
    return { completionMs: info.completionMs, amount };
  }

  /** CompleteRedelegation: drops the mature entries; returns their initial balance. */
  async completeRedelegation(ctx: Context, del: Uint8Array, src: Uint8Array, dst: Uint8Array): Promise<bigint> {
    const red = await this.getRedelegation(ctx, del, src, dst);
    if (!red) throw ErrNoRedelegation.wrap("");
    let total = 0n;
    const keep = [];
    for (const e of red.entries) {
      if (timestampToMs(e.completionTime) <= ctx.timeMs) total += BigInt(e.initialBalance);
      else keep.push(e);
    }
    red.entries = keep;
    if (keep.length === 0) this.removeRedelegation(ctx, red);
    else this.setRedelegation(ctx, red);
    return total;
  }

  // ---- end block ----

  /**
   * ApplyAndReturnValidatorSetUpdates: the top max_validators non-jailed validators by power become
   * bonded; returns only the changes against the last set (power 0 for removed validators).
   */
  async applyAndReturnValidatorSetUpdates(ctx: Context): Promise<ValidatorUpdate[]> {
    const params = await this.getParams(ctx);
    const last = new Map<string, { operator: Uint8Array; power: bigint }>();
    for (const lv of await this.getLastValidatorPowers(ctx)) last.set(Buffer.from(lv.operator).toString("hex"), lv);
    const updates: ValidatorUpdate[] = [];
    let totalPower = 0n;
    let toBonded = 0n;
    let toNotBonded = 0n;
    let count = 0;
    for (const op of await this.validatorsByPowerIndex(ctx)) {
      if (count >= params.maxValidators) break;
      let v = await this.mustGetValidator(ctx, op);
      if (v.jailed) throw new Error("should never retrieve a jailed validator from the power store");
      if (potentialConsensusPower(v, this.pr) === 0n) break;
      if (isUnbonded(v) || isUnbonding(v)) {
        v = await this.bondValidator(ctx, v);
        toBonded += tokensOf(v);
      }
      const hex = Buffer.from(op).toString("hex");
      const old = last.get(hex);
      const power = consensusPower(v, this.pr);
      if (!old || old.power !== power) {
        updates.push(abciValidatorUpdate(v, power));
        this.setLastValidatorPower(ctx, op, power);
      }
      last.delete(hex);
      count++;
      totalPower += power;
    }
    const noLongerBonded = [...last.values()].sort((a, b) => compareBytes(a.operator, b.operator));
    for (const { operator } of noLongerBonded) {
      let v = await this.mustGetValidator(ctx, operator);
      v = await this.beginUnbondingValidator(ctx, v);
      toNotBonded += tokensOf(v);
      this.deleteLastValidatorPower(ctx, operator);
      updates.push(abciValidatorUpdate(v, 0n));
    }
    if (toBonded > toNotBonded) await this.notBondedTokensToBonded(ctx, toBonded - toNotBonded);
    else if (toBonded < toNotBonded) await this.bondedTokensToNotBonded(ctx, toNotBonded - toBonded);
    if (updates.length > 0) this.setLastTotalPower(ctx, totalPower);
    this.store(ctx).set(ValidatorUpdatesKey, ValidatorUpdates.encode({ updates }).finish());
    return updates;
  }

  /** UnbondAllMatureValidators: unbonding validators whose time and height have come become unbonded. */
  async unbondAllMatureValidators(ctx: Context): Promise<void> {
    const s = this.store(ctx);
    const end = inclusiveEnd(validatorQueueKey(ctx.timeMs, BigInt(ctx.height)));
    const found: [Uint8Array, Uint8Array][] = [];
    for await (const [k, v] of s.iterate({ start: ValidatorQueueKey, end })) {
      found.push([Uint8Array.from(k), Uint8Array.from(v)]);
    }
    for (const [k, b] of found) {
      const { timeMs, height } = parseValidatorQueueKey(k);
      if (!(height <= BigInt(ctx.height) && timeMs <= ctx.timeMs)) continue;
      for (const addr of ValAddresses.decode(b).addresses) {
        const op = valAddrFromString(addr);
        const v = await this.getValidator(ctx, op);
        if (!v) throw new Error("validator in the unbonding queue was not found");
        if (!isUnbonding(v)) throw new Error("unexpected validator in unbonding queue; status was not unbonding");
        if (v.unbondingOnHoldRefCount !== 0n) continue;
        v.unbondingIds = [];
        this.completeUnbondingValidator(ctx, v);
        if (sharesOf(v) === 0n) await this.removeValidator(ctx, op);
        await this.deleteValidatorQueue(ctx, v);
      }
    }
  }

  /** EndBlocker (BlockValidatorUpdates): set updates, mature validators, unbondings, redelegations. */
  async endBlocker(ctx: Context): Promise<ValidatorUpdate[]> {
    const updates = await this.applyAndReturnValidatorSetUpdates(ctx);
    await this.unbondAllMatureValidators(ctx);
    const denom = await this.bondDenom(ctx);
    const ubds = await this.dequeueMature(ctx, UnbondingQueueKey, ubdQueueKey(ctx.timeMs));
    for (const b of ubds) {
      for (const p of DVPairs.decode(b).pairs) {
        try {
          const paid = await this.completeUnbonding(
            ctx,
            accAddrFromString(p.delegatorAddress),
            valAddrFromString(p.validatorAddress),
          );
          ctx.eventManager.emit(ev.completeUnbonding(`${paid}${denom}`, p.validatorAddress, p.delegatorAddress));
        } catch (e) {
          if (!ErrNoUnbondingDelegation.is(e)) throw e;
        }
      }
    }
    const reds = await this.dequeueMature(ctx, RedelegationQueueKey, redQueueKey(ctx.timeMs));
    for (const b of reds) {
      for (const t of DVVTriplets.decode(b).triplets) {
        try {
          const amt = await this.completeRedelegation(
            ctx,
            accAddrFromString(t.delegatorAddress),
            valAddrFromString(t.validatorSrcAddress),
            valAddrFromString(t.validatorDstAddress),
          );
          ctx.eventManager.emit(
            ev.completeRedelegation(`${amt}${denom}`, t.delegatorAddress, t.validatorSrcAddress, t.validatorDstAddress),
          );
        } catch (e) {
          if (!ErrNoRedelegation.is(e)) throw e;
        }
      }
    }
    return updates;
  }

  // ---- slashing ----

  /**
   * Slash (SDK v0.50 keeper/slash.go): burns `slashFraction` of the tokens the validator had at
   * `infractionHeight` (`power` x power reduction) from the validator's tokens and from unbonding
   * delegations and redelegations that started at or after that height. Returns the tokens burned
   * from the validator itself (as the SDK).
   */
  async slash(
    ctx: Context,
    consAddr: Uint8Array,
    infractionHeight: number,
    power: bigint,
    slashFraction: Dec,
  ): Promise<bigint> {
    if (slashFraction < 0n) throw new Error(`attempted to slash with a negative slash factor: ${slashFraction}`);
    const amount = this.tokensFromConsensusPower(power);
    const slashAmount = decMulIntTruncate(slashFraction, amount);
    const v = await this.validatorByConsAddr(ctx, consAddr);
    if (!v) {
      ctx.logger.info({ module: "staking" }, "WARNING: ignored attempt to slash a nonexistent validator");
      return 0n;
    }
    if (isUnbonded(v)) throw new Error(`should not be slashing unbonded validator: ${v.operatorAddress}`);
    await this.runHook("beforeValidatorModified", (f) => f(ctx, v.operatorAddress));
    let remaining = slashAmount;
    if (infractionHeight > ctx.height) {
      throw new Error(
        `impossible attempt to slash future infraction at height ${infractionHeight} but we are at height ${ctx.height}`,
      );
    }
    if (infractionHeight < ctx.height) {
      for (const ubd of await this.unbondingDelegationsFromValidator(ctx, v.operatorAddress)) {
        remaining -= await this.slashUnbondingDelegation(ctx, ubd, infractionHeight, slashFraction);
      }
      for (const red of await this.redelegationsFromSrcValidator(ctx, v.operatorAddress)) {
        remaining -= await this.slashRedelegation(ctx, red, infractionHeight, slashFraction);
      }
    }
    // re-read: slashing redelegations may have unbonded from other validators only, but be safe
    const val = (await this.validatorByConsAddr(ctx, consAddr)) ?? v;
    let toBurn = minBig(remaining, tokensOf(val));
    if (toBurn < 0n) toBurn = 0n;
    if (toBurn === 0n) return 0n;
    const tokens = tokensOf(val);
    if (tokens > 0n) {
      let effective = (decFromInt(toBurn) * DEC_ONE + decFromInt(tokens) - 1n) / decFromInt(tokens); // QuoRoundUp
      if (effective > DEC_ONE) effective = DEC_ONE;
      await this.runHook("beforeValidatorSlashed", (f) => f(ctx, val.operatorAddress, effective));
    }
    this.removeValidatorTokens(ctx, val, toBurn);
    if (isBonded(val)) await this.burnBondedTokens(ctx, toBurn);
    else await this.burnNotBondedTokens(ctx, toBurn);
    ctx.logger.info(
      { module: "staking", validator: val.operatorAddress, burned: toBurn.toString() },
      "validator slashed by slash factor",
    );
    return toBurn;
  }

  /** SlashUnbondingDelegation: returns the amount that should have been slashed (burns what is left). */
  async slashUnbondingDelegation(
    ctx: Context,
    ubd: UnbondingDelegation,
    infractionHeight: number,
    fraction: Dec,
  ): Promise<bigint> {
    let total = 0n;
    let burned = 0n;
    let changed = false;
    for (const e of ubd.entries) {
      if (e.creationHeight < BigInt(infractionHeight)) continue;
      if (timestampToMs(e.completionTime) <= ctx.timeMs && e.unbondingOnHoldRefCount === 0n) continue;
      const slashAmount = decMulIntTruncate(fraction, BigInt(e.initialBalance));
      total += slashAmount;
      const cut = minBig(slashAmount, BigInt(e.balance));
      if (cut === 0n) continue;
      burned += cut;
      e.balance = (BigInt(e.balance) - cut).toString();
      changed = true;
    }
    if (changed) this.setUnbondingDelegation(ctx, ubd);
    await this.burnNotBondedTokens(ctx, burned);
    return total;
  }

  /** SlashRedelegation: unbonds the slashed share of each entry from the destination and burns it. */
  async slashRedelegation(ctx: Context, red: Redelegation, infractionHeight: number, fraction: Dec): Promise<bigint> {
    let total = 0n;
    let bondedBurned = 0n;
    let notBondedBurned = 0n;
    const del = accAddrFromString(red.delegatorAddress);
    const dst = valAddrFromString(red.validatorDstAddress);
    for (const e of red.entries) {
      if (e.creationHeight < BigInt(infractionHeight)) continue;
      if (timestampToMs(e.completionTime) <= ctx.timeMs && e.unbondingOnHoldRefCount === 0n) continue;
      total += decMulIntTruncate(fraction, BigInt(e.initialBalance));
      let shares = decMul(fraction, decFromProtoString(e.sharesDst));
      if (shares === 0n) continue;
      const d = await this.getDelegation(ctx, del, dst);
      if (!d) continue;
      const dShares = decFromProtoString(d.shares);
      if (shares > dShares) shares = dShares;
      const tokens = await this.unbond(ctx, del, dst, shares);
      const dstV = await this.getValidator(ctx, dst);
      if (dstV && isBonded(dstV)) bondedBurned += tokens;
      else notBondedBurned += tokens;
    }
    await this.burnBondedTokens(ctx, bondedBurned);
    await this.burnNotBondedTokens(ctx, notBondedBurned);
    return total;
  }
}

function unbondingMs(p: StakingParams): number {
  return Number(p.unbondingTime.seconds) * 1000 + Math.floor(p.unbondingTime.nanos / 1_000_000);
}
