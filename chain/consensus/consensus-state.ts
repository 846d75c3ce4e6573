// The Tendermint consensus algorithm (Buchman, Kwon, Milosevic, arXiv:1807.04938) as CometBFT v0.38's
// consensus/state.go runs it: NewHeight → Propose → Prevote → Precommit → Commit, with lockedValue /
// lockedRound / validValue / validRound, timeouts growing per round, and rounds advancing on timeouts
// or on +2/3 of any votes from a later round. All inputs (peer messages, own messages, timeouts) go
// through one sequential queue, so each step handler sees a consistent round state.

import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { ResponseVerifyVoteExtension_VerifyStatus } from "cosmjs-types/tendermint/abci/types";
import { Block } from "cosmjs-types/tendermint/types/block";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import {
  type BlockID,
  type ExtendedCommit,
  type Proposal,
  SignedMsgType,
  type Vote,
} from "cosmjs-types/tendermint/types/types";
import type { Logger } from "pino";
import type { Application } from "../abci/application.ts";
import type { EventBus } from "../events/event-bus.ts";
import { bytesEqual } from "../types/bytes.ts";
import { proposalSignBytes } from "../types/vote.ts";
import { BlockExecutor, blockIdOf } from "./block-executor.ts";
import { ed25519Verify, toHex } from "./crypto.ts";
import type { BlockStoreLike, MempoolLike, TxIndexerLike } from "./deps.ts";
import { EvidencePool, evidenceToMisbehavior } from "./evidence-pool.ts";
import type { PrivValidator } from "./privval.ts";
import { nextHeight, type State, type StateStore, voteExtensionsEnabled } from "./state.ts";
import type { ConsensusMessage, Transport } from "./transport.ts";
import type { ValidatorSet } from "./validator-set.ts";
import {
  blockIdEqual,
  blockIdKey,
  HeightVoteSet,
  isNilBlockId,
  NIL_BLOCK_ID,
  type VoteSet,
  verifyVoteSignatures,
} from "./vote-set.ts";
import type { Wal, WalMessage } from "./wal.ts";

/** The messages of a height's rounds (evidence is not one: it goes to the evidence pool). */
type RoundMessage = Exclude<ConsensusMessage, { type: "evidence" }>;

export enum RoundStep {
  NewHeight = 1,
  NewRound = 2,
  Propose = 3,
  Prevote = 4,
  PrevoteWait = 5,
  Precommit = 6,
  PrecommitWait = 7,
  Commit = 8,
}

export interface ConsensusTimeouts {
  proposeMs: number;
  proposeDeltaMs: number;
  prevoteMs: number;
  prevoteDeltaMs: number;
  precommitMs: number;
  precommitDeltaMs: number;
  commitMs: number;
}

export const DEFAULT_TIMEOUTS: ConsensusTimeouts = {
  proposeMs: 1000,
  proposeDeltaMs: 500,
  prevoteMs: 500,
  prevoteDeltaMs: 500,
  precommitMs: 500,
  precommitDeltaMs: 500,
  commitMs: 500,
};

export interface ConsensusOptions {
  chainId: string;
  timeouts?: Partial<ConsensusTimeouts>;
  /** Start the next height as soon as all precommits are in, not after timeoutCommit. */
  skipTimeoutCommit?: boolean;
  /** false: wait for a tx before proposing (except blocks that must record an app hash change). Default true. */
  createEmptyBlocks?: boolean;
  /** Wall clock for block/vote times (tests inject one); never used in state-machine decisions. */
  now?: () => Timestamp;
  /** How far ahead of the local clock a proposed block's time may be (default 60 s). */
  maxBlockTimeDriftMs?: number;
  /** Messages kept for a later round/height until the engine gets there. */
  maxPendingMessages?: number;
}

/**
 * Extension points around the engine: its own votes and its commits, for behaviour an embedder adds
 * without changing the engine (the node passes none in production; test/support/double-signer.ts
 * builds a byzantine validator on them). A hook that throws is logged and does not stop consensus.
 */
export interface ConsensusHooks {
  /**
   * After one of this validator's own votes was signed and sent (live, never during WAL replay).
   * `send` broadcasts another vote to the peers (not handled by this engine, not in its WAL).
   */
  onOwnVote?(vote: Vote, send: (vote: Vote) => void): void;
  /** After each block this engine committed. */
  onCommit?(e: CommitInfoEvent): void;
}

export interface ConsensusDeps {
  app: Application;
  blockStore: BlockStoreLike;
  mempool: MempoolLike;
  stateStore: StateStore;
  privValidator?: PrivValidator;
  wal: Wal;
  eventBus?: EventBus;
  txIndexer?: TxIndexerLike;
  logger: Logger;
  transport: Transport;
  /** Default: a pool persisted in `stateStore`'s database. */
  evidencePool?: EvidencePool;
  /** none: the engine alone */
  hooks?: ConsensusHooks;
}

interface TimeoutInfo {
  height: bigint;
  round: number;
  step: RoundStep;
}

export interface CommitInfoEvent {
  height: bigint;
  block: Block;
  blockId: BlockID;
  state: State;
}

const wallNow = (): Timestamp => {
  const ms = BigInt(Date.now());
  return { seconds: ms / 1000n, nanos: Number(ms % 1000n) * 1_000_000 };
};

const addMs = (t: Timestamp, ms: number): Timestamp => {
  const total = t.seconds * 1000n + BigInt(Math.floor(t.nanos / 1e6)) + BigInt(ms);
  return { seconds: total / 1000n, nanos: Number(total % 1000n) * 1_000_000 };
};
const tsMs = (t: Timestamp): number => Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);

export class ConsensusState {
  readonly executor: BlockExecutor;
  readonly evidencePool: EvidencePool;
  private readonly timeouts: ConsensusTimeouts;
  private readonly log: Logger;
  private readonly now: () => Timestamp;

  // Round state (cometbft RoundState).
  private state!: State;
  height = 0n;
  round = 0;
  step: RoundStep = RoundStep.NewHeight;
  private startTimeMs = 0;
  private commitTimeMs = 0;
  validators!: ValidatorSet;
  proposal: Proposal | undefined;
  proposalBlock: Block | undefined;
  private proposalBlockId: BlockID | undefined;
  lockedRound = -1;
  lockedBlock: Block | undefined;
  private lockedBlockId: BlockID | undefined;
  validRound = -1;
  validBlock: Block | undefined;
  private validBlockId: BlockID | undefined;
  votes!: HeightVoteSet;
  commitRound = -1;
  private lastCommitVotes: VoteSet | undefined;
  private lastCommitExt: ExtendedCommit | undefined;
  private triggeredTimeoutPrecommit = false;

  /** Blocks received for the current height, by block id (a block may arrive before its proposal). */
  private blocks = new Map<string, { block: Block; blockId: BlockID }>();
  private processProposalCache = new Map<string, boolean>();
  private verifiedExtensions = new Set<string>();
  private pending: RoundMessage[] = [];
  /** Conflicting votes seen (the evidence pool turns them into evidence; the first 1000 are kept here for inspection). */
  readonly conflicts: { voteA: Vote; voteB: Vote }[] = [];

  private tasks: (() => Promise<void>)[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private scheduled: TimeoutInfo | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = true;
  private replaying = false;
  halted: Error | undefined;
  private commitListeners: ((e: CommitInfoEvent) => void)[] = [];
  private unsubscribeTxs: (() => void) | undefined;
  private unsubscribeEvidence: (() => void) | undefined;
  /** The app hash in the last block's header (to tell whether the next block must be made without txs). */
  private lastBlockAppHash: Uint8Array | undefined;

  constructor(
    readonly options: ConsensusOptions,
    private readonly deps: ConsensusDeps,
  ) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.log = deps.logger.child({ module: "consensus" });
    this.now = options.now ?? wallNow;
    this.evidencePool =
      deps.evidencePool ??
      new EvidencePool(
        { chainId: options.chainId },
        { db: deps.stateStore.raw, stateStore: deps.stateStore, blockStore: deps.blockStore, logger: this.log },
      );
    this.executor = new BlockExecutor(
      { chainId: options.chainId },
      {
        app: deps.app,
        blockStore: deps.blockStore,
        mempool: deps.mempool,
        stateStore: deps.stateStore,
        eventBus: deps.eventBus,
        txIndexer: deps.txIndexer,
        logger: this.log,
        evidencePool: this.evidencePool,
      },
    );
  }

  /** Starts at the height after `state` (or the stored state), replaying the WAL of that height. */
  async start(state?: State): Promise<void> {
    const s = state ?? (await this.deps.stateStore.load());
    if (!s) throw new Error("consensus: no state to start from (run the handshake first)");
    this.stopped = false;
    await this.evidencePool.setState(s);
    // A crash between saving the state and the pool's update would leave the last block's evidence pending.
    if (s.lastBlockHeight > 0n) {
      const last = await this.deps.blockStore.loadBlock(Number(s.lastBlockHeight));
      const ev = last?.evidence?.evidence ?? [];
      if (ev.length > 0) await this.evidencePool.update(s, ev);
    }
    this.unsubscribeEvidence = this.evidencePool.onNewEvidence((evidence) => {
      if (!this.stopped) this.deps.transport.broadcast({ type: "evidence", evidence });
    });
    await this.updateToState(s);
    await this.reconstructLastCommit(s);
    this.unsubscribe = this.deps.transport.onMessage((msg) => this.receive(msg));
    this.unsubscribeTxs = this.deps.mempool.onTxAvailable?.(() => {
      if (!this.stopped) this.enqueue(() => this.handleTxsAvailable());
    });
    this.enqueue(() => this.catchupReplay());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribeTxs?.();
    this.unsubscribeEvidence?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.idle();
    await this.executor.flush(); // the last block's indexing and events
  }

  /** Resolves when the queue has no work left. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  onCommit(fn: (e: CommitInfoEvent) => void): () => void {
    this.commitListeners.push(fn);
    return () => {
      this.commitListeners = this.commitListeners.filter((f) => f !== fn);
    };
  }

  getState(): State {
    return this.state;
  }

  /** A read-only summary of the round state (for RPC `consensus_state` / `dump_consensus_state`). */
  roundState(): {
    height: bigint;
    round: number;
    step: RoundStep;
    startTimeMs: number;
    proposer: Uint8Array | undefined;
    lockedRound: number;
    validRound: number;
    proposalBlockHash: Uint8Array | undefined;
    votes: { round: number; prevotesPower: bigint; precommitsPower: bigint }[];
  } {
    const votes = [];
    for (let r = 0; r <= this.round; r++) {
      votes.push({
        round: r,
        prevotesPower: this.votes.prevotes(r).votedPower(),
        precommitsPower: this.votes.precommits(r).votedPower(),
      });
    }
    return {
      height: this.height,
      round: this.round,
      step: this.step,
      startTimeMs: this.startTimeMs,
      proposer: this.validators.isEmpty() ? undefined : this.validators.getProposer().address,
      lockedRound: this.lockedRound,
      validRound: this.validRound,
      proposalBlockHash: this.proposalBlockId?.hash,
      votes,
    };
  }

  /** A peer message; invalid ones are logged and dropped. */
  receive(msg: ConsensusMessage): void {
    if (this.stopped) return;
    if (msg.type === "evidence") {
      // Evidence goes to the evidence pool, not the round state (nor the WAL).
      const evidence = msg.evidence;
      this.enqueue(async () => {
        try {
          await this.evidencePool.addEvidence(evidence);
        } catch (e) {
          this.log.debug({ err: (e as Error).message }, "dropped invalid evidence");
        }
      });
      return;
    }
    this.enqueue(async () => {
      this.deps.wal.write(msg);
      await this.handleMessage(msg);
    });
  }

  /**
   * Evidence from the RPC (`broadcast_evidence`) or a p2p layer that wants the verdict: verified in the
   * engine's queue; resolves true when new (then gossiped), false when already known; rejects when invalid.
   */
  submitEvidence(evidence: Evidence): Promise<boolean> {
    if (this.stopped) return Promise.reject(new Error("consensus is not running"));
    return new Promise((resolve, reject) => {
      this.enqueue(() => this.evidencePool.addEvidence(evidence).then(resolve, reject));
    });
  }

  // ---- queue ----

  private enqueue(task: () => Promise<void>): void {
    this.tasks.push(task);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.tasks.length > 0 && !this.halted && !this.stopped) {
      const t = this.tasks.shift() as () => Promise<void>;
      try {
        await t();
      } catch (e) {
        this.log.error({ err: e }, "consensus step failed");
      }
      // Let timers and I/O run between steps (the queue could otherwise starve the event loop).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.tasks = [];
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private halt(err: Error): void {
    this.log.error({ err }, "consensus halted");
    this.halted = err;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  // ---- own messages: WAL (fsynced) first, then handled and broadcast ----

  /** `local`: the same message as this engine handles it (may carry in-memory extras). */
  private sendInternal(msg: RoundMessage, local: RoundMessage = msg): void {
    this.deps.wal.writeSync(msg);
    this.deps.transport.broadcast(msg);
    this.enqueue(() => this.handleMessage(local));
  }

  // ---- timeouts (cometbft timeoutTicker: only the latest HRS timeout is pending) ----

  private scheduleTimeout(ms: number, height: bigint, round: number, step: RoundStep): void {
    const ti = { height, round, step };
    const cur = this.scheduled;
    if (
      cur &&
      (height < cur.height ||
        (height === cur.height && (round < cur.round || (round === cur.round && step < cur.step))))
    )
      return;
    if (this.timer) clearTimeout(this.timer);
    this.scheduled = ti;
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.scheduled = undefined;
        if (this.stopped) return;
        this.enqueue(async () => {
          this.deps.wal.write({ type: "timeout", height, round, step });
          await this.handleTimeout(ti);
        });
      },
      Math.max(0, ms),
    );
  }

  private async handleTimeout(ti: TimeoutInfo): Promise<void> {
    if (ti.height !== this.height || ti.round < this.round || (ti.round === this.round && ti.step < this.step)) return;
    switch (ti.step) {
      case RoundStep.NewHeight:
        await this.enterNewRound(ti.height, 0);
        break;
      case RoundStep.NewRound:
        await this.enterPropose(ti.height, 0);
        break;
      case RoundStep.Propose:
        await this.enterPrevote(ti.height, ti.round);
        break;
      case RoundStep.PrevoteWait:
        await this.enterPrecommit(ti.height, ti.round);
        break;
      case RoundStep.PrecommitWait:
        await this.enterPrecommit(ti.height, ti.round);
        await this.enterNewRound(ti.height, ti.round + 1);
        break;
    }
  }

  // ---- height setup ----

  private async updateToState(state: State): Promise<void> {
    this.state = state;
    this.height = nextHeight(state);
    this.round = 0;
    this.step = RoundStep.NewHeight;
    const nowMs = tsMs(this.now());
    this.startTimeMs = (this.commitTimeMs || nowMs) + this.timeouts.commitMs;
    this.validators = state.validators.copy();
    this.proposal = undefined;
    this.proposalBlock = undefined;
    this.proposalBlockId = undefined;
    this.lockedRound = -1;
    this.lockedBlock = undefined;
    this.lockedBlockId = undefined;
    this.validRound = -1;
    this.validBlock = undefined;
    this.validBlockId = undefined;
    this.commitRound = -1;
    this.triggeredTimeoutPrecommit = false;
    this.blocks = new Map();
    this.processProposalCache = new Map();
    this.verifiedExtensions = new Set();
    this.votes = new HeightVoteSet(
      state.chainId,
      this.height,
      state.validators,
      voteExtensionsEnabled(state.consensusParams, this.height),
    );
    this.scheduled = undefined;
    this.scheduleTimeout(this.startTimeMs - nowMs, this.height, 0, RoundStep.NewHeight);
  }

  /** After a restart: the commit for the previous height comes from the block store. */
  private async reconstructLastCommit(state: State): Promise<void> {
    if (state.lastBlockHeight === 0n) return;
    const h = Number(state.lastBlockHeight);
    this.lastBlockAppHash = (await this.deps.blockStore.loadBlockMeta(h))?.header?.appHash;
    const ext = await this.deps.blockStore.loadExtendedCommit(h);
    if (ext) {
      this.lastCommitExt = ext;
      return;
    }
    const seen = await this.deps.blockStore.loadSeenCommit(h);
    if (!seen) throw new Error(`consensus: no seen commit for height ${h}`);
    if (voteExtensionsEnabled(state.consensusParams, state.lastBlockHeight))
      this.log.error(
        { height: h },
        "vote extensions are enabled but no extended commit is stored: the next proposal carries none",
      );
    this.lastCommitExt = {
      height: seen.height,
      round: seen.round,
      blockId: seen.blockId,
      extendedSignatures: seen.signatures.map((s) => ({
        ...s,
        extension: new Uint8Array(),
        extensionSignature: new Uint8Array(),
      })),
    };
  }

  private async catchupReplay(): Promise<void> {
    let msgs = this.deps.wal.searchForEndHeight(this.height);
    if (!msgs) {
      // A fresh log (or one rotated away): mark the start so the next restart finds its place.
      this.deps.wal.writeSync({ type: "endHeight", height: this.height - 1n });
      msgs = [];
    }
    if (msgs.length === 0) return;
    this.log.info({ height: this.height.toString(), messages: msgs.length }, "replaying consensus WAL");
    this.replaying = true;
    try {
      for (const m of msgs) await this.replayOne(m);
    } finally {
      this.replaying = false;
    }
  }

  private async replayOne(m: WalMessage): Promise<void> {
    switch (m.type) {
      case "timeout":
        await this.handleTimeout({ height: m.height, round: m.round, step: m.step });
        return;
      case "endHeight":
        return;
      case "proposal":
      case "vote":
      case "block":
        await this.handleMessage(m);
        return;
    }
  }

  // ---- message handling ----

  private async handleMessage(msg: RoundMessage): Promise<void> {
    if (this.halted) return;
    try {
      switch (msg.type) {
        case "proposal":
          await this.setProposal(msg.proposal, msg);
          break;
        case "block":
          await this.addBlock(msg);
          break;
        case "vote":
          await this.tryAddVote(msg.vote, msg);
          break;
      }
    } catch (e) {
      this.log.debug({ err: (e as Error).message, type: msg.type }, "dropped consensus message");
    }
  }

  private keepForLater(msg: RoundMessage): void {
    const max = this.options.maxPendingMessages ?? 10_000;
    if (this.pending.length < max) this.pending.push(msg);
  }

  /** Re-feeds kept messages that may now apply (after a new height or round). */
  private replayPending(): void {
    if (this.pending.length === 0) return;
    const msgs = this.pending;
    this.pending = [];
    for (const m of msgs) {
      const h = m.type === "vote" ? m.vote.height : m.type === "proposal" ? m.proposal.height : m.height;
      if (h < this.height) continue;
      this.enqueue(() => this.handleMessage(m));
    }
  }

  private async setProposal(p: Proposal, msg: RoundMessage): Promise<void> {
    if (p.height > this.height || (p.height === this.height && p.round > this.round)) {
      if (p.height <= this.height + 1n) this.keepForLater(msg);
      return;
    }
    if (this.proposal || p.height !== this.height || p.round !== this.round) return;
    if (p.type !== SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL) throw new Error("not a proposal");
    if (p.polRound < -1 || (p.polRound >= 0 && p.polRound >= p.round)) throw new Error("invalid proposal POL round");
    if (isNilBlockId(p.blockId)) throw new Error("proposal for a nil block");
    const proposer = this.validators.getProposer();
    if (!ed25519Verify(proposer.pubKey, proposalSignBytes(this.state.chainId, p), p.signature))
      throw new Error("invalid proposal signature");
    this.proposal = p;
    if (!this.proposalBlock || !blockIdEqual(this.proposalBlockId, p.blockId)) {
      this.proposalBlock = undefined;
      this.proposalBlockId = p.blockId;
    }
    this.log.debug({ height: p.height.toString(), round: p.round, polRound: p.polRound }, "received proposal");
    await this.tryCompleteProposalBlock();
  }

  private async addBlock(msg: Extract<RoundMessage, { type: "block" }>): Promise<void> {
    if (msg.height > this.height) {
      if (msg.height === this.height + 1n) this.keepForLater(msg);
      return;
    }
    if (msg.height !== this.height) return;
    if (this.blocks.size >= 64) return;
    const block = msg.own?.block ?? Block.decode(msg.block);
    if (!block.header || block.header.height !== this.height) throw new Error("block for another height");
    const blockId = msg.own?.blockId ?? blockIdOf(block).blockId;
    const key = blockIdKey(blockId);
    if (this.blocks.has(key)) return;
    this.blocks.set(key, { block, blockId });
    await this.tryCompleteProposalBlock();
  }

  /** If the block we wait for (proposal's or a polka's) has arrived, take it and move on. */
  private async tryCompleteProposalBlock(): Promise<void> {
    if (this.proposalBlock || !this.proposalBlockId) return;
    const got = this.blocks.get(blockIdKey(this.proposalBlockId));
    if (!got) return;
    this.proposalBlock = got.block;
    await this.handleCompleteProposal();
  }

  private async handleCompleteProposal(): Promise<void> {
    const height = this.height;
    const prevotes = this.votes.prevotes(this.round);
    const maj = prevotes.twoThirdsMajority();
    if (maj && !isNilBlockId(maj) && this.validRound < this.round && blockIdEqual(this.proposalBlockId, maj)) {
      this.validRound = this.round;
      this.validBlock = this.proposalBlock;
      this.validBlockId = this.proposalBlockId;
    }
    if (this.step <= RoundStep.Propose && this.isProposalComplete()) {
      await this.enterPrevote(height, this.round);
      if (maj) await this.enterPrecommit(height, this.round);
    } else if (this.step === RoundStep.Commit) {
      await this.tryFinalizeCommit(height);
    }
  }

  private isProposalComplete(): boolean {
    if (!this.proposal || !this.proposalBlock) return false;
    if (this.proposal.polRound < 0) return true;
    return this.votes.prevotes(this.proposal.polRound).hasTwoThirdsMajority();
  }

  private async tryAddVote(vote: Vote, msg: RoundMessage): Promise<void> {
    // A late precommit for the previous height goes to the last commit.
    if (vote.height + 1n === this.height && vote.type === SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT) {
      if (!this.lastCommitVotes || this.step !== RoundStep.NewHeight || vote.round !== this.lastCommitVotes.round)
        return;
      const { added, conflict } = this.lastCommitVotes.addVote(vote);
      if (conflict) this.evidencePool.reportConflictingVotes(conflict.voteA, conflict.voteB);
      if (added && this.options.skipTimeoutCommit && this.lastCommitVotes.hasAll())
        await this.enterNewRound(this.height, 0);
      return;
    }
    if (vote.height > this.height) {
      if (vote.height === this.height + 1n) this.keepForLater(msg);
      return;
    }
    if (vote.height !== this.height) return;
    if (vote.round > this.round + 1000) return; // bound memory against far-future rounds
    const val = this.validators.getByIndex(vote.validatorIndex);
    if (!val || !bytesEqual(val.address, vote.validatorAddress)) throw new Error("vote from an unknown validator");
    const extEnabled = this.votes.extensionsEnabled;
    const isOwn = this.deps.privValidator ? bytesEqual(this.deps.privValidator.address, vote.validatorAddress) : false;
    if (extEnabled && vote.type === SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT && !isNilBlockId(vote.blockId) && !isOwn) {
      verifyVoteSignatures(this.state.chainId, vote, val.pubKey, true);
      const key = `${toHex(vote.validatorAddress)}:${vote.round}:${blockIdKey(vote.blockId)}`;
      if (!this.verifiedExtensions.has(key)) {
        const r = await this.deps.app.verifyVoteExtension({
          hash: vote.blockId.hash,
          validatorAddress: vote.validatorAddress,
          height: vote.height,
          voteExtension: vote.extension,
        });
        if (r.status !== ResponseVerifyVoteExtension_VerifyStatus.ACCEPT)
          throw new Error("vote extension rejected by the app");
        this.verifiedExtensions.add(key);
      }
    }
    const { added, conflict } = this.votes.addVote(vote);
    if (conflict) {
      if (this.conflicts.length < 1000) this.conflicts.push(conflict);
      this.evidencePool.reportConflictingVotes(conflict.voteA, conflict.voteB);
      this.log.warn(
        { validator: toHex(vote.validatorAddress), height: vote.height.toString(), round: vote.round },
        "conflicting votes",
      );
    }
    if (!added) return;
    if (vote.type === SignedMsgType.SIGNED_MSG_TYPE_PREVOTE) await this.onPrevote(vote);
    else await this.onPrecommit(vote);
  }

  private async onPrevote(vote: Vote): Promise<void> {
    const height = this.height;
    const prevotes = this.votes.prevotes(vote.round);
    const maj = prevotes.twoThirdsMajority();
    if (maj && !isNilBlockId(maj)) {
      // A polka in the current round updates the valid block (paper lines 36-43).
      if (this.validRound < vote.round && vote.round === this.round) {
        if (this.proposalBlock && blockIdEqual(this.proposalBlockId, maj)) {
          this.validRound = vote.round;
          this.validBlock = this.proposalBlock;
          this.validBlockId = this.proposalBlockId;
        } else {
          // We lack the block everyone prevoted: wait for it.
          this.proposalBlock = undefined;
          this.proposalBlockId = maj;
          await this.tryCompleteProposalBlock();
        }
      }
    }
    if (this.round < vote.round && prevotes.hasTwoThirdsAny()) {
      await this.enterNewRound(height, vote.round);
    } else if (this.round === vote.round && this.step >= RoundStep.Prevote) {
      const m = prevotes.twoThirdsMajority();
      if (m && (this.isProposalComplete() || isNilBlockId(m))) await this.enterPrecommit(height, vote.round);
      else if (prevotes.hasTwoThirdsAny()) await this.enterPrevoteWait(height, vote.round);
    } else if (this.proposal && this.proposal.polRound >= 0 && this.proposal.polRound === vote.round) {
      if (this.isProposalComplete()) await this.enterPrevote(height, this.round);
    }
  }

  private async onPrecommit(vote: Vote): Promise<void> {
    const height = this.height;
    const precommits = this.votes.precommits(vote.round);
    const maj = precommits.twoThirdsMajority();
    if (maj) {
      await this.enterNewRound(height, vote.round);
      await this.enterPrecommit(height, vote.round);
      if (!isNilBlockId(maj)) {
        await this.enterCommit(height, vote.round);
        if (this.options.skipTimeoutCommit && precommits.hasAll() && this.height > height)
          await this.enterNewRound(this.height, 0);
      } else {
        await this.enterPrecommitWait(height, vote.round);
      }
    } else if (this.round <= vote.round && precommits.hasTwoThirdsAny()) {
      await this.enterNewRound(height, vote.round);
      await this.enterPrecommitWait(height, vote.round);
    }
  }

  // ---- steps ----

  private async enterNewRound(height: bigint, round: number): Promise<void> {
    if (this.height !== height || round < this.round || (this.round === round && this.step !== RoundStep.NewHeight))
      return;
    if (this.round < round) {
      const vals = this.validators.copy();
      vals.incrementProposerPriority(round - this.round);
      this.validators = vals;
    }
    this.log.debug({ height: height.toString(), round }, "enter new round");
    this.round = round;
    this.step = RoundStep.NewRound;
    if (round > 0) {
      // A new round: a new proposal (cometbft keeps the parts header of a polka'd block).
      this.proposal = undefined;
      this.proposalBlock = undefined;
      this.proposalBlockId = undefined;
    }
    this.triggeredTimeoutPrecommit = false;
    this.replayPending();
    // createEmptyBlocks=false: round 0 waits in NewRound for a tx, unless this block must prove an app hash change.
    const waitForTxs = this.options.createEmptyBlocks === false && round === 0 && !this.needProofBlock(height);
    if (waitForTxs && this.deps.mempool.size() === 0) return;
    await this.enterPropose(height, round);
  }

  /** The first block and any block after an app hash change are made even with no txs (cometbft needProofBlock). */
  private needProofBlock(height: bigint): boolean {
    if (height === this.state.initialHeight) return true;
    return !this.lastBlockAppHash || !bytesEqual(this.lastBlockAppHash, this.state.appHash);
  }

  private async handleTxsAvailable(): Promise<void> {
    if (this.round !== 0) return;
    if (this.step === RoundStep.NewRound) await this.enterPropose(this.height, 0);
    // In NewHeight, the NewHeight timeout enters the round and sees the txs.
  }

  private isProposer(): boolean {
    const pv = this.deps.privValidator;
    return !!pv && bytesEqual(this.validators.getProposer().address, pv.address);
  }

  private async enterPropose(height: bigint, round: number): Promise<void> {
    if (this.height !== height || round < this.round || (this.round === round && this.step >= RoundStep.Propose))
      return;
    this.round = round;
    this.step = RoundStep.Propose;
    this.scheduleTimeout(
      this.timeouts.proposeMs + this.timeouts.proposeDeltaMs * round,
      height,
      round,
      RoundStep.Propose,
    );
    // During WAL replay a re-decided block differs from the logged one, so the priv validator refuses
    // it (same height/round/step) and the logged proposal that follows in the WAL is used instead.
    if (this.isProposer()) await this.decideProposal(height, round);
    if (this.isProposalComplete()) await this.enterPrevote(height, this.round);
  }

  private async decideProposal(height: bigint, round: number): Promise<void> {
    const pv = this.deps.privValidator;
    if (!pv) return;
    let block: Block;
    let blockId: BlockID;
    if (this.validBlock && this.validBlockId) {
      block = this.validBlock;
      blockId = this.validBlockId;
    } else {
      const lastExt = this.lastCommitVotes?.hasTwoThirdsMajority()
        ? this.lastCommitVotes.makeExtendedCommit()
        : this.lastCommitExt;
      if (height !== this.state.initialHeight && !lastExt) {
        this.log.error({ height: height.toString() }, "no last commit to propose with");
        return;
      }
      block = await this.executor.createProposalBlock(this.state, height, lastExt, pv.address, this.now());
      blockId = blockIdOf(block).blockId;
    }
    const proposal: Proposal = {
      type: SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL,
      height,
      round,
      polRound: this.validRound,
      blockId,
      timestamp: block.header.time,
      signature: new Uint8Array(),
    };
    try {
      pv.signProposal(this.state.chainId, proposal);
    } catch (e) {
      (this.replaying ? this.log.debug : this.log.error).call(
        this.log,
        { err: (e as Error).message },
        "could not sign proposal",
      );
      return;
    }
    this.log.debug({ height: height.toString(), round, txs: block.data.txs.length }, "proposing block");
    this.sendInternal({ type: "proposal", proposal });
    const blockMsg = { type: "block", height, round, block: Block.encode(block).finish() } as const;
    this.sendInternal(blockMsg, { ...blockMsg, own: { block, blockId } });
  }

  private async enterPrevote(height: bigint, round: number): Promise<void> {
    if (this.height !== height || round < this.round || (this.round === round && this.step >= RoundStep.Prevote))
      return;
    this.round = round;
    this.step = RoundStep.Prevote;
    await this.doPrevote(round);
  }

  /** Whether the proposal block is valid for us and the app accepts it (cached per block). */
  private async proposalAcceptable(): Promise<boolean> {
    const block = this.proposalBlock;
    const blockId = this.proposalBlockId;
    if (!block || !blockId) return false;
    const key = blockIdKey(blockId);
    const cached = this.processProposalCache.get(key);
    if (cached !== undefined) return cached;
    let ok = false;
    try {
      this.executor.validateBlock(this.state, block);
      await this.executor.validateBlockEvidence(this.state, block);
      // Block times come from the proposer's clock: refuse (prevote nil) one far ahead of ours.
      const drift = this.options.maxBlockTimeDriftMs ?? 60_000;
      if (tsMs(block.header.time) > tsMs(this.now()) + drift) throw new Error("block time is too far in the future");
      ok = await this.executor.processProposal(this.state, block, blockId);
      if (!ok) this.log.warn({ height: this.height.toString() }, "app rejected the proposal");
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, "invalid proposal block");
    }
    this.processProposalCache.set(key, ok);
    return ok;
  }

  /** Paper lines 22-33 (cometbft v0.38 defaultDoPrevote). */
  private async doPrevote(round: number): Promise<void> {
    const prevoteNil = () => this.signAddVote(SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, NIL_BLOCK_ID);
    const p = this.proposal;
    if (!p || !this.proposalBlock || !this.proposalBlockId) return prevoteNil();
    const blockId = this.proposalBlockId;
    const prevoteBlock = () => this.signAddVote(SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, blockId);
    if (p.polRound === -1) {
      if (this.lockedRound === -1) return (await this.proposalAcceptable()) ? prevoteBlock() : prevoteNil();
      if (blockIdEqual(this.lockedBlockId, blockId)) return prevoteBlock();
    }
    const polka = p.polRound >= 0 ? this.votes.prevotes(p.polRound).twoThirdsMajority() : undefined;
    if (polka && !isNilBlockId(polka) && blockIdEqual(polka, blockId) && p.polRound < round) {
      if (this.lockedRound <= p.polRound) return (await this.proposalAcceptable()) ? prevoteBlock() : prevoteNil();
      if (blockIdEqual(this.lockedBlockId, blockId)) return prevoteBlock();
    }
    return prevoteNil();
  }

  private async enterPrevoteWait(height: bigint, round: number): Promise<void> {
    if (this.height !== height || round < this.round || (this.round === round && this.step >= RoundStep.PrevoteWait))
      return;
    if (!this.votes.prevotes(round).hasTwoThirdsAny()) return;
    this.round = round;
    this.step = RoundStep.PrevoteWait;
    this.scheduleTimeout(
      this.timeouts.prevoteMs + this.timeouts.prevoteDeltaMs * round,
      height,
      round,
      RoundStep.PrevoteWait,
    );
  }

  /** Paper lines 34-35 and 36-43: lock on a polka'd block and precommit it, else precommit nil. */
  private async enterPrecommit(height: bigint, round: number): Promise<void> {
    if (this.height !== height || round < this.round || (this.round === round && this.step >= RoundStep.Precommit))
      return;
    this.round = round;
    this.step = RoundStep.Precommit;
    const maj = this.votes.prevotes(round).twoThirdsMajority();
    if (!maj || isNilBlockId(maj)) return this.signAddVote(SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, NIL_BLOCK_ID);
    if (this.lockedBlock && blockIdEqual(this.lockedBlockId, maj)) {
      this.lockedRound = round;
      return this.signAddVote(SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, maj, this.lockedBlock);
    }
    if (this.proposalBlock && blockIdEqual(this.proposalBlockId, maj)) {
      try {
        this.executor.validateBlock(this.state, this.proposalBlock);
      } catch (e) {
        this.log.error({ err: (e as Error).message }, "+2/3 prevoted an invalid block; precommitting nil");
        return this.signAddVote(SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, NIL_BLOCK_ID);
      }
      this.lockedRound = round;
      this.lockedBlock = this.proposalBlock;
      this.lockedBlockId = this.proposalBlockId;
      return this.signAddVote(SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, maj, this.proposalBlock);
    }
    // A polka for a block we do not have: fetch it, precommit nil.
    this.proposalBlock = undefined;
    this.proposalBlockId = maj;
    await this.signAddVote(SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, NIL_BLOCK_ID);
    await this.tryCompleteProposalBlock();
  }

  private async enterPrecommitWait(height: bigint, round: number): Promise<void> {
    if (this.height !== height || round < this.round || (this.round === round && this.triggeredTimeoutPrecommit))
      return;
    if (!this.votes.precommits(round).hasTwoThirdsAny()) return;
    this.round = round;
    this.step = RoundStep.PrecommitWait;
    this.triggeredTimeoutPrecommit = true;
    this.scheduleTimeout(
      this.timeouts.precommitMs + this.timeouts.precommitDeltaMs * round,
      height,
      round,
      RoundStep.PrecommitWait,
    );
  }

  private async enterCommit(height: bigint, commitRound: number): Promise<void> {
    if (this.height !== height || this.step >= RoundStep.Commit) return;
    const maj = this.votes.precommits(commitRound).twoThirdsMajority();
    if (!maj || isNilBlockId(maj)) return;
    this.step = RoundStep.Commit;
    this.commitRound = commitRound;
    this.commitTimeMs = tsMs(this.now());
    if (this.lockedBlock && blockIdEqual(this.lockedBlockId, maj)) {
      this.proposalBlock = this.lockedBlock;
      this.proposalBlockId = this.lockedBlockId;
    }
    if (!this.proposalBlock || !blockIdEqual(this.proposalBlockId, maj)) {
      this.proposalBlock = undefined;
      this.proposalBlockId = maj;
      const got = this.blocks.get(blockIdKey(maj));
      if (got) this.proposalBlock = got.block;
    }
    await this.tryFinalizeCommit(height);
  }

  private async tryFinalizeCommit(height: bigint): Promise<void> {
    if (this.height !== height || this.step !== RoundStep.Commit) return;
    const maj = this.votes.precommits(this.commitRound).twoThirdsMajority();
    if (!maj || !this.proposalBlock || !blockIdEqual(this.proposalBlockId, maj)) return; // wait for the block
    await this.finalizeCommit(height, maj, this.proposalBlock);
  }

  private async finalizeCommit(height: bigint, blockId: BlockID, block: Block): Promise<void> {
    const precommits = this.votes.precommits(this.commitRound);
    try {
      this.executor.validateBlock(this.state, block);
    } catch (e) {
      return this.halt(new Error(`+2/3 committed an invalid block: ${(e as Error).message}`));
    }
    const ext = precommits.makeExtendedCommit();
    const seen = {
      height: ext.height,
      round: ext.round,
      blockId: ext.blockId,
      signatures: ext.extendedSignatures.map(stripExt),
    };
    if (BigInt(this.deps.blockStore.height()) < height) {
      await this.deps.blockStore.saveBlock(block, blockId, seen, this.votes.extensionsEnabled ? ext : undefined);
    }
    // From here on a restart must not re-run this height's rounds.
    this.deps.wal.writeSync({ type: "endHeight", height });
    let newState: State;
    try {
      newState = await this.executor.applyBlock(this.state, blockId, block);
    } catch (e) {
      return this.halt(e as Error);
    }
    this.log.info(
      {
        height: height.toString(),
        round: this.commitRound,
        txs: block.data.txs.length,
        appHash: toHex(newState.appHash),
      },
      "committed block",
    );
    this.lastCommitVotes = precommits;
    this.lastCommitExt = ext;
    this.lastBlockAppHash = block.header.appHash;
    await this.updateToState(newState);
    // Evidence still pending a few heights after it was announced is announced again (messages may drop).
    if (newState.lastBlockHeight % 4n === 0n)
      for (const evidence of this.evidencePool.pendingList())
        this.deps.transport.broadcast({ type: "evidence", evidence });
    const event = { height, block, blockId, state: newState };
    this.runHook("onCommit", (h) => h.onCommit?.(event));
    for (const l of this.commitListeners) l(event);
    this.replayPending();
  }

  // ---- signing ----

  private voteTime(): Timestamp {
    const now = this.now();
    const ref = this.lockedBlock?.header.time ?? this.proposalBlock?.header.time;
    if (!ref) return now;
    const min = addMs(ref, 1);
    return tsMs(now) > tsMs(min) ? now : min;
  }

  private async signAddVote(type: SignedMsgType, blockId: BlockID, block?: Block): Promise<void> {
    const pv = this.deps.privValidator;
    if (!pv) return;
    const found = this.validators.getByAddress(pv.address);
    if (!found) return;
    const vote: Vote = {
      type,
      height: this.height,
      round: this.round,
      blockId,
      timestamp: this.voteTime(),
      validatorAddress: pv.address,
      validatorIndex: found.index,
      signature: new Uint8Array(),
      extension: new Uint8Array(),
      extensionSignature: new Uint8Array(),
    };
    const extEnabled =
      this.votes.extensionsEnabled && type === SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT && !isNilBlockId(blockId);
    if (extEnabled && block) {
      const r = await this.deps.app.extendVote({
        hash: blockId.hash,
        height: this.height,
        time: block.header.time,
        txs: block.data.txs,
        proposedLastCommit: this.executor.commitInfo(this.state, block),
        misbehavior: evidenceToMisbehavior(block.evidence?.evidence ?? []),
        nextValidatorsHash: block.header.nextValidatorsHash,
        proposerAddress: block.header.proposerAddress,
      });
      vote.extension = r.voteExtension;
    }
    try {
      pv.signVote(this.state.chainId, vote, extEnabled);
    } catch (e) {
      this.log.error({ err: (e as Error).message }, "could not sign vote");
      return;
    }
    this.sendInternal({ type: "vote", vote });
    if (!this.replaying)
      this.runHook("onOwnVote", (h) =>
        h.onOwnVote?.(vote, (v) => this.deps.transport.broadcast({ type: "vote", vote: v })),
      );
  }

  private runHook(name: keyof ConsensusHooks, call: (hooks: ConsensusHooks) => void): void {
    const hooks = this.deps.hooks;
    if (!hooks?.[name]) return;
    try {
      call(hooks);
    } catch (e) {
      this.log.error({ err: e, hook: name }, "consensus hook failed");
    }
  }
}

function stripExt(s: ExtendedCommit["extendedSignatures"][number]) {
  return {
    blockIdFlag: s.blockIdFlag,
    validatorAddress: s.validatorAddress,
    timestamp: s.timestamp,
    signature: s.signature,
  };
}
