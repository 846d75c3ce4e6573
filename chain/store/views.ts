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

/** ranges kept per store, and the most entries a kept range has */
const RANGE_CACHE_RANGES = 1024;
const RANGE_CACHE_MAX_ENTRIES = 64;

/** One string per (start, end, direction): the bounds length-prefixed, so no two ranges share one. */
function rangeKeyOf(opts: IterateOptions): string {
  const s = opts.start ? keyString(opts.start) : "";
  const e = opts.end ? keyString(opts.end) : "";
  return `${opts.start ? s.length : -1}:${opts.end ? e.length : -1}:${opts.reverse ? 1 : 0}:${s}${e}`;
}

/**
 * Latest committed values straight from the flat index `<store prefix> f <key>` (no tree walk),
 * with a small value cache kept in step by the committer (`committed()`).
 */
export class FlatStore implements KVStore {
  readonly prefix: Uint8Array;
  private readonly cache: LruCache<string, Bytes | null>;
  /** small ranges read to their end since this store's last committed write (see iterate) */
  private readonly ranges = new LruCache<string, [Bytes, Bytes][]>(RANGE_CACHE_RANGES);
  private generation = 0;

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
    this.clearRanges();
  }

  clearCache(): void {
    this.cache.clear();
    this.clearRanges();
  }

  private clearRanges(): void {
    this.generation++;
    this.ranges.clear();
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

  /**
   * Iterates the flat index. A small range read to its end is kept (RANGE_CACHE_MAX_ENTRIES) until
   * the next commit writes this store: the same prefix scans (a model's servers, the bonded
   * validators) run for every tx of a block, and each opened a LevelDB iterator.
   */
  async *iterate(opts: IterateOptions = {}): AsyncIterable<[Bytes, Bytes]> {
    const rangeKey = rangeKeyOf(opts);
    const hit = this.ranges.get(rangeKey);
    if (hit) {
      yield* hit;
      return;
    }
    // a commit between the start and the end of this read makes what it saw unfit to keep
    const generation = this.generation;
    let seen: [Bytes, Bytes][] | undefined = [];
    const gte = opts.start ? this.dbKey(opts.start) : this.prefix;
    const lt = opts.end ? this.dbKey(opts.end) : prefixEnd(this.prefix);
    const n = this.prefix.length;
    const it = this.db.iterator(
      lt ? { gte, lt, reverse: opts.reverse ?? false } : { gte, reverse: opts.reverse ?? false },
    );
    try {
      while (true) {
        const batch = await it.nextv(256);
        if (batch.length === 0) break;
        for (const [k, v] of batch) {
          const entry: [Bytes, Bytes] = [k.subarray(n), v];
          if (seen) {
            seen.push(entry);
            if (seen.length > RANGE_CACHE_MAX_ENTRIES) seen = undefined;
          }
          yield entry;
        }
      }
    } finally {
      await it.close();
    }
    if (seen && generation === this.generation) this.ranges.set(rangeKey, seen);
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
