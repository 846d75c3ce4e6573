// RFC 3339 timestamps with nanoseconds, as Go's time.RFC3339Nano (CometBFT JSON: genesis_time,
// header time, vote timestamps). Fraction digits are trimmed of trailing zeros, zone is always "Z".
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 time; returns undefined when the text is not one. */
export function parseRfc3339(text: string): Timestamp | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  // Date.UTC maps years 0..99 to 1900+; fix it up for Go's year 1 (zero time).
  const date = new Date(ms);
  if (Number(y) < 100) date.setUTCFullYear(Number(y));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  let seconds = BigInt(Math.floor(date.getTime() / 1000));
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone[0] === "-" ? -1n : 1n;
    const offset = BigInt(Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
    seconds -= sign * offset;
  }
  const nanos = frac ? Number(frac.padEnd(9, "0")) : 0;
  return { seconds, nanos };
}

export function formatRfc3339(ts: Timestamp): string {
  const date = new Date(Number(ts.seconds) * 1000);
  const year = date.getUTCFullYear();
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  let out = `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  if (ts.nanos > 0) out += `.${String(ts.nanos).padStart(9, "0").replace(/0+$/, "")}`;
  return `${out}Z`;
}

/** Milliseconds-since-epoch Date (sub-millisecond precision dropped) for logging / CosmJS shapes. */
export function timestampToDate(ts: Timestamp): Date {
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6));
}

export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  return a.nanos === b.nanos ? 0 : a.nanos < b.nanos ? -1 : 1;
}

/**
 * sdk.FormatTimeBytes of a time in nanoseconds since the epoch: "2006-01-02T15:04:05.000000000" in
 * UTC, nine fraction digits, so that store keys sort as times (years 0..9999). The queues of staking,
 * authz and feegrant key their entries by it.
 */
export function formatTimeBytes(ns: bigint): Uint8Array {
  const ms = ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString(); // 2006-01-02T15:04:05.000Z
  const frac = (((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, "0");
  return new TextEncoder().encode(`${iso.slice(0, 19)}.${frac}`);
}
