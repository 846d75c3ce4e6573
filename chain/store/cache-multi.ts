// A branch of the whole multistore (Cosmos SDK cachemulti): one CacheKV per mounted store, made on first use.
import { CacheKV } from "./cache-kv.ts";
import type { CacheMultiStore, KVStore } from "./types.ts";

export class CacheMulti implements CacheMultiStore {
  private readonly stores = new Map<string, CacheKV>();

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
    }
    return s;
  }

  branch(): CacheMulti {
    return new CacheMulti((name) => this.getStore(name), this, this.origin);
  }

  write(): void {
    for (const name of [...this.stores.keys()].sort()) (this.stores.get(name) as CacheKV).write();
  }

  /** The stores this branch has touched (for collecting changes). */
  touchedStores(): Map<string, CacheKV> {
    return this.stores;
  }
}
