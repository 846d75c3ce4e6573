// Obtaining a request's input blob for this node's executor: from the node's own blob store (the
// requester may have uploaded it here), else from the peers' blob endpoints by hash (GET
// <peer>/blobs/<sha256>, as models are fetched), checked against the hash and size before it is
// stored. Peers are asked again until `waitMs` has passed (an upload may reach a peer a moment after
// the request is assigned); then ErrBlobUnavailable, and the duties report the blob unavailable in
// their vote extension.
import type { Logger } from "pino";
import { ErrBlobUnavailable } from "../errors.ts";
import { type BlobStore, sha256Hex } from "./blob-store.ts";

export interface BlobFetcherOptions {
  /** base URLs of peers' model endpoints (config models.peers) */
  peers: string[];
  /** how long to keep trying (config blobs.fetch-wait) */
  waitMs: number;
  /** pause between rounds over the peers */
  retryMs?: number;
}

export class BlobFetcher {
  private readonly logger: Logger;
  private readonly doFetch: typeof fetch;

  constructor(
    private readonly options: BlobFetcherOptions,
    private readonly deps: { store: BlobStore; logger: Logger; fetch?: typeof fetch },
  ) {
    this.logger = deps.logger.child({ module: "blob-fetch" });
    this.doFetch = deps.fetch ?? fetch;
  }

  /** The blob's bytes (hash = lowercase hex sha256, size = the reference's size_bytes). */
  async obtain(hash: string, size: number): Promise<Uint8Array> {
    const until = Date.now() + this.options.waitMs;
    const reasons = new Map<string, string>();
    for (;;) {
      if ((await this.deps.store.size(hash)) === size) {
        try {
          return await this.deps.store.read(hash);
        } catch (e) {
          reasons.set("local", (e as Error).message);
        }
      }
      for (const peer of this.options.peers) {
        try {
          const bytes = await this.fromPeer(peer, hash, size, until);
          await this.deps.store.put(hash, bytes, size);
          this.logger.info({ blob: hash, peer, size }, "blob fetched from a peer");
          return bytes;
        } catch (e) {
          reasons.set(peer, e instanceof Error ? e.message : String(e));
        }
      }
      if (Date.now() + (this.options.retryMs ?? 250) > until) break;
      await new Promise((r) => setTimeout(r, this.options.retryMs ?? 250));
    }
    const why = [...reasons].map(([p, r]) => `${p}: ${r}`).join("; ") || "no peers";
    throw ErrBlobUnavailable.wrap(`${hash} (${why})`);
  }

  private async fromPeer(peer: string, hash: string, size: number, until: number): Promise<Uint8Array> {
    const url = `${peer.replace(/\/+$/, "")}/blobs/${hash}`;
    const res = await this.doFetch(url, { signal: AbortSignal.timeout(Math.max(1000, until - Date.now())) });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get("content-length"));
    if (Number.isFinite(declared) && declared !== size) {
      await res.body?.cancel();
      throw new Error(`peer declares ${declared} bytes, the request names ${size}`);
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length !== size || sha256Hex(bytes) !== hash) throw new Error("peer sent other bytes");
    return bytes;
  }
}
