// CPU seconds of the nodes under test, read from /proc: each node process (all threads) and its child
// processes (the executor sandboxes), summed over the nodes.
import { readdirSync, readFileSync } from "node:fs";
import { processCpuSeconds } from "../proc-cpu.ts";

export interface NodesCpu {
  node: number;
  sandboxes: number;
}

function childrenOf(pids: Set<number>): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (pids.has(ppid)) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

export function nodesCpu(pids: number[]): NodesCpu {
  const set = new Set(pids);
  const sum = (xs: number[]) => xs.reduce((a, p) => a + processCpuSeconds(p), 0);
  return { node: sum(pids), sandboxes: sum(childrenOf(set)) };
}

/** Sum and count of a prom-client histogram over the nodes' /metrics. */
export async function histogram(urls: string[], name: string): Promise<{ sum: number; count: number }> {
  let sum = 0;
  let count = 0;
  for (const url of urls) {
    const text = await (await fetch(url)).text();
    const num = (suffix: string) =>
      [...text.matchAll(new RegExp(`^${name}_${suffix}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))].reduce(
        (a, m) => a + Number(m[1]),
        0,
      );
    sum += num("sum");
    count += num("count");
  }
  return { sum, count };
}
