// What the charts plot, per block: its time, and from its results the inference requests created and
// the requests finalized, unanimous ones apart (request_finalized with no dissenting and no missing
// executor, modules/inference/events.ts).
import { attr, type BlockMeta, type BlockResults, type Rpc } from "./rpc.ts";

export interface BlockStat {
  height: number;
  timeMs: number;
  txs: number;
  requests: number;
  finalized: number;
  unanimous: number;
}

export function blockStat(meta: BlockMeta, results: BlockResults): BlockStat {
  const events = [
    ...(results.txs_results ?? []).flatMap((t) => t.events ?? []),
    ...(results.finalize_block_events ?? []),
  ];
  const finalized = events.filter((e) => e.type === "request_finalized");
  return {
    height: Number(meta.header.height),
    timeMs: Date.parse(meta.header.time),
    txs: Number(meta.num_txs),
    requests: events.filter((e) => e.type === "request_created").length,
    finalized: finalized.length,
    unanimous: finalized.filter((e) => !attr(e, "dissenting") && !attr(e, "missing")).length,
  };
}

/** The stats of the latest `count` blocks, oldest first; `cache` keeps those already read (blocks never change). */
export async function latestStats(rpc: Rpc, count: number, cache: Map<number, BlockStat>): Promise<BlockStat[]> {
  const top = Number((await rpc.status()).sync_info.latest_block_height);
  const metas: BlockMeta[] = [];
  for (let max = top; max > 0 && max > top - count; max -= 20)
    metas.push(...(await rpc.blockchain(Math.max(1, max - 19, top - count + 1), max)).block_metas);
  const stats = await Promise.all(
    metas.map(async (m) => {
      const h = Number(m.header.height);
      const known = cache.get(h);
      if (known) return known;
      const s = blockStat(m, await rpc.blockResults(h));
      cache.set(h, s);
      return s;
    }),
  );
  for (const h of cache.keys()) if (h <= top - 2 * count) cache.delete(h);
  return stats.sort((a, b) => a.height - b.height);
}

export interface Series {
  heights: number[];
  blockTimeS: (number | null)[];
  requests: number[];
  agreementPct: (number | null)[];
}

export function series(stats: BlockStat[]): Series {
  return {
    heights: stats.map((s) => s.height),
    blockTimeS: stats.map((s, i) => (i === 0 ? null : (s.timeMs - stats[i - 1]!.timeMs) / 1000)),
    requests: stats.map((s) => s.requests),
    agreementPct: stats.map((s) => (s.finalized ? (100 * s.unanimous) / s.finalized : null)),
  };
}
