// Votes of one (height, round, type), as CometBFT types/vote_set.go: signature checks, +2/3 detection
// for a block id (or nil), conflicting votes (duplicate-vote evidence) and commits built from precommits.

import {
  type BlockID,
  type Commit,
  type CommitSig,
  type ExtendedCommit,
  type ExtendedCommitSig,
  SignedMsgType,
  type Vote,
} from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import { bytesEqual } from "../types/bytes.ts";
import { GO_ZERO_TIME, isZeroBlockId } from "../types/encoding.ts";
import { voteExtensionSignBytes, voteSignBytes } from "../types/vote.ts";
import { ed25519Verify } from "./crypto.ts";
import type { ValidatorSet } from "./validator-set.ts";

export class VoteError extends Error {
  override name = "VoteError";
}

export interface ConflictingVotes {
  voteA: Vote;
  voteB: Vote;
}

export interface AddVoteResult {
  added: boolean;
  conflict?: ConflictingVotes;
}

export function blockIdKey(id: BlockID | undefined): string {
  if (!id || isZeroBlockId(id)) return "";
  const h = Buffer.from(id.hash).toString("hex");
  const p = id.partSetHeader;
  return `${h}:${p?.total ?? 0}:${Buffer.from(p?.hash ?? new Uint8Array()).toString("hex")}`;
}

export const isNilBlockId = (id: BlockID | undefined): boolean => !id || id.hash.length === 0;

export function blockIdEqual(a: BlockID | undefined, b: BlockID | undefined): boolean {
  return blockIdKey(a) === blockIdKey(b);
}

export const NIL_BLOCK_ID: BlockID = Object.freeze({
  hash: new Uint8Array(),
  partSetHeader: { total: 0, hash: new Uint8Array() },
}) as BlockID;

/** Checks a vote's signature (and, for non-nil precommits with extensions enabled, its extension signature). */
export function verifyVoteSignatures(
  chainId: string,
  vote: Vote,
  pubKey: Uint8Array,
  extensionsEnabled: boolean,
): void {
  if (!ed25519Verify(pubKey, voteSignBytes(chainId, vote), vote.signature))
    throw new VoteError("invalid vote signature");
  if (vote.type !== SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT) return;
  if (extensionsEnabled && !isNilBlockId(vote.blockId)) {
    if (!ed25519Verify(pubKey, voteExtensionSignBytes(chainId, vote), vote.extensionSignature))
      throw new VoteError("invalid vote extension signature");
  } else if ((vote.extension?.length ?? 0) > 0 || (vote.extensionSignature?.length ?? 0) > 0) {
    if (!extensionsEnabled) throw new VoteError("unexpected vote extension");
    throw new VoteError("vote extension on a nil precommit");
  }
}

export class VoteSet {
  private readonly votes: (Vote | undefined)[];
  private readonly byBlock = new Map<string, { blockId: BlockID; power: bigint }>();
  private sum = 0n;
  private maj23: BlockID | undefined;
  readonly conflicts: ConflictingVotes[] = [];

  constructor(
    readonly chainId: string,
    readonly height: bigint,
    readonly round: number,
    readonly type: SignedMsgType,
    readonly valSet: ValidatorSet,
    readonly extensionsEnabled = false,
  ) {
    this.votes = new Array(valSet.size()).fill(undefined);
  }

  /** Adds a signed vote. Throws VoteError for an invalid vote; reports conflicts without counting them. */
  addVote(vote: Vote): AddVoteResult {
    if (vote.height !== this.height || vote.round !== this.round || vote.type !== this.type)
      throw new VoteError(
        `vote for ${vote.height}/${vote.round}/${vote.type} does not belong to set ${this.height}/${this.round}/${this.type}`,
      );
    const val = this.valSet.getByIndex(vote.validatorIndex);
    if (!val) throw new VoteError(`validator index ${vote.validatorIndex} out of range`);
    if (!bytesEqual(val.address, vote.validatorAddress)) throw new VoteError("validator address does not match index");
    const existing = this.votes[vote.validatorIndex];
    if (existing && blockIdEqual(existing.blockId, vote.blockId)) return { added: false };
    verifyVoteSignatures(this.chainId, vote, val.pubKey, this.extensionsEnabled);
    if (existing) {
      const conflict = { voteA: existing, voteB: vote };
      this.conflicts.push(conflict);
      return { added: false, conflict };
    }
    this.votes[vote.validatorIndex] = vote;
    this.sum += val.votingPower;
    const key = blockIdKey(vote.blockId);
    const entry = this.byBlock.get(key) ?? { blockId: vote.blockId ?? NIL_BLOCK_ID, power: 0n };
    entry.power += val.votingPower;
    this.byBlock.set(key, entry);
    if (!this.maj23 && entry.power * 3n > this.valSet.totalVotingPower() * 2n) this.maj23 = entry.blockId;
    return { added: true };
  }

  getByIndex(i: number): Vote | undefined {
    return this.votes[i];
  }

  getByAddress(address: Uint8Array): Vote | undefined {
    const found = this.valSet.getByAddress(address);
    return found ? this.votes[found.index] : undefined;
  }

  /** The block id (possibly nil = empty hash) that has more than 2/3 of the power, if any. */
  twoThirdsMajority(): BlockID | undefined {
    return this.maj23;
  }

  hasTwoThirdsMajority(): boolean {
    return this.maj23 !== undefined;
  }

  hasTwoThirdsAny(): boolean {
    return this.sum * 3n > this.valSet.totalVotingPower() * 2n;
  }

  hasAll(): boolean {
    return this.sum === this.valSet.totalVotingPower();
  }

  votedPower(): bigint {
    return this.sum;
  }

  list(): Vote[] {
    return this.votes.filter((v): v is Vote => v !== undefined);
  }

  /** MakeExtendedCommit: one signature slot per validator; votes for another block count as absent. */
  makeExtendedCommit(): ExtendedCommit {
    if (this.type !== SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT)
      throw new VoteError("cannot make a commit from prevotes");
    const maj = this.maj23;
    if (!maj || isNilBlockId(maj)) throw new VoteError("cannot make a commit without +2/3 precommits for a block");
    const sigs: ExtendedCommitSig[] = this.votes.map((v) => {
      if (!v) return absentExtSig();
      const forBlock = !isNilBlockId(v.blockId);
      if (forBlock && !blockIdEqual(v.blockId, maj)) return absentExtSig();
      return {
        blockIdFlag: forBlock ? BlockIDFlag.BLOCK_ID_FLAG_COMMIT : BlockIDFlag.BLOCK_ID_FLAG_NIL,
        validatorAddress: v.validatorAddress,
        timestamp: v.timestamp,
        signature: v.signature,
        extension: forBlock ? (v.extension ?? new Uint8Array()) : new Uint8Array(),
        extensionSignature: forBlock ? (v.extensionSignature ?? new Uint8Array()) : new Uint8Array(),
      };
    });
    return { height: this.height, round: this.round, blockId: maj, extendedSignatures: sigs };
  }

  makeCommit(): Commit {
    return toCommit(this.makeExtendedCommit());
  }
}

function absentExtSig(): ExtendedCommitSig {
  return {
    blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_ABSENT,
    validatorAddress: new Uint8Array(),
    timestamp: GO_ZERO_TIME,
    signature: new Uint8Array(),
    extension: new Uint8Array(),
    extensionSignature: new Uint8Array(),
  };
}

/** ExtendedCommit.ToCommit: drops the extensions. */
export function toCommit(ec: ExtendedCommit): Commit {
  const signatures: CommitSig[] = ec.extendedSignatures.map((s) => ({
    blockIdFlag: s.blockIdFlag,
    validatorAddress: s.validatorAddress,
    timestamp: s.timestamp,
    signature: s.signature,
  }));
  return { height: ec.height, round: ec.round, blockId: ec.blockId, signatures };
}

/** Rebuilds the precommit Vote a commit signature stands for (to verify it against the sign bytes). */
export function commitSigToVote(
  commit: Commit | ExtendedCommit,
  index: number,
  sig: CommitSig | ExtendedCommitSig,
): Vote {
  const ext = "extension" in sig ? sig : undefined;
  return {
    type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
    height: commit.height,
    round: commit.round,
    blockId: sig.blockIdFlag === BlockIDFlag.BLOCK_ID_FLAG_COMMIT ? commit.blockId : NIL_BLOCK_ID,
    timestamp: sig.timestamp,
    validatorAddress: sig.validatorAddress,
    validatorIndex: index,
    signature: sig.signature,
    extension: ext?.extension ?? new Uint8Array(),
    extensionSignature: ext?.extensionSignature ?? new Uint8Array(),
  };
}

/** VerifyCommit (light form): +2/3 of `valSet` signed `blockId` at `height`; every present signature valid. */
export function verifyCommit(
  chainId: string,
  valSet: ValidatorSet,
  blockId: BlockID,
  height: bigint,
  commit: Commit,
): void {
  if (commit.height !== height) throw new VoteError(`commit height ${commit.height} != ${height}`);
  if (!blockIdEqual(commit.blockId, blockId)) throw new VoteError("commit is for another block");
  if (commit.signatures.length !== valSet.size())
    throw new VoteError(`commit has ${commit.signatures.length} signatures, want ${valSet.size()}`);
  let tallied = 0n;
  commit.signatures.forEach((sig, i) => {
    if (sig.blockIdFlag === BlockIDFlag.BLOCK_ID_FLAG_ABSENT) return;
    const val = valSet.getByIndex(i);
    if (!val || !bytesEqual(val.address, sig.validatorAddress))
      throw new VoteError(`commit signature ${i} has the wrong validator`);
    const vote = commitSigToVote(commit, i, sig);
    if (!ed25519Verify(val.pubKey, voteSignBytes(chainId, vote), sig.signature))
      throw new VoteError(`invalid commit signature ${i}`);
    if (sig.blockIdFlag === BlockIDFlag.BLOCK_ID_FLAG_COMMIT) tallied += val.votingPower;
  });
  if (tallied * 3n <= valSet.totalVotingPower() * 2n) throw new VoteError("commit does not have +2/3 voting power");
}

/** All vote sets of one height, by round. */
export class HeightVoteSet {
  private readonly rounds = new Map<number, { prevotes: VoteSet; precommits: VoteSet }>();

  constructor(
    readonly chainId: string,
    readonly height: bigint,
    readonly valSet: ValidatorSet,
    readonly extensionsEnabled: boolean,
  ) {}

  private ensure(round: number) {
    let r = this.rounds.get(round);
    if (!r) {
      r = {
        prevotes: new VoteSet(
          this.chainId,
          this.height,
          round,
          SignedMsgType.SIGNED_MSG_TYPE_PREVOTE,
          this.valSet,
          false,
        ),
        precommits: new VoteSet(
          this.chainId,
          this.height,
          round,
          SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
          this.valSet,
          this.extensionsEnabled,
        ),
      };
      this.rounds.set(round, r);
    }
    return r;
  }

  prevotes(round: number): VoteSet {
    return this.ensure(round).prevotes;
  }

  precommits(round: number): VoteSet {
    return this.ensure(round).precommits;
  }

  addVote(vote: Vote): AddVoteResult {
    if (!Number.isInteger(vote.round) || vote.round < 0) throw new VoteError("invalid vote round");
    if (vote.type === SignedMsgType.SIGNED_MSG_TYPE_PREVOTE) return this.prevotes(vote.round).addVote(vote);
    if (vote.type === SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT) return this.precommits(vote.round).addVote(vote);
    throw new VoteError(`invalid vote type ${vote.type}`);
  }

  /** Highest round with a +2/3 prevote majority (for a block or nil), -1 if none. */
  polRound(): number {
    let best = -1;
    for (const [r, s] of this.rounds) if (r > best && s.prevotes.hasTwoThirdsMajority()) best = r;
    return best;
  }
}
