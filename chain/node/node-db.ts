// The node's one LevelDB database (<home>/data/dgrid.db) and its per-component sublevels, opened the
// same way by the running node and by offline commands (`dgrid rollback`). LevelDB's LOCK file lets
// one process hold it at a time: a second open is refused with NodeDbLockedError.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { AbstractLevel } from "abstract-level";
import { ClassicLevel } from "classic-level";
import { dataDir } from "./config.ts";

export type NodeDb = ClassicLevel<Uint8Array, Uint8Array>;
export type SubDb = AbstractLevel<any, Uint8Array, Uint8Array>;

export class NodeDbLockedError extends Error {
  override name = "NodeDbLockedError";
}

export function nodeDbPath(home: string): string {
  return join(dataDir(home), "dgrid.db");
}

export async function openNodeDb(home: string): Promise<NodeDb> {
  mkdirSync(dataDir(home), { recursive: true });
  const db: NodeDb = new ClassicLevel(nodeDbPath(home), { keyEncoding: "view", valueEncoding: "view" });
  try {
    await db.open();
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    if (cause?.code === "LEVEL_LOCKED")
      throw new NodeDbLockedError(
        `the database ${nodeDbPath(home)} is held by another process (a running node?): stop it first`,
      );
    throw e;
  }
  return db;
}

/** A component's key prefix (sublevel) of the node's database: "blocks", "consensus", "state", "txindex". */
export function subDb(db: NodeDb, name: string): SubDb {
  return db.sublevel<Uint8Array, Uint8Array>(name, { keyEncoding: "view", valueEncoding: "view" }) as unknown as SubDb;
}
