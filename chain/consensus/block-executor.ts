// Builds, validates and applies blocks (cometbft state/execution.go): the only place the engine
// calls the application's PrepareProposal / ProcessProposal / FinalizeBlock / Commit.

import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type {
  CommitInfo,
  ExecTxResult,
  ExtendedCommitInfo,
  ResponseFinalizeBlock,
  ValidatorUpdate,
} from "cosmjs-types/tendermint/abci/types";
import { ResponseProcessProposal_ProposalStatus } from "cosmjs-types/tendermint/abci/types";
import { Block } from "cosmjs-types/tendermint/types/block";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { BlockID, Commit, ExtendedCommit, Header } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import type { Logger } from "pino";
import type { Application } from "../abci/application.ts";
import { type EventBus, flattenEvents } from "../events/event-bus.ts";
import { bytesEqual } from "../types/bytes.ts";
import {
  commitHash,
  consensusParamsHash,
  dataHash,
  evidenceHash,
  headerHash,
  lastResultsHash,
  txHash,
} from "../types/hash.ts";
import { makePartSet } from "../types/part-set.ts";
import { toHex } from "./crypto.ts";
import type { BlockStoreLike, MempoolLike, TxIndexerLike } from "./deps.ts";
import {
  type EvidencePool,
  evidenceHeight,
  evidenceListSize,
  evidenceToMisbehavior,
  validateEvidenceBasic,
} from "./evidence-pool.ts";
import { copyState, nextHeight, type State, type StateStore, voteExtensionsEnabled } from "./state.ts";
import { blockIdEqual, verifyCommit } from "./vote-set.ts";
import "../types/binary-writer.ts";

export const BLOCK_PROTOCOL_VERSION = 11n;
/** CometBFT limits used to size a block's data (types/block.go). */
const MAX_BLOCK_SIZE_BYTES = 104_857_600;
const MAX_HEADER_BYTES = 626;
const MAX_OVERHEAD_FOR_BLOCK = 11;
const MAX_COMMIT_OVERHEAD_BYTES = 94;
const MAX_COMMIT_SIG_BYTES = 109;

export class BlockValidationError extends Error {
  override name = "BlockValidationError";
}

export interface BlockExecutorDeps {
  app: Application;
  blockStore: BlockStoreLike;
  mempool: MempoolLike;
  stateStore: StateStore;
  eventBus?: EventBus;
  txIndexer?: TxIndexerLike;
  logger: Logger;
  /** Pending evidence for proposals, evidence checks of proposed blocks, committed-evidence bookkeeping. */
  evidencePool?: EvidencePool;
}

export function blockIdOf(block: Block): { blockId: BlockID; bytes: Uint8Array } {
  const bytes = Block.encode(block).finish();
  const ps = makePartSet(bytes);
  return { blockId: { hash: headerHash(block.header), partSetHeader: ps.header }, bytes };
}

export const emptyCommit = (): Commit => ({
  height: 0n,
  round: 0,
  blockId: { hash: new Uint8Array(), partSetHeader: { total: 0, hash: new Uint8Array() } },
  signatures: [],
});

/** Block time rule: strictly after the previous block (1 ms later at least); the proposer's clock otherwise. */
export function proposerBlockTime(state: State, now: Timestamp): Timestamp {
  const lastMs = state.lastBlockTime.seconds * 1000n + BigInt(Math.floor(state.lastBlockTime.nanos / 1e6));
  const minMs = state.lastBlockHeight === 0n ? lastMs : lastMs + 1n;
  const nowMs = now.seconds * 1000n + BigInt(Math.floor(now.nanos / 1e6));
  const ms = nowMs > minMs ? nowMs : minMs;
  return { seconds: ms / 1000n, nanos: Number(ms % 1000n) * 1_000_000 };
}

const tsCmp = (a: Timestamp, b: Timestamp): number =>
  a.seconds !== b.seconds ? (a.seconds < b.seconds ? -1 : 1) : a.nanos - b.nanos;

export function maxDataBytes(params: ConsensusParams, numVals: number): number {
  const maxBytes = Number(params.block?.maxBytes ?? -1n);
  const limit = maxBytes <= 0 ? MAX_BLOCK_SIZE_BYTES : maxBytes;
  return limit - MAX_OVERHEAD_FOR_BLOCK - MAX_HEADER_BYTES - MAX_COMMIT_OVERHEAD_BYTES - MAX_COMMIT_SIG_BYTES * numVals;
}

export class BlockExecutor {
  /** indexing + event publication of the last applied block, running behind consensus */
  private publishing: Promise<void> = Promise.resolve();

  constructor(
    readonly options: { chainId: string },
    private readonly deps: BlockExecutorDeps,
  ) {}

  /** Reaps the mempool, lets the app reorder/replace txs (PrepareProposal) and builds the block. */
  async createProposalBlock(
    state: State,
    height: bigint,
    lastExtCommit: ExtendedCommit | undefined,
    proposerAddress: Uint8Array,
    now: Timestamp,
  ): Promise<Block> {
    const params = state.consensusParams;
    const pool = this.deps.evidencePool;
    const { evidence, size: evSize } = pool
      ? await pool.proposalEvidence(params.evidence?.maxBytes ?? 1_048_576n)
      : { evidence: [], size: 0 };
    const maxData = maxDataBytes(params, state.validators.size()) - evSize;
    const maxGas = Number(params.block?.maxGas ?? -1n);
    const txs = this.deps.mempool.reapMaxBytesMaxGas(maxData, maxGas);
    const time = proposerBlockTime(state, now);
    const lastCommit = lastExtCommit ? toCommitNoExt(lastExtCommit) : emptyCommit();
    const rpp = await this.deps.app.prepareProposal({
      maxTxBytes: BigInt(maxData),
      txs,
      localLastCommit: this.extendedCommitInfo(state, height, lastExtCommit),
      misbehavior: evidenceToMisbehavior(evidence),
      height,
      time,
      nextValidatorsHash: state.nextValidators.hash(),
      proposerAddress,
    });
    let total = 0;
    for (const tx of rpp.txs) total += tx.length;
    if (total > maxData)
      throw new BlockValidationError(`PrepareProposal returned ${total} tx bytes, over the limit ${maxData}`);
    return this.makeBlock(state, height, rpp.txs, lastCommit, proposerAddress, time, evidence);
  }

  makeBlock(
    state: State,
    height: bigint,
    txs: Uint8Array[],
    lastCommit: Commit,
    proposer: Uint8Array,
    time: Timestamp,
    evidence: Evidence[] = [],
  ): Block {
    const header: Header = {
      version: { block: BLOCK_PROTOCOL_VERSION, app: state.appVersion },
      chainId: state.chainId,
      height,
      time,
      lastBlockId: state.lastBlockId,
      lastCommitHash: commitHash(lastCommit),
      dataHash: dataHash(txs),
      validatorsHash: state.validators.hash(),
      nextValidatorsHash: state.nextValidators.hash(),
      consensusHash: consensusParamsHash(state.consensusParams),
      appHash: state.appHash,
      lastResultsHash: state.lastResultsHash,
      evidenceHash: evidenceHash(evidence),
      proposerAddress: proposer,
    };
    return { header, data: { txs }, evidence: { evidence }, lastCommit };
  }

  /** ValidateBlock: the block follows `state` (hashes, last commit signatures, time, proposer, size). */
  validateBlock(state: State, block: Block): void {
    const h = block.header;
    if (!h) throw new BlockValidationError("block has no header");
    const fail = (msg: string): never => {
      throw new BlockValidationError(`invalid block ${h.height}: ${msg}`);
    };
    if (h.version?.block !== BLOCK_PROTOCOL_VERSION) fail(`block version ${h.version?.block}`);
    if (h.version.app !== state.appVersion) fail(`app version ${h.version.app}, want ${state.appVersion}`);
    if (h.chainId !== state.chainId) fail(`chain id ${h.chainId}`);
    const height = nextHeight(state);
    if (h.height !== height) fail(`height, want ${height}`);
    if (!blockIdEqual(h.lastBlockId, state.lastBlockId)) fail("wrong last_block_id");
    const lastCommit = block.lastCommit ?? emptyCommit();
    if (!bytesEqual(h.lastCommitHash, commitHash(lastCommit))) fail("wrong last_commit_hash");
    if (!bytesEqual(h.dataHash, dataHash(block.data?.txs ?? []))) fail("wrong data_hash");
    if (!bytesEqual(h.appHash, state.appHash)) fail(`wrong app_hash ${toHex(h.appHash)}, want ${toHex(state.appHash)}`);
    if (!bytesEqual(h.lastResultsHash, state.lastResultsHash)) fail("wrong last_results_hash");
    if (!bytesEqual(h.validatorsHash, state.validators.hash())) fail("wrong validators_hash");
    if (!bytesEqual(h.nextValidatorsHash, state.nextValidators.hash())) fail("wrong next_validators_hash");
    if (!bytesEqual(h.consensusHash, consensusParamsHash(state.consensusParams))) fail("wrong consensus_hash");
    if (!bytesEqual(h.evidenceHash, evidenceHash(block.evidence?.evidence ?? []))) fail("wrong evidence_hash");
    const evidence = block.evidence?.evidence ?? [];
    const maxEvBytes = state.consensusParams.evidence?.maxBytes ?? 1_048_576n;
    if (BigInt(evidenceListSize(evidence)) > maxEvBytes) fail("evidence over consensus_params.evidence.max_bytes");
    for (const ev of evidence) {
      try {
        validateEvidenceBasic(ev);
      } catch (e) {
        fail(`evidence: ${(e as Error).message}`);
      }
      if (evidenceHeight(ev) >= height) fail("evidence from a height not below the block");
    }
    if (height === state.initialHeight) {
      if (lastCommit.signatures.length > 0) fail("initial block cannot have a last commit");
      if (!h.time || tsCmp(h.time, state.lastBlockTime) < 0) fail("time before genesis time");
    } else {
      try {
        verifyCommit(state.chainId, state.lastValidators, state.lastBlockId, height - 1n, lastCommit);
      } catch (e) {
        fail(`last commit: ${(e as Error).message}`);
      }
      if (!h.time || tsCmp(h.time, state.lastBlockTime) <= 0) fail("time is not after the last block time");
    }
    if (!state.validators.hasAddress(h.proposerAddress)) fail("proposer is not a validator");
    const maxBytes = Number(state.consensusParams.block?.maxBytes ?? -1n);
    const size = Block.encode(block).finish().length;
    if (size > (maxBytes <= 0 ? MAX_BLOCK_SIZE_BYTES : maxBytes)) fail(`block size ${size} over the limit`);
  }

  /** Evidence bookkeeping for a block committed outside applyBlock (handshake recovery). */
  async recordCommittedEvidence(state: State, block: Block): Promise<void> {
    await this.deps.evidencePool?.update(state, block.evidence?.evidence ?? []);
  }

  /** CheckEvidence: the block's evidence is pending or verifies against `state`, is not committed, does not repeat. */
  async validateBlockEvidence(state: State, block: Block): Promise<void> {
    const list = block.evidence?.evidence ?? [];
    if (list.length === 0 || !this.deps.evidencePool) return;
    try {
      await this.deps.evidencePool.checkEvidence(list, state);
    } catch (e) {
      throw new BlockValidationError(`invalid block ${block.header.height}: evidence: ${(e as Error).message}`);
    }
  }

  /** Asks the app whether a proposed block is acceptable (ProcessProposal). */
  async processProposal(state: State, block: Block, blockId: BlockID): Promise<boolean> {
    const resp = await this.deps.app.processProposal({
      txs: block.data.txs,
      proposedLastCommit: this.commitInfo(state, block),
      misbehavior: evidenceToMisbehavior(block.evidence?.evidence ?? []),
      hash: blockId.hash,
      height: block.header.height,
      time: block.header.time,
      nextValidatorsHash: block.header.nextValidatorsHash,
      proposerAddress: block.header.proposerAddress,
    });
    return resp.status === ResponseProcessProposal_ProposalStatus.ACCEPT;
  }

  /**
   * FinalizeBlock → save responses → validator/param updates → Commit + mempool update → save state,
   * then tx indexing → events in the background (off the critical path, as CometBFT's indexer
   * service; still in that order, so a tx is findable by `tx` before its Tx event is published and
   * `broadcast_tx_commit` returns). At most one block's publication runs behind: the next applyBlock
   * waits for it first. `flush()` waits for it.
   */
  async applyBlock(state: State, blockId: BlockID, block: Block): Promise<State> {
    await this.publishing;
    this.validateBlock(state, block);
    const height = block.header.height;
    const resp = await this.deps.app.finalizeBlock({
      txs: block.data.txs,
      decidedLastCommit: this.commitInfo(state, block),
      misbehavior: evidenceToMisbehavior(block.evidence?.evidence ?? []),
      hash: blockId.hash,
      height,
      time: block.header.time,
      nextValidatorsHash: block.header.nextValidatorsHash,
      proposerAddress: block.header.proposerAddress,
    });
    if (resp.txResults.length !== block.data.txs.length)
      throw new BlockValidationError(
        `FinalizeBlock returned ${resp.txResults.length} results for ${block.data.txs.length} txs`,
      );
    await this.deps.blockStore.saveFinalizeBlockResponse(Number(height), resp);
    const newState = updateState(state, blockId, block.header, resp);
    const retainHeight = await this.commit(height, block.data.txs, resp.txResults);
    await this.deps.stateStore.save(newState);
    await this.deps.evidencePool?.update(newState, block.evidence?.evidence ?? []);
    await this.pruneBlocks(retainHeight);
    this.publishing = this.indexAndPublish(block, blockId, resp);
    return newState;
  }

  /** Resolves when the last applied block is indexed and its events are published. */
  flush(): Promise<void> {
    return this.publishing;
  }

  private async indexAndPublish(block: Block, blockId: BlockID, resp: ResponseFinalizeBlock): Promise<void> {
    const height = Number(block.header.height);
    try {
      if (this.deps.txIndexer)
        await this.deps.txIndexer.indexBlock(height, block.data.txs, resp.txResults, resp.events);
    } catch (e) {
      this.deps.logger.error({ err: (e as Error).message, height }, "could not index block");
    }
    try {
      this.fireEvents(block, blockId, resp);
    } catch (e) {
      this.deps.logger.error({ err: (e as Error).message, height }, "could not publish block events");
    }
  }

  /** Commit with the mempool locked, then drop committed txs and recheck the rest. */
  private async commit(height: bigint, txs: Uint8Array[], results: ExecTxResult[]): Promise<bigint> {
    await this.deps.mempool.lock();
    try {
      const res = await this.deps.app.commit({});
      await this.deps.mempool.update(Number(height), txs, results);
      return res.retainHeight;
    } finally {
      this.deps.mempool.unlock();
    }
  }

  /** Honors Commit's retain_height (blocks below it may go), never pruning the last block. */
  private async pruneBlocks(retainHeight: bigint): Promise<void> {
    const store = this.deps.blockStore;
    if (retainHeight <= 0n || !store.pruneBlocks) return;
    const retain = Number(retainHeight < BigInt(store.height()) ? retainHeight : BigInt(store.height()));
    if (retain <= Number(store.base())) return;
    try {
      await store.pruneBlocks(retain);
    } catch (e) {
      this.deps.logger.warn({ err: (e as Error).message, retain }, "could not prune blocks");
    }
  }

  private fireEvents(block: Block, blockId: BlockID, resp: ResponseFinalizeBlock): void {
    const bus = this.deps.eventBus;
    if (!bus?.hasSubscribers()) return;
    const height = block.header.height.toString();
    const blockAttrs = flattenEvents(resp.events);
    blockAttrs.set("block.height", [height]);
    bus.publish({ type: "NewBlock", block, blockId, resultFinalizeBlock: resp }, blockAttrs);
    const headerAttrs = flattenEvents(resp.events);
    headerAttrs.set("block.height", [height]);
    bus.publish({ type: "NewBlockHeader", header: block.header }, headerAttrs);
    block.data.txs.forEach((tx, index) => {
      const result = resp.txResults[index];
      const attrs = flattenEvents(result.events);
      attrs.set("tx.hash", [toHex(txHash(tx))]);
      attrs.set("tx.height", [height]);
      bus.publish({ type: "Tx", height: Number(block.header.height), index, tx, result }, attrs);
    });
  }

  /** CommitInfo of the block's last commit against the previous height's validators. */
  commitInfo(state: State, block: Block): CommitInfo {
    const h = block.header.height;
    if (h === state.initialHeight || !block.lastCommit) return { round: 0, votes: [] };
    const lc = block.lastCommit;
    return {
      round: lc.round,
      votes: state.lastValidators.validators.map((v, i) => ({
        validator: { address: v.address, power: v.votingPower },
        blockIdFlag: lc.signatures[i]?.blockIdFlag ?? BlockIDFlag.BLOCK_ID_FLAG_ABSENT,
      })),
    };
  }

  private extendedCommitInfo(state: State, height: bigint, ec: ExtendedCommit | undefined): ExtendedCommitInfo {
    if (height === state.initialHeight || !ec) return { round: 0, votes: [] };
    const withExt = voteExtensionsEnabled(state.consensusParams, height - 1n);
    return {
      round: ec.round,
      votes: state.lastValidators.validators.map((v, i) => {
        const s = ec.extendedSignatures[i];
        return {
          validator: { address: v.address, power: v.votingPower },
          voteExtension: withExt ? (s?.extension ?? new Uint8Array()) : new Uint8Array(),
          extensionSignature: withExt ? (s?.extensionSignature ?? new Uint8Array()) : new Uint8Array(),
          blockIdFlag: s?.blockIdFlag ?? BlockIDFlag.BLOCK_ID_FLAG_ABSENT,
        };
      }),
    };
  }
}

function toCommitNoExt(ec: ExtendedCommit): Commit {
  return {
    height: ec.height,
    round: ec.round,
    blockId: ec.blockId,
    signatures: ec.extendedSignatures.map((s) => ({
      blockIdFlag: s.blockIdFlag,
      validatorAddress: s.validatorAddress,
      timestamp: s.timestamp,
      signature: s.signature,
    })),
  };
}

function validateValidatorUpdates(updates: readonly ValidatorUpdate[], params: ConsensusParams): void {
  const allowed = params.validator?.pubKeyTypes ?? ["ed25519"];
  for (const u of updates) {
    if (u.power < 0n) throw new BlockValidationError("validator update with negative power");
    if (!u.pubKey?.ed25519) throw new BlockValidationError("validator update must use an ed25519 key");
    if (allowed.length > 0 && !allowed.includes("ed25519"))
      throw new BlockValidationError("ed25519 keys are not allowed by consensus params");
  }
}

/** Merges ConsensusParams updates the way CometBFT's ConsensusParams.Update does (per present section). */
export function mergeParams(p: ConsensusParams, u: ConsensusParams | undefined): ConsensusParams {
  if (!u) return p;
  return {
    block: u.block ?? p.block,
    evidence: u.evidence ?? p.evidence,
    validator: u.validator ?? p.validator,
    version: u.version ?? p.version,
    abci: u.abci ?? p.abci,
  };
}

/** The State after block `header` with FinalizeBlock response `resp` (validator changes apply at H+2). */
export function updateState(state: State, blockId: BlockID, header: Header, resp: ResponseFinalizeBlock): State {
  const s = copyState(state);
  const nValSet = state.nextValidators.copy();
  let lastHeightValsChanged = state.lastHeightValidatorsChanged;
  if (resp.validatorUpdates.length > 0) {
    validateValidatorUpdates(resp.validatorUpdates, state.consensusParams);
    nValSet.updateWithAbciUpdates(resp.validatorUpdates);
    lastHeightValsChanged = header.height + 2n;
  }
  nValSet.incrementProposerPriority(1);
  let params = state.consensusParams;
  let lastHeightParamsChanged = state.lastHeightConsensusParamsChanged;
  if (resp.consensusParamUpdates) {
    params = mergeParams(params, resp.consensusParamUpdates);
    lastHeightParamsChanged = header.height + 1n;
  }
  return {
    ...s,
    lastBlockHeight: header.height,
    lastBlockId: blockId,
    lastBlockTime: header.time,
    nextValidators: nValSet,
    validators: state.nextValidators.copy(),
    lastValidators: state.validators.copy(),
    lastHeightValidatorsChanged: lastHeightValsChanged,
    consensusParams: params,
    lastHeightConsensusParamsChanged: lastHeightParamsChanged,
    lastResultsHash: lastResultsHash(resp.txResults),
    appHash: resp.appHash,
    appVersion: params.version?.app ?? state.appVersion,
  };
}
