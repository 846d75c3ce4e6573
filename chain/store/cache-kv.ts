// A write-buffering branch of a KVStore (Cosmos SDK cachekv): reads fall through to the parent and are
// cached; writes and deletes stay here until write(); iteration merges pending writes over the parent.

import { compareBytes } from "../types/bytes.ts";
import { keyString } from "./bytes.ts";
import type { Bytes, CacheKVStore, IterateOptions, KVStore } from "./types.ts";

interface Entry {
  key: Bytes;
  /** undefined = deleted (when dirty) or absent in the parent (when clean) */
  value: Bytes | undefined;
  dirty: boolean;
}

export class CacheKV implements CacheKVStore {
  private readonly entries = new Map<string, Entry>();
  /** dirty entries sorted by key, rebuilt lazily when a new key becomes dirty */
  private sorted: Entry[] | undefined;

  readonly getSync?: (key: Bytes) => Bytes | undefined;

  constructor(readonly parent: KVStore) {
    const below = parent.getSync;
    if (below) this.getSync = (key) => this.readSync(key, below);
  }

  private readSync(key: Bytes, below: (key: Bytes) => Bytes | undefined): Bytes | undefined {
    const k = keyString(key);
    const e = this.entries.get(k);
    if (e) return e.value;
    const value = below(key);
    this.entries.set(k, { key: Uint8Array.from(key), value, dirty: false });
    return value;
  }

  get(key: Bytes): Promise<Bytes | undefined> {
    const below = this.parent.getSync;
    if (below) {
      try {
        return Promise.resolve(this.readSync(key, below));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.getAsync(key);
  }

  private async getAsync(key: Bytes): Promise<Bytes | undefined> {
    const k = keyString(key);
    const e = this.entries.get(k);
    if (e) return e.value;
    const value = await this.parent.get(key);
    // the parent may have been written while we awaited; only cache if nothing was set meanwhile
    if (!this.entries.has(k)) this.entries.set(k, { key: Uint8Array.from(key), value, dirty: false });
    return value;
  }

  async has(key: Bytes): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  set(key: Bytes, value: Bytes): void {
    if (!(key instanceof Uint8Array) || !(value instanceof Uint8Array))
      throw new TypeError("store keys and values are bytes");
    this.put(key, value);
  }

  delete(key: Bytes): void {
    if (!(key instanceof Uint8Array)) throw new TypeError("store keys are bytes");
    this.put(key, undefined);
  }

  private put(key: Bytes, value: Bytes | undefined): void {
    const k = keyString(key);
    const e = this.entries.get(k);
    if (e) {
      if (!e.dirty) this.sorted = undefined;
      e.value = value;
      e.dirty = true;
    } else {
      this.entries.set(k, { key: Uint8Array.from(key), value, dirty: true });
      this.sorted = undefined;
    }
  }

  /** Pending writes in key order (value undefined = delete). */
  pendingWrites(): Entry[] {
    if (!this.sorted) {
      const keys: string[] = [];
      for (const [k, e] of this.entries) if (e.dirty) keys.push(k);
      // a tx's branch holds a handful of writes: insertion sort in place (Array.sort allocated a work
      // array per call, a few KB per tx); the string order is the byte order (keyString is latin1)
      if (keys.length <= 16) {
        for (let i = 1; i < keys.length; i++) {
          const k = keys[i];
          let j = i;
          while (j > 0 && keys[j - 1] > k) {
            keys[j] = keys[j - 1];
            j--;
          }
          keys[j] = k;
        }
      } else keys.sort();
      this.sorted = keys.map((k) => this.entries.get(k) as Entry);
    }
    return this.sorted;
  }

  /** Flushes pending writes into the parent (in key order); the entries stay cached as clean. */
  write(): void {
    for (const e of this.pendingWrites()) {
      if (e.value === undefined) this.parent.delete(e.key);
      else this.parent.set(e.key, e.value);
      e.dirty = false;
    }
    this.sorted = undefined;
  }

  async *iterate(opts: IterateOptions = {}): AsyncIterable<[Bytes, Bytes]> {
    const { start, end, reverse = false } = opts;
    // snapshot of our pending writes within range, in visiting order: the range's bounds by binary
    // search (a block's branch holds thousands of writes, and each tx's prefix scan filtered them all)
    const all = this.pendingWrites();
    const own = all.slice(start ? lowerBound(all, start) : 0, end ? lowerBound(all, end) : all.length);
    if (reverse) own.reverse();
    const dir = reverse ? -1 : 1;
    const it = this.parent.iterate(opts)[Symbol.asyncIterator]();
    try {
      let p = await it.next();
      let i = 0;
      while (true) {
        const o = own[i];
        if (p.done && !o) return;
        if (!p.done && (!o || compareBytes(p.value[0], o.key) * dir < 0)) {
          yield p.value;
          p = await it.next();
          continue;
        }
        const entry = o as Entry;
        if (!p.done && compareBytes(p.value[0], entry.key) === 0) p = await it.next(); // shadowed
        i++;
        if (entry.value !== undefined) yield [entry.key, entry.value];
      }
    } finally {
      await it.return?.();
    }
  }
}

/** The first index of `sorted` whose key is at or after `key`. */
function lowerBound(sorted: readonly Entry[], key: Bytes): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(sorted[mid].key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
