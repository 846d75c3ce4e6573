// The committed multistore (Cosmos SDK rootmulti): one IAVL tree + flat index per mounted store,
// versions committed atomically in one LevelDB batch, app hash over the stores' root hashes.
import type { Logger } from "pino";
import { ErrInvalidHeight, ErrInvalidRequest, ErrLogic } from "../errors/errors.ts";
import { prefixEnd } from "../types/bytes.ts";
import { type Bytes, be64, keyString, readBe64 } from "./bytes.ts";
import { CacheMulti } from "./cache-multi.ts";
import { commitmentProof } from "./iavl/proof.ts";
import { type BatchOp, EMPTY_ROOT_HASH, IavlTree } from "./iavl/tree.ts";
import { multistoreHash, multistoreProof, type StoreRoot } from "./multistore-hash.ts";
import type { CacheMultiStore, CommitId, KVStore, MultiStore, StoreQueryResult } from "./types.ts";
import { FlatStore, type StateDb, TreeView } from "./views.ts";

export interface CommitMultiStoreOptions {
  storeNames: string[];
  /**
   * versions kept besides the latest; 0 = keep all (Cosmos "pruning-keep-recent"). With 0 no orphan
   * records are written (half the writes), so versions committed then can never be pruned later.
   */
  keepRecent?: number;
  /** IAVL node cache entries per store (default 300k; Cosmos' iavl-cache-size default is 781250) */
  cacheSize?: number;
}

export interface CommitMultiStoreDeps {
  db: StateDb;
  logger?: Logger;
}

const META_LATEST = Buffer.from("m/latest");
const META_EARLIEST = Buffer.from("m/earliest");

interface Write {
  key: Bytes;
  value: Bytes | undefined;
}

interface Pending {
  version: number;
  writes: Map<string, Write[]>;
  appHash: Uint8Array;
}

export class CommitMultiStore {
  private readonly db: StateDb;
  private readonly logger: Logger | undefined;
  private readonly names: string[];
  private readonly trees = new Map<string, IavlTree>();
  private readonly flats = new Map<string, FlatStore>();
  private readonly keepRecent: number;
  private version = 0;
  /** lowest version still readable (versions below were pruned) */
  private earliest = 0;
  private appHash: Uint8Array;
  private pending: Pending | undefined;
  private committing = false;

  constructor(opts: CommitMultiStoreOptions, deps: CommitMultiStoreDeps) {
    this.db = deps.db;
    this.logger = deps.logger?.child({ module: "store" });
    this.keepRecent = opts.keepRecent ?? 0;
    if (!Number.isSafeInteger(this.keepRecent) || this.keepRecent < 0) throw new Error("keepRecent must be >= 0");
    const names = [...new Set(opts.storeNames)].sort();
    if (names.length === 0) throw new Error("no stores mounted");
    for (const name of names) {
      if (name.length === 0 || name.includes("/")) throw new Error(`invalid store name ${JSON.stringify(name)}`);
      const prefix = Buffer.from(`s/${name}/`);
      this.trees.set(name, new IavlTree(this.db, prefix, opts.cacheSize ?? 300_000, this.keepRecent > 0));
      this.flats.set(name, new FlatStore(this.db, prefix));
    }
    this.names = names;
    this.appHash = this.computeAppHash();
  }

  /** Loads the latest committed version (0 on a new database). */
  async load(): Promise<void> {
    if (this.db.status !== "open") await this.db.open();
    const latest = await this.db.get(META_LATEST);
    const earliest = await this.db.get(META_EARLIEST);
    this.version = latest ? readBe64(latest) : 0;
    this.earliest = earliest ? readBe64(earliest) : 0;
    for (const tree of this.trees.values()) tree.loadVersion(this.version);
    for (const flat of this.flats.values()) flat.clearCache();
    this.pending = undefined;
    this.appHash = this.computeAppHash();
    this.logger?.info({ version: this.version, appHash: Buffer.from(this.appHash).toString("hex") }, "store loaded");
  }

  lastCommitId(): CommitId {
    return { version: this.version, hash: this.appHash };
  }

  /** Version numbers still readable: [earliest, latest]. */
  versionRange(): { earliest: number; latest: number } {
    return { earliest: this.earliest, latest: this.version };
  }

  /** Version 0 (nothing committed) has no commit info: sha256("") as Cosmos SDK rootmulti's LastCommitID. */
  private computeAppHash(): Uint8Array {
    if (this.version === 0) return EMPTY_ROOT_HASH;
    return multistoreHash(this.names.map((name) => ({ name, rootHash: this.tree(name).committedHash() })));
  }

  private tree(name: string): IavlTree {
    const t = this.trees.get(name);
    if (!t) throw ErrInvalidRequest.wrap(`store ${JSON.stringify(name)} is not mounted`);
    return t;
  }

  /** A read-only view of the latest committed state (flat index). */
  latest(): MultiStore {
    return {
      getStore: (name: string): KVStore => {
        const f = this.flats.get(name);
        if (!f) throw ErrInvalidRequest.wrap(`store ${JSON.stringify(name)} is not mounted`);
        return f;
      },
    };
  }

  branch(): CacheMultiStore {
    const latest = this.latest();
    return new CacheMulti((name) => latest.getStore(name), undefined, this);
  }

  /** Applies the branch's writes (and its ancestors' unwritten ones) as version last+1, in memory; returns the app hash. */
  async workingHash(changes: CacheMultiStore): Promise<Uint8Array> {
    if (!(changes instanceof CacheMulti) || changes.origin !== this) {
      throw ErrLogic.wrap("workingHash needs a branch of this CommitMultiStore");
    }
    if (this.committing) throw ErrLogic.wrap("workingHash during commit");
    const chain: CacheMulti[] = [];
    for (let c: CacheMulti | undefined = changes; c; c = c.parent) chain.unshift(c);
    const merged = new Map<string, Map<string, Write>>();
    for (const c of chain) {
      for (const [name, kv] of c.touchedStores()) {
        let m = merged.get(name);
        if (!m) {
          m = new Map();
          merged.set(name, m);
        }
        for (const e of kv.pendingWrites()) m.set(keyString(e.key), { key: e.key, value: e.value });
      }
    }
    const writes = new Map<string, Write[]>();
    const roots: StoreRoot[] = [];
    for (const name of this.names) {
      const tree = this.tree(name);
      tree.resetWorking();
      const m = merged.get(name);
      const list: Write[] = [];
      if (m) {
        // sorted application: the tree's shape depends on the order of changes
        const keys = [...m.keys()].sort();
        for (const k of keys) {
          const w = m.get(k) as Write;
          list.push(w);
          if (w.value === undefined) tree.remove(w.key);
          else tree.set(w.key, w.value);
        }
      }
      writes.set(name, list);
      roots.push({ name, rootHash: tree.workingHash() });
    }
    const appHash = multistoreHash(roots);
    this.pending = { version: this.version + 1, writes, appHash };
    return appHash;
  }

  /** Persists the pending version in one batch (tree nodes, orphans, roots, flat index, metadata) and prunes. */
  async commit(): Promise<CommitId> {
    if (!this.pending) await this.workingHash(this.branch());
    const pending = this.pending as Pending;
    this.committing = true;
    try {
      const ops: BatchOp[] = [];
      let nodeWrites = 0;
      for (const name of this.names) {
        const tree = this.tree(name);
        const before = ops.length;
        tree.commitOps(ops);
        nodeWrites += ops.length - before;
        const flat = this.flats.get(name) as FlatStore;
        for (const w of pending.writes.get(name) ?? []) {
          if (w.value === undefined) ops.push({ type: "del", key: flat.dbKey(w.key) });
          else ops.push({ type: "put", key: flat.dbKey(w.key), value: w.value });
        }
      }
      ops.push({ type: "put", key: META_LATEST, value: be64(pending.version) });
      const pruned = await this.pruneOps(pending.version, ops);
      await this.db.batch(ops);
      for (const tree of this.trees.values()) tree.markCommitted();
      for (const [name, list] of pending.writes) {
        const flat = this.flats.get(name) as FlatStore;
        for (const w of list) flat.committed(w.key, w.value);
      }
      for (const f of pruned.forget) f.tree.forgetNode(f.hash);
      if (pruned.earliest !== undefined) this.earliest = pruned.earliest;
      this.version = pending.version;
      this.appHash = pending.appHash;
      this.pending = undefined;
      this.logger?.debug({ version: this.version, ops: ops.length, nodeWrites }, "committed");
      return this.lastCommitId();
    } finally {
      this.committing = false;
    }
  }

  /**
   * Makes committed `version` the latest again (Cosmos rootmulti RollbackToVersion), for `dgrid
   * rollback` on a stopped node: the root records of later versions and the orphan records their
   * commits wrote go (a node they orphaned is live again at `version` and must not be pruned), and
   * each store's flat index is rebuilt from its tree at `version`, all in one batch. Tree nodes
   * written by the later versions stay as unreferenced garbage (content-addressed: a re-execution
   * writes the same ones again).
   */
  async rollbackTo(version: number): Promise<CommitId> {
    if (this.pending || this.committing) throw ErrLogic.wrap("rollback while a version is being committed");
    this.checkVersion(version);
    const ops: BatchOp[] = [];
    for (const { name, tree, root } of this.rootsAt(version)) {
      const flat = this.flats.get(name) as FlatStore;
      const end = prefixEnd(flat.prefix);
      for await (const k of this.db.keys(end ? { gte: flat.prefix, lt: end } : { gte: flat.prefix }))
        ops.push({ type: "del", key: k });
      // (a batch applies in order: these puts win over the deletes above)
      for (const [k, v] of tree.iterate(root ?? undefined)) ops.push({ type: "put", key: flat.dbKey(k), value: v });
      for (let v = version + 1; v <= this.version; v++) ops.push({ type: "del", key: tree.rootKey(v) });
      for await (const k of this.db.keys(tree.orphanRange(version, this.version))) ops.push({ type: "del", key: k });
    }
    ops.push({ type: "put", key: META_LATEST, value: be64(version) });
    await this.db.batch(ops);
    this.logger?.info({ from: this.version, to: version }, "store rolled back");
    await this.load();
    return this.lastCommitId();
  }

  /** Deletes of versions <= newVersion - keepRecent - 1: their orphaned nodes and root records. */
  private async pruneOps(
    newVersion: number,
    ops: BatchOp[],
  ): Promise<{ earliest: number | undefined; forget: { tree: IavlTree; hash: Bytes }[] }> {
    const forget: { tree: IavlTree; hash: Bytes }[] = [];
    if (this.keepRecent === 0) return { earliest: undefined, forget };
    const pruneTo = newVersion - this.keepRecent - 1;
    const from = Math.max(this.earliest, 1);
    if (pruneTo < from) return { earliest: undefined, forget };
    // every store's orphan records read at once (one LevelDB round trip each, in parallel) rather than
    // key by key and store after store: under load each round trip costs a thread-pool turn
    const trees = [...this.trees.values()];
    const orphans = await Promise.all(trees.map((tree) => this.db.keys(tree.orphanRange(from, pruneTo)).all()));
    for (const [i, tree] of trees.entries()) {
      for (const k of orphans[i]) {
        const hash = Uint8Array.from(tree.orphanHash(k));
        ops.push({ type: "del", key: k });
        ops.push({ type: "del", key: tree.nodeKey(hash) });
        forget.push({ tree, hash });
      }
      for (let v = from; v <= pruneTo; v++) ops.push({ type: "del", key: tree.rootKey(v) });
    }
    ops.push({ type: "put", key: META_EARLIEST, value: be64(pruneTo + 1) });
    return { earliest: pruneTo + 1, forget };
  }

  private checkVersion(version: number): void {
    if (!Number.isSafeInteger(version) || version < 0) throw ErrInvalidHeight.wrap(`bad version ${version}`);
    if (version > this.version) {
      throw ErrInvalidHeight.wrap(`version ${version} is in the future (latest ${this.version})`);
    }
    if (version < this.earliest)
      throw ErrInvalidHeight.wrap(`version ${version} was pruned (earliest ${this.earliest})`);
  }

  private rootsAt(version: number) {
    return this.names.map((name) => {
      const tree = this.tree(name);
      const root = tree.rootAt(version);
      if (root === null) throw ErrInvalidHeight.wrap(`version ${version} of store ${name} not found`);
      return { name, tree, root };
    });
  }

  /** Read-only view of a committed version. */
  async readAt(version: number): Promise<MultiStore> {
    this.checkVersion(version);
    const views = new Map<string, KVStore>();
    for (const { name, tree, root } of this.rootsAt(version)) views.set(name, new TreeView(tree, root));
    return {
      getStore(name: string): KVStore {
        const v = views.get(name);
        if (!v) throw ErrInvalidRequest.wrap(`store ${JSON.stringify(name)} is not mounted`);
        return v;
      },
    };
  }

  /** A raw store query at `version` (0 = latest), with ICS-23 proofs against that version's app hash when asked. */
  async query(storeName: string, key: Bytes, version: number, prove: boolean): Promise<StoreQueryResult> {
    const height = version === 0 ? this.version : version;
    this.checkVersion(height);
    if (!this.trees.has(storeName)) throw ErrInvalidRequest.wrap(`store ${JSON.stringify(storeName)} is not mounted`);
    const roots = this.rootsAt(height);
    const entry = roots.find((r) => r.name === storeName) as (typeof roots)[number];
    const value = entry.tree.get(entry.root ?? undefined, key);
    if (!prove) return { value, height };
    const storeRoots: StoreRoot[] = roots.map((r) => ({ name: r.name, rootHash: r.root?.hash ?? EMPTY_ROOT_HASH }));
    return {
      value,
      height,
      proofOps: [
        {
          type: "ics23:iavl",
          key: Uint8Array.from(key),
          data: commitmentProof(entry.tree, entry.root ?? undefined, key),
        },
        { type: "ics23:simple", key: Buffer.from(storeName, "utf8"), data: multistoreProof(storeRoots, storeName) },
      ],
    };
  }

  /** Tree nodes written by the last commit, per store (for tests and metrics). */
  lastCommitNodeWrites(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, tree] of this.trees) out[name] = tree.lastCommitNodeWrites;
    return out;
  }
}
