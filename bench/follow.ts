// Shared by the throughput benches: JSON-RPC with errors thrown, a follower of committed blocks (commit
// time = when the bench first saw the block), the tx results of given heights, and percentiles.
import { createHash } from "node:crypto";
import { rpcCall } from "../test/support/node-process.ts";

export async function rpc(url: string, method: string, params: Record<string, unknown> = {}): Promise<any> {
  const r = await rpcCall(url, method, params);
  if (r.error) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.result;
}

export interface BlockSeen {
  height: number;
  seenAt: number; // performance.now() when the bench first saw the block committed
  headerTime: number; // ms since epoch, from the header
  txs: number;
}

const sha256Hex = (b64: string) => createHash("sha256").update(Buffer.from(b64, "base64")).digest("hex").toUpperCase();

/**
 * Follows committed blocks by polling `status` (25 ms) and reading each new `block`; calls
 * `onTx(hash, seenAt, height)` for every tx. Results are not read here: a block's `block_results`
 * JSON is several MB at 1,000+ MsgSends, and serializing and sending it while the node is under
 * load measured the bench's own reading more than the node; read them afterwards (`readResults`).
 */
export function followBlocks(
  url: string,
  fromHeight: number,
  onTx: (hash: string, seenAt: number, height: number) => void,
): { blocks: BlockSeen[]; stop(): Promise<void> } {
  const blocks: BlockSeen[] = [];
  let next = fromHeight + 1;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const tip = Number((await rpc(url, "status")).sync_info.latest_block_height);
        const seenAt = performance.now();
        for (; next <= tip; next++) {
          const b = await rpc(url, "block", { height: String(next) });
          const txs: string[] = b.block.data.txs ?? [];
          for (const t of txs) onTx(sha256Hex(t), seenAt, next);
          blocks.push({ height: next, seenAt, headerTime: Date.parse(b.block.header.time), txs: txs.length });
        }
      } catch {
        // a node may list a height in `status` a moment before its block is readable: retry
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    blocks,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Each tx's result code and gas used in the given heights (`block` + `block_results`), by tx hash. */
export async function readResults(
  url: string,
  heights: Iterable<number>,
): Promise<Map<string, { code: number; gasUsed: number }>> {
  const out = new Map<string, { code: number; gasUsed: number }>();
  for (const h of [...heights].sort((a, b) => a - b)) {
    const [b, res] = await Promise.all([
      rpc(url, "block", { height: String(h) }),
      rpc(url, "block_results", { height: String(h) }),
    ]);
    const results: { code: number; gas_used: string }[] = res.txs_results ?? [];
    (b.block.data.txs ?? []).forEach((t: string, i: number) => {
      out.set(sha256Hex(t), { code: results[i]?.code ?? -1, gasUsed: Number(results[i]?.gas_used ?? 0) });
    });
  }
  return out;
}

export interface Tally {
  ok: number;
  failed: number;
  /** broadcast -> commit ms of each ok tx */
  latencies: number[];
  /** gas used by each ok tx */
  gasUsed: number[];
}

/**
 * Reads the results of the txs seen committed (`seen`: hash -> when its block was seen, in `heights`)
 * and tallies them: ok ones with their latency from `sentAt` (hash -> broadcast time) and gas.
 */
export async function tallyResults(
  url: string,
  seen: ReadonlyMap<string, number>,
  heights: Iterable<number>,
  sentAt: ReadonlyMap<string, number>,
): Promise<Tally> {
  const results = await readResults(url, heights);
  const t: Tally = { ok: 0, failed: 0, latencies: [], gasUsed: [] };
  for (const [hash, seenAt] of seen) {
    const res = results.get(hash);
    if (res?.code === 0) {
      t.ok++;
      t.latencies.push(seenAt - (sentAt.get(hash) ?? seenAt));
      t.gasUsed.push(res.gasUsed);
    } else t.failed++;
  }
  return t;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
