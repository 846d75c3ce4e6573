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
import { copyState, type State, type StateStore } from "./state.ts";
import { ValidatorSet } from "./validator-set.ts";

export class HandshakeError extends Error {
  override name = "HandshakeError";
}

export interface HandshakeDeps {
  stateStore: StateStore;
  executor: BlockExecutor;
  logger: Logger;
  /** Genesis app_state bytes for InitChain. */
  appStateBytes: Uint8Array;
  /** The genesis State (genesisStateFromDoc): InitChain's validators/params when the app restarts from 0 later on. */
  genesis?: State;
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
  if (appHeight < 0n) throw new HandshakeError(`app reported a negative height ${appHeight}`);
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
  if (storeHeight === 0n) {
    checkAppHash(s.appHash, appHash, "genesis");
    return s;
  }
  if (storeBase > 0n && appHeight < storeBase - 1n)
    throw new HandshakeError(`app height ${appHeight} is below the block store base ${storeBase}`);
  if (storeHeight < appHeight)
    throw new HandshakeError(`app height ${appHeight} is ahead of the block store ${storeHeight}`);
  if (storeHeight < stateHeight)
    throw new HandshakeError(`state height ${stateHeight} is ahead of the block store ${storeHeight}`);
  if (storeHeight > stateHeight + 1n)
    throw new HandshakeError(`block store ${storeHeight} is more than one block ahead of the state ${stateHeight}`);

  if (storeHeight === stateHeight) {
    // State is saved for the last block: only the app may be behind.
    if (appHeight < storeHeight) appHash = await replayAppOnly(app, s, blockStore, deps, appHeight + 1n, storeHeight);
    checkAppHash(s.appHash, appHash, `height ${storeHeight}`);
    return s;
  }

  // The last block is stored but the state was not updated for it.
  if (appHeight < stateHeight) await replayAppOnly(app, s, blockStore, deps, appHeight + 1n, stateHeight);
  const block = await mustLoadBlock(blockStore, storeHeight);
  const meta = await blockStore.loadBlockMeta(Number(storeHeight));
  if (!meta) throw new HandshakeError(`no block meta at ${storeHeight}`);
  if (appHeight === storeHeight) {
    // The app committed the block: rebuild the state from the saved FinalizeBlock response.
    const resp = await blockStore.loadFinalizeBlockResponse(Number(storeHeight));
    if (!resp) throw new HandshakeError(`no saved FinalizeBlock response at ${storeHeight}`);
    s = updateState(s, meta.blockId, block.header, resp);
    await deps.stateStore.save(s);
    await deps.executor.recordCommittedEvidence(s, block);
  } else {
    log.info({ height: storeHeight.toString() }, "applying the last stored block");
    s = await deps.executor.applyBlock(s, meta.blockId, block);
  }
  const after = await app.info({ version: "0.38.0", blockVersion: 11n, p2pVersion: 8n, abciVersion: "2.0.0" });
  checkAppHash(s.appHash, after.lastBlockAppHash, `height ${storeHeight}`);
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
    throw new HandshakeError("validator set is empty after InitChain");
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
    if (!meta) throw new HandshakeError(`no block meta at ${h}`);
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
        `app hash mismatch replaying height ${h}: app ${toHex(appHash)}, chain ${toHex(next.header.appHash)}`,
      );
  }
  return appHash;
}

async function mustLoadBlock(blockStore: BlockStoreLike, h: bigint): Promise<Block> {
  const b = await blockStore.loadBlock(Number(h));
  if (!b) throw new HandshakeError(`block ${h} missing from the block store`);
  return b;
}

function checkAppHash(expected: Uint8Array, got: Uint8Array, where: string): void {
  if (!bytesEqual(expected, got))
    throw new HandshakeError(`app hash mismatch at ${where}: app has ${toHex(got)}, state has ${toHex(expected)}`);
}
