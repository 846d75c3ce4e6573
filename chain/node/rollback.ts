// `dgrid rollback [--hard]` on a stopped node's home (CometBFT `rollback`, Cosmos SDK `rollback`): the
// consensus state goes back one height (chain/consensus/rollback.ts), the app state to the same
// height, and with `hard` the last block leaves the block store; the next start then re-executes
// (or, after --hard, re-fetches) the last block. The app state is rolled back first: should the
// consensus rollback fail after it, an app behind the state is what the start-up replay repairs.
// The node's database lock refuses a rollback while a node holds the data dir.
import type { Logger } from "pino";
import { BlockStore } from "../blockstore/block-store.ts";
import { type RollbackResult, rollbackState } from "../consensus/rollback.ts";
import { StateStore } from "../consensus/state.ts";
import { openNodeDb, type SubDb, subDb } from "./node-db.ts";

/** Rolls the application's committed state (in the node's `state` sublevel) back to `height`. */
export type AppRollback = (ctx: {
  db: SubDb;
  height: bigint;
  logger: Logger;
}) => Promise<{ height: bigint; appHash: Uint8Array }>;

export interface NodeRollbackResult extends RollbackResult {
  /** the app's height and hash after its rollback (undefined when it was already at or below the target) */
  app?: { height: bigint; appHash: Uint8Array };
}

export async function rollbackNode(
  options: { home: string; hard: boolean },
  deps: { logger: Logger; rollbackApp: AppRollback; appHeight: (db: SubDb) => Promise<bigint> },
): Promise<NodeRollbackResult> {
  const log = deps.logger.child({ module: "rollback" });
  const db = await openNodeDb(options.home);
  try {
    const blockStore = new BlockStore({}, { db: subDb(db, "blocks") });
    await blockStore.load();
    const stateStore = new StateStore(subDb(db, "consensus"));
    const state = await stateStore.load();
    if (!state) throw new Error("no consensus state saved in this home: nothing to roll back");
    const storeHeight = BigInt(blockStore.height());
    // the height rollbackState will leave the consensus state at (it checks the cases it refuses)
    const target = storeHeight === state.lastBlockHeight + 1n ? state.lastBlockHeight : state.lastBlockHeight - 1n;
    let app: NodeRollbackResult["app"];
    const appDb = subDb(db, "state");
    const appHeight = await deps.appHeight(appDb);
    const consistent = storeHeight === state.lastBlockHeight || storeHeight === state.lastBlockHeight + 1n;
    if (consistent && target >= state.initialHeight && appHeight > target) {
      app = await deps.rollbackApp({ db: appDb, height: target, logger: log });
      log.info({ from: appHeight.toString(), to: app.height.toString() }, "app state rolled back");
    }
    const result = await rollbackState(blockStore, stateStore, options.hard);
    log.info({ height: result.height.toString(), hard: options.hard }, "consensus state rolled back");
    return { ...result, app };
  } finally {
    await db.close();
  }
}
