// Store interfaces shared by the app, the modules and chain/store's implementations.
// Reads are async (LevelDB underneath); writes are buffered synchronously in a cache branch and
// reach disk only through CommitMultiStore.commit(). Keys and values are raw bytes.

export type Bytes = Uint8Array;

export interface IterateOptions {
  /** inclusive lower bound; undefined = from the first key */
  start?: Bytes;
  /** exclusive upper bound; undefined = to the last key */
  end?: Bytes;
  reverse?: boolean;
}

export interface KVStore {
  get(key: Bytes): Promise<Bytes | undefined>;
  /**
   * The same read without a promise, present only where every layer below answers synchronously (the
   * node's stores do: caches over LevelDB getSync). A hot read then costs no promise per layer; the
   * layers above use it when they find it and fall back to `get` when not.
   */
  readonly getSync?: (key: Bytes) => Bytes | undefined;
  has(key: Bytes): Promise<boolean>;
  set(key: Bytes, value: Bytes): void;
  delete(key: Bytes): void;
  /** Entries in key order (bytewise), merged with this branch's pending writes. */
  iterate(opts?: IterateOptions): AsyncIterable<[Bytes, Bytes]>;
}

/** A branch of a store: writes stay here until write() flushes them into the parent. */
export interface CacheKVStore extends KVStore {
  write(): void;
}

export interface MultiStore {
  /** The store mounted under `name` (a module's store key, e.g. "bank"). Throws if not mounted. */
  getStore(name: string): KVStore;
}

/** A branch of the whole state (Cosmos SDK CacheMultiStore): branch() nests, write() flushes to the parent. */
export interface CacheMultiStore extends MultiStore {
  getStore(name: string): CacheKVStore;
  branch(): CacheMultiStore;
  write(): void;
}

export interface CommitId {
  version: number;
  hash: Bytes;
}

/** One proof op as CometBFT's `crypto.ProofOp` (type "ics23:iavl" or "ics23:simple", data = ics23 CommitmentProof bytes). */
export interface ProofOp {
  type: string;
  key: Bytes;
  data: Bytes;
}

export interface StoreQueryResult {
  value: Bytes | undefined;
  height: number;
  /** present when requested: [substore proof, multistore proof], verifiable against the app hash of `height` */
  proofOps?: ProofOp[];
}

/** Gas accounting, as Cosmos SDK `storetypes.GasMeter`. consume() throws ErrOutOfGas (sdk code 11) past the limit. */
export interface GasMeter {
  readonly limit: number; // Number.MAX_SAFE_INTEGER for an infinite meter
  consumed(): number;
  consume(amount: number, descriptor: string): void;
  refund(amount: number, descriptor: string): void;
  isOutOfGas(): boolean;
}
