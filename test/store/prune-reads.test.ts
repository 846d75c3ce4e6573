// Pruning reads every store's orphan records at once: one read per store, all in flight together,
// rather than key by key and store after store (each LevelDB read is a thread-pool round trip, which
// on a loaded machine cost a node ~20 ms per commit; found by bench/sim's profile).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CommitMultiStore } from "../../chain/store/commit-multi-store.ts";
import type { StateDb } from "../../chain/store/views.ts";
import { dec, enc, type TempDb, tempDb } from "./helpers.ts";

const NAMES = ["a", "b", "c", "d"];

describe("CommitMultiStore pruning reads", () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(async () => {
    await t.close();
  });

  it("reads each store's orphans with one call, all stores concurrently, and still prunes them all", async () => {
    let calls = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    // the state db's keys() iterators counted (calls, and how many are being read at once)
    const db: StateDb = t.state;
    const keys = db.keys.bind(db);
    db.keys = ((...args: Parameters<StateDb["keys"]>) => {
      calls++;
      const it = keys(...args);
      const all = it.all.bind(it);
      it.all = async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await all();
        } finally {
          inFlight--;
        }
      };
      it[Symbol.asyncIterator] = () => {
        throw new Error("pruning iterated orphan keys one by one");
      };
      return it;
    }) as StateDb["keys"];
    const cms = new CommitMultiStore({ storeNames: NAMES, keepRecent: 1 }, { db });
    await cms.load();
    const countKeys = async () => (await t.state.keys().all()).length;
    let sizeAt6 = 0;
    for (let v = 1; v <= 20; v++) {
      const b = cms.branch();
      for (const name of NAMES) for (let i = 0; i < 10; i++) b.getStore(name).set(enc(`k${i}`), enc(`${v}`));
      await cms.workingHash(b);
      const before = calls;
      await cms.commit();
      if (v >= 3) assert.equal(calls - before, NAMES.length, `commit ${v}: one orphan read per store`);
      if (v === 6) sizeAt6 = await countKeys();
    }
    assert.ok(maxInFlight > 1, `orphan reads overlapped (at most ${maxInFlight} at once)`);
    assert.equal(await countKeys(), sizeAt6, "every store's old nodes were deleted");
    assert.deepEqual(cms.versionRange(), { earliest: 19, latest: 20 });
    for (const name of NAMES) assert.equal(dec(await (await cms.readAt(19)).getStore(name).get(enc("k3"))), "19");
  });
});
