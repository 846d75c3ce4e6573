// CacheKV.iterate over a range: the branch's pending writes (sets and deletes) merged over the
// parent's, for bounds that fall before, between, on and after the pending keys, both directions.
// The branch finds the range's pending writes by binary search; this checks it against a plain model.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CacheKV } from "../../chain/store/cache-kv.ts";
import { MemKV } from "../app/memory-store.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const key = (n: number) => Uint8Array.of(n >> 8, n & 0xff);

test("CacheKV.iterate: ranges over many pending writes agree with a merged model", async () => {
  const parent = new MemKV();
  const model = new Map<string, string>();
  for (let n = 0; n < 600; n += 3) {
    parent.set(key(n), Uint8Array.of(1));
    model.set(hex(key(n)), "01");
  }
  const cache = new CacheKV(parent);
  let seed = 7;
  const rand = (m: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % m;
  };
  for (let i = 0; i < 400; i++) {
    const n = rand(600);
    if (rand(4) === 0) {
      cache.delete(key(n));
      model.delete(hex(key(n)));
    } else {
      cache.set(key(n), Uint8Array.of(2, i & 0xff));
      model.set(hex(key(n)), hex(Uint8Array.of(2, i & 0xff)));
    }
  }
  const bounds = [undefined, 0, 1, 2, 3, 150, 151, 299, 300, 598, 599, 600, 700];
  for (const s of bounds) {
    for (const e of bounds) {
      for (const reverse of [false, true]) {
        const start = s === undefined ? undefined : key(s);
        const end = e === undefined ? undefined : key(e);
        const got: string[] = [];
        for await (const [k, v] of cache.iterate({ start, end, reverse })) got.push(`${hex(k)}=${hex(v)}`);
        const want = [...model.entries()]
          .filter(([k]) => (!start || k >= hex(start)) && (!end || k < hex(end)))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`);
        if (reverse) want.reverse();
        assert.deepEqual(got, want, `range ${s}..${e} reverse=${reverse}`);
      }
    }
  }
});
