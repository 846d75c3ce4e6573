// Shared by the throughput benches: JSON-RPC with errors thrown, a follower of committed blocks (commit
// time = when the bench first saw the block), and percentiles.
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

/**
 * Follows committed blocks by polling `status` (25 ms) and reading each new block and its results;
 * calls `onTx(hash, seenAt, code, gasUsed)` for every tx.
 */
export function followBlocks(
  url: string,
  fromHeight: number,
  onTx: (hash: string, seenAt: number, code: number, gasUsed: number) => void,
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
          const [b, res] = await Promise.all([
            rpc(url, "block", { height: String(next) }),
            rpc(url, "block_results", { height: String(next) }),
          ]);
          const txs: string[] = b.block.data.txs ?? [];
          const results: { code: number; gas_used: string }[] = res.txs_results ?? [];
          txs.forEach((t, i) => {
            const hash = createHash("sha256").update(Buffer.from(t, "base64")).digest("hex").toUpperCase();
            onTx(hash, seenAt, results[i]?.code ?? -1, Number(results[i]?.gas_used ?? 0));
          });
          blocks.push({ height: next, seenAt, headerTime: Date.parse(b.block.header.time), txs: txs.length });
        }
      } catch {
        // a node may list a height in `status` a moment before its block results are stored: retry
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

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
