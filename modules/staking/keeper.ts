// StakingKeeper: validators, delegations, unbonding delegations, redelegations, the bonded set and its
// updates to consensus, slashing and jailing, as Cosmos SDK v0.50 x/staking/keeper. Tokens move
// between the delegators and the bonded / not-bonded pool module accounts through the bank keeper.
//
// This class is the keeper's one entry point; the logic lives in keeper/, one file per concern as
// the SDK's keeper/*.go files (validator, delegation, unbonding-delegation, redelegation, queues,
// pool, val-state-change, slash, params, hooks, abci). Each method hands its call to the function
// of the same concern with the shared KeeperCore (store, auth / bank keepers, hooks).

import type {
  Delegation,
  Redelegation,
  UnbondingDelegation,
  Validator,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "../../chain/baseapp/context.ts";
import type { Dec } from "../../chain/baseapp/dec.ts";
import type { StakingHooks } from "./expected-keepers.ts";
import * as abci from "./keeper/abci.ts";
import { KeeperCore, type StakingKeeperDeps, type StakingKeeperOptions } from "./keeper/core.ts";
import * as delegations from "./keeper/delegation.ts";
import * as stakingHooks from "./keeper/hooks.ts";
import * as lastPower from "./keeper/last-power.ts";
import * as params from "./keeper/params.ts";
import * as pools from "./keeper/pool.ts";
import * as consensusPower from "./keeper/power-reduction.ts";
import * as queues from "./keeper/queues.ts";
import * as redelegations from "./keeper/redelegation.ts";
import * as slashing from "./keeper/slash.ts";
import * as unbondingDelegations from "./keeper/unbonding-delegation.ts";
import * as unbondingId from "./keeper/unbonding-id.ts";
import * as valSet from "./keeper/val-state-change.ts";
import * as validators from "./keeper/validator.ts";
import { StoreKey } from "./keys.ts";
import type { StakingParams } from "./params.ts";
import type { BondStatus } from "./types.ts";

export type { StakingKeeperDeps, StakingKeeperOptions } from "./keeper/core.ts";

export class StakingKeeper {
  readonly storeKey = StoreKey;
  private readonly k: KeeperCore;

  constructor(options: StakingKeeperOptions, deps: StakingKeeperDeps) {
    this.k = new KeeperCore(options, deps);
  }

  /** Registers staking hooks (SDK SetHooks). May be called by several modules; they run in order. */
  setHooks(hooks: StakingHooks): this {
    this.k.hooks.push(hooks);
    return this;
  }

  runHook<K extends keyof StakingHooks>(
    name: K,
    call: (h: Required<StakingHooks>[K]) => Promise<void> | void,
  ): Promise<void> {
    return stakingHooks.runHook(this.k, name, call);
  }

  // ---- power reduction ----

  powerReduction(): bigint {
    return this.k.powerReduction;
  }

  /** Consensus power of a validator: tokens / power reduction when bonded, else 0. */
  powerOf(validator: Validator): bigint {
    return consensusPower.powerOf(this.k, validator);
  }

  tokensFromConsensusPower(power: bigint): bigint {
    return consensusPower.tokensFromConsensusPower(this.k, power);
  }

  // ---- params ----

  getParams(ctx: Context): Promise<StakingParams> {
    return params.getParams(this.k, ctx);
  }

  setParams(ctx: Context, p: StakingParams): void {
    params.setParams(this.k, ctx, p);
  }

  bondDenom(ctx: Context): Promise<string> {
    return params.bondDenom(this.k, ctx);
  }

  // ---- validators ----

  getValidator(ctx: Context, operator: Uint8Array): Promise<Validator | undefined> {
    return validators.getValidator(this.k, ctx, operator);
  }

  /** The validator by its bech32 operator address (`dgridvaloper...`), or undefined. */
  validator(ctx: Context, operatorBech32: string): Promise<Validator | undefined> {
    return validators.validatorByBech32(this.k, ctx, operatorBech32);
  }

  /** The validator by its 20-byte consensus (CometBFT) address, or undefined. */
  validatorByConsAddr(ctx: Context, consAddr: Uint8Array): Promise<Validator | undefined> {
    return validators.validatorByConsAddr(this.k, ctx, consAddr);
  }

  setValidator(ctx: Context, v: Validator): void {
    validators.setValidator(this.k, ctx, v);
  }

  setValidatorByConsAddr(ctx: Context, v: Validator): void {
    validators.setValidatorByConsAddr(this.k, ctx, v);
  }

  /** Jailed validators are not kept in the power index. */
  setValidatorByPowerIndex(ctx: Context, v: Validator): void {
    validators.setValidatorByPowerIndex(this.k, ctx, v);
  }

  setNewValidatorByPowerIndex(ctx: Context, v: Validator): void {
    validators.setNewValidatorByPowerIndex(this.k, ctx, v);
  }

  deleteValidatorByPowerIndex(ctx: Context, v: Validator): void {
    validators.deleteValidatorByPowerIndex(this.k, ctx, v);
  }

  getAllValidators(ctx: Context): Promise<Validator[]> {
    return validators.getAllValidators(this.k, ctx);
  }

  /** GetBondedValidatorsByPower: the bonded validators, highest power first, at most max_validators. */
  bondedValidatorsByPower(ctx: Context): Promise<Validator[]> {
    return validators.bondedValidatorsByPower(this.k, ctx);
  }

  /** RemoveValidator: only an unbonded validator without tokens. */
  removeValidator(ctx: Context, operator: Uint8Array): Promise<void> {
    return validators.removeValidator(this.k, ctx, operator);
  }

  // ---- pools ----

  /** Tokens in the bonded pool (sum of bonded validators' tokens). */
  totalBondedTokens(ctx: Context): Promise<bigint> {
    return pools.totalBondedTokens(this.k, ctx);
  }

  /** Tokens in the not-bonded pool (unbonding and unbonded validators, unbonding delegations). */
  notBondedTokens(ctx: Context): Promise<bigint> {
    return pools.notBondedTokens(this.k, ctx);
  }

  /** Bond-denom balance of a pool (its module account is created on the first transfer into it). */
  poolBalance(ctx: Context, pool: string): Promise<bigint> {
    return pools.poolBalance(this.k, ctx, pool);
  }

  // ---- last validator powers ----

  getLastValidatorPower(ctx: Context, operator: Uint8Array): Promise<bigint | undefined> {
    return lastPower.getLastValidatorPower(this.k, ctx, operator);
  }

  setLastValidatorPower(ctx: Context, operator: Uint8Array, power: bigint): void {
    lastPower.setLastValidatorPower(this.k, ctx, operator, power);
  }

  deleteLastValidatorPower(ctx: Context, operator: Uint8Array): void {
    lastPower.deleteLastValidatorPower(this.k, ctx, operator);
  }

  /** (operator bytes, power) of the last validator set, in operator-address order. */
  getLastValidatorPowers(ctx: Context): Promise<{ operator: Uint8Array; power: bigint }[]> {
    return lastPower.getLastValidatorPowers(this.k, ctx);
  }

  getLastTotalPower(ctx: Context): Promise<bigint> {
    return lastPower.getLastTotalPower(this.k, ctx);
  }

  setLastTotalPower(ctx: Context, power: bigint): void {
    lastPower.setLastTotalPower(this.k, ctx, power);
  }

  /** The validator updates of the last EndBlock. */
  getValidatorUpdates(ctx: Context): Promise<ValidatorUpdate[]> {
    return lastPower.getValidatorUpdates(this.k, ctx);
  }

  // ---- delegations ----

  getDelegation(ctx: Context, del: Uint8Array, val: Uint8Array): Promise<Delegation | undefined> {
    return delegations.getDelegation(this.k, ctx, del, val);
  }

  /** The delegation of `delegatorBech32` to `operatorBech32`, or undefined. */
  delegation(ctx: Context, delegatorBech32: string, operatorBech32: string): Promise<Delegation | undefined> {
    return delegations.delegationByBech32(this.k, ctx, delegatorBech32, operatorBech32);
  }

  /** All delegations of a delegator, by validator address. */
  delegatorDelegations(ctx: Context, delegatorBech32: string): Promise<Delegation[]> {
    return delegations.delegatorDelegations(this.k, ctx, delegatorBech32);
  }

  /** All delegations to a validator, by delegator address (SDK GetValidatorDelegations). */
  validatorDelegations(ctx: Context, operatorBech32: string): Promise<Delegation[]> {
    return delegations.validatorDelegations(this.k, ctx, operatorBech32);
  }

  getAllDelegations(ctx: Context): Promise<Delegation[]> {
    return delegations.getAllDelegations(this.k, ctx);
  }

  setDelegation(ctx: Context, d: Delegation): void {
    delegations.setDelegation(this.k, ctx, d);
  }

  removeDelegation(ctx: Context, d: Delegation): Promise<void> {
    return delegations.removeDelegation(this.k, ctx, d);
  }

  /**
   * Delegate: bonds `amount` tokens from `del` to `v`. With `subtractAccount` the tokens come from the
   * delegator's account (`tokenSrc` must not be bonded); otherwise they are already in a pool (a
   * redelegation or cancelled unbonding) and move between pools as the statuses require.
   */
  delegate(
    ctx: Context,
    del: Uint8Array,
    amount: bigint,
    tokenSrc: BondStatus,
    v: Validator,
    subtractAccount: boolean,
  ): Promise<Dec> {
    return delegations.delegate(this.k, ctx, del, amount, tokenSrc, v, subtractAccount);
  }

  /** Unbond: removes shares from a delegation; returns the tokens they were worth. */
  unbond(ctx: Context, del: Uint8Array, val: Uint8Array, shares: Dec): Promise<bigint> {
    return delegations.unbond(this.k, ctx, del, val, shares);
  }

  /** ValidateUnbondAmount: the shares worth `amount` tokens, capped at the delegation's shares. */
  validateUnbondAmount(ctx: Context, del: Uint8Array, val: Uint8Array, amount: bigint): Promise<Dec> {
    return delegations.validateUnbondAmount(this.k, ctx, del, val, amount);
  }

  // ---- unbonding delegations ----

  getUnbondingDelegation(ctx: Context, del: Uint8Array, val: Uint8Array): Promise<UnbondingDelegation | undefined> {
    return unbondingDelegations.getUnbondingDelegation(this.k, ctx, del, val);
  }

  setUnbondingDelegation(ctx: Context, u: UnbondingDelegation): void {
    unbondingDelegations.setUnbondingDelegation(this.k, ctx, u);
  }

  removeUnbondingDelegation(ctx: Context, u: UnbondingDelegation): void {
    unbondingDelegations.removeUnbondingDelegation(this.k, ctx, u);
  }

  delegatorUnbondingDelegations(ctx: Context, delegatorBech32: string): Promise<UnbondingDelegation[]> {
    return unbondingDelegations.delegatorUnbondingDelegations(this.k, ctx, delegatorBech32);
  }

  unbondingDelegationsFromValidator(ctx: Context, operatorBech32: string): Promise<UnbondingDelegation[]> {
    return unbondingDelegations.unbondingDelegationsFromValidator(this.k, ctx, operatorBech32);
  }

  getAllUnbondingDelegations(ctx: Context): Promise<UnbondingDelegation[]> {
    return unbondingDelegations.getAllUnbondingDelegations(this.k, ctx);
  }

  setLastUnbondingId(ctx: Context, id: bigint): void {
    unbondingId.setLastUnbondingId(this.k, ctx, id);
  }

  /** SetUnbondingDelegationEntry: merges into an entry of the same height and completion time. */
  setUnbondingDelegationEntry(
    ctx: Context,
    del: Uint8Array,
    val: Uint8Array,
    creationHeight: bigint,
    completionMs: number,
    balance: bigint,
  ): Promise<UnbondingDelegation> {
    return unbondingDelegations.setUnbondingDelegationEntry(
      this.k,
      ctx,
      del,
      val,
      creationHeight,
      completionMs,
      balance,
    );
  }

  /** Undelegate: unbonds shares into an unbonding delegation that completes after unbonding_time. */
  undelegate(
    ctx: Context,
    del: Uint8Array,
    val: Uint8Array,
    shares: Dec,
  ): Promise<{ completionMs: number; amount: bigint }> {
    return unbondingDelegations.undelegate(this.k, ctx, del, val, shares);
  }

  /** CompleteUnbonding: pays out the mature entries of an unbonding delegation. */
  completeUnbonding(ctx: Context, del: Uint8Array, val: Uint8Array): Promise<bigint> {
    return unbondingDelegations.completeUnbonding(this.k, ctx, del, val);
  }

  // ---- redelegations ----

  getRedelegation(ctx: Context, del: Uint8Array, src: Uint8Array, dst: Uint8Array): Promise<Redelegation | undefined> {
    return redelegations.getRedelegation(this.k, ctx, del, src, dst);
  }

  setRedelegation(ctx: Context, r: Redelegation): void {
    redelegations.setRedelegation(this.k, ctx, r);
  }

  removeRedelegation(ctx: Context, r: Redelegation): void {
    redelegations.removeRedelegation(this.k, ctx, r);
  }

  delegatorRedelegations(ctx: Context, delegatorBech32: string): Promise<Redelegation[]> {
    return redelegations.delegatorRedelegations(this.k, ctx, delegatorBech32);
  }

  redelegationsFromSrcValidator(ctx: Context, operatorBech32: string): Promise<Redelegation[]> {
    return redelegations.redelegationsFromSrcValidator(this.k, ctx, operatorBech32);
  }

  getAllRedelegations(ctx: Context): Promise<Redelegation[]> {
    return redelegations.getAllRedelegations(this.k, ctx);
  }

  /** A redelegation by `del` into `dst` is still maturing (transitive redelegations are refused). */
  hasReceivingRedelegation(ctx: Context, del: Uint8Array, dst: Uint8Array): Promise<boolean> {
    return redelegations.hasReceivingRedelegation(this.k, ctx, del, dst);
  }

  /** BeginRedelegation: moves shares from `src` to `dst`; returns the completion time (ms). */
  beginRedelegation(
    ctx: Context,
    del: Uint8Array,
    src: Uint8Array,
    dst: Uint8Array,
    shares: Dec,
  ): Promise<{ completionMs: number; amount: bigint }> {
    return redelegations.beginRedelegation(this.k, ctx, del, src, dst, shares);
  }

  /** CompleteRedelegation: drops the mature entries; returns their initial balance. */
  completeRedelegation(ctx: Context, del: Uint8Array, src: Uint8Array, dst: Uint8Array): Promise<bigint> {
    return redelegations.completeRedelegation(this.k, ctx, del, src, dst);
  }

  // ---- queues ----

  insertUBDQueue(ctx: Context, u: UnbondingDelegation, completionMs: number): Promise<void> {
    return queues.insertUBDQueue(this.k, ctx, u, completionMs);
  }

  insertRedelegationQueue(ctx: Context, r: Redelegation, completionMs: number): Promise<void> {
    return queues.insertRedelegationQueue(this.k, ctx, r, completionMs);
  }

  insertUnbondingValidatorQueue(ctx: Context, v: Validator): Promise<void> {
    return queues.insertUnbondingValidatorQueue(this.k, ctx, v);
  }

  deleteValidatorQueue(ctx: Context, v: Validator): Promise<void> {
    return queues.deleteValidatorQueue(this.k, ctx, v);
  }

  // ---- validator-set changes and end block ----

  /**
   * ApplyAndReturnValidatorSetUpdates: the top max_validators non-jailed validators by power become
   * bonded; returns only the changes against the last set (power 0 for removed validators).
   */
  applyAndReturnValidatorSetUpdates(ctx: Context): Promise<ValidatorUpdate[]> {
    return valSet.applyAndReturnValidatorSetUpdates(this.k, ctx);
  }

  /** UnbondAllMatureValidators: unbonding validators whose time and height have come become unbonded. */
  unbondAllMatureValidators(ctx: Context): Promise<void> {
    return valSet.unbondAllMatureValidators(this.k, ctx);
  }

  /** EndBlocker (BlockValidatorUpdates): set updates, mature validators, unbondings, redelegations. */
  endBlocker(ctx: Context): Promise<ValidatorUpdate[]> {
    return abci.endBlocker(this.k, ctx);
  }

  // ---- slashing ----

  /**
   * Slash (SDK v0.50 keeper/slash.go): burns `slashFraction` of the tokens the validator had at
   * `infractionHeight` (`power` x power reduction) from the validator's tokens and from unbonding
   * delegations and redelegations that started at or after that height. Returns the tokens burned
   * from the validator itself (as the SDK).
   */
  slash(
    ctx: Context,
    consAddr: Uint8Array,
    infractionHeight: number,
    power: bigint,
    slashFraction: Dec,
  ): Promise<bigint> {
    return slashing.slash(this.k, ctx, consAddr, infractionHeight, power, slashFraction);
  }

  /** SlashUnbondingDelegation: returns the amount that should have been slashed (burns what is left). */
  slashUnbondingDelegation(
    ctx: Context,
    ubd: UnbondingDelegation,
    infractionHeight: number,
    fraction: Dec,
  ): Promise<bigint> {
    return slashing.slashUnbondingDelegation(this.k, ctx, ubd, infractionHeight, fraction);
  }

  /** SlashRedelegation: unbonds the slashed share of each entry from the destination and burns it. */
  slashRedelegation(ctx: Context, red: Redelegation, infractionHeight: number, fraction: Dec): Promise<bigint> {
    return slashing.slashRedelegation(this.k, ctx, red, infractionHeight, fraction);
  }

  /** Jails the validator with this consensus address (no-op if unknown or already jailed). */
  jail(ctx: Context, consAddr: Uint8Array): Promise<void> {
    return slashing.jail(this.k, ctx, consAddr);
  }

  /** Unjails the validator with this consensus address (no-op if unknown or not jailed). */
  unjail(ctx: Context, consAddr: Uint8Array): Promise<void> {
    return slashing.unjail(this.k, ctx, consAddr);
  }
}
