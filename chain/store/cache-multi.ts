// A branch of the whole multistore (Cosmos SDK cachemulti): one CacheKV per mounted store, made on first use.
import { CacheKV } from "./cache-kv.ts";
import type { CacheMultiStore, KVStore } from "./types.ts";

export class CacheMulti implements CacheMultiStore {
  private readonly stores = new Map<string, CacheKV>();
  /** the touched stores' names in order, for a deterministic write() (kept sorted as stores are added:
   * a branch touches a few stores, and Array.sort on every write allocated ~3 KB per tx) */
  private readonly names: string[] = [];

  /** `source` yields the parent store for a name (throws when not mounted); `parent` is the parent branch if any. */
  constructor(
    private readonly source: (name: string) => KVStore,
    readonly parent: CacheMulti | undefined,
    /** identifies the CommitMultiStore this branch descends from */
    readonly origin: object,
  ) {}

  getStore(name: string): CacheKV {
    let s = this.stores.get(name);
    if (!s) {
      s = new CacheKV(this.source(name));
      this.stores.set(name, s);
      let i = this.names.length;
      while (i > 0 && this.names[i - 1] > name) i--;
      this.names.splice(i, 0, name);
    }
    return s;
  }

  branch(): CacheMulti {
    return new CacheMulti((name) => this.getStore(name), this, this.origin);
  }

  write(): void {
    for (const name of this.names) (this.stores.get(name) as CacheKV).write();
  }

  /** The stores this branch has touched (for collecting changes). */
  touchedStores(): Map<string, CacheKV> {
    return this.stores;
  }
}
