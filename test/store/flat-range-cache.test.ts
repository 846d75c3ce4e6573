// The flat index keeps small ranges it read to their end (chain/store/views.ts FlatStore.iterate)
// until the next commit writes its store: a kept range never outlives a write in it, a read stopped
// early keeps nothing, and a commit during a read keeps nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CommitMultiStore } from "../../chain/store/commit-multi-store.ts";
import { collect, enc, type TempDb, tempDb } from "./helpers.ts";

describe("FlatStore range cache", () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(async () => {
    await t.close();
  });

  async function commitWrites(cms: CommitMultiStore, writes: [string, string | undefined][]): Promise<void> {
    const b = cms.branch();
    for (const [k, v] of writes) {
      if (v === undefined) b.getStore("reg").delete(enc(k));
      else b.getStore("reg").set(enc(k), enc(v));
    }
    await cms.workingHash(b);
    await cms.commit();
  }

  it("a range read again after a commit shows that commit's sets and deletes", async () => {
    const cms = new CommitMultiStore({ storeNames: ["other", "reg"] }, { db: t.state });
    await cms.load();
    await commitWrites(cms, [
      ["s/a", "1"],
      ["s/b", "2"],
    ]);
    const flat = cms.latest().getStore("reg");
    const range = { start: enc("s/"), end: enc("s0") };
    assert.deepEqual(await collect(flat.iterate(range)), [
      ["s/a", "1"],
      ["s/b", "2"],
    ]);
    assert.deepEqual(await collect(flat.iterate(range)), [
      ["s/a", "1"],
      ["s/b", "2"],
    ]);
    await commitWrites(cms, [
      ["s/a", undefined],
      ["s/c", "3"],
    ]);
    assert.deepEqual(await collect(flat.iterate(range)), [
      ["s/b", "2"],
      ["s/c", "3"],
    ]);
    assert.deepEqual(await collect(flat.iterate({ ...range, reverse: true })), [
      ["s/c", "3"],
      ["s/b", "2"],
    ]);
    // a read stopped after one entry keeps nothing: the next full read sees every entry
    for await (const _ of flat.iterate(range)) break;
    await commitWrites(cms, [["s/d", "4"]]);
    for await (const _ of flat.iterate(range)) break;
    assert.equal((await collect(flat.iterate(range))).length, 3);
  });

  it("a read that a commit overtakes is not kept", async () => {
    const cms = new CommitMultiStore({ storeNames: ["reg"] }, { db: t.state });
    await cms.load();
    await commitWrites(cms, [["x/1", "a"]]);
    const flat = cms.latest().getStore("reg");
    const range = { start: enc("x/"), end: enc("x0") };
    const it = flat.iterate(range)[Symbol.asyncIterator]();
    const first = await it.next(); // the read is open, its snapshot taken
    assert.equal(first.done, false);
    await commitWrites(cms, [["x/2", "b"]]);
    while (!(await it.next()).done) {}
    assert.deepEqual(await collect(flat.iterate(range)), [
      ["x/1", "a"],
      ["x/2", "b"],
    ]);
  });
});
