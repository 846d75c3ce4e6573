// A versioned IAVL+ tree over LevelDB. One instance per mounted store.
//
// Layout under the store's key prefix P (all in the `state` sublevel):
//   P n <hash>               -> encoded node (nodes are content-addressed; the version is part of the hash)
//   P o <be64 toVersion> <hash> -> "" : the node was live up to toVersion (orphan), deleted when that version is pruned
//   P r <be64 version>       -> root hash ("" = empty tree)
// Changes are applied to a working root (new nodes mutable in memory, persisted nodes cloned on
// change = copy-on-write), hashed once at workingHash time, and written by commit in one batch.

import { ErrInvalidHeight } from "../../errors/errors.ts";
import { bytesEqual, compareBytes, concat } from "../../types/bytes.ts";
import { type Bytes, be64, keyString, sha256 } from "../bytes.ts";
import { LruCache } from "../lru.ts";
import { decodeNode, encodedSize, encodeNodeInto, hashInner, hashLeaf, Node } from "./node.ts";

export type BatchOp = { type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array };

/** What the tree needs from the database: a synchronous point read (classic-level getSync). */
export interface NodeReader {
  getSync(key: Uint8Array): Uint8Array | undefined;
}

/** iavl's hash of an empty tree: sha256 of nothing. */
export const EMPTY_ROOT_HASH: Uint8Array = sha256(new Uint8Array(0));

const N = 0x6e; // 'n'
const O = 0x6f; // 'o'
const R = 0x72; // 'r'

/** The first 6 bytes of a node hash as a number: a cheap Map key (no string allocation). */
function cacheKey(h: Bytes): number {
  return (
    (h[0] as number) +
    (h[1] as number) * 0x100 +
    (h[2] as number) * 0x1_0000 +
    (h[3] as number) * 0x100_0000 +
    (h[4] as number) * 0x1_0000_0000 +
    (h[5] as number) * 0x100_0000_0000
  );
}

export class IavlTree {
  private readonly cache: LruCache<number, Node>;
  /** root of the last committed version */
  private committedRoot: Node | undefined;
  private committedVersion = 0;
  /** working state for version committedVersion+1 */
  private workingRoot: Node | undefined;
  private workingVersion = 0;
  private orphans = new Map<string, Bytes>();
  private newNodes: Node[] = [];
  private hashed = false;
  /** statistics for tests and metrics */
  lastCommitNodeWrites = 0;
  nodeLoads = 0;

  constructor(
    private readonly db: NodeReader,
    readonly prefix: Uint8Array,
    cacheSize: number,
    /** write orphan records (needed only when old versions will be pruned) */
    private readonly trackOrphans = true,
  ) {
    this.cache = new LruCache(cacheSize);
  }

  // ---- keys ----
  nodeKey(hash: Bytes): Bytes {
    return concat(this.prefix, Uint8Array.of(N), hash);
  }
  rootKey(version: number): Bytes {
    return concat(this.prefix, Uint8Array.of(R), be64(version));
  }
  orphanKey(toVersion: number, hash: Bytes): Bytes {
    return concat(this.prefix, Uint8Array.of(O), be64(toVersion), hash);
  }
  /** [gte, lt) of orphan records with toVersion in [from, to] */
  orphanRange(from: number, to: number): { gte: Bytes; lt: Bytes } {
    return {
      gte: concat(this.prefix, Uint8Array.of(O), be64(from)),
      lt: concat(this.prefix, Uint8Array.of(O), be64(to + 1)),
    };
  }
  /** the node hash inside an orphan record key */
  orphanHash(orphanKey: Uint8Array): Uint8Array {
    return orphanKey.subarray(this.prefix.length + 9);
  }

  // ---- loading ----
  getNode(hash: Bytes): Node {
    const k = cacheKey(hash);
    const cached = this.cache.get(k);
    // the cache key is a 48-bit hash prefix: confirm the full hash (a collision is just a miss)
    if (cached && bytesEqual(cached.hash as Bytes, hash)) return cached;
    const raw = this.db.getSync(this.nodeKey(hash));
    if (!raw) throw ErrInvalidHeight.wrap(`iavl: missing node ${Buffer.from(hash).toString("hex")} (version pruned?)`);
    this.nodeLoads++;
    const n = decodeNode(Uint8Array.from(hash), raw);
    this.cache.set(k, n);
    return n;
  }

  forgetNode(hash: Bytes): void {
    const k = cacheKey(hash);
    const cached = this.cache.get(k);
    if (cached && bytesEqual(cached.hash as Bytes, hash)) this.cache.delete(k);
  }

  /** Root node of a committed version: undefined = empty tree, null = version unknown (never saved or pruned). */
  rootAt(version: number): Node | undefined | null {
    if (version === this.committedVersion) return this.committedRoot;
    if (version === 0) return undefined;
    const h = this.db.getSync(this.rootKey(version));
    if (h === undefined) return null;
    return h.length === 0 ? undefined : this.getNode(h);
  }

  /** Sets the committed state after load(): version and its root (from the root record, or empty). */
  loadVersion(version: number): void {
    const root = this.rootAt(version);
    this.committedVersion = version;
    this.committedRoot = root ?? undefined;
    this.resetWorking();
  }

  get version(): number {
    return this.committedVersion;
  }

  committedHash(): Uint8Array {
    return this.committedRoot?.hash ?? EMPTY_ROOT_HASH;
  }

  // Working (unpersisted) nodes keep the children they load, so one update path looks each child up
  // once; persisted nodes do not (the LRU cache alone decides what stays in memory).
  left(n: Node): Node {
    if (n.left) return n.left;
    const c = this.getNode(n.leftHash as Bytes);
    if (!n.persisted) n.left = c;
    return c;
  }
  right(n: Node): Node {
    if (n.right) return n.right;
    const c = this.getNode(n.rightHash as Bytes);
    if (!n.persisted) n.right = c;
    return c;
  }

  // ---- working version ----
  resetWorking(): void {
    this.workingRoot = this.committedRoot;
    this.workingVersion = this.committedVersion + 1;
    this.orphans = new Map();
    this.newNodes = [];
    this.hashed = false;
  }

  private orphan(n: Node): void {
    if (n.persisted && this.trackOrphans) this.orphans.set(keyString(n.hash as Bytes), n.hash as Bytes);
  }

  /** The node itself when it is new in this version, else an orphaning copy. */
  private mutable(n: Node): Node {
    if (!n.persisted) return n;
    this.orphan(n);
    return n.cloneAt(this.workingVersion);
  }

  private updateHeightSize(n: Node): void {
    const l = this.left(n);
    const r = this.right(n);
    n.height = Math.max(l.height, r.height) + 1;
    n.size = l.size + r.size;
    n.hash = undefined;
  }

  private balanceFactor(n: Node): number {
    return this.left(n).height - this.right(n).height;
  }

  private rotateRight(n: Node): Node {
    const l = this.mutable(this.left(n));
    n.left = l.right;
    n.leftHash = l.rightHash;
    l.setRight(n);
    this.updateHeightSize(n);
    this.updateHeightSize(l);
    return l;
  }

  private rotateLeft(n: Node): Node {
    const r = this.mutable(this.right(n));
    n.right = r.left;
    n.rightHash = r.leftHash;
    r.setLeft(n);
    this.updateHeightSize(n);
    this.updateHeightSize(r);
    return r;
  }

  /** n must be mutable with correct height/size. */
  private balance(n: Node): Node {
    const bf = this.balanceFactor(n);
    if (bf > 1) {
      if (this.balanceFactor(this.left(n)) >= 0) return this.rotateRight(n);
      n.setLeft(this.rotateLeft(this.mutable(this.left(n))));
      return this.rotateRight(n);
    }
    if (bf < -1) {
      if (this.balanceFactor(this.right(n)) <= 0) return this.rotateLeft(n);
      n.setRight(this.rotateRight(this.mutable(this.right(n))));
      return this.rotateLeft(n);
    }
    return n;
  }

  private checkWritable(): void {
    if (this.hashed) throw new Error("iavl: working version already hashed; reset before changing it");
  }

  set(key: Bytes, value: Bytes): void {
    this.checkWritable();
    const v = this.workingVersion;
    this.workingRoot = this.workingRoot ? this.setRec(this.workingRoot, key, value)[0] : Node.leaf(key, value, v);
  }

  private setRec(node: Node, key: Bytes, value: Bytes): [Node, boolean] {
    const v = this.workingVersion;
    if (node.height === 0) {
      const c = compareBytes(key, node.key);
      if (c === 0) {
        this.orphan(node);
        return [Node.leaf(key, value, v), true];
      }
      const inner = new Node(c < 0 ? node.key : key, undefined, v, 1, 2);
      const leaf = Node.leaf(key, value, v);
      if (c < 0) {
        inner.setLeft(leaf);
        inner.setRight(node);
      } else {
        inner.setLeft(node);
        inner.setRight(leaf);
      }
      return [inner, false];
    }
    const n = this.mutable(node);
    let updated: boolean;
    if (compareBytes(key, n.key) < 0) {
      const [child, u] = this.setRec(this.left(n), key, value);
      n.setLeft(child);
      updated = u;
    } else {
      const [child, u] = this.setRec(this.right(n), key, value);
      n.setRight(child);
      updated = u;
    }
    if (updated) return [n, true];
    this.updateHeightSize(n);
    return [this.balance(n), false];
  }

  /** Removes key from the working version; false when absent. */
  remove(key: Bytes): boolean {
    this.checkWritable();
    if (!this.workingRoot) return false;
    const r = this.removeRec(this.workingRoot, key);
    if (!r.removed) return false;
    this.workingRoot = r.node;
    return true;
  }

  private removeRec(node: Node, key: Bytes): { node: Node | undefined; newKey: Bytes | undefined; removed: boolean } {
    if (node.height === 0) {
      if (compareBytes(key, node.key) === 0) {
        this.orphan(node);
        return { node: undefined, newKey: undefined, removed: true };
      }
      return { node, newKey: undefined, removed: false };
    }
    if (compareBytes(key, node.key) < 0) {
      const r = this.removeRec(this.left(node), key);
      if (!r.removed) return { node, newKey: undefined, removed: false };
      if (!r.node) {
        const sibling = this.right(node);
        this.orphan(node);
        return { node: sibling, newKey: node.key, removed: true };
      }
      const n = this.mutable(node);
      n.setLeft(r.node);
      this.updateHeightSize(n);
      return { node: this.balance(n), newKey: r.newKey, removed: true };
    }
    const r = this.removeRec(this.right(node), key);
    if (!r.removed) return { node, newKey: undefined, removed: false };
    if (!r.node) {
      const sibling = this.left(node);
      this.orphan(node);
      return { node: sibling, newKey: undefined, removed: true };
    }
    const n = this.mutable(node);
    n.setRight(r.node);
    if (r.newKey) n.key = r.newKey;
    this.updateHeightSize(n);
    return { node: this.balance(n), newKey: undefined, removed: true };
  }

  /** Hashes the new nodes of the working version (once) and returns its root hash. */
  workingHash(): Uint8Array {
    if (!this.hashed) {
      this.newNodes = [];
      if (this.workingRoot) this.hashRec(this.workingRoot);
      this.hashed = true;
    }
    return this.workingRoot?.hash ?? EMPTY_ROOT_HASH;
  }

  private hashRec(n: Node): Bytes {
    if (n.hash) return n.hash;
    if (n.height === 0) {
      n.hash = hashLeaf(n.key, n.value as Bytes, n.version);
    } else {
      const lh = n.left ? this.hashRec(n.left) : (n.leftHash as Bytes);
      const rh = n.right ? this.hashRec(n.right) : (n.rightHash as Bytes);
      n.leftHash = lh;
      n.rightHash = rh;
      n.hash = hashInner(n.height, n.size, n.version, lh, rh);
    }
    this.newNodes.push(n);
    return n.hash;
  }

  /** Appends the working version's writes (new nodes, orphan records, root record) to `ops`. */
  commitOps(ops: BatchOp[]): void {
    const root = this.workingHash();
    const v = this.workingVersion;
    // one slab for all node keys and one for all encodings (two allocations instead of two per node)
    const keyLen = this.prefix.length + 33;
    const keys = Buffer.allocUnsafeSlow(keyLen * this.newNodes.length);
    let total = 0;
    for (const n of this.newNodes) total += encodedSize(n);
    const values = Buffer.allocUnsafeSlow(total);
    let kOff = 0;
    let vOff = 0;
    for (const n of this.newNodes) {
      keys.set(this.prefix, kOff);
      keys[kOff + this.prefix.length] = N;
      keys.set(n.hash as Bytes, kOff + this.prefix.length + 1);
      const end = encodeNodeInto(n, values, vOff);
      ops.push({ type: "put", key: keys.subarray(kOff, kOff + keyLen), value: values.subarray(vOff, end) });
      kOff += keyLen;
      vOff = end;
    }
    for (const h of this.orphans.values())
      ops.push({ type: "put", key: this.orphanKey(v - 1, h), value: new Uint8Array(0) });
    ops.push({ type: "put", key: this.rootKey(v), value: this.workingRoot ? root : new Uint8Array(0) });
  }

  /** After the batch is on disk: the working version becomes the committed one. */
  markCommitted(): void {
    for (const n of this.newNodes) {
      n.persisted = true;
      n.left = undefined;
      n.right = undefined;
      this.cache.set(cacheKey(n.hash as Bytes), n);
    }
    this.lastCommitNodeWrites = this.newNodes.length;
    this.committedRoot = this.workingRoot;
    this.committedVersion = this.workingVersion;
    this.resetWorking();
  }

  // ---- reads on a committed root ----
  get(root: Node | undefined, key: Bytes): Bytes | undefined {
    let n = root;
    while (n) {
      if (n.height === 0) return compareBytes(n.key, key) === 0 ? n.value : undefined;
      n = compareBytes(key, n.key) < 0 ? this.left(n) : this.right(n);
    }
    return undefined;
  }

  /** In-order leaves in [start, end) (reverse when asked). */
  *iterate(root: Node | undefined, start?: Bytes, end?: Bytes, reverse = false): Generator<[Bytes, Bytes]> {
    if (!root) return;
    // explicit stack: nodes still to visit, in visiting order
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const n = stack.pop() as Node;
      if (n.height === 0) {
        if ((!start || compareBytes(n.key, start) >= 0) && (!end || compareBytes(n.key, end) < 0)) {
          yield [n.key, n.value as Bytes];
        }
        continue;
      }
      const goLeft = !start || compareBytes(start, n.key) < 0;
      const goRight = !end || compareBytes(n.key, end) < 0;
      if (reverse) {
        if (goLeft) stack.push(this.left(n));
        if (goRight) stack.push(this.right(n));
      } else {
        if (goRight) stack.push(this.right(n));
        if (goLeft) stack.push(this.left(n));
      }
    }
  }

  /** Path from root to the leaf where `key` would be: inner nodes with the branch taken. */
  pathTo(root: Node, key: Bytes): { path: { node: Node; wentLeft: boolean }[]; leaf: Node } {
    const path: { node: Node; wentLeft: boolean }[] = [];
    let n = root;
    while (n.height > 0) {
      const wentLeft = compareBytes(key, n.key) < 0;
      path.push({ node: n, wentLeft });
      n = wentLeft ? this.left(n) : this.right(n);
    }
    return { path, leaf: n };
  }
}
