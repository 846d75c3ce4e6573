// Transaction and block indexer over the `txindex` sublevel (CometBFT state/txindex/kv and
// state/indexer/block/kv): txs by hash, by height, and by every event attribute; block events by
// height and attribute. Searches take a CometBFT query (query.ts), narrow candidates through one
// index, then check every condition on the stored events, so results are always exact.
import { fromHex, toHex } from "@cosmjs/encoding";
import type { AbstractLevel } from "abstract-level";
import { type Event, type ExecTxResult, TxResult } from "cosmjs-types/tendermint/abci/types";
import { type EventAttributes, flattenEvents } from "../events/event-bus.ts";
import { concat } from "../types/bytes.ts";
import { encodeTxResult } from "../types/encoding.ts";
import { txHash } from "../types/hash.ts";
import {
  blockEventKey,
  blockEventPrefix,
  blockKey,
  eventGroupPrefix,
  eventPrefix,
  heightKey,
  P,
  prefixEnd,
  readU64,
  txKey,
  u32,
} from "./keys.ts";
import { type Condition, matchQuery, parseQuery, type Query } from "./query.ts";

export type TxIndexDb = AbstractLevel<any, Uint8Array, Uint8Array>;

export class TxIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TxIndexError";
  }
}

export interface IndexedTx {
  hash: Uint8Array;
  height: number;
  index: number;
  tx: Uint8Array;
  result: ExecTxResult;
}

export interface SearchOptions {
  page?: number;
  perPage?: number;
  orderBy?: "asc" | "desc" | "";
}

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;

const TX_HASH = "tx.hash";
const TX_HEIGHT = "tx.height";
const BLOCK_HEIGHT = "block.height";
const TM_EVENT = "tm.event";
const SPECIAL = new Set([TX_HASH, TX_HEIGHT, BLOCK_HEIGHT, TM_EVENT]);

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** What tx_search matches a tx against: its indexed attributes, plus tm.event, tx.hash and tx.height. */
export function txAttributes(hash: Uint8Array, height: number, result: ExecTxResult): EventAttributes {
  const attrs = flattenEvents(result.events, new Map(), true);
  attrs.set(TM_EVENT, ["Tx"]);
  attrs.set(TX_HASH, [toHex(hash).toUpperCase()]);
  attrs.set(TX_HEIGHT, [String(height)]);
  return attrs;
}

/** What block_search matches a height against: its indexed FinalizeBlock attributes, plus block.height. */
export function blockAttributes(height: number, events: readonly Event[]): EventAttributes {
  const attrs = flattenEvents(events, new Map(), true);
  attrs.set(TM_EVENT, ["NewBlock"]);
  attrs.set(BLOCK_HEIGHT, [String(height)]);
  return attrs;
}

export class TxIndexer {
  private readonly db: TxIndexDb;

  // biome-ignore lint/complexity/noBannedTypes: no options yet; (options, dependencies) convention.
  constructor(_options: {}, deps: { db: TxIndexDb }) {
    this.db = deps.db;
  }

  /** Indexes one committed block: its txs with their results, and its FinalizeBlock events. */
  async indexBlock(
    height: number,
    txs: readonly Uint8Array[],
    results: readonly ExecTxResult[],
    blockEvents: readonly Event[],
  ): Promise<void> {
    if (!Number.isSafeInteger(height) || height <= 0) throw new TxIndexError(`invalid height ${height}`);
    if (txs.length !== results.length) {
      throw new TxIndexError(`block ${height}: ${txs.length} txs but ${results.length} results`);
    }
    const ops: { type: "put"; key: Uint8Array; value: Uint8Array }[] = [];
    const tagCache = new Map<string, Buffer>(); // "G" <key> 0x00, shared by every tx of the block
    // one entry per distinct (attribute, value) of the block: values shared by many txs (message.action,
    // the fee collector, the fee amount, msg_index...) cost one LevelDB write per block, not one per tx
    const groups = new Map<string, Map<string, Uint8Array[]>>();
    const big = BigInt(height);
    const heightBytes = heightKey(height, 0).subarray(1, 9); // <height u64>
    txs.forEach((tx, index) => {
      const result = results[index] as ExecTxResult;
      const hash = txHash(tx);
      const record = encodeTxResult(big, index, tx, result);
      ops.push({ type: "put", key: txKey(hash), value: record });
      ops.push({ type: "put", key: heightKey(height, index), value: hash });
      const ref = concat(u32(index), hash); // <index u32> <hash>
      for (const [k, values] of flattenEvents(result.events, new Map(), true)) {
        let byValue = groups.get(k);
        if (!byValue) {
          byValue = new Map();
          groups.set(k, byValue);
        }
        for (const v of values) {
          const refs = byValue.get(v);
          if (!refs) byValue.set(v, [ref]);
          else if (refs[refs.length - 1] !== ref) refs.push(ref); // a value repeated within one tx counts once
        }
      }
    });
    for (const [k, byValue] of groups) {
      let tag = tagCache.get(k);
      if (!tag) {
        tag = Buffer.from(eventGroupPrefix(k));
        tagCache.set(k, tag);
      }
      for (const [v, refs] of byValue) {
        // eventGroupPrefix(k, v) + height, built in one buffer
        const vlen = Buffer.byteLength(v, "utf8");
        const key = Buffer.allocUnsafe(tag.length + vlen + 1 + 8);
        tag.copy(key, 0);
        key.write(v, tag.length, "utf8");
        key[tag.length + vlen] = 0;
        key.set(heightBytes, tag.length + vlen + 1);
        ops.push({ type: "put", key, value: refs.length === 1 ? (refs[0] as Uint8Array) : Buffer.concat(refs) });
      }
    }
    const battrs = blockAttributes(height, blockEvents);
    battrs.delete(TM_EVENT);
    battrs.delete(BLOCK_HEIGHT);
    ops.push({ type: "put", key: blockKey(height), value: textEncoder.encode(JSON.stringify([...battrs])) });
    for (const [k, values] of battrs) {
      for (const v of new Set(values))
        ops.push({ type: "put", key: blockEventKey(k, v, height), value: new Uint8Array(0) });
    }
    await this.db.batch(ops);
  }

  async getTx(hash: Uint8Array): Promise<IndexedTx | undefined> {
    if (hash.length !== 32) return undefined;
    const v = await this.db.get(txKey(hash));
    if (!v) return undefined;
    const r = TxResult.decode(v);
    return { hash: hash.slice(), height: Number(r.height), index: r.index, tx: r.tx, result: r.result };
  }

  /** tx_search: every tx matching the query, ordered by (height, index), one page of it. */
  async searchTxs(query: string | Query, opts: SearchOptions = {}): Promise<{ txs: IndexedTx[]; totalCount: number }> {
    const q = typeof query === "string" ? parseQuery(query) : query;
    const found = new Map<string, IndexedTx>();
    const consider = async (hash: Uint8Array) => {
      const id = toHex(hash);
      if (found.has(id)) return;
      const tx = await this.getTx(hash);
      if (tx && matchQuery(q, txAttributes(hash, tx.height, tx.result))) found.set(id, tx);
    };
    const hashCond = q.conditions.find((c) => c.tag === TX_HASH && c.op === "=" && c.operand?.kind === "string");
    if (hashCond && hashCond.operand?.kind === "string") {
      const hash = tryHex(hashCond.operand.value);
      if (hash) await consider(hash);
    } else {
      const [lo, hi] = heightBounds(q.conditions, TX_HEIGHT);
      const cond = pickIndexCondition(q.conditions);
      if (cond) {
        const value = exactString(cond);
        const grouped = eventGroupPrefix(cond.tag, value);
        for await (const [k, refs] of this.db.iterator({ gte: grouped, lt: prefixEnd(grouped) })) {
          const h = readU64(k, k.length - 8);
          if (h < lo || h > hi) continue;
          for (let off = 0; off + 36 <= refs.length; off += 36) await consider(refs.subarray(off + 4, off + 36));
        }
        const prefix = eventPrefix(cond.tag, value); // entries of earlier versions
        for await (const [k, hash] of this.db.iterator({ gte: prefix, lt: prefixEnd(prefix) })) {
          const h = readU64(k, k.length - 12);
          if (h >= lo && h <= hi) await consider(hash);
        }
      } else {
        const gte = heightKey(Math.max(lo, 0), 0);
        const lt = hi >= Number.MAX_SAFE_INTEGER ? new Uint8Array([P.height + 1]) : heightKey(hi + 1, 0);
        for await (const hash of this.db.values({ gte, lt })) await consider(hash);
      }
    }
    const all = [...found.values()].sort((a, b) => a.height - b.height || a.index - b.index);
    if (opts.orderBy === "desc") all.reverse();
    return { txs: paginate(all, opts), totalCount: all.length };
  }

  /** block_search: heights whose FinalizeBlock events (plus block.height) match the query. */
  async searchBlocks(
    query: string | Query,
    opts: SearchOptions = {},
  ): Promise<{ heights: number[]; totalCount: number }> {
    const q = typeof query === "string" ? parseQuery(query) : query;
    const [lo, hi] = heightBounds(q.conditions, BLOCK_HEIGHT);
    const candidates = new Set<number>();
    const cond = pickIndexCondition(q.conditions);
    if (cond) {
      const prefix = blockEventPrefix(cond.tag, exactString(cond));
      for await (const k of this.db.keys({ gte: prefix, lt: prefixEnd(prefix) })) {
        const h = readU64(k, k.length - 8);
        if (h >= lo && h <= hi) candidates.add(h);
      }
    } else {
      const gte = blockKey(Math.max(lo, 0));
      const lt = hi >= Number.MAX_SAFE_INTEGER ? new Uint8Array([P.block + 1]) : blockKey(hi + 1);
      for await (const k of this.db.keys({ gte, lt })) candidates.add(readU64(k, 1));
    }
    const heights: number[] = [];
    for (const h of [...candidates].sort((a, b) => a - b)) {
      const v = await this.db.get(blockKey(h));
      if (!v) continue;
      const attrs: EventAttributes = new Map(JSON.parse(textDecoder.decode(v)) as [string, string[]][]);
      attrs.set(TM_EVENT, ["NewBlock"]);
      attrs.set(BLOCK_HEIGHT, [String(h)]);
      if (matchQuery(q, attrs)) heights.push(h);
    }
    if (opts.orderBy === "desc") heights.reverse();
    return { heights: paginate(heights, opts), totalCount: heights.length };
  }
}

function tryHex(s: string): Uint8Array | undefined {
  const hex = s.startsWith("0x") || s.startsWith("0X") ? s.slice(2) : s;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  return fromHex(hex);
}

/** The condition whose index narrows the search best: an exact string match, else any event key. */
function pickIndexCondition(conds: readonly Condition[]): Condition | undefined {
  const events = conds.filter((c) => !SPECIAL.has(c.tag));
  return events.find((c) => exactString(c) !== undefined) ?? events[0];
}

function exactString(c: Condition): string | undefined {
  return c.op === "=" && c.operand?.kind === "string" ? c.operand.value : undefined;
}

/** Inclusive integer height bounds implied by numeric conditions on `tag`. */
function heightBounds(conds: readonly Condition[], tag: string): [number, number] {
  let lo = 0;
  let hi = Number.MAX_SAFE_INTEGER;
  for (const c of conds) {
    if (c.tag !== tag || c.operand?.kind !== "number") continue;
    const v = Number(c.operand.value);
    if (!Number.isFinite(v)) continue;
    const floor = Math.floor(v);
    const ceil = Math.ceil(v);
    if (c.op === "=") {
      lo = Math.max(lo, ceil);
      hi = Math.min(hi, floor);
    } else if (c.op === ">") lo = Math.max(lo, floor + 1);
    else if (c.op === ">=") lo = Math.max(lo, ceil);
    else if (c.op === "<") hi = Math.min(hi, ceil - 1);
    else if (c.op === "<=") hi = Math.min(hi, floor);
  }
  return [lo, hi];
}

/** CometBFT's validatePage / validatePerPage: per_page in [1, 100] (default 30), page in [1, pages]. */
export function paginate<T>(items: T[], opts: SearchOptions): T[] {
  let perPage = opts.perPage ?? DEFAULT_PER_PAGE;
  if (!Number.isInteger(perPage) || perPage < 1) perPage = DEFAULT_PER_PAGE;
  if (perPage > MAX_PER_PAGE) perPage = MAX_PER_PAGE;
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const page = opts.page ?? 1;
  if (!Number.isInteger(page) || page < 1 || page > pages) {
    throw new TxIndexError(`page should be within [1, ${pages}] range, given ${page}`);
  }
  return items.slice((page - 1) * perPage, page * perPage);
}
