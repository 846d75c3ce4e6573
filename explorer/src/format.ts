// How values read: coins, ppm rates, short hashes, times.
import type { Coin } from "./types.ts";

export const coin = (c: Coin | null | undefined): string => (c ? `${c.amount}${c.denom}` : "—");
export const coins = (cs: Coin[] | null | undefined): string => (cs?.length ? cs.map(coin).join(", ") : "0");
/** parts per million as a percentage with one decimal */
export const ppm = (v: string | number): string => `${(Number(v) / 10_000).toFixed(1)}%`;
export const short = (s: string, n = 10): string => (s.length > 2 * n + 1 ? `${s.slice(0, n)}…${s.slice(-6)}` : s);
export const time = (iso: string): string => new Date(iso).toLocaleTimeString();
/** "REQUEST_STATUS_COMMIT" -> "commit" */
export const enumName = (v: string, prefix: string): string => v.replace(prefix, "").toLowerCase();
