// Block store (cometbft store/store.go) over the `blocks` sublevel: blocks as proto, indexed by
// height and by hash; block metas; the canonical commit for height h (block h+1's last_commit);
// the seen commit and extended commit the node itself collected; FinalizeBlock responses per height.
import type { AbstractLevel } from "abstract-level";
import { ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import { Block } from "cosmjs-types/tendermint/types/block";
import { type BlockID, BlockMeta, Commit, ExtendedCommit } from "cosmjs-types/tendermint/types/types";
import { encodeFinalizeBlockResponse } from "../types/encoding.ts";
import { heightKey, key, PREFIX, readHeight, STATE_KEY } from "./keys.ts";

export type BlocksDb = AbstractLevel<any, Uint8Array, Uint8Array>;

export class BlockStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlockStoreError";
  }
}

interface StoreState {
  base: number;
  height: number;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Heights whose block, meta and FinalizeBlock response stay decoded in memory (the RPC reads the tip). */
const RECENT = 4;

interface Recent {
  block?: Block;
  meta?: BlockMeta;
  response?: ResponseFinalizeBlock;
}

export class BlockStore {
  private readonly db: BlocksDb;
  private state: StoreState | undefined;
  /**
   * The last RECENT heights' objects as saved, so `block` / `block_results` of the tip (what every
   * client follows) skip LevelDB and proto decoding. Callers treat loaded objects as read-only.
   */
  private readonly recent = new Map<number, Recent>();

  // biome-ignore lint/complexity/noBannedTypes: no options yet; (options, dependencies) convention.
  constructor(_options: {}, deps: { db: BlocksDb }) {
    this.db = deps.db;
  }

  /** Reads base/height from disk. Optional: base()/height() also load synchronously on first use. */
  async load(): Promise<void> {
    this.state = decodeState(await this.db.get(STATE_KEY));
  }

  private current(): StoreState {
    if (!this.state) this.state = decodeState(readSync(this.db, STATE_KEY));
    return this.state;
  }

  /** Lowest stored height (0 when empty). */
  base(): number {
    return this.current().base;
  }

  /** Highest stored height (0 when empty). */
  height(): number {
    return this.current().height;
  }

  size(): number {
    const s = this.current();
    return s.height === 0 ? 0 : s.height - s.base + 1;
  }

  /**
   * Saves block h (h must be height()+1, or any height when the store is empty, e.g. state sync),
   * its id, the commit seen for it, and the extended commit when vote extensions are on. Block h's
   * last_commit becomes the canonical commit of h-1. One atomic batch.
   */
  async saveBlock(block: Block, blockId: BlockID, seenCommit: Commit, extendedCommit?: ExtendedCommit): Promise<void> {
    if (!block.header) throw new BlockStoreError("cannot save a block without a header");
    const height = Number(block.header.height);
    const s = this.current();
    if (!Number.isSafeInteger(height) || height <= 0) throw new BlockStoreError(`invalid block height ${height}`);
    if (s.height > 0 && height !== s.height + 1) {
      throw new BlockStoreError(`can only save contiguous blocks: wanted ${s.height + 1}, got ${height}`);
    }
    if (seenCommit.height !== block.header.height) {
      throw new BlockStoreError(`seen commit height ${seenCommit.height} does not match block height ${height}`);
    }
    if (extendedCommit && extendedCommit.height !== block.header.height) {
      throw new BlockStoreError(
        `extended commit height ${extendedCommit.height} does not match block height ${height}`,
      );
    }
    const blockBytes = Block.encode(block).finish();
    const meta = BlockMeta.fromPartial({
      blockId,
      blockSize: BigInt(blockBytes.length),
      header: block.header,
      numTxs: BigInt(block.data?.txs.length ?? 0),
    });
    const next: StoreState = { base: s.height === 0 ? height : s.base, height };
    const ops: { type: "put"; key: Uint8Array; value: Uint8Array }[] = [
      { type: "put", key: heightKey(PREFIX.block, height), value: blockBytes },
      { type: "put", key: heightKey(PREFIX.meta, height), value: BlockMeta.encode(meta).finish() },
      { type: "put", key: key(PREFIX.hash, blockId.hash), value: heightKey(new Uint8Array(0), height) },
      { type: "put", key: heightKey(PREFIX.seenCommit, height), value: Commit.encode(seenCommit).finish() },
      { type: "put", key: STATE_KEY, value: encodeState(next) },
    ];
    if (block.lastCommit && height > 1 && block.lastCommit.height > 0n) {
      ops.push({
        type: "put",
        key: heightKey(PREFIX.commit, height - 1),
        value: Commit.encode(block.lastCommit).finish(),
      });
    }
    if (extendedCommit) {
      ops.push({
        type: "put",
        key: heightKey(PREFIX.extendedCommit, height),
        value: ExtendedCommit.encode(extendedCommit).finish(),
      });
    }
    await this.db.batch(ops);
    this.state = next;
    this.remember(height, { block, meta });
  }

  private remember(height: number, add: Recent): void {
    const r = this.recent.get(height);
    if (r) Object.assign(r, add);
    else this.recent.set(height, { ...add });
    for (const h of this.recent.keys()) if (h <= height - RECENT || h > height + RECENT) this.recent.delete(h);
  }

  private cached(height: number): Recent | undefined {
    return this.inRange(height) ? this.recent.get(height) : undefined;
  }

  async loadBlockBytes(height: number): Promise<Uint8Array | undefined> {
    if (!this.inRange(height)) return undefined;
    return this.db.get(heightKey(PREFIX.block, height));
  }

  async loadBlock(height: number): Promise<Block | undefined> {
    const hit = this.cached(height)?.block;
    if (hit) return hit;
    const bytes = await this.loadBlockBytes(height);
    return bytes ? Block.decode(bytes) : undefined;
  }

  async loadBlockByHash(hash: Uint8Array): Promise<Block | undefined> {
    const h = await this.heightOfHash(hash);
    return h === undefined ? undefined : this.loadBlock(h);
  }

  async loadBlockMetaByHash(hash: Uint8Array): Promise<BlockMeta | undefined> {
    const h = await this.heightOfHash(hash);
    return h === undefined ? undefined : this.loadBlockMeta(h);
  }

  async heightOfHash(hash: Uint8Array): Promise<number | undefined> {
    if (hash.length === 0) return undefined;
    const v = await this.db.get(key(PREFIX.hash, hash));
    if (!v) return undefined;
    const h = readHeight(v);
    return this.inRange(h) ? h : undefined;
  }

  async loadBlockMeta(height: number): Promise<BlockMeta | undefined> {
    if (!this.inRange(height)) return undefined;
    const hit = this.recent.get(height)?.meta;
    if (hit) return hit;
    const v = await this.db.get(heightKey(PREFIX.meta, height));
    return v ? BlockMeta.decode(v) : undefined;
  }

  /** The canonical commit for `height`, from block height+1's last_commit (undefined for the tip). */
  async loadBlockCommit(height: number): Promise<Commit | undefined> {
    if (!this.inRange(height)) return undefined;
    const v = await this.db.get(heightKey(PREFIX.commit, height));
    return v ? Commit.decode(v) : undefined;
  }

  /** The commit this node saw for `height` when it committed the block. */
  async loadSeenCommit(height: number): Promise<Commit | undefined> {
    if (!this.inRange(height)) return undefined;
    const v = await this.db.get(heightKey(PREFIX.seenCommit, height));
    return v ? Commit.decode(v) : undefined;
  }

  async loadExtendedCommit(height: number): Promise<ExtendedCommit | undefined> {
    if (!this.inRange(height)) return undefined;
    const v = await this.db.get(heightKey(PREFIX.extendedCommit, height));
    return v ? ExtendedCommit.decode(v) : undefined;
  }

  async saveFinalizeBlockResponse(height: number, response: ResponseFinalizeBlock): Promise<void> {
    if (!Number.isSafeInteger(height) || height <= 0) throw new BlockStoreError(`invalid height ${height}`);
    await this.db.put(heightKey(PREFIX.finalizeResponse, height), encodeFinalizeBlockResponse(response));
    this.remember(height, { response });
  }

  async loadFinalizeBlockResponse(height: number): Promise<ResponseFinalizeBlock | undefined> {
    if (!Number.isSafeInteger(height) || height <= 0) return undefined;
    const hit = this.recent.get(height)?.response;
    if (hit) return hit;
    const v = await this.db.get(heightKey(PREFIX.finalizeResponse, height));
    return v ? ResponseFinalizeBlock.decode(v) : undefined;
  }

  /**
   * Deletes the block at the tip (CometBFT DeleteLatestBlock, for `dgrid rollback --hard`): its
   * block, meta, hash index, seen and extended commits, its FinalizeBlock response and the canonical
   * commit of the height below that it carried. Works on a tip whose records do not decode.
   */
  async deleteLatestBlock(): Promise<number> {
    const s = this.current();
    if (s.height === 0) throw new BlockStoreError("the block store is empty: no block to delete");
    const h = s.height;
    const ops: ({ type: "del"; key: Uint8Array } | { type: "put"; key: Uint8Array; value: Uint8Array })[] = [];
    try {
      const meta = await this.loadBlockMeta(h);
      if (meta) ops.push({ type: "del", key: key(PREFIX.hash, meta.blockId.hash) });
    } catch {
      // an undecodable meta: its hash index entry stays behind, pointing above the store's height
    }
    for (const p of [PREFIX.block, PREFIX.meta, PREFIX.seenCommit, PREFIX.extendedCommit, PREFIX.finalizeResponse])
      ops.push({ type: "del", key: heightKey(p, h) });
    if (h > 1) ops.push({ type: "del", key: heightKey(PREFIX.commit, h - 1) });
    const next: StoreState = h === s.base ? { base: 0, height: 0 } : { base: s.base, height: h - 1 };
    ops.push({ type: "put", key: STATE_KEY, value: encodeState(next) });
    await this.db.batch(ops);
    this.state = next;
    this.recent.delete(h);
    return next.height;
  }

  /** Deletes blocks below retainHeight (CometBFT PruneBlocks); returns how many were pruned. */
  async pruneBlocks(retainHeight: number): Promise<number> {
    const s = this.current();
    if (retainHeight <= s.base) return 0;
    if (retainHeight > s.height) {
      throw new BlockStoreError(`cannot prune beyond the latest height ${s.height} (retain ${retainHeight})`);
    }
    const ops: { type: "del"; key: Uint8Array }[] = [];
    for (let h = s.base; h < retainHeight; h++) {
      const meta = await this.loadBlockMeta(h);
      if (meta) ops.push({ type: "del", key: key(PREFIX.hash, meta.blockId.hash) });
      for (const p of [PREFIX.block, PREFIX.meta, PREFIX.commit, PREFIX.seenCommit, PREFIX.extendedCommit]) {
        ops.push({ type: "del", key: heightKey(p, h) });
      }
    }
    const next = { base: retainHeight, height: s.height };
    await this.db.batch([...ops, { type: "put", key: STATE_KEY, value: encodeState(next) }]);
    this.state = next;
    for (const h of this.recent.keys()) if (h < retainHeight) this.recent.delete(h);
    return retainHeight - s.base;
  }

  private inRange(height: number): boolean {
    const s = this.current();
    return Number.isSafeInteger(height) && height >= s.base && height <= s.height && height > 0;
  }
}

function encodeState(s: StoreState): Uint8Array {
  return textEncoder.encode(JSON.stringify(s));
}

function decodeState(bytes: Uint8Array | undefined): StoreState {
  if (!bytes) return { base: 0, height: 0 };
  const s = JSON.parse(textDecoder.decode(bytes)) as StoreState;
  return { base: s.base, height: s.height };
}

interface SyncReadable {
  status?: string;
  getSync?: (k: Uint8Array, o?: object) => Uint8Array | undefined;
  prefixKey?: (k: Uint8Array, format: "view", local: boolean) => Uint8Array;
  db?: SyncReadable;
}

/**
 * Synchronous read for base()/height() before load(): a sublevel that is still opening cannot
 * getSync, so fall back to the (open) root database with the sublevel's prefixed key.
 */
function readSync(db: BlocksDb, k: Uint8Array): Uint8Array | undefined {
  const d = db as unknown as SyncReadable;
  if (d.status === "open" && d.getSync) return d.getSync(k);
  const root = d.db;
  if (root && root !== d && root.status === "open" && root.getSync && d.prefixKey) {
    return root.getSync(d.prefixKey(k, "view", false), { keyEncoding: "view", valueEncoding: "view" });
  }
  throw new BlockStoreError("BlockStore: database not open; await load() first");
}
