// A faithful in-memory StakingKeeper for governance tests: validators with tokens and delegator
// shares (LegacyDec in the protobuf atoms form), delegations with shares; bonded = status BONDED.
import { BondStatus, type Delegation, Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { decFromInt } from "../../chain/baseapp/dec.ts";
import { addressFromString, addressToString, Bech32PrefixValAddr } from "../../chain/types/address.ts";
import type { StakingKeeperI } from "../../modules/gov/expected-keepers.ts";

export function valoperOf(account: string): string {
  return addressToString(addressFromString(account), Bech32PrefixValAddr);
}

export class FakeStaking implements StakingKeeperI {
  readonly validators = new Map<string, Validator>();
  readonly delegations: Delegation[] = [];

  /** A bonded validator whose operator account self-delegates `selfTokens` (1 share per token). */
  addValidator(operatorAccount: string, selfTokens: bigint, bonded = true): string {
    const op = valoperOf(operatorAccount);
    this.validators.set(
      op,
      Validator.fromPartial({
        operatorAddress: op,
        status: bonded ? BondStatus.BOND_STATUS_BONDED : BondStatus.BOND_STATUS_UNBONDED,
        tokens: "0",
        delegatorShares: "0",
      }),
    );
    this.delegate(operatorAccount, op, selfTokens);
    return op;
  }

  /** Delegates tokens at the validator's current exchange rate (shares = tokens * shares / tokens). */
  delegate(delegator: string, op: string, tokens: bigint): void {
    const v = this.validators.get(op);
    if (!v) throw new Error(`no validator ${op}`);
    const t = BigInt(v.tokens);
    const s = BigInt(v.delegatorShares);
    const shares = t === 0n ? decFromInt(tokens) : (decFromInt(tokens) * s) / decFromInt(t);
    v.tokens = (t + tokens).toString();
    v.delegatorShares = (s + shares).toString();
    const d = this.delegations.find((x) => x.delegatorAddress === delegator && x.validatorAddress === op);
    if (d) d.shares = (BigInt(d.shares) + shares).toString();
    else this.delegations.push({ delegatorAddress: delegator, validatorAddress: op, shares: shares.toString() });
  }

  /** Slash-like token loss without share change (makes the share->token rate non-trivial). */
  setTokens(op: string, tokens: bigint): void {
    const v = this.validators.get(op);
    if (v) v.tokens = tokens.toString();
  }

  async bondedValidatorsByPower(): Promise<Validator[]> {
    return [...this.validators.values()]
      .filter((v) => v.status === BondStatus.BOND_STATUS_BONDED)
      .sort((a, b) => {
        const d = BigInt(b.tokens) - BigInt(a.tokens);
        return d > 0n ? 1 : d < 0n ? -1 : a.operatorAddress < b.operatorAddress ? -1 : 1;
      });
  }

  async totalBondedTokens(): Promise<bigint> {
    return (await this.bondedValidatorsByPower()).reduce((n, v) => n + BigInt(v.tokens), 0n);
  }

  async delegatorDelegations(_ctx: unknown, delegator: string): Promise<Delegation[]> {
    return this.delegations.filter((d) => d.delegatorAddress === delegator);
  }

  async validator(_ctx: unknown, op: string): Promise<Validator | undefined> {
    return this.validators.get(op);
  }

  async validatorDelegations(_ctx: unknown, op: string): Promise<Delegation[]> {
    return this.delegations.filter((d) => d.validatorAddress === op);
  }
}
