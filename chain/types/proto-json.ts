// Proto-JSON helpers shared by the dgrid modules: genesis JSON in the SDK's snake_case field names.
// (Their query routes use chain/baseapp/query-handler.ts like every other module.)
/** camelCase keys (ts-proto toJSON) to snake_case, recursively (the SDK's genesis JSON). */
export function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = snakeKeys(x);
    return out;
  }
  return v;
}

/** snake_case keys (the SDK's genesis JSON) to camelCase (ts-proto fromJSON), recursively. */
export function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      out[k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())] = camelKeys(x);
    return out;
  }
  return v;
}
