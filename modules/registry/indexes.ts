// The discovery indexes: for every listed (not delisted) model, one key per (scope, sort) where the
// scopes are "all", its task, each of its tags and its creator, and the sorts are price, usage,
// agreement and latency. A key sorts where the model belongs in that order, so a discovery query is
// one prefix iteration (pagination included) of the most specific scope asked for:
//
//   0x06 | scope (u8) | len(value) u8 | value | sort (u8) | sort value | model id (64 ascii hex)
//
// sort values (big-endian, so byte order is the order; "best" first, ties by model id):
//   price      denom ascii | 0x00 | len(amount) u8 | amount big-endian without leading zeros
//              (grouped by denom in byte order, cheapest first within a denom)
//   usage      u64 (2^64-1 - requests_finalized)                (most used first)
//   agreement  u64 (2^64-1 - agreement_ppm)                     (highest unanimous rate first)
//   latency    u32 p50 | u32 p99, both 2^32-1 with no latency   (fastest first, unmeasured last)
import { bytesEqual, concat, u32be, u64be } from "../../chain/types/bytes.ts";
import type { Model, ModelStats } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { DiscoveryPrefix, lengthPrefixed } from "./keys.ts";

export const SORTS = ["price", "usage", "agreement", "latency"] as const;
export type Sort = (typeof SORTS)[number];
const SORT_CODE: Record<Sort, number> = { price: 1, usage: 2, agreement: 3, latency: 4 };

export type Scope = { kind: "all" } | { kind: "task" | "tag" | "creator"; value: string };
const SCOPE_CODE = { all: 0, task: 1, tag: 2, creator: 3 } as const;

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const U32_MAX = 0xffff_ffff;
const enc = new TextEncoder();
export const MODEL_ID_BYTES = 64;

export function isSort(s: string): s is Sort {
  return (SORTS as readonly string[]).includes(s);
}

/** Minimal big-endian bytes of a non-negative integer (0 -> empty). */
function bigEndian(n: bigint): Uint8Array {
  const out: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  return Uint8Array.from(out);
}

export function sortValue(sort: Sort, model: Model, stats: ModelStats | undefined): Uint8Array {
  switch (sort) {
    case "price": {
      const amount = bigEndian(BigInt(model.pricePerCall?.amount || "0"));
      return concat(enc.encode(model.pricePerCall?.denom ?? ""), [0], [amount.length], amount);
    }
    case "usage":
      return u64be(U64_MAX - (stats?.requestsFinalized ?? 0n));
    case "agreement":
      return u64be(U64_MAX - (stats?.agreementPpm ?? 0n));
    case "latency": {
      const measured = (stats?.latencyWindow.length ?? 0) > 0;
      return concat(u32be(measured ? stats!.latencyP50 : U32_MAX), u32be(measured ? stats!.latencyP99 : U32_MAX));
    }
  }
}

export function scopePrefix(scope: Scope): Uint8Array {
  return concat(DiscoveryPrefix, [SCOPE_CODE[scope.kind]], lengthPrefixed(scope.kind === "all" ? "" : scope.value));
}

/** Where a discovery query iterates: the scope's entries in one sort's order. */
export function sortPrefix(scope: Scope, sort: Sort): Uint8Array {
  return concat(scopePrefix(scope), [SORT_CODE[sort]]);
}

/** The scopes a model is found under (none once delisted). */
export function scopesOf(model: Model): Scope[] {
  if (model.delisted) return [];
  const scopes: Scope[] = [{ kind: "all" }, { kind: "creator", value: model.creator }];
  if (model.card) {
    scopes.push({ kind: "task", value: model.card.task });
    for (const tag of model.card.tags) scopes.push({ kind: "tag", value: tag });
  }
  return scopes;
}

/** The sorts whose values come from the stats (price comes from the model alone). */
export const STATS_SORTS: readonly Sort[] = ["usage", "agreement", "latency"];

/** Every discovery key of a model with these stats (only those of `sorts`, when given). */
export function indexKeys(model: Model, stats: ModelStats | undefined, sorts: readonly Sort[] = SORTS): Uint8Array[] {
  const id = enc.encode(model.id);
  const values = sorts.map((s) => [s, sortValue(s, model, stats)] as const);
  return scopesOf(model).flatMap((scope) => values.map(([s, v]) => concat(sortPrefix(scope, s), v, id)));
}

/** The model id an index key ends with. */
export function modelIdOfKey(key: Uint8Array): string {
  return new TextDecoder().decode(key.subarray(key.length - MODEL_ID_BYTES));
}

/**
 * The sorts in which a model's keys move when its stats go from `prev` to `next` (a settlement):
 * the others keep every key, so a settlement rewrites only these (one sort value per sort, and a
 * key ends with its sort value then the fixed-length id, so a changed value changes every key of it).
 */
export function changedStatsSorts(model: Model, prev: ModelStats | undefined, next: ModelStats): Sort[] {
  return STATS_SORTS.filter((s) => !bytesEqual(sortValue(s, model, prev), sortValue(s, model, next)));
}
