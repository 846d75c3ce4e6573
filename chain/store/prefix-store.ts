// A view of a KVStore under a key prefix (Cosmos SDK prefix.Store): keys are given and returned without it.
import { concat, prefixEnd } from "../types/bytes.ts";
import type { Bytes, IterateOptions, KVStore } from "./types.ts";

class PrefixStore implements KVStore {
  private readonly prefix: Buffer;
  readonly getSync?: (key: Bytes) => Bytes | undefined;

  constructor(
    private readonly parent: KVStore,
    prefix: Bytes,
  ) {
    this.prefix = Buffer.from(prefix);
    const below = parent.getSync;
    if (below) this.getSync = (key) => below(this.full(key));
  }

  private full(key: Bytes): Uint8Array {
    return concat(this.prefix, key);
  }

  get(key: Bytes): Promise<Bytes | undefined> {
    return this.parent.get(this.full(key));
  }

  has(key: Bytes): Promise<boolean> {
    return this.parent.has(this.full(key));
  }

  set(key: Bytes, value: Bytes): void {
    this.parent.set(this.full(key), value);
  }

  delete(key: Bytes): void {
    this.parent.delete(this.full(key));
  }

  async *iterate(opts: IterateOptions = {}): AsyncIterable<[Bytes, Bytes]> {
    const start = opts.start ? this.full(opts.start) : this.prefix;
    const end = opts.end ? this.full(opts.end) : prefixEnd(this.prefix);
    const n = this.prefix.length;
    const inner: IterateOptions = { start, reverse: opts.reverse ?? false };
    if (end) inner.end = end;
    for await (const [k, v] of this.parent.iterate(inner)) yield [k.subarray(n), v];
  }
}

export function prefixStore(parent: KVStore, prefix: Bytes): KVStore {
  return new PrefixStore(parent, prefix);
}
