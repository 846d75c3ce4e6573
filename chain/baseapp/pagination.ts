// Cosmos SDK query pagination (types/query/pagination.go) over a prefix of a KVStore: by next-key or
// by offset, limit default 100, optional total count, reverse order.
import type { PageRequest, PageResponse } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import type { KVStore } from "../store/types.ts";
import { concat, prefixEnd } from "../types/bytes.ts";
import { invalidArgument } from "./grpc-errors.ts";

export const DEFAULT_LIMIT = 100n;

/** Iterates all entries under prefix, yielding keys with the prefix stripped. */
export async function* iteratePrefix(
  store: KVStore,
  prefix: Uint8Array,
  reverse = false,
): AsyncIterable<[Uint8Array, Uint8Array]> {
  for await (const [k, v] of store.iterate({ start: prefix, end: prefixEnd(prefix), reverse })) {
    yield [k.subarray(prefix.length), v];
  }
}

/**
 * Pages over entries under `prefix`. `onItem` returns false to skip an entry (filtered pagination);
 * skipped entries do not count toward the limit.
 */
export async function paginate<T>(
  store: KVStore,
  prefix: Uint8Array,
  page: PageRequest | undefined,
  onItem: (key: Uint8Array, value: Uint8Array) => Promise<T | undefined> | T | undefined,
): Promise<{ items: T[]; pagination: PageResponse }> {
  const key = page?.key ?? new Uint8Array();
  const offset = page?.offset ?? 0n;
  let limit = page?.limit ?? 0n;
  const reverse = page?.reverse ?? false;
  let countTotal = page?.countTotal ?? false;
  if (key.length > 0 && offset > 0n)
    throw invalidArgument("paginate: invalid request, either offset or key is expected, got both");
  if (limit === 0n) {
    limit = DEFAULT_LIMIT;
    countTotal = countTotal || key.length === 0;
  }
  const items: T[] = [];
  let nextKey = new Uint8Array();
  let total = 0n;
  const start = key.length > 0 && !reverse ? concat(prefix, key) : prefix;
  const end = key.length > 0 && reverse ? concat(prefix, key, new Uint8Array([0])) : prefixEnd(prefix);
  let seen = 0n;
  for await (const [k, v] of store.iterate({ start, end, reverse })) {
    const rel = k.subarray(prefix.length);
    if (key.length === 0 && seen < offset) {
      const item = await onItem(rel, v);
      if (item !== undefined) seen++;
      if (item !== undefined) total++;
      continue;
    }
    if (BigInt(items.length) >= limit) {
      if (nextKey.length === 0) nextKey = Uint8Array.from(rel);
      if (!countTotal) break;
      if ((await onItem(rel, v)) !== undefined) total++;
      continue;
    }
    const item = await onItem(rel, v);
    if (item === undefined) continue;
    items.push(item);
    total++;
  }
  return { items, pagination: { nextKey, total: countTotal ? total : 0n } };
}
