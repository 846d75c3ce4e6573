// What x/slashing needs from x/staking (SDK x/slashing/types/expected_keepers.go StakingKeeper), and
// the staking hooks slashing implements (StakingHooks). Consensus addresses are raw bytes (20 bytes,
// sha256(ed25519 pubkey)[:20]); operator addresses are bech32 `dgridvaloper...` strings.
import type { Delegation, Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Context } from "../../chain/baseapp/context.ts";
import type { Dec } from "../../chain/baseapp/dec.ts";

export interface StakingKeeperI {
  /** the validator by operator address (bech32 valoper); undefined if none */
  validator(ctx: Context, operatorBech32: string): Promise<Validator | undefined>;
  /** every validator, bonded or not (SDK IterateValidators) */
  getAllValidators(ctx: Context): Promise<Validator[]>;
  /** the validator by consensus address; undefined if none */
  validatorByConsAddr(ctx: Context, consAddr: Uint8Array): Promise<Validator | undefined>;
  /** consensus power of a validator (tokens / power reduction) */
  powerOf(validator: Validator): bigint;
  /**
   * Slashes the validator with this consensus address for an infraction at `infractionHeight`
   * (unbonding delegations / redelegations started after it are slashed too), `power` being its
   * consensus power then; returns the amount of tokens burned.
   */
  slash(
    ctx: Context,
    consAddr: Uint8Array,
    infractionHeight: number,
    power: bigint,
    slashFraction: Dec,
  ): Promise<bigint>;
  jail(ctx: Context, consAddr: Uint8Array): Promise<void>;
  unjail(ctx: Context, consAddr: Uint8Array): Promise<void>;
  /** the delegation of a delegator (bech32 account) to a validator (bech32 valoper); undefined if none */
  delegation(ctx: Context, delegatorBech32: string, operatorBech32: string): Promise<Delegation | undefined>;
  /** tokens per unit of consensus power (SDK DefaultPowerReduction 10^6) */
  powerReduction(): bigint;
}

/** A validator operator address as the hooks may pass it: bech32 valoper or raw bytes. */
export type ValAddressLike = string | Uint8Array;

/** The staking hooks slashing implements (SDK StakingHooks, the ones slashing acts on). */
export interface SlashingStakingHooks {
  /** creates the validator's signing info (start height = this block), or resets its start height */
  afterValidatorBonded(ctx: Context, consAddr: Uint8Array, valAddr: ValAddressLike): Promise<void>;
  /** forgets the consensus address -> pubkey relation */
  afterValidatorRemoved(ctx: Context, consAddr: Uint8Array, valAddr: ValAddressLike): Promise<void>;
  /** records the consensus address -> pubkey relation of a new validator */
  afterValidatorCreated(ctx: Context, valAddr: ValAddressLike): Promise<void>;
  afterValidatorBeginUnbonding(ctx: Context, consAddr: Uint8Array, valAddr: ValAddressLike): Promise<void>;
  beforeValidatorModified(ctx: Context, valAddr: ValAddressLike): Promise<void>;
  beforeDelegationCreated(ctx: Context, delAddr: string, valAddr: ValAddressLike): Promise<void>;
  beforeDelegationSharesModified(ctx: Context, delAddr: string, valAddr: ValAddressLike): Promise<void>;
  beforeDelegationRemoved(ctx: Context, delAddr: string, valAddr: ValAddressLike): Promise<void>;
  afterDelegationModified(ctx: Context, delAddr: string, valAddr: ValAddressLike): Promise<void>;
  beforeValidatorSlashed(ctx: Context, valAddr: ValAddressLike, fraction: Dec): Promise<void>;
}
