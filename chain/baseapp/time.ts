// Block time arithmetic in integer nanoseconds (no floats, no wall clock), and the protojson forms
// of Timestamp ("2006-01-02T15:04:05.999999999Z", 0/3/6/9 fraction digits) and Duration ("600s")
// that Cosmos SDK module genesis and queries use. CometBFT's RFC3339Nano form (genesis_time, header
// times) is chain/types/time.ts.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { ErrInvalidRequest } from "../errors/errors.ts";

const NS = 1_000_000_000n;

/** time.Unix(0, 0): the jailed_until of a validator that was never jailed. */
export const UnixEpochNs = 0n;
/** SDK evidence DoubleSignJailEndTime: time.Unix(253402300799, 0) = 9999-12-31T23:59:59Z. */
export const DoubleSignJailEndTimeNs = 253402300799n * NS;

export function msToNs(ms: number): bigint {
  return BigInt(ms) * 1_000_000n;
}

export function timestampToNs(t: Timestamp | undefined): bigint {
  if (!t) return 0n;
  return t.seconds * NS + BigInt(t.nanos);
}

export function nsToTimestamp(ns: bigint): Timestamp {
  let seconds = ns / NS;
  let nanos = ns % NS;
  if (nanos < 0n) {
    nanos += NS;
    seconds -= 1n;
  }
  return { seconds, nanos: Number(nanos) };
}

/** RFC 3339 in UTC as protojson writes it (0, 3, 6 or 9 fractional digits). */
export function timeToJson(ns: bigint): string {
  const { seconds, nanos } = nsToTimestamp(ns);
  const base = new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "");
  if (nanos === 0) return `${base}Z`;
  let frac = String(nanos).padStart(9, "0");
  while (frac.length > 3 && frac.endsWith("000")) frac = frac.slice(0, -3);
  return `${base}.${frac}Z`;
}

export function timeFromJson(s: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) throw ErrInvalidRequest.wrap(`invalid timestamp "${s}"`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw ErrInvalidRequest.wrap(`invalid timestamp "${s}"`);
  return BigInt(ms / 1000) * NS + BigInt((m[2] ?? "").padEnd(9, "0") || "0");
}

/** protojson Duration: seconds with up to 9 fractional digits and an "s" suffix. */
export function durationToJson(ns: bigint): string {
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  const s = a / NS;
  const n = a % NS;
  let frac = "";
  if (n !== 0n) {
    frac = String(n).padStart(9, "0");
    while (frac.length > 3 && frac.endsWith("000")) frac = frac.slice(0, -3);
    frac = `.${frac}`;
  }
  return `${neg ? "-" : ""}${s}${frac}s`;
}

export function durationFromJson(s: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(s.trim());
  if (!m) throw ErrInvalidRequest.wrap(`invalid duration "${s}"`);
  const v = BigInt(m[2]) * NS + BigInt((m[3] ?? "").padEnd(9, "0") || "0");
  return m[1] ? -v : v;
}
