// CometBFT's Handshaker (consensus/replay.go): on start, bring the app level with the block store and
// the consensus State — InitChain at genesis, re-execute stored blocks the app lacks, and check that
// the app hash the app reports matches what the chain recorded.

import type { RequestInitChain, ResponseInitChain, ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { Logger } from "pino";
import type { Application } from "../abci/application.ts";
import { bytesEqual } from "../types/bytes.ts";
import { type BlockExecutor, mergeParams, updateState } from "./block-executor.ts";
import { toHex } from "./crypto.ts";
import type { BlockStoreLike } from "./deps.ts";
import {
  ErrAppAheadOfBlockStore,
  ErrAppBelowBlockStoreBase,
  ErrAppHashMismatch,
  ErrBlockStoreAheadOfState,
  ErrBlockUnreadable,
  ErrEmptyValidatorSet,
  ErrInvalidAppHeight,
  ErrStateAheadOfBlockStore,
  HandshakeError,
  recovery,
} from "./startup-errors.ts";
import { copyState, type State, type StateStore } from "./state.ts";
import { ValidatorSet } from "./validator-set.ts";

export { HandshakeError } from "./startup-errors.ts";

export interface HandshakeDeps {
  stateStore: StateStore;
  executor: BlockExecutor;
  logger: Logger;
  /** Genesis app_state bytes for InitChain. */
  appStateBytes: Uint8Array;
  /** The genesis State (genesisStateFromDoc): InitChain's validators/params when the app restarts from 0 later on. */
  genesis?: State;
  /** the node's home, named in the errors' recovery steps */
  home?: string;
}

/** Runs the handshake; returns the (possibly updated, and saved) State the engine starts from. */
export async function handshake(
  app: Application,
  state: State,
  blockStore: BlockStoreLike,
  deps: HandshakeDeps,
): Promise<State> {
  const log = deps.logger.child({ module: "handshake" });
  const info = await app.info({ version: "0.38.0", blockVersion: 11n, p2pVersion: 8n, abciVersion: "2.0.0" });
  const appHeight = info.lastBlockHeight;
  const fix = recovery(deps.home ?? "<home>");
  if (appHeight < 0n) throw new HandshakeError(ErrInvalidAppHeight, `app reported a negative height ${appHeight}`);
  let appHash = info.lastBlockAppHash;
  log.info({ appHeight: appHeight.toString(), appHash: toHex(appHash) }, "ABCI handshake");

  let s = state;
  if (appHeight === 0n) {
    // An app at height 0 gets InitChain from genesis, even when blocks follow (they are replayed next).
    const res = await app.initChain(initChainRequest(deps.genesis ?? s, deps.appStateBytes));
    appHash = res.appHash.length > 0 ? res.appHash : (deps.genesis ?? s).appHash;
    if (s.lastBlockHeight === 0n) {
      s = applyInitChain(s, res);
      await deps.stateStore.save(s);
      appHash = s.appHash;
    }
  }

  const storeBase = BigInt(blockStore.base());
  const storeHeight = BigInt(blockStore.height());
  const stateHeight = s.lastBlockHeight;
  // CometBFT's handshake cases: what replay can fix (the app, or the state, one block behind the
  // store) is replayed below; everything else is an inconsistent data dir, refused with its heights.
  const ends = storeHeight === 0n ? "the block store is empty" : `the block store ends at ${storeHeight}`;
  if (appHeight > storeHeight)
    throw new HandshakeError(
      ErrAppAheadOfBlockStore,
      `stored app state is at height ${appHeight} but ${ends}: the data dir is inconsistent; ${fix.rollback}`,
    );
  if (stateHeight > storeHeight)
    throw new HandshakeError(
      ErrStateAheadOfBlockStore,
      `stored consensus state is at height ${stateHeight} but ${ends}: the data dir is inconsistent; ${fix.resync}`,
    );
  if (storeHeight === 0n) {
    checkAppHash(s.appHash, appHash, "genesis", fix.resync);
    return s;
  }
  if (storeHeight > stateHeight + 1n)
    throw new HandshakeError(
      ErrBlockStoreAheadOfState,
      `the block store ends at ${storeHeight} but the stored consensus state is at height ${stateHeight} ` +
        `(replay covers one block): the data dir is inconsistent; ${fix.resync}`,
    );
  if (storeBase > 0n && appHeight < storeBase - 1n)
    throw new HandshakeError(
      ErrAppBelowBlockStoreBase,
      `stored app state is at height ${appHeight} but the block store starts at ${storeBase} (pruned): ` +
        `blocks ${appHeight + 1n}..${storeBase - 1n} cannot be replayed; ${fix.resync}`,
    );
  await mustReadTip(blockStore, storeHeight, fix.hard);
  // The app's committed hash must be the one the chain recorded for its height (the header of the
  // block above it) before any block is replayed on top of it.
  if (appHeight < storeHeight && appHeight + 1n >= storeBase) {
    const next = await mustLoadBlock(blockStore, appHeight + 1n);
    if (!bytesEqual(next.header.appHash, appHash))
      throw new HandshakeError(
        ErrAppHashMismatch,
        `stored app state at height ${appHeight} has app hash ${toHex(appHash)} but block ${appHeight + 1n}'s ` +
          `header records ${toHex(next.header.appHash)}: the app state is corrupt; ${fix.rollback}`,
      );
  }

  if (storeHeight === stateHeight) {
    // State is saved for the last block: only the app may be behind.
    if (appHeight < storeHeight) appHash = await replayAppOnly(app, s, blockStore, deps, appHeight + 1n, storeHeight);
    checkAppHash(s.appHash, appHash, `height ${storeHeight}`, fix.rollback);
    return s;
  }

  // The last block is stored but the state was not updated for it.
  if (appHeight < stateHeight) await replayAppOnly(app, s, blockStore, deps, appHeight + 1n, stateHeight);
  const block = await mustLoadBlock(blockStore, storeHeight);
  const meta = await blockStore.loadBlockMeta(Number(storeHeight));
  if (!meta) throw new HandshakeError(ErrBlockUnreadable, `no block meta at ${storeHeight}; ${fix.hard}`);
  if (appHeight === storeHeight) {
    // The app committed the block: rebuild the state from the saved FinalizeBlock response.
    const resp = await blockStore.loadFinalizeBlockResponse(Number(storeHeight));
    if (!resp)
      throw new HandshakeError(
        ErrBlockUnreadable,
        `no saved FinalizeBlock response at ${storeHeight} to rebuild the consensus state from; ${fix.resync}`,
      );
    s = updateState(s, meta.blockId, block.header, resp);
    await deps.stateStore.save(s);
    await deps.executor.recordCommittedEvidence(s, block);
  } else {
    log.info({ height: storeHeight.toString() }, "applying the last stored block");
    s = await deps.executor.applyBlock(s, meta.blockId, block);
  }
  const after = await app.info({ version: "0.38.0", blockVersion: 11n, p2pVersion: 8n, abciVersion: "2.0.0" });
  checkAppHash(s.appHash, after.lastBlockAppHash, `height ${storeHeight}`, fix.rollback);
  return s;
}

function initChainRequest(g: State, appStateBytes: Uint8Array): RequestInitChain {
  const validators: ValidatorUpdate[] = g.validators.validators.map((v) => ({
    pubKey: { ed25519: v.pubKey },
    power: v.votingPower,
  }));
  return {
    time: g.lastBlockTime,
    chainId: g.chainId,
    consensusParams: g.consensusParams,
    validators,
    appStateBytes,
    initialHeight: g.initialHeight,
  };
}

/** The genesis State after InitChain: the app may set the app hash, the validators and params. */
function applyInitChain(state: State, res: ResponseInitChain): State {
  const s = copyState(state);
  if (res.appHash.length > 0) s.appHash = res.appHash;
  if (res.validators.length > 0) {
    const vals = ValidatorSet.create(
      res.validators.map((u) => ({ pubKey: u.pubKey?.ed25519 ?? new Uint8Array(), votingPower: u.power })),
    );
    s.validators = vals;
    s.nextValidators = vals.copyIncrementProposerPriority(1);
  } else if (s.validators.isEmpty()) {
    throw new HandshakeError(ErrEmptyValidatorSet, "validator set is empty after InitChain");
  }
  if (res.consensusParams) {
    s.consensusParams = mergeParams(s.consensusParams, res.consensusParams);
    s.appVersion = s.consensusParams.version?.app ?? s.appVersion;
  }
  return s;
}

/** Re-executes blocks [from, to] against the app only (FinalizeBlock + Commit); returns the last app hash. */
async function replayAppOnly(
  app: Application,
  state: State,
  blockStore: BlockStoreLike,
  deps: HandshakeDeps,
  from: bigint,
  to: bigint,
): Promise<Uint8Array> {
  let appHash: Uint8Array = new Uint8Array();
  for (let h = from; h <= to; h++) {
    const block = await mustLoadBlock(blockStore, h);
    const meta = await blockStore.loadBlockMeta(Number(h));
    if (!meta) throw new HandshakeError(ErrBlockUnreadable, `no block meta at ${h}`);
    const lastVals = h > state.initialHeight ? await deps.stateStore.loadValidators(h - 1n) : undefined;
    const lc = block.lastCommit;
    const decidedLastCommit =
      lastVals && lc
        ? {
            round: lc.round,
            votes: lastVals.validators.map((v, i) => ({
              validator: { address: v.address, power: v.votingPower },
              blockIdFlag: lc.signatures[i]?.blockIdFlag ?? 1,
            })),
          }
        : { round: 0, votes: [] };
    const resp = await app.finalizeBlock({
      txs: block.data.txs,
      decidedLastCommit,
      misbehavior: [],
      hash: meta.blockId.hash,
      height: h,
      time: block.header.time,
      nextValidatorsHash: block.header.nextValidatorsHash,
      proposerAddress: block.header.proposerAddress,
    });
    await app.commit({});
    appHash = resp.appHash;
    // The next block's header records the app hash after this one.
    const next = h < BigInt(blockStore.height()) ? await blockStore.loadBlock(Number(h + 1n)) : undefined;
    if (next && !bytesEqual(next.header.appHash, appHash))
      throw new HandshakeError(
        ErrAppHashMismatch,
        `app hash mismatch replaying height ${h}: app ${toHex(appHash)}, chain ${toHex(next.header.appHash)} ` +
          `(the app computes a different state than the chain did: a different app version?)`,
      );
  }
  return appHash;
}

async function mustLoadBlock(blockStore: BlockStoreLike, h: bigint): Promise<Block> {
  let b: Block | undefined | null;
  try {
    b = await blockStore.loadBlock(Number(h));
  } catch (e) {
    throw new HandshakeError(ErrBlockUnreadable, `block ${h} cannot be decoded (${(e as Error).message})`);
  }
  if (!b?.header) throw new HandshakeError(ErrBlockUnreadable, `block ${h} missing from the block store`);
  return b;
}

/** The block store's tip (block and meta) must load and decode: it is what the node builds on. */
async function mustReadTip(blockStore: BlockStoreLike, h: bigint, fix: string): Promise<void> {
  let problem: string | undefined;
  try {
    const block = await blockStore.loadBlock(Number(h));
    const meta = await blockStore.loadBlockMeta(Number(h));
    if (!block?.header || !meta) problem = "is missing";
    else if (block.header.height !== h || meta.header?.height !== h) problem = "holds another height";
  } catch (e) {
    problem = `cannot be decoded (${(e as Error).message})`;
  }
  if (problem)
    throw new HandshakeError(
      ErrBlockUnreadable,
      `the block store ends at ${h} but its block ${h} ${problem}: the data dir is corrupt; ${fix}`,
    );
}

function checkAppHash(expected: Uint8Array, got: Uint8Array, where: string, fix: string): void {
  if (!bytesEqual(expected, got))
    throw new HandshakeError(
      ErrAppHashMismatch,
      `app hash mismatch at ${where}: the stored app state has ${toHex(got)}, the consensus state records ` +
        `${toHex(expected)}: the data dir is inconsistent; ${fix}`,
    );
}
