// Evidence of validator misbehavior (cometbft types/evidence.go, evidence/pool.go, evidence/verify.go):
// duplicate votes seen by the engine's vote sets become DuplicateVoteEvidence once the block of their
// height is committed (its time is the evidence time); evidence from peers is verified against the
// validator set of its height; pending evidence is gossiped, put in proposals (up to
// consensus_params.evidence.max_bytes), checked in proposed blocks, handed to FinalizeBlock as
// `misbehavior`, and marked committed so it is never included twice. Persisted in the `consensus`
// sublevel: `evidence/pending` (one record: the pending list) and `evidence/committed/<height>/<hash>`.
import { createHash } from "node:crypto";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { type Misbehavior, MisbehaviorType } from "cosmjs-types/tendermint/abci/types";
import { type DuplicateVoteEvidence, Evidence, EvidenceList } from "cosmjs-types/tendermint/types/evidence";
import { type BlockID, PartSetHeader, SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import type { Logger } from "pino";
import { bytesEqual } from "../types/bytes.ts";
import { evidenceBytes } from "../types/hash.ts";
import { voteSignBytes } from "../types/vote.ts";
import { ed25519Verify, toHex } from "./crypto.ts";
import type { BlockStoreLike } from "./deps.ts";
import type { ConsensusDb, State, StateStore } from "./state.ts";
import type { ValidatorSet } from "./validator-set.ts";
import { blockIdEqual } from "./vote-set.ts";

export class EvidenceError extends Error {
  override name = "EvidenceError";
}

/** BlockID.Key() of CometBFT: the hash bytes followed by the proto encoding of the part set header. */
export function blockIdSortKey(id: BlockID | undefined): Buffer {
  if (!id) return Buffer.alloc(0);
  const psh = PartSetHeader.encode(id.partSetHeader ?? { total: 0, hash: new Uint8Array() }).finish();
  return Buffer.concat([Buffer.from(id.hash ?? new Uint8Array()), Buffer.from(psh)]);
}

/** NewDuplicateVoteEvidence: votes ordered by block id key; powers from the validator set of the votes' height. */
export function newDuplicateVoteEvidence(
  vote1: Vote,
  vote2: Vote,
  blockTime: Timestamp,
  valSet: ValidatorSet,
): Evidence {
  const found = valSet.getByAddress(vote1.validatorAddress);
  if (!found) throw new EvidenceError("validator not in the validator set");
  const [voteA, voteB] =
    Buffer.compare(blockIdSortKey(vote1.blockId), blockIdSortKey(vote2.blockId)) < 0 ? [vote1, vote2] : [vote2, vote1];
  return {
    duplicateVoteEvidence: {
      voteA,
      voteB,
      totalVotingPower: valSet.totalVotingPower(),
      validatorPower: found.validator.votingPower,
      timestamp: blockTime,
    },
  };
}

/** Evidence.Hash(): sha256 of the inner evidence message. */
export function evidenceHashOf(ev: Evidence): Uint8Array {
  return new Uint8Array(createHash("sha256").update(evidenceBytes(ev)).digest());
}

export function evidenceHeight(ev: Evidence): bigint {
  const d = ev.duplicateVoteEvidence;
  if (d?.voteA) return d.voteA.height;
  if (ev.lightClientAttackEvidence) return ev.lightClientAttackEvidence.commonHeight;
  return 0n;
}

function evidenceTime(ev: Evidence): Timestamp | undefined {
  return ev.duplicateVoteEvidence?.timestamp ?? ev.lightClientAttackEvidence?.timestamp;
}

/** The ABCI form FinalizeBlock / PrepareProposal / ProcessProposal receive (Evidence.ABCI()). */
export function evidenceToMisbehavior(list: readonly Evidence[]): Misbehavior[] {
  const out: Misbehavior[] = [];
  for (const ev of list) {
    const d = ev.duplicateVoteEvidence;
    if (!d?.voteA) continue;
    out.push({
      type: MisbehaviorType.DUPLICATE_VOTE,
      validator: { address: d.voteA.validatorAddress, power: d.validatorPower },
      height: d.voteA.height,
      time: d.timestamp,
      totalVotingPower: d.totalVotingPower,
    });
  }
  return out;
}

/** Size of an EvidenceList proto holding `list` (what max_bytes limits). */
export function evidenceListSize(list: readonly Evidence[]): number {
  return list.length === 0 ? 0 : EvidenceList.encode({ evidence: [...list] }).finish().length;
}

function validateVoteBasic(v: Vote | undefined, which: string): asserts v is Vote {
  if (!v) throw new EvidenceError(`${which} is missing`);
  if (v.type !== SignedMsgType.SIGNED_MSG_TYPE_PREVOTE && v.type !== SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT)
    throw new EvidenceError(`${which}: invalid vote type`);
  if (v.height <= 0n || v.round < 0 || v.validatorIndex < 0)
    throw new EvidenceError(`${which}: invalid height/round/index`);
  if (v.validatorAddress.length !== 20) throw new EvidenceError(`${which}: invalid validator address`);
  if (v.signature.length === 0 || v.signature.length > 64) throw new EvidenceError(`${which}: invalid signature`);
}

/** ValidateBasic of the evidence in a block (no state needed). */
export function validateEvidenceBasic(ev: Evidence): void {
  const d = ev.duplicateVoteEvidence;
  if (!d) throw new EvidenceError("only duplicate vote evidence is supported");
  validateVoteBasic(d.voteA, "vote_a");
  validateVoteBasic(d.voteB, "vote_b");
  if (Buffer.compare(blockIdSortKey(d.voteA.blockId), blockIdSortKey(d.voteB.blockId)) >= 0)
    throw new EvidenceError("duplicate votes in invalid order");
}

/** VerifyDuplicateVote (evidence/verify.go) against the validator set of the votes' height. */
export function verifyDuplicateVote(d: DuplicateVoteEvidence, chainId: string, valSet: ValidatorSet): void {
  const a = d.voteA as Vote;
  const b = d.voteB as Vote;
  const found = valSet.getByAddress(a.validatorAddress);
  if (!found) throw new EvidenceError(`address ${toHex(a.validatorAddress)} was not a validator at height ${a.height}`);
  if (a.height !== b.height || a.round !== b.round || a.type !== b.type)
    throw new EvidenceError(
      `h/r/s does not match: ${a.height}/${a.round}/${a.type} vs ${b.height}/${b.round}/${b.type}`,
    );
  if (!bytesEqual(a.validatorAddress, b.validatorAddress)) throw new EvidenceError("validator addresses do not match");
  if (blockIdEqual(a.blockId, b.blockId)) throw new EvidenceError("block ids are the same");
  if (found.validator.votingPower !== d.validatorPower)
    throw new EvidenceError(`validator power ${d.validatorPower}, want ${found.validator.votingPower}`);
  if (valSet.totalVotingPower() !== d.totalVotingPower)
    throw new EvidenceError(`total voting power ${d.totalVotingPower}, want ${valSet.totalVotingPower()}`);
  const pub = found.validator.pubKey;
  if (!ed25519Verify(pub, voteSignBytes(chainId, a), a.signature))
    throw new EvidenceError("invalid signature on vote_a");
  if (!ed25519Verify(pub, voteSignBytes(chainId, b), b.signature))
    throw new EvidenceError("invalid signature on vote_b");
}

const tsEqual = (a: Timestamp | undefined, b: Timestamp | undefined) =>
  !!a && !!b && a.seconds === b.seconds && a.nanos === b.nanos;
const tsNanos = (t: Timestamp): bigint => t.seconds * 1_000_000_000n + BigInt(t.nanos);

const enc = (s: string) => new TextEncoder().encode(s);
const PENDING_KEY = enc("evidence/pending");
const committedKey = (height: bigint, hash: Uint8Array) =>
  enc(`evidence/committed/${height.toString().padStart(20, "0")}/${toHex(hash)}`);

export interface EvidencePoolDeps {
  db: ConsensusDb;
  stateStore: StateStore;
  blockStore: BlockStoreLike;
  logger: Logger;
}

interface PendingEntry {
  ev: Evidence;
  hash: Uint8Array;
  height: bigint;
}

export class EvidencePool {
  private state: State | undefined;
  private pending: PendingEntry[] = [];
  private loaded = false;
  /** Conflicting votes from the engine, turned into evidence once their height's block is committed. */
  private buffer: { voteA: Vote; voteB: Vote }[] = [];
  private readonly listeners: ((ev: Evidence) => void)[] = [];
  private readonly log: Logger;

  constructor(
    readonly options: { chainId: string },
    private readonly deps: EvidencePoolDeps,
  ) {
    this.log = deps.logger.child({ module: "evidence" });
  }

  /** Called with each newly accepted piece of evidence (the engine gossips it). */
  onNewEvidence(fn: (ev: Evidence) => void): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Sets the state evidence is verified against (at start; then `update` after each block). */
  async setState(state: State): Promise<void> {
    await this.load();
    this.state = state;
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const raw = await this.deps.db.get(PENDING_KEY);
    if (!raw) return;
    const list = JSON.parse(new TextDecoder().decode(raw)) as string[];
    this.pending = list.map((b) => {
      const ev = Evidence.decode(Buffer.from(b, "base64"));
      return { ev, hash: evidenceHashOf(ev), height: evidenceHeight(ev) };
    });
  }

  private async savePending(extra: { type: "put"; key: Uint8Array; value: Uint8Array }[] = []): Promise<void> {
    const value = enc(
      JSON.stringify(this.pending.map((p) => Buffer.from(Evidence.encode(p.ev).finish()).toString("base64"))),
    );
    await this.deps.db.batch([...extra, { type: "put", key: PENDING_KEY, value }]);
  }

  /** Pending evidence (not yet committed), oldest height first. */
  pendingList(): Evidence[] {
    return this.pending.map((p) => p.ev);
  }

  /** PendingEvidence(maxBytes): a prefix of the pending list whose EvidenceList encoding fits in maxBytes. */
  pendingEvidence(maxBytes: bigint): { evidence: Evidence[]; size: number } {
    const out: Evidence[] = [];
    let size = 0;
    for (const p of this.pending) {
      const s = evidenceListSize([...out, p.ev]);
      if (maxBytes >= 0n && BigInt(s) > maxBytes) break;
      out.push(p.ev);
      size = s;
    }
    return { evidence: out, size };
  }

  /** pendingEvidence for a proposal, first dropping any pending evidence that is already committed. */
  async proposalEvidence(maxBytes: bigint): Promise<{ evidence: Evidence[]; size: number }> {
    await this.load();
    const kept: PendingEntry[] = [];
    for (const p of this.pending)
      if ((await this.deps.db.get(committedKey(p.height, p.hash))) === undefined) kept.push(p);
    if (kept.length !== this.pending.length) {
      this.pending = kept;
      await this.savePending();
    }
    return this.pendingEvidence(maxBytes);
  }

  /** ReportConflictingVotes: buffered until the block of their height is committed (for its time). */
  reportConflictingVotes(voteA: Vote, voteB: Vote): void {
    if (this.buffer.length >= 1000) return;
    this.buffer.push({ voteA, voteB });
  }

  isPending(ev: Evidence): boolean {
    const h = evidenceHashOf(ev);
    return this.pending.some((p) => bytesEqual(p.hash, h));
  }

  async isCommitted(ev: Evidence): Promise<boolean> {
    return (await this.deps.db.get(committedKey(evidenceHeight(ev), evidenceHashOf(ev)))) !== undefined;
  }

  /** AddEvidence from a peer (or the RPC): verified, stored as pending and announced. Throws EvidenceError. */
  async addEvidence(ev: Evidence): Promise<boolean> {
    await this.load();
    validateEvidenceBasic(ev);
    if (this.isPending(ev)) return false;
    if (await this.isCommitted(ev)) return false; // a peer that is behind: not its fault
    await this.verify(ev);
    await this.addPending(ev);
    return true;
  }

  private async addPending(ev: Evidence): Promise<void> {
    if (this.isPending(ev)) return;
    this.pending.push({ ev, hash: evidenceHashOf(ev), height: evidenceHeight(ev) });
    this.pending.sort((a, b) => (a.height < b.height ? -1 : a.height > b.height ? 1 : Buffer.compare(a.hash, b.hash)));
    await this.savePending();
    const d = ev.duplicateVoteEvidence;
    this.log.info(
      { validator: d?.voteA ? toHex(d.voteA.validatorAddress) : undefined, height: evidenceHeight(ev).toString() },
      "new duplicate vote evidence",
    );
    for (const l of this.listeners) l(ev);
  }

  /** verify (evidence/verify.go): time of its block, not expired, valid against that height's validators. */
  async verify(ev: Evidence): Promise<void> {
    const state = this.state;
    if (!state) throw new EvidenceError("evidence pool has no state yet");
    const d = ev.duplicateVoteEvidence;
    if (!d) throw new EvidenceError("only duplicate vote evidence is supported");
    const height = evidenceHeight(ev);
    if (height > state.lastBlockHeight || height < state.initialHeight)
      throw new EvidenceError(`evidence from height ${height} is not below the last block ${state.lastBlockHeight}`);
    const blockTime = await this.blockTime(height, state);
    if (!blockTime) throw new EvidenceError(`don't have header #${height}`);
    if (!tsEqual(evidenceTime(ev), blockTime))
      throw new EvidenceError("evidence has a different time to the block it is associated with");
    if (this.isExpired(height, blockTime, state)) throw new EvidenceError(`evidence from height ${height} is too old`);
    const valSet = await this.validatorsAt(height, state);
    if (!valSet) throw new EvidenceError(`no validator set for height ${height}`);
    verifyDuplicateVote(d, state.chainId, valSet);
  }

  /** Expired when older than both max_age_num_blocks and max_age_duration. */
  private isExpired(height: bigint, time: Timestamp, state: State): boolean {
    const p = state.consensusParams.evidence;
    const maxBlocks = p?.maxAgeNumBlocks ?? 100_000n;
    const d = p?.maxAgeDuration;
    const maxNanos = d ? d.seconds * 1_000_000_000n + BigInt(d.nanos) : 172_800_000_000_000n;
    const ageBlocks = state.lastBlockHeight - height;
    const ageNanos = tsNanos(state.lastBlockTime) - tsNanos(time);
    return ageNanos > maxNanos && ageBlocks > maxBlocks;
  }

  private async blockTime(height: bigint, state: State): Promise<Timestamp | undefined> {
    if (height === state.lastBlockHeight) return state.lastBlockTime;
    const meta = await this.deps.blockStore.loadBlockMeta(Number(height));
    return meta?.header?.time;
  }

  private async validatorsAt(height: bigint, state: State): Promise<ValidatorSet | undefined> {
    if (height === state.lastBlockHeight) return state.lastValidators;
    return this.deps.stateStore.loadValidators(height);
  }

  /**
   * CheckEvidence for a proposed block against `state` (the state the block builds on): every piece is
   * pending already or verifies, none is committed, none repeats. Throws EvidenceError.
   */
  async checkEvidence(list: readonly Evidence[], state: State): Promise<void> {
    await this.load();
    const saved = this.state;
    this.state = state;
    try {
      const seen = new Set<string>();
      for (const ev of list) {
        validateEvidenceBasic(ev);
        const key = toHex(evidenceHashOf(ev));
        if (seen.has(key)) throw new EvidenceError("duplicate evidence in block");
        seen.add(key);
        if (this.isPending(ev)) continue;
        if (await this.isCommitted(ev)) throw new EvidenceError("evidence was already committed");
        await this.verify(ev);
        await this.addPending(ev);
      }
    } finally {
      this.state = saved ?? state;
    }
  }

  /**
   * Update after block `state.lastBlockHeight` committed `committed`: marks it committed, drops it and
   * expired evidence from the pending list, and turns buffered conflicting votes into evidence.
   */
  async update(state: State, committed: readonly Evidence[]): Promise<void> {
    await this.load();
    this.state = state;
    const puts: { type: "put"; key: Uint8Array; value: Uint8Array }[] = [];
    const committedHashes = new Set<string>();
    for (const ev of committed) {
      const h = evidenceHashOf(ev);
      committedHashes.add(toHex(h));
      puts.push({
        type: "put",
        key: committedKey(evidenceHeight(ev), h),
        value: enc(state.lastBlockHeight.toString()),
      });
    }
    const before = this.pending.length;
    const kept: PendingEntry[] = [];
    for (const p of this.pending) {
      if (committedHashes.has(toHex(p.hash))) continue;
      const t = evidenceTime(p.ev);
      if (t && this.isExpired(p.height, t, state)) continue;
      kept.push(p);
    }
    this.pending = kept;
    if (puts.length > 0 || kept.length !== before) await this.savePending(puts);
    await this.processBuffer(state);
  }

  private async processBuffer(state: State): Promise<void> {
    const buf = this.buffer;
    this.buffer = [];
    for (const { voteA, voteB } of buf) {
      const h = voteA.height;
      if (h > state.lastBlockHeight) {
        this.buffer.push({ voteA, voteB }); // its block is not committed yet
        continue;
      }
      try {
        const time = await this.blockTime(h, state);
        const vals = await this.validatorsAt(h, state);
        if (!time || !vals) continue;
        const ev = newDuplicateVoteEvidence(voteA, voteB, time, vals);
        if (this.isPending(ev) || (await this.isCommitted(ev))) continue;
        if (this.isExpired(h, time, state)) continue;
        await this.addPending(ev);
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, "could not make evidence from conflicting votes");
      }
    }
  }
}
