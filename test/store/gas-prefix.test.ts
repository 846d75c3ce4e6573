import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrOutOfGas } from "../../chain/errors/errors.ts";
import { CommitMultiStore } from "../../chain/store/commit-multi-store.ts";
import { BasicGasMeter, GasKVStore, InfiniteGasMeter } from "../../chain/store/gas.ts";
import { prefixStore } from "../../chain/store/prefix-store.ts";
import type { KVStore } from "../../chain/store/types.ts";
import { collect, dec, enc, type TempDb, tempDb } from "./helpers.ts";

describe("gas meters", () => {
  it("BasicGasMeter throws ErrOutOfGas past the limit with the descriptor", () => {
    const m = new BasicGasMeter(1000);
    m.consume(600, "a");
    assert.equal(m.consumed(), 600);
    assert.equal(m.isOutOfGas(), false);
    m.consume(400, "b");
    assert.equal(m.isOutOfGas(), true);
    assert.throws(
      () => m.consume(1, "WriteFlat"),
      (e: unknown) => ErrOutOfGas.is(e) && (e as Error).message.includes("WriteFlat"),
    );
    assert.equal(m.consumed(), 1001);
    m.refund(1, "r");
    assert.equal(m.consumed(), 1000);
    assert.throws(() => m.refund(5000, "r"));
    assert.throws(() => m.consume(-1, "neg"));
  });

  it("InfiniteGasMeter never runs out but detects overflow", () => {
    const m = new InfiniteGasMeter();
    m.consume(Number.MAX_SAFE_INTEGER - 1, "big");
    assert.equal(m.isOutOfGas(), false);
    assert.throws(
      () => m.consume(10, "more"),
      (e: unknown) => ErrOutOfGas.is(e),
    );
  });
});

describe("GasKVStore and prefixStore", () => {
  let t: TempDb;
  let cms: CommitMultiStore;
  before(async () => {
    t = await tempDb();
    cms = new CommitMultiStore({ storeNames: ["s"] }, { db: t.state });
    await cms.load();
    const b = cms.branch();
    b.getStore("s").set(enc("aa"), enc("1"));
    b.getStore("s").set(enc("ab"), enc("22"));
    b.getStore("s").set(enc("b"), enc("3"));
    await cms.workingHash(b);
    await cms.commit();
  });
  after(async () => {
    await t.close();
  });

  it("charges the SDK KVGasConfig costs", async () => {
    const m = new InfiniteGasMeter();
    const s = new GasKVStore(cms.branch().getStore("s"), m);
    await s.get(enc("ab")); // 1000 + 3*2 + 3*2
    assert.equal(m.consumed(), 1012);
    await s.get(enc("zz")); // missing: 1000 + 6
    assert.equal(m.consumed(), 2018);
    s.set(enc("k"), enc("vvv")); // 2000 + 30 + 90
    assert.equal(m.consumed(), 4138);
    await s.has(enc("k"));
    s.delete(enc("k"));
    assert.equal(m.consumed(), 6138);
  });

  it("charges iteration like the SDK gas iterator", async () => {
    const m = new InfiniteGasMeter();
    const s = new GasKVStore(cms.branch().getStore("s"), m);
    const got = await collect(s.iterate({ start: enc("a"), end: enc("b") }));
    assert.deepEqual(got, [
      ["aa", "1"],
      ["ab", "22"],
    ]);
    // open: seek(aa)=3*3+30; next past aa: 39; next past ab: 3*4+30=42; final Valid check is free
    assert.equal(m.consumed(), 39 + 39 + 42);
  });

  it("runs out of gas mid-transaction", async () => {
    const m = new BasicGasMeter(2500);
    const s = new GasKVStore(cms.branch().getStore("s"), m);
    await s.get(enc("aa"));
    assert.throws(
      () => s.set(enc("x"), enc("y")),
      (e: unknown) => ErrOutOfGas.is(e),
    );
  });

  it("a synchronous read path gives the same values, gas and out-of-gas rejection as the async one", async () => {
    // the same branch seen through a wrapper that only offers the async `get`
    const asyncOnly = (inner: KVStore): KVStore => ({
      get: (k) => inner.get(k),
      has: (k) => inner.has(k),
      set: (k, v) => inner.set(k, v),
      delete: (k) => inner.delete(k),
      iterate: (o) => inner.iterate(o),
    });
    const branch = cms.branch().getStore("s");
    assert.ok(branch.getSync, "the node's branches read synchronously");
    branch.set(enc("ac"), enc("pending"));
    const keys = ["aa", "ab", "ac", "zz", "aa"].map(enc);
    const runs = [];
    for (const base of [branch, asyncOnly(branch)]) {
      const m = new InfiniteGasMeter();
      const s = new GasKVStore(prefixStore(base, enc("")), m);
      const values = [];
      for (const k of keys) values.push(dec((await s.get(k)) ?? new Uint8Array()));
      runs.push({ values, gas: m.consumed() });
    }
    assert.deepEqual(runs[0], runs[1]);
    assert.deepEqual(runs[0].values, ["1", "22", "pending", "", "1"]);
    // out of gas on the read: a rejected promise on both paths, nothing thrown synchronously
    for (const base of [branch, asyncOnly(branch)]) {
      const s = new GasKVStore(base, new BasicGasMeter(1005));
      const p = s.get(enc("ab"));
      await assert.rejects(p, (e: unknown) => ErrOutOfGas.is(e));
    }
  });

  it("prefixStore maps keys and bounds iteration to the prefix", async () => {
    const b = cms.branch();
    const base: KVStore = b.getStore("s");
    const p = prefixStore(base, enc("a"));
    assert.equal(dec(await p.get(enc("b"))), "22");
    p.set(enc("c"), enc("new"));
    assert.equal(dec(await base.get(enc("ac"))), "new");
    assert.deepEqual(await collect(p.iterate()), [
      ["a", "1"],
      ["b", "22"],
      ["c", "new"],
    ]);
    assert.deepEqual(await collect(p.iterate({ start: enc("b"), reverse: true })), [
      ["c", "new"],
      ["b", "22"],
    ]);
    p.delete(enc("a"));
    assert.equal(await base.has(enc("aa")), false);
    const ff = prefixStore(base, Uint8Array.of(0xff));
    ff.set(enc("z"), enc("1"));
    assert.deepEqual(await collect(ff.iterate()), [["z", "1"]]);
  });
});
