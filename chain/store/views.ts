// Read-only KVStore views of committed state: the flat latest-value index, and a tree at a version.
import type { AbstractLevel } from "abstract-level";
import { concat, prefixEnd } from "../types/bytes.ts";
import { keyString } from "./bytes.ts";
import type { Node } from "./iavl/node.ts";
import type { IavlTree } from "./iavl/tree.ts";
import { LruCache } from "./lru.ts";
import type { Bytes, IterateOptions, KVStore } from "./types.ts";

export type StateDb = AbstractLevel<any, Uint8Array, Uint8Array>;

function readOnly(): never {
  throw new Error("store is read-only: write through a branch");
}

/**
 * Latest committed values straight from the flat index `<store prefix> f <key>` (no tree walk),
 * with a small value cache kept in step by the committer (`committed()`).
 */
export class FlatStore implements KVStore {
  readonly prefix: Uint8Array;
  private readonly cache: LruCache<string, Bytes | null>;

  constructor(
    private readonly db: StateDb,
    storePrefix: Uint8Array,
    cacheSize = 50_000,
  ) {
    this.prefix = concat(storePrefix, Uint8Array.of(0x66)); // 'f'
    this.cache = new LruCache(cacheSize);
  }

  dbKey(key: Bytes): Uint8Array {
    return concat(this.prefix, key);
  }

  private read(key: Bytes): Bytes | undefined {
    const k = keyString(key);
    const hit = this.cache.get(k);
    if (hit !== undefined) return hit ?? undefined;
    const v = this.db.getSync(this.dbKey(key));
    this.cache.set(k, v ?? null);
    return v;
  }

  /** Called after a commit's batch is on disk with the values it wrote (undefined = deleted). */
  committed(key: Bytes, value: Bytes | undefined): void {
    this.cache.set(keyString(key), value ?? null);
  }

  clearCache(): void {
    this.cache.clear();
  }

  async get(key: Bytes): Promise<Bytes | undefined> {
    return this.read(key);
  }

  readonly getSync = (key: Bytes): Bytes | undefined => this.read(key);

  async has(key: Bytes): Promise<boolean> {
    return this.read(key) !== undefined;
  }

  set(): void {
    readOnly();
  }

  delete(): void {
    readOnly();
  }

  async *iterate(opts: IterateOptions = {}): AsyncIterable<[Bytes, Bytes]> {
    const gte = opts.start ? this.dbKey(opts.start) : this.prefix;
    const lt = opts.end ? this.dbKey(opts.end) : prefixEnd(this.prefix);
    const n = this.prefix.length;
    const it = this.db.iterator(
      lt ? { gte, lt, reverse: opts.reverse ?? false } : { gte, reverse: opts.reverse ?? false },
    );
    try {
      while (true) {
        const batch = await it.nextv(256);
        if (batch.length === 0) return;
        for (const [k, v] of batch) yield [k.subarray(n), v];
      }
    } finally {
      await it.close();
    }
  }
}

/** A store as it was at one committed version (walks the IAVL tree). */
export class TreeView implements KVStore {
  constructor(
    private readonly tree: IavlTree,
    private readonly root: Node | undefined,
  ) {}

  async get(key: Bytes): Promise<Bytes | undefined> {
    return this.tree.get(this.root, key);
  }

  readonly getSync = (key: Bytes): Bytes | undefined => this.tree.get(this.root, key);

  async has(key: Bytes): Promise<boolean> {
    return this.tree.get(this.root, key) !== undefined;
  }

  set(): void {
    readOnly();
  }

  delete(): void {
    readOnly();
  }

  async *iterate(opts: IterateOptions = {}): AsyncIterable<[Bytes, Bytes]> {
    yield* this.tree.iterate(this.root, opts.start, opts.end, opts.reverse ?? false);
  }
}
