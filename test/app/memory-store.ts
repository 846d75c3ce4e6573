// A small in-memory implementation of the chain/store interfaces for the app's unit tests:
// Map-based KV stores, cache branches, a commit multistore with versions (snapshots), and gas
// meters / a gas-metered store with the SDK's KVGasConfig costs.
import { createHash } from "node:crypto";
import { ErrOutOfGas } from "../../chain/errors/errors.ts";
import type {
  Bytes,
  CacheKVStore,
  CacheMultiStore,
  CommitId,
  GasMeter,
  IterateOptions,
  KVStore,
  MultiStore,
  StoreQueryResult,
} from "../../chain/store/types.ts";

const hex = (b: Bytes) => Buffer.from(b).toString("hex");
const unhex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

function inRange(k: string, o: IterateOptions | undefined): boolean {
  if (o?.start && k < hex(o.start)) return false;
  if (o?.end && k >= hex(o.end)) return false;
  return true;
}

export class MemKV implements KVStore {
  constructor(readonly data = new Map<string, Bytes>()) {}
  async get(key: Bytes) {
    return this.data.get(hex(key));
  }
  async has(key: Bytes) {
    return this.data.has(hex(key));
  }
  set(key: Bytes, value: Bytes) {
    this.data.set(hex(key), Uint8Array.from(value));
  }
  delete(key: Bytes) {
    this.data.delete(hex(key));
  }
  async *iterate(o?: IterateOptions): AsyncIterable<[Bytes, Bytes]> {
    const keys = [...this.data.keys()].filter((k) => inRange(k, o)).sort();
    if (o?.reverse) keys.reverse();
    for (const k of keys) yield [unhex(k), this.data.get(k) as Bytes];
  }
}

export class MemCacheKV implements CacheKVStore {
  readonly writes = new Map<string, Bytes | null>();
  constructor(readonly parent: KVStore) {}
  async get(key: Bytes) {
    const w = this.writes.get(hex(key));
    if (w !== undefined) return w ?? undefined;
    return this.parent.get(key);
  }
  async has(key: Bytes) {
    return (await this.get(key)) !== undefined;
  }
  set(key: Bytes, value: Bytes) {
    this.writes.set(hex(key), Uint8Array.from(value));
  }
  delete(key: Bytes) {
    this.writes.set(hex(key), null);
  }
  async *iterate(o?: IterateOptions): AsyncIterable<[Bytes, Bytes]> {
    const merged = new Map<string, Bytes>();
    for await (const [k, v] of this.parent.iterate({ start: o?.start, end: o?.end })) merged.set(hex(k), v);
    for (const [k, v] of this.writes) {
      if (!inRange(k, o)) continue;
      if (v === null) merged.delete(k);
      else merged.set(k, v);
    }
    const keys = [...merged.keys()].sort();
    if (o?.reverse) keys.reverse();
    for (const k of keys) yield [unhex(k), merged.get(k) as Bytes];
  }
  write() {
    for (const [k, v] of this.writes) {
      if (v === null) this.parent.delete(unhex(k));
      else this.parent.set(unhex(k), v);
    }
    this.writes.clear();
  }
}

export class MemCacheMultiStore implements CacheMultiStore {
  private readonly stores = new Map<string, MemCacheKV>();
  constructor(readonly parent: MultiStore) {}
  getStore(name: string): MemCacheKV {
    let s = this.stores.get(name);
    if (!s) {
      s = new MemCacheKV(this.parent.getStore(name));
      this.stores.set(name, s);
    }
    return s;
  }
  branch(): CacheMultiStore {
    return new MemCacheMultiStore(this);
  }
  write() {
    for (const s of this.stores.values()) s.write();
  }
}

class MemMultiStore implements MultiStore {
  constructor(readonly stores: Map<string, MemKV>) {}
  getStore(name: string): KVStore {
    const s = this.stores.get(name);
    if (!s) throw new Error(`store ${name} not mounted`);
    return s;
  }
}

function cloneStores(m: Map<string, MemKV>): Map<string, MemKV> {
  return new Map([...m].map(([n, s]) => [n, new MemKV(new Map(s.data))]));
}

function hashStores(m: Map<string, MemKV>): Bytes {
  const h = createHash("sha256");
  for (const name of [...m.keys()].sort()) {
    h.update(`${name}\n`);
    const s = m.get(name) as MemKV;
    for (const k of [...s.data.keys()].sort()) h.update(`${k}=${hex(s.data.get(k) as Bytes)}\n`);
  }
  return new Uint8Array(h.digest());
}

/** CommitMultiStore over memory: versions are full snapshots (fine for tests). */
export class MemCommitMultiStore {
  private latest: Map<string, MemKV>;
  private readonly versions = new Map<number, Map<string, MemKV>>();
  private last: CommitId;
  private pending?: { stores: Map<string, MemKV>; hash: Bytes };

  constructor(options: { storeNames: string[] }) {
    this.latest = new Map(options.storeNames.map((n) => [n, new MemKV()]));
    this.last = { version: 0, hash: hashStores(this.latest) };
  }
  async load() {}
  lastCommitId(): CommitId {
    return this.last;
  }
  branch(): CacheMultiStore {
    return new MemCacheMultiStore(new MemMultiStore(this.latest));
  }
  async workingHash(changes: CacheMultiStore): Promise<Bytes> {
    const next = cloneStores(this.latest);
    const target = new MemMultiStore(next);
    // replay the branch's writes onto a copy
    const c = changes as MemCacheMultiStore;
    for (const name of next.keys()) {
      const branch = c.getStore(name);
      const replay = new MemCacheKV(target.getStore(name));
      for (const [k, v] of collectWrites(branch)) {
        if (v === null) replay.delete(unhex(k));
        else replay.set(unhex(k), v);
      }
      replay.write();
    }
    const hash = hashStores(next);
    this.pending = { stores: next, hash };
    return hash;
  }
  async commit(): Promise<CommitId> {
    if (!this.pending) throw new Error("commit without working hash");
    this.latest = this.pending.stores;
    this.last = { version: this.last.version + 1, hash: this.pending.hash };
    this.versions.set(this.last.version, cloneStores(this.latest));
    this.pending = undefined;
    return this.last;
  }
  async readAt(version: number): Promise<MultiStore> {
    const v = this.versions.get(version);
    if (!v) throw new Error(`version ${version} not available`);
    return new MemMultiStore(v);
  }
  async query(storeName: string, key: Bytes, version: number, _prove: boolean): Promise<StoreQueryResult> {
    const ms = version === this.last.version ? new MemMultiStore(this.latest) : await this.readAt(version);
    return { value: await ms.getStore(storeName).get(key), height: version };
  }
}

/** All writes of a branch chain down to (not including) the committed stores. */
function collectWrites(s: MemCacheKV): Map<string, Bytes | null> {
  const chain: MemCacheKV[] = [];
  let cur: KVStore = s;
  while (cur instanceof MemCacheKV) {
    chain.unshift(cur);
    cur = cur.parent;
  }
  const out = new Map<string, Bytes | null>();
  for (const c of chain) for (const [k, v] of c.writes) out.set(k, v);
  return out;
}

export class MemBasicGasMeter implements GasMeter {
  private used = 0;
  constructor(readonly limit: number) {}
  consumed() {
    return this.used;
  }
  consume(amount: number, descriptor: string) {
    this.used += amount;
    if (this.used > this.limit) {
      throw ErrOutOfGas.wrap(`out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: ${this.used}`);
    }
  }
  refund(amount: number) {
    this.used -= amount;
  }
  isOutOfGas() {
    return this.used >= this.limit;
  }
}

export class MemInfiniteGasMeter extends MemBasicGasMeter {
  constructor() {
    super(Number.MAX_SAFE_INTEGER);
  }
}

/** Gas-metered store with KVGasConfig costs. */
export class MemGasKVStore implements KVStore {
  constructor(
    readonly parent: KVStore,
    readonly meter: GasMeter,
  ) {}
  async get(key: Bytes) {
    this.meter.consume(1000, "ReadFlat");
    const v = await this.parent.get(key);
    this.meter.consume(3 * key.length, "ReadPerByte");
    if (v) this.meter.consume(3 * v.length, "ReadPerByte");
    return v;
  }
  async has(key: Bytes) {
    this.meter.consume(1000, "Has");
    return this.parent.has(key);
  }
  set(key: Bytes, value: Bytes) {
    this.meter.consume(2000, "WriteFlat");
    this.meter.consume(30 * (key.length + value.length), "WritePerByte");
    this.parent.set(key, value);
  }
  delete(key: Bytes) {
    this.meter.consume(1000, "Delete");
    this.parent.delete(key);
  }
  async *iterate(o?: IterateOptions): AsyncIterable<[Bytes, Bytes]> {
    for await (const [k, v] of this.parent.iterate(o)) {
      this.meter.consume(30, "IterNextFlat");
      this.meter.consume(3 * (k.length + v.length), "ValuePerByte");
      yield [k, v];
    }
  }
}
