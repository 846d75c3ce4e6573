// The slices of other components the engine uses (CONTRACTS.md), typed structurally so the engine can
// be tested with fakes. Sync or async implementations are both accepted.
import type { Event as AbciEvent, ExecTxResult, ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { BlockID, Commit, ExtendedCommit, Header } from "cosmjs-types/tendermint/types/types";

type MaybePromise<T> = T | Promise<T>;

export interface BlockStoreLike {
  base(): number | bigint;
  height(): number | bigint;
  saveBlock(block: Block, blockId: BlockID, seenCommit: Commit, extendedCommit?: ExtendedCommit): MaybePromise<unknown>;
  loadBlock(height: number): MaybePromise<Block | undefined | null>;
  loadBlockMeta(height: number): MaybePromise<{ blockId: BlockID; header?: Header } | undefined | null>;
  loadSeenCommit(height: number): MaybePromise<Commit | undefined | null>;
  loadExtendedCommit(height: number): MaybePromise<ExtendedCommit | undefined | null>;
  saveFinalizeBlockResponse(height: number, resp: ResponseFinalizeBlock): MaybePromise<unknown>;
  loadFinalizeBlockResponse(height: number): MaybePromise<ResponseFinalizeBlock | undefined | null>;
  /** Deletes blocks below `retainHeight` (optional: stores that never prune may omit it). */
  pruneBlocks?(retainHeight: number): MaybePromise<unknown>;
}

export interface MempoolLike {
  reapMaxBytesMaxGas(maxBytes: number, maxGas: number): Uint8Array[];
  lock(): MaybePromise<unknown>;
  unlock(): void;
  update(height: number, txs: Uint8Array[], results: ExecTxResult[]): Promise<void>;
  size(): number;
  /** Called when txs become available (used when empty blocks are not created). */
  onTxAvailable?(fn: () => void): () => void;
}

export interface TxIndexerLike {
  indexBlock(
    height: number,
    txs: Uint8Array[],
    results: ExecTxResult[],
    blockEvents: AbciEvent[],
  ): MaybePromise<unknown>;
}
