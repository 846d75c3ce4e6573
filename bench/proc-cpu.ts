// CPU time of another process (a node, a gateway) read from Linux's /proc, for per-call CPU figures.
import { readFileSync } from "node:fs";

/** CPU seconds (user + system, all threads) a process has used so far, from /proc; NaN where unreadable. */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}
