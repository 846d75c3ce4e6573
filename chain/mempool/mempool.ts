// FIFO mempool (CometBFT mempool/clist_mempool.go): txs enter through the app's CheckTx, leave when
// committed or when a recheck after a block rejects them. A hash cache rejects duplicates; limits on
// count, total bytes and per-tx bytes; reaping by block bytes and gas; a lock held by consensus
// around Commit + update so CheckTx never runs against half-committed state.
import { toHex } from "@cosmjs/encoding";
import {
  CheckTxType,
  type ExecTxResult,
  RequestCheckTx,
  type ResponseCheckTx,
} from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import type { Application } from "../abci/application.ts";
import { txHash } from "../types/hash.ts";
import { TxCache } from "./cache.ts";
import { MempoolFullError, TxInCacheError, TxTooLargeError } from "./errors.ts";

export interface MempoolOptions {
  /** Max number of txs (CometBFT mempool.size). */
  maxTxs?: number;
  /** Max total bytes of all txs (mempool.max_txs_bytes). */
  maxTxsBytes?: number;
  /** Max bytes of one tx (mempool.max_tx_bytes). */
  maxTxBytes?: number;
  /** Size of the seen-tx hash cache (mempool.cache_size); 0 disables it. */
  cacheSize?: number;
  /** Re-run CheckTx on the remaining txs after every block (mempool.recheck). */
  recheck?: boolean;
}

/**
 * The app as the mempool uses it. `prepareCheckTx`, when present, is told of a new tx as soon as it
 * arrives, before it waits for its (serial) CheckTx turn, so the app can start work that needs no
 * state order (e.g. signature verification on another thread).
 */
export type MempoolApp = Pick<Application, "checkTx"> & { prepareCheckTx?(tx: Uint8Array): void };

export interface MempoolDeps {
  app: MempoolApp;
  logger: Logger;
}

export interface MempoolTx {
  tx: Uint8Array;
  hash: Uint8Array;
  gasWanted: bigint;
  /** Height at which the tx entered the mempool. */
  height: number;
}

export const DEFAULT_MEMPOOL_OPTIONS: Required<MempoolOptions> = {
  maxTxs: 5000,
  maxTxsBytes: 1073741824,
  maxTxBytes: 1114112,
  cacheSize: 10000,
  recheck: true,
};

/** Bytes a tx adds to a block's proto-encoded Data (types.ComputeProtoSizeForTxs of one tx). */
export function protoSizeOfTx(tx: Uint8Array): number {
  let n = tx.length;
  let varint = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    varint++;
  }
  return 1 + varint + tx.length;
}

export class Mempool {
  private readonly opts: Required<MempoolOptions>;
  private readonly app: MempoolApp;
  private readonly logger: Logger;
  private readonly cache: TxCache;
  private readonly entries = new Map<string, MempoolTx>(); // insertion order = FIFO
  private bytes = 0;
  private height = 0;
  private readonly listeners = new Set<() => void>();
  private notifiedAvailable = false;
  // Serializes CheckTx calls and the consensus lock: each holder waits for the previous one.
  private tail: Promise<void> = Promise.resolve();
  private releaseLock: (() => void) | undefined;

  constructor(options: MempoolOptions, deps: MempoolDeps) {
    this.opts = { ...DEFAULT_MEMPOOL_OPTIONS, ...stripUndefined(options) };
    this.app = deps.app;
    this.logger = deps.logger.child({ module: "mempool" });
    this.cache = new TxCache(this.opts.cacheSize);
  }

  size(): number {
    return this.entries.size;
  }

  sizeBytes(): number {
    return this.bytes;
  }

  has(hash: Uint8Array): boolean {
    return this.entries.has(toHex(hash));
  }

  get(hash: Uint8Array): MempoolTx | undefined {
    return this.entries.get(toHex(hash));
  }

  /** The first `limit` txs in FIFO order (all when limit is undefined or negative). */
  txs(limit?: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const e of this.entries.values()) {
      if (limit !== undefined && limit >= 0 && out.length >= limit) break;
      out.push(e.tx);
    }
    return out;
  }

  /** Calls fn when txs become available (once per height, like CometBFT's TxsAvailable). */
  onTxAvailable(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Runs CheckTx for a new tx and adds it when the app accepts it (code 0). Throws TxTooLargeError,
   * MempoolFullError or TxInCacheError before asking the app. Returns the app's response.
   */
  async checkTx(tx: Uint8Array): Promise<ResponseCheckTx> {
    if (tx.length > this.opts.maxTxBytes) throw new TxTooLargeError(this.opts.maxTxBytes, tx.length);
    this.assertRoom(tx.length);
    const hash = txHash(tx);
    const key = toHex(hash);
    if (!this.cache.push(key) || this.entries.has(key)) throw new TxInCacheError();
    this.app.prepareCheckTx?.(tx);
    const release = await this.acquire();
    try {
      let res: ResponseCheckTx;
      try {
        res = await this.app.checkTx(RequestCheckTx.fromPartial({ tx, type: CheckTxType.NEW }));
      } catch (e) {
        this.cache.remove(key);
        throw e;
      }
      if (res.code !== 0) {
        this.cache.remove(key);
        return res;
      }
      if (this.entries.has(key)) return res;
      try {
        this.assertRoom(tx.length);
      } catch (e) {
        this.cache.remove(key);
        throw e;
      }
      this.entries.set(key, { tx, hash, gasWanted: res.gasWanted, height: this.height });
      this.bytes += tx.length;
      this.notifyAvailable();
      return res;
    } finally {
      release();
    }
  }

  /**
   * Txs for a proposal, FIFO, stopping at the first tx that would exceed maxBytes (proto size in
   * Data) or maxGas (sum of CheckTx gas_wanted); -1 means no limit.
   */
  reapMaxBytesMaxGas(maxBytes: number, maxGas: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let size = 0;
    let gas = 0n;
    const gasLimit = BigInt(maxGas);
    for (const e of this.entries.values()) {
      const s = protoSizeOfTx(e.tx);
      if (maxBytes > -1 && size + s > maxBytes) break;
      const g = gas + e.gasWanted;
      if (gasLimit > -1n && g > gasLimit) break;
      size += s;
      gas = g;
      out.push(e.tx);
    }
    return out;
  }

  /**
   * Waits for in-flight CheckTx calls, then blocks new ones until unlock(). Consensus holds it
   * around Commit and update().
   */
  async lock(): Promise<void> {
    const release = await this.acquire();
    this.releaseLock = release;
  }

  unlock(): void {
    const release = this.releaseLock;
    this.releaseLock = undefined;
    release?.();
  }

  /**
   * After a block: drops the committed txs (keeping valid ones in the cache, forgetting invalid
   * ones so they may be resubmitted), then rechecks what is left. Call while holding lock().
   */
  async update(height: number, committedTxs: readonly Uint8Array[], results: readonly ExecTxResult[]): Promise<void> {
    const ownLock = this.releaseLock === undefined;
    const release = ownLock ? await this.acquire() : undefined;
    try {
      this.height = height;
      this.notifiedAvailable = false;
      committedTxs.forEach((tx, i) => {
        const key = toHex(txHash(tx));
        if ((results[i]?.code ?? 0) === 0) this.cache.push(key);
        else this.cache.remove(key);
        this.removeKey(key);
      });
      if (this.opts.recheck && this.entries.size > 0) await this.recheck();
      if (this.entries.size > 0) this.notifyAvailable();
    } finally {
      release?.();
    }
  }

  /** Removes a tx (e.g. found invalid elsewhere); returns whether it was present. */
  removeTxByHash(hash: Uint8Array): boolean {
    const key = toHex(hash);
    this.cache.remove(key);
    return this.removeKey(key);
  }

  /** Empties the mempool and the cache (unsafe_flush_mempool). */
  flush(): void {
    this.entries.clear();
    this.bytes = 0;
    this.cache.reset();
  }

  private async recheck(): Promise<void> {
    for (const [key, e] of [...this.entries]) {
      let ok = false;
      try {
        const res = await this.app.checkTx(RequestCheckTx.fromPartial({ tx: e.tx, type: CheckTxType.RECHECK }));
        ok = res.code === 0;
        if (ok) e.gasWanted = res.gasWanted;
        else this.logger.debug({ tx: key, code: res.code, log: res.log }, "tx invalid on recheck; removed");
      } catch (err) {
        this.logger.error({ tx: key, err }, "recheck failed; tx removed");
      }
      if (!ok) {
        this.removeKey(key);
        this.cache.remove(key);
      }
    }
  }

  private removeKey(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    this.bytes -= e.tx.length;
    return true;
  }

  private assertRoom(txBytes: number): void {
    if (this.entries.size >= this.opts.maxTxs || this.bytes + txBytes > this.opts.maxTxsBytes) {
      throw new MempoolFullError(this.entries.size, this.opts.maxTxs, this.bytes, this.opts.maxTxsBytes);
    }
  }

  private notifyAvailable(): void {
    if (this.notifiedAvailable || this.entries.size === 0) return;
    this.notifiedAvailable = true;
    for (const fn of this.listeners) {
      try {
        fn();
      } catch (err) {
        this.logger.error({ err }, "txs-available listener threw");
      }
    }
  }

  private acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const prev = this.tail;
    this.tail = prev.then(() => held);
    return prev.then(() => release);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
