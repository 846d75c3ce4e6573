// CometBFT's state rollback (state/rollback.go), for `dgrid rollback`: the consensus State goes back
// one height, rebuilt from the block store and the saved validator sets and params, so that the next
// start re-executes the last block; with `removeBlock` the last block leaves the block store too.
// The app state is rolled back by the caller to the height returned.
import type { BlockID, Header } from "cosmjs-types/tendermint/types/types";
import { toHex } from "./crypto.ts";
import { copyState, type State, type StateStore } from "./state.ts";

export class RollbackError extends Error {
  override name = "RollbackError";
}

export interface RollbackBlockStore {
  height(): number;
  loadBlockMeta(height: number): Promise<{ blockId?: BlockID; header?: Header } | undefined>;
  deleteLatestBlock(): Promise<number>;
}

export interface RollbackResult {
  /** the consensus state's height after the rollback (the app goes back to it too) */
  height: bigint;
  /** the app hash recorded for that height */
  appHash: Uint8Array;
}

export async function rollbackState(
  blockStore: RollbackBlockStore,
  stateStore: StateStore,
  removeBlock: boolean,
): Promise<RollbackResult> {
  const invalid = await stateStore.load();
  if (!invalid) throw new RollbackError("no consensus state saved: nothing to roll back");
  const storeHeight = BigInt(blockStore.height());
  // Saving the block and the state is not atomic: a node stopped in between has the block but not
  // the state for it. That block is the one to discard (only with removeBlock, as CometBFT).
  if (storeHeight === invalid.lastBlockHeight + 1n) {
    if (removeBlock) await blockStore.deleteLatestBlock();
    return { height: invalid.lastBlockHeight, appHash: invalid.appHash };
  }
  if (storeHeight !== invalid.lastBlockHeight)
    throw new RollbackError(
      `the consensus state is at height ${invalid.lastBlockHeight} and the block store at ${storeHeight}: ` +
        "rollback needs them equal or the store one block ahead; re-sync this node instead",
    );
  const rollbackHeight = invalid.lastBlockHeight - 1n;
  if (rollbackHeight < invalid.initialHeight)
    throw new RollbackError(`the consensus state is at the first height ${invalid.lastBlockHeight}: nothing below it`);
  const rollbackBlock = await blockStore.loadBlockMeta(Number(rollbackHeight));
  if (!rollbackBlock?.header || !rollbackBlock.blockId)
    throw new RollbackError(`block ${rollbackHeight} not found in the block store`);
  // The app hash and the results hash of a height are agreed in the header of the block above it.
  const latest = await blockStore.loadBlockMeta(Number(invalid.lastBlockHeight));
  if (!latest?.header) throw new RollbackError(`block ${invalid.lastBlockHeight} not found in the block store`);
  const previousLastValidators = await stateStore.loadValidators(rollbackHeight);
  if (!previousLastValidators) throw new RollbackError(`no validator set saved for height ${rollbackHeight}`);
  const previousParams = await stateStore.loadConsensusParams(rollbackHeight + 1n);
  if (!previousParams) throw new RollbackError(`no consensus params saved for height ${rollbackHeight + 1n}`);

  const rolledBack: State = {
    ...copyState(invalid),
    lastBlockHeight: rollbackHeight,
    lastBlockId: rollbackBlock.blockId,
    lastBlockTime: rollbackBlock.header.time,
    nextValidators: invalid.validators.copy(),
    validators: invalid.lastValidators.copy(),
    lastValidators: previousLastValidators,
    // a change recorded for the rolled-back height takes effect from rollbackHeight+1 as far as the rolled-back state knows
    lastHeightValidatorsChanged:
      invalid.lastHeightValidatorsChanged > rollbackHeight ? rollbackHeight + 1n : invalid.lastHeightValidatorsChanged,
    consensusParams: previousParams,
    lastHeightConsensusParamsChanged:
      invalid.lastHeightConsensusParamsChanged > rollbackHeight
        ? rollbackHeight + 1n
        : invalid.lastHeightConsensusParamsChanged,
    lastResultsHash: latest.header.lastResultsHash,
    appHash: latest.header.appHash,
    appVersion: previousParams.version?.app ?? invalid.appVersion,
  };
  await stateStore.save(rolledBack);
  if (removeBlock) await blockStore.deleteLatestBlock();
  return { height: rolledBack.lastBlockHeight, appHash: rolledBack.appHash };
}

/** "height H, app hash X" for logs and the CLI. */
export function describeRollback(r: RollbackResult): string {
  return `height ${r.height} and app hash ${toHex(r.appHash)}`;
}
