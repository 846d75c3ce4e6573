// CometBFT's ValidatorSet (types/validator_set.go): proposer selection by weighted round robin over
// proposer priorities, with rescaling to a window of 2x the total power and centering around 0.
// All arithmetic is int64 (bigint clipped to the int64 range), as in Go.
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import {
  type Validator as ProtoValidator,
  ValidatorSet as ProtoValidatorSet,
} from "cosmjs-types/tendermint/types/validator";
import { validatorSetHash } from "../types/hash.ts";
import { pubKeyAddress } from "./crypto.ts";

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
/** Total voting power is capped so priorities never overflow (MaxTotalVotingPower). */
export const MAX_TOTAL_VOTING_POWER = INT64_MAX / 8n;
export const PRIORITY_WINDOW_SIZE_FACTOR = 2n;

const clip = (x: bigint): bigint => (x > INT64_MAX ? INT64_MAX : x < INT64_MIN ? INT64_MIN : x);

export class ValidatorSetError extends Error {
  override name = "ValidatorSetError";
}

export interface Validator {
  address: Uint8Array;
  pubKey: Uint8Array; // raw ed25519
  votingPower: bigint;
  proposerPriority: bigint;
}

const cloneVal = (v: Validator): Validator => ({ ...v });
const cmpAddr = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b);

export class ValidatorSet {
  validators: Validator[] = [];
  proposer: Validator | undefined;
  private total = 0n;

  /** NewValidatorSet: all validators are new, priorities centered, then incremented once. */
  static create(vals: readonly { pubKey: Uint8Array; votingPower: bigint; address?: Uint8Array }[]): ValidatorSet {
    const set = new ValidatorSet();
    set.applyChanges(
      vals.map((v) => ({
        address: v.address ?? pubKeyAddress(v.pubKey),
        pubKey: v.pubKey,
        votingPower: v.votingPower,
        proposerPriority: 0n,
      })),
      false,
    );
    if (vals.length > 0) set.incrementProposerPriority(1);
    return set;
  }

  static fromProto(p: ProtoValidatorSet): ValidatorSet {
    const set = new ValidatorSet();
    set.validators = p.validators.map(fromProtoVal);
    set.updateTotal();
    if (p.proposer) {
      const addr = p.proposer.address;
      set.proposer = set.validators.find((v) => cmpAddr(v.address, addr) === 0) ?? fromProtoVal(p.proposer);
    }
    return set;
  }

  toProto(): ProtoValidatorSet {
    return {
      validators: this.validators.map(toProtoVal),
      proposer: this.proposer ? toProtoVal(this.proposer) : undefined,
      totalVotingPower: this.total,
    };
  }

  encode(): Uint8Array {
    return ProtoValidatorSet.encode(this.toProto()).finish();
  }

  static decode(bytes: Uint8Array): ValidatorSet {
    return ValidatorSet.fromProto(ProtoValidatorSet.decode(bytes));
  }

  size(): number {
    return this.validators.length;
  }

  isEmpty(): boolean {
    return this.validators.length === 0;
  }

  totalVotingPower(): bigint {
    return this.total;
  }

  copy(): ValidatorSet {
    const c = new ValidatorSet();
    c.validators = this.validators.map(cloneVal);
    c.total = this.total;
    if (this.proposer) {
      const addr = this.proposer.address;
      c.proposer = c.validators.find((v) => cmpAddr(v.address, addr) === 0) ?? cloneVal(this.proposer);
    }
    return c;
  }

  getByAddress(address: Uint8Array): { index: number; validator: Validator } | undefined {
    const index = this.validators.findIndex((v) => cmpAddr(v.address, address) === 0);
    return index < 0 ? undefined : { index, validator: this.validators[index] };
  }

  getByIndex(index: number): Validator | undefined {
    return Number.isInteger(index) && index >= 0 ? this.validators[index] : undefined;
  }

  hasAddress(address: Uint8Array): boolean {
    return this.getByAddress(address) !== undefined;
  }

  getProposer(): Validator {
    if (this.validators.length === 0) throw new ValidatorSetError("empty validator set has no proposer");
    if (!this.proposer) this.proposer = this.findProposer();
    return this.proposer;
  }

  hash(): Uint8Array {
    return validatorSetHash(this.validators.map(toProtoVal));
  }

  /** IncrementProposerPriority(times): rescale, center, then run `times` rounds of the round robin. */
  incrementProposerPriority(times: number): void {
    if (this.validators.length === 0) throw new ValidatorSetError("empty validator set");
    if (!Number.isInteger(times) || times <= 0)
      throw new ValidatorSetError("cannot call incrementProposerPriority with non-positive times");
    this.rescalePriorities(PRIORITY_WINDOW_SIZE_FACTOR * this.total);
    this.shiftByAvgProposerPriority();
    let proposer: Validator | undefined;
    for (let i = 0; i < times; i++) proposer = this.incrementOnce();
    this.proposer = proposer;
  }

  copyIncrementProposerPriority(times: number): ValidatorSet {
    const c = this.copy();
    c.incrementProposerPriority(times);
    return c;
  }

  /** Applies ABCI ValidatorUpdates (power 0 removes), as UpdateWithChangeSet. Throws on invalid changes. */
  updateWithAbciUpdates(updates: readonly ValidatorUpdate[]): void {
    const changes: Validator[] = [];
    for (const u of updates) {
      const pk = u.pubKey?.ed25519;
      if (pk === undefined || pk.length !== 32)
        throw new ValidatorSetError("validator update must carry a 32-byte ed25519 key");
      changes.push({ address: pubKeyAddress(pk), pubKey: pk, votingPower: u.power, proposerPriority: 0n });
    }
    this.applyChanges(changes, true);
  }

  private applyChanges(changes: Validator[], allowDeletes: boolean): void {
    if (changes.length === 0) return;
    const sorted = [...changes].sort((a, b) => cmpAddr(a.address, b.address));
    const updates: Validator[] = [];
    const deletes: Validator[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const v = sorted[i];
      if (i > 0 && cmpAddr(sorted[i - 1].address, v.address) === 0)
        throw new ValidatorSetError("duplicate entry in validator changes");
      if (v.votingPower < 0n) throw new ValidatorSetError("voting power can't be negative");
      if (v.votingPower > MAX_TOTAL_VOTING_POWER) throw new ValidatorSetError("voting power exceeds the maximum");
      (v.votingPower === 0n ? deletes : updates).push(cloneVal(v));
    }
    if (!allowDeletes && deletes.length > 0)
      throw new ValidatorSetError("cannot process validators with voting power 0");
    const numNew = updates.filter((u) => !this.hasAddress(u.address)).length;
    if (numNew === 0 && this.validators.length === deletes.length)
      throw new ValidatorSetError("applying the validator changes would result in empty set");
    let removed = 0n;
    for (const d of deletes) {
      const found = this.getByAddress(d.address);
      if (!found) throw new ValidatorSetError("failed to find validator to remove");
      removed += found.validator.votingPower;
    }
    // Total after updates, before removals (verifyUpdates).
    let tvp = this.total;
    for (const u of [...updates].sort((a, b) => Number(deltaOf(this, a) - deltaOf(this, b)))) {
      tvp += deltaOf(this, u);
      if (tvp - removed > MAX_TOTAL_VOTING_POWER)
        throw new ValidatorSetError("total voting power would exceed the maximum");
    }
    // computeNewPriorities: new validators start at -1.125 * total so they do not propose at once.
    for (const u of updates) {
      const existing = this.getByAddress(u.address);
      u.proposerPriority = existing ? existing.validator.proposerPriority : -(tvp + (tvp >> 3n));
    }
    // applyUpdates (merge by address) and applyRemovals.
    const byAddr = new Map<string, Validator>();
    for (const v of this.validators) byAddr.set(Buffer.from(v.address).toString("hex"), v);
    for (const u of updates) byAddr.set(Buffer.from(u.address).toString("hex"), u);
    for (const d of deletes) byAddr.delete(Buffer.from(d.address).toString("hex"));
    this.validators = [...byAddr.values()];
    this.updateTotal();
    this.rescalePriorities(PRIORITY_WINDOW_SIZE_FACTOR * this.total);
    this.shiftByAvgProposerPriority();
    this.validators.sort(byVotingPower);
    // The proposer object may have been replaced; keep it pointing into the set.
    if (this.proposer) {
      const addr = this.proposer.address;
      this.proposer = this.validators.find((v) => cmpAddr(v.address, addr) === 0);
    }
  }

  private updateTotal(): void {
    let sum = 0n;
    for (const v of this.validators) {
      sum += v.votingPower;
      if (sum > MAX_TOTAL_VOTING_POWER) throw new ValidatorSetError("total voting power exceeds the maximum");
    }
    this.total = sum;
  }

  /** RescalePriorities: divide all priorities so that max-min fits in diffMax. */
  private rescalePriorities(diffMax: bigint): void {
    if (diffMax <= 0n || this.validators.length === 0) return;
    let max = INT64_MIN;
    let min = INT64_MAX;
    for (const v of this.validators) {
      if (v.proposerPriority > max) max = v.proposerPriority;
      if (v.proposerPriority < min) min = v.proposerPriority;
    }
    const diff = max - min;
    if (diff > diffMax) {
      const ratio = (diff + diffMax - 1n) / diffMax;
      for (const v of this.validators) v.proposerPriority = v.proposerPriority / ratio; // truncates like Go
    }
  }

  private shiftByAvgProposerPriority(): void {
    const n = BigInt(this.validators.length);
    if (n === 0n) return;
    let sum = 0n;
    for (const v of this.validators) sum += v.proposerPriority;
    // big.Int.Div is Euclidean: floor for a positive divisor.
    let avg = sum / n;
    if (sum % n !== 0n && sum < 0n) avg -= 1n;
    for (const v of this.validators) v.proposerPriority = clip(v.proposerPriority - avg);
  }

  private incrementOnce(): Validator {
    for (const v of this.validators) v.proposerPriority = clip(v.proposerPriority + v.votingPower);
    const mostest = this.findProposer();
    mostest.proposerPriority = clip(mostest.proposerPriority - this.total);
    return mostest;
  }

  /** Highest priority wins; ties go to the lower address. */
  private findProposer(): Validator {
    let best: Validator | undefined;
    for (const v of this.validators) {
      if (
        !best ||
        v.proposerPriority > best.proposerPriority ||
        (v.proposerPriority === best.proposerPriority && cmpAddr(v.address, best.address) < 0)
      )
        best = v;
    }
    if (!best) throw new ValidatorSetError("empty validator set");
    return best;
  }
}

function deltaOf(set: ValidatorSet, u: Validator): bigint {
  const existing = set.getByAddress(u.address);
  return u.votingPower - (existing ? existing.validator.votingPower : 0n);
}

function byVotingPower(a: Validator, b: Validator): number {
  if (a.votingPower !== b.votingPower) return a.votingPower > b.votingPower ? -1 : 1;
  return cmpAddr(a.address, b.address);
}

export function toProtoVal(v: Validator): ProtoValidator {
  return {
    address: v.address,
    pubKey: { ed25519: v.pubKey },
    votingPower: v.votingPower,
    proposerPriority: v.proposerPriority,
  };
}

function fromProtoVal(p: ProtoValidator): Validator {
  const pk = p.pubKey?.ed25519;
  if (!pk) throw new ValidatorSetError("only ed25519 validator keys are supported");
  return { address: p.address, pubKey: pk, votingPower: p.votingPower, proposerPriority: p.proposerPriority };
}
