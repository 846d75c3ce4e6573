// Content-addressed store of inference input blobs: <home>/data/blobs/<sha256 hex>, one file per
// blob, written whole (tmp + rename) only after its sha256 and size were checked. Size-bounded: a
// blob over maxBlobBytes is refused; when the store would exceed maxTotalBytes the oldest blobs go
// first. prune() deletes blobs older than the retention window (the requests naming them settle
// within commit + reveal deadlines, minutes; the window is an hour by default); pruneSettled()
// deletes sooner the blobs no pending request names (their requests settled). Node-local: nothing
// here decides consensus (whether a blob was available is what executors' vote extensions say).
// The node keeps a second one under <home>/data/outputs for the outputs its executor revealed by
// hash (output-routes.ts serves them), pruned by its own retention only.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { ErrBlobHashMismatch, ErrBlobNotFound, ErrBlobTooLarge, ErrInvalidBlobHash } from "../errors.ts";

const HASH = /^[0-9a-f]{64}$/;

export function checkBlobHash(hash: string): string {
  if (!HASH.test(hash)) throw ErrInvalidBlobHash.wrap(JSON.stringify(hash.slice(0, 80)));
  return hash;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface BlobStoreOptions {
  home: string;
  /** the folder under <home>/data: "blobs" (inputs, the default) or "outputs" (outputs by hash) */
  subdir?: string;
  maxBlobBytes: number;
  maxTotalBytes: number;
  retentionMs: number;
}

export class BlobStore {
  readonly dir: string;
  readonly maxBlobBytes: number;
  private readonly logger: Logger;

  constructor(
    private readonly options: BlobStoreOptions,
    deps: { logger: Logger; now?: () => number },
  ) {
    this.dir = join(options.home, "data", options.subdir ?? "blobs");
    this.maxBlobBytes = options.maxBlobBytes;
    this.logger = deps.logger.child({ module: "blob-store" });
    this.now = deps.now ?? Date.now;
  }

  private readonly now: () => number;

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /**
   * Stores `bytes` as the blob `hash` (and, when given, of `size` bytes): ErrBlobTooLarge over the
   * limit, ErrBlobHashMismatch when the bytes are other ones. Returns whether it was new.
   */
  async put(hash: string, bytes: Uint8Array, size?: number): Promise<{ created: boolean }> {
    checkBlobHash(hash);
    if (bytes.length > this.maxBlobBytes) throw ErrBlobTooLarge.wrap(`${bytes.length} bytes > ${this.maxBlobBytes}`);
    if (size !== undefined && bytes.length !== size)
      throw ErrBlobHashMismatch.wrap(`${bytes.length} bytes, ${size} expected`);
    const got = sha256Hex(bytes);
    if (got !== hash) throw ErrBlobHashMismatch.wrap(`bytes hash to ${got}, not ${hash}`);
    if (await this.size(hash)) {
      // uploaded again (the next request with the same input): the grace and retention count anew
      const now = new Date(this.now());
      await utimes(join(this.dir, hash), now, now).catch(() => {});
      return { created: false };
    }
    await this.makeRoom(bytes.length);
    const file = join(this.dir, hash);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
    return { created: true };
  }

  /** Size of a stored blob, or undefined. */
  async size(hash: string): Promise<number | undefined> {
    try {
      return (await stat(join(this.dir, checkBlobHash(hash)))).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  /** The blob's bytes, checked against its hash (a damaged file is deleted: ErrBlobNotFound). */
  async read(hash: string): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(this.dir, checkBlobHash(hash)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw ErrBlobNotFound.wrap(hash);
      throw e;
    }
    if (sha256Hex(bytes) !== hash) {
      this.logger.warn({ blob: hash }, "stored blob does not match its hash: deleted");
      await rm(join(this.dir, hash), { force: true });
      throw ErrBlobNotFound.wrap(`${hash} (damaged copy deleted)`);
    }
    return bytes;
  }

  /** Stored blobs, oldest first. */
  async list(): Promise<{ hash: string; size: number; mtimeMs: number }[]> {
    const out: { hash: string; size: number; mtimeMs: number }[] = [];
    for (const name of await readdir(this.dir)) {
      if (!HASH.test(name)) continue;
      try {
        const s = await stat(join(this.dir, name));
        out.push({ hash: name, size: s.size, mtimeMs: s.mtimeMs });
      } catch {
        // deleted meanwhile
      }
    }
    return out.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.hash < b.hash ? -1 : 1));
  }

  /** Deletes blobs older than the retention window; returns how many went. */
  async prune(): Promise<number> {
    const cutoff = this.now() - this.options.retentionMs;
    let n = 0;
    for (const b of await this.list()) {
      if (b.mtimeMs >= cutoff) break;
      await rm(join(this.dir, b.hash), { force: true });
      n++;
    }
    if (n > 0) this.logger.info({ pruned: n }, "blobs past their retention pruned");
    return n;
  }

  /**
   * Deletes the blobs no pending request names whose last upload or fetch is more than `graceMs` ago:
   * the blobs of settled requests, and uploads no request used. The grace covers a client between
   * its upload and its tx's block (and the next request with the same input, which uploads it again).
   * `pending` (the blob hashes of the chain's pending requests) is asked only when some blob is past
   * the grace. Returns how many went.
   */
  async pruneSettled(pending: () => Promise<ReadonlySet<string>>, graceMs: number): Promise<number> {
    const cutoff = this.now() - graceMs;
    const old = [];
    for (const b of await this.list()) {
      if (b.mtimeMs >= cutoff) break; // oldest first
      old.push(b.hash);
    }
    if (old.length === 0) return 0;
    const named = await pending();
    let n = 0;
    for (const hash of old) {
      if (named.has(hash)) continue;
      await rm(join(this.dir, hash), { force: true });
      n++;
    }
    if (n > 0) this.logger.info({ pruned: n }, "blobs no pending request names pruned");
    return n;
  }

  /** Deletes the oldest blobs until `incoming` more bytes fit under maxTotalBytes. */
  private async makeRoom(incoming: number): Promise<void> {
    const all = await this.list();
    let total = all.reduce((n, b) => n + b.size, 0) + incoming;
    for (const b of all) {
      if (total <= this.options.maxTotalBytes) break;
      await rm(join(this.dir, b.hash), { force: true });
      total -= b.size;
      this.logger.info({ blob: b.hash, size: b.size }, "oldest blob evicted (store full)");
    }
  }
}
