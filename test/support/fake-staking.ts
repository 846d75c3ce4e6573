// A fake x/staking for slashing's tests: validators and delegations in memory, with the SDK's
// semantics for what slashing calls (Slash: power x PowerReduction x fraction, capped at the
// validator's tokens, no future infractions; Jail/Unjail refuse a second jail/unjail) and the hooks
// staking fires (afterValidatorCreated on create, afterValidatorBonded on bond).
import { createHash } from "node:crypto";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { BondStatus, type Delegation, type Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Context } from "../../chain/baseapp/context.ts";
import { DEC_ONE, type Dec, decMulIntTruncate } from "../../chain/baseapp/dec.ts";
import { addressToString, Bech32PrefixValAddr } from "../../chain/types/address.ts";
import type { SlashingStakingHooks, StakingKeeperI } from "../../modules/slashing/expected-keepers.ts";
import { ed25519ConsAddress } from "../../modules/slashing/keys.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sha = (s: string) => new Uint8Array(createHash("sha256").update(s).digest());

export interface SlashCall {
  consAddr: Uint8Array;
  infractionHeight: number;
  power: bigint;
  fraction: Dec;
  burned: bigint;
}

export interface FakeValidator {
  operator: string;
  account: string;
  consAddr: Uint8Array;
  pubkey: Uint8Array;
}

export class FakeStakingKeeper implements StakingKeeperI {
  readonly validators = new Map<string, Validator>();
  private readonly byCons = new Map<string, string>();
  private readonly delegations = new Map<string, Delegation>();
  readonly slashes: SlashCall[] = [];
  readonly jails: string[] = [];
  readonly unjails: string[] = [];
  private hooks?: SlashingStakingHooks;

  setHooks(h: SlashingStakingHooks): void {
    this.hooks = h;
  }

  /** MsgCreateValidator with a self-delegation of `tokens`. */
  async createValidator(
    ctx: Context,
    name: string,
    tokens: bigint,
    minSelfDelegation = 1n,
    operatorBytes?: Uint8Array,
  ): Promise<FakeValidator> {
    const pubkey = sha(`consensus-key-${name}`);
    const consAddr = ed25519ConsAddress(pubkey);
    const opBytes = operatorBytes ?? sha(`operator-${name}`).slice(0, 20);
    const operator = addressToString(opBytes, Bech32PrefixValAddr);
    const account = addressToString(opBytes);
    const v: Validator = {
      operatorAddress: operator,
      consensusPubkey: {
        typeUrl: "/cosmos.crypto.ed25519.PubKey",
        value: Ed25519PubKey.encode({ key: pubkey }).finish(),
      },
      jailed: false,
      status: BondStatus.BOND_STATUS_UNBONDED,
      tokens: tokens.toString(),
      delegatorShares: (tokens * DEC_ONE).toString(),
      description: { moniker: name, identity: "", website: "", securityContact: "", details: "" },
      unbondingHeight: 0n,
      unbondingTime: { seconds: 0n, nanos: 0 },
      commission: {
        commissionRates: { rate: "0", maxRate: "0", maxChangeRate: "0" },
        updateTime: { seconds: 0n, nanos: 0 },
      },
      minSelfDelegation: minSelfDelegation.toString(),
      unbondingOnHoldRefCount: 0n,
      unbondingIds: [],
    };
    this.validators.set(operator, v);
    this.byCons.set(hex(consAddr), operator);
    this.delegations.set(`${account}/${operator}`, {
      delegatorAddress: account,
      validatorAddress: operator,
      shares: (tokens * DEC_ONE).toString(),
    });
    await this.hooks?.afterValidatorCreated(ctx, operator);
    return { operator, account, consAddr, pubkey };
  }

  /** The validator enters the bonded set (staking's EndBlock). */
  async bond(ctx: Context, operator: string): Promise<void> {
    const v = this.get(operator);
    v.status = BondStatus.BOND_STATUS_BONDED;
    await this.hooks?.afterValidatorBonded(ctx, this.consOf(v), operator);
  }

  /** Replaces the self-delegation's shares (to test min_self_delegation). */
  setSelfShares(account: string, operator: string, shares: Dec | undefined): void {
    const key = `${account}/${operator}`;
    if (shares === undefined) this.delegations.delete(key);
    else
      this.delegations.set(key, { delegatorAddress: account, validatorAddress: operator, shares: shares.toString() });
  }

  get(operator: string): Validator {
    const v = this.validators.get(operator);
    if (!v) throw new Error(`no validator ${operator}`);
    return v;
  }

  private consOf(v: Validator): Uint8Array {
    const key = Ed25519PubKey.decode(v.consensusPubkey?.value ?? new Uint8Array()).key;
    return ed25519ConsAddress(key);
  }

  // ---- StakingKeeperI ----

  async getAllValidators(_ctx: Context): Promise<Validator[]> {
    return [...this.validators.values()];
  }

  async validator(_ctx: Context, operatorBech32: string): Promise<Validator | undefined> {
    return this.validators.get(operatorBech32);
  }

  async validatorByConsAddr(_ctx: Context, consAddr: Uint8Array): Promise<Validator | undefined> {
    const op = this.byCons.get(hex(consAddr));
    return op ? this.validators.get(op) : undefined;
  }

  powerOf(v: Validator): bigint {
    return BigInt(v.tokens) / this.powerReduction();
  }

  async slash(
    ctx: Context,
    consAddr: Uint8Array,
    infractionHeight: number,
    power: bigint,
    fraction: Dec,
  ): Promise<bigint> {
    if (fraction < 0n) throw new Error(`attempted to slash with a negative slash factor: ${fraction}`);
    if (infractionHeight > ctx.height)
      throw new Error(
        `impossible attempt to slash future infraction at height ${infractionHeight} but we are at height ${ctx.height}`,
      );
    const v = await this.validatorByConsAddr(ctx, consAddr);
    let burned = 0n;
    if (v) {
      const amount = power * this.powerReduction();
      const slashAmount = decMulIntTruncate(fraction, amount);
      burned = slashAmount < BigInt(v.tokens) ? slashAmount : BigInt(v.tokens);
      v.tokens = (BigInt(v.tokens) - burned).toString();
    }
    this.slashes.push({ consAddr, infractionHeight, power, fraction, burned });
    return burned;
  }

  async jail(ctx: Context, consAddr: Uint8Array): Promise<void> {
    const v = await this.validatorByConsAddr(ctx, consAddr);
    if (!v) throw new Error("jail: validator not found");
    if (v.jailed) throw new Error("cannot jail already jailed validator");
    v.jailed = true;
    this.jails.push(hex(consAddr));
  }

  async unjail(ctx: Context, consAddr: Uint8Array): Promise<void> {
    const v = await this.validatorByConsAddr(ctx, consAddr);
    if (!v) throw new Error("unjail: validator not found");
    if (!v.jailed) throw new Error("cannot unjail already unjailed validator");
    v.jailed = false;
    this.unjails.push(hex(consAddr));
  }

  async delegation(_ctx: Context, delegatorBech32: string, operatorBech32: string): Promise<Delegation | undefined> {
    return this.delegations.get(`${delegatorBech32}/${operatorBech32}`);
  }

  powerReduction(): bigint {
    return 1_000_000n;
  }
}
