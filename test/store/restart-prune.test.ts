import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrInvalidHeight } from "../../chain/errors/errors.ts";
import { CommitMultiStore } from "../../chain/store/commit-multi-store.ts";
import { LruCache } from "../../chain/store/lru.ts";
import { dec, enc, type TempDb, tempDb } from "./helpers.ts";

describe("CommitMultiStore restart with pruning", () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(async () => {
    await t.close();
  });

  it("keeps pruning after a restart and serves the kept versions", async () => {
    const open = async () => {
      const cms = new CommitMultiStore({ storeNames: ["a", "b"], keepRecent: 3, cacheSize: 50 }, { db: t.state });
      await cms.load();
      return cms;
    };
    let cms = await open();
    const hashes: Uint8Array[] = [];
    const step = async (v: number) => {
      const br = cms.branch();
      for (let i = 0; i < 30; i++) br.getStore(i % 2 ? "a" : "b").set(enc(`k${(i * v) % 37}`), enc(`${v}`));
      br.getStore("a").delete(enc(`k${v % 37}`));
      await cms.workingHash(br);
      hashes[v] = (await cms.commit()).hash;
    };
    for (let v = 1; v <= 10; v++) await step(v);
    await t.reopen();
    cms = await open();
    assert.deepEqual(cms.lastCommitId(), { version: 10, hash: hashes[10] });
    assert.deepEqual(cms.versionRange(), { earliest: 7, latest: 10 });
    for (let v = 11; v <= 20; v++) await step(v);
    assert.deepEqual(cms.versionRange(), { earliest: 17, latest: 20 });
    await assert.rejects(cms.readAt(16), (e) => ErrInvalidHeight.is(e));
    for (let v = 17; v <= 20; v++) {
      // every kept version answers every key the same way as its own tree iteration does
      const view = (await cms.readAt(v)).getStore("a");
      let n = 0;
      for await (const [k, val] of view.iterate()) {
        assert.deepEqual(await view.get(k), val);
        n++;
      }
      assert.ok(n > 0);
    }
    // a branch's nested child changes reach workingHash without an explicit write() of the child
    const parent = cms.branch();
    const child = parent.branch();
    child.getStore("b").set(enc("nested"), enc("yes"));
    await cms.workingHash(child);
    await cms.commit();
    assert.equal(dec(await cms.latest().getStore("b").get(enc("nested"))), "yes");
  });
});

describe("LruCache", () => {
  it("keeps recently used entries and bounds its size", () => {
    const c = new LruCache<number, number>(10);
    for (let i = 0; i < 100; i++) {
      c.set(i, i);
      c.get(1); // keep 1 hot
    }
    assert.ok(c.size <= 10);
    assert.equal(c.get(99), 99);
    assert.equal(c.get(1), 1);
    assert.equal(c.get(50), undefined);
    c.delete(99);
    assert.equal(c.get(99), undefined);
    c.clear();
    assert.equal(c.size, 0);
  });
});
