// Key layout of the `blocks` sublevel. Heights are 8-byte big-endian so keys sort by height.
import { readU64beNumber, u64beNumber } from "../types/bytes.ts";

const enc = new TextEncoder();

export const PREFIX = {
  block: enc.encode("B:"),
  meta: enc.encode("M:"),
  hash: enc.encode("H:"),
  commit: enc.encode("C:"),
  seenCommit: enc.encode("S:"),
  extendedCommit: enc.encode("E:"),
  finalizeResponse: enc.encode("R:"),
} as const;

export const STATE_KEY = enc.encode("blockStore");

export const heightBytes = u64beNumber;

export function readHeight(bytes: Uint8Array): number {
  return readU64beNumber(bytes, 0);
}

export function key(prefix: Uint8Array, suffix: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + suffix.length);
  out.set(prefix, 0);
  out.set(suffix, prefix.length);
  return out;
}

export function heightKey(prefix: Uint8Array, height: number): Uint8Array {
  return key(prefix, heightBytes(height));
}
