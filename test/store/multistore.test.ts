import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { iavlSpec, ics23, tendermintSpec, verifyExistence, verifyNonExistence } from "@confio/ics23";
import fc from "fast-check";
import { ErrInvalidHeight } from "../../chain/errors/errors.ts";
import { CommitMultiStore } from "../../chain/store/commit-multi-store.ts";
import { multistoreHash } from "../../chain/store/multistore-hash.ts";
import type { ProofOp, StoreQueryResult } from "../../chain/store/types.ts";
import { collect, dec, enc, type TempDb, tempDb } from "./helpers.ts";

const NAMES = ["acc", "bank", "params"];

/** The checks CosmJS QueryClient.queryStoreVerified (stargate 0.3x) makes on a raw store query. */
function queryStoreVerified(appHash: Uint8Array, store: string, queryKey: Uint8Array, res: StoreQueryResult): void {
  const checkAndParseOp = (op: ProofOp, kind: string, key: Uint8Array): ics23.CommitmentProof => {
    if (op.type !== kind) throw new Error(`Op expected to be ${kind}, got "${op.type}`);
    if (!Buffer.from(key).equals(Buffer.from(op.key))) throw new Error("Proven key different than queried key");
    return ics23.CommitmentProof.decode(op.data);
  };
  const ops = res.proofOps;
  if (ops?.length !== 2) throw new Error("expected 2 proof ops");
  const subProof = checkAndParseOp(ops[0] as ProofOp, "ics23:iavl", queryKey);
  const storeProof = checkAndParseOp(ops[1] as ProofOp, "ics23:simple", enc(store));
  assert.ok(storeProof.exist);
  assert.ok(storeProof.exist.value);
  if (!res.value || res.value.length === 0) {
    assert.ok(subProof.nonexist);
    verifyNonExistence(subProof.nonexist, iavlSpec, storeProof.exist.value, queryKey);
  } else {
    assert.ok(subProof.exist);
    assert.ok(subProof.exist.value);
    verifyExistence(subProof.exist, iavlSpec, storeProof.exist.value, queryKey, res.value);
  }
  verifyExistence(storeProof.exist, tendermintSpec, appHash, enc(store), storeProof.exist.value);
}

describe("multistore hash", () => {
  it("matches cosmos-sdk store/internal/maps vectors", () => {
    const h = (pairs: [string, string][]) =>
      Buffer.from(multistoreHash(pairs.map(([name, v]) => ({ name, rootHash: enc(v) })))).toString("hex");
    assert.equal(h([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.equal(h([["key1", "value1"]]), "a44d3cc7daba1a4600b00a2434b30f8b970652169810d6dfa9fb1793a2189324");
    assert.equal(h([["key1", "value2"]]), "0638e99b3445caec9d95c05e1a3fc1487b4ddec6a952ff337080360b0dcc078c");
    assert.equal(
      h([
        ["key2", "value2"],
        ["key1", "value1"],
      ]),
      "8fd19b19e7bb3f2b3ee0574027d8a5a4cec370464ea2db2fbfa5c7d35bb0cff3",
    );
    assert.equal(
      h([
        ["key1", "value1"],
        ["key3", "value3"],
        ["key2", "value2"],
      ]),
      "1dd674ec6782a0d586a903c9c63326a41cbe56b3bba33ed6ff5b527af6efb3dc",
    );
  });
});

describe("CommitMultiStore", () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(async () => {
    await t.close();
  });

  async function freshStore(keepRecent = 0): Promise<CommitMultiStore> {
    await t.root.clear();
    const cms = new CommitMultiStore({ storeNames: NAMES, keepRecent }, { db: t.state });
    await cms.load();
    return cms;
  }

  it("version 0 hash is sha256 of nothing; empty stores count as sha256 of nothing", async () => {
    const cms = await freshStore();
    const id = cms.lastCommitId();
    assert.equal(id.version, 0);
    const empty = new Uint8Array(
      Buffer.from("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "hex"),
    );
    // Cosmos SDK rootmulti: no commit info yet -> sha256 of nothing
    assert.deepEqual(Buffer.from(id.hash), Buffer.from(empty));
    // the first version's hash covers every mounted store, empty ones as sha256("")
    const h1 = await cms.workingHash(cms.branch());
    assert.deepEqual(h1, multistoreHash(NAMES.map((name) => ({ name, rootHash: empty }))));
    assert.throws(() => cms.branch().getStore("nope"));
  });

  it("branches: reads through, writes stay until write(), deletes shadow, nested branches", async () => {
    const cms = await freshStore();
    const b0 = cms.branch();
    b0.getStore("bank").set(enc("a"), enc("1"));
    b0.getStore("bank").set(enc("b"), enc("2"));
    await cms.workingHash(b0);
    await cms.commit();

    const b = cms.branch();
    const bank = b.getStore("bank");
    assert.equal(dec(await bank.get(enc("a"))), "1");
    const child = b.branch();
    const cb = child.getStore("bank");
    cb.set(enc("c"), enc("3"));
    cb.delete(enc("a"));
    assert.equal(await cb.get(enc("a")), undefined);
    assert.equal(await cb.has(enc("a")), false);
    assert.equal(dec(await bank.get(enc("a"))), "1", "parent unchanged before write");
    assert.equal(await bank.get(enc("c")), undefined);
    assert.deepEqual(await collect(cb.iterate()), [
      ["b", "2"],
      ["c", "3"],
    ]);
    assert.deepEqual(await collect(cb.iterate({ reverse: true })), [
      ["c", "3"],
      ["b", "2"],
    ]);
    child.write();
    assert.equal(await bank.get(enc("a")), undefined);
    assert.equal(dec(await bank.get(enc("c"))), "3");
    // the committed state is untouched until workingHash + commit (this read also fills the flat cache)
    assert.equal(dec(await cms.latest().getStore("bank").get(enc("a"))), "1");
    assert.equal(await cms.latest().getStore("bank").get(enc("c")), undefined);
    await cms.workingHash(b);
    const id = await cms.commit();
    assert.equal(id.version, 2);
    assert.equal(await cms.latest().getStore("bank").get(enc("a")), undefined, "cached value updated by commit");
    assert.equal(dec(await cms.latest().getStore("bank").get(enc("c"))), "3");
    assert.deepEqual(await collect(cms.latest().getStore("bank").iterate()), [
      ["b", "2"],
      ["c", "3"],
    ]);
  });

  it("branch iteration equals a model (random layers, ranges, directions)", async () => {
    const cms = await freshStore();
    const keyArb = fc.integer({ min: 0, max: 30 }).map((i) => `k${String(i).padStart(2, "0")}`);
    const opArb = fc.record({ k: keyArb, v: fc.option(fc.integer({ min: 0, max: 9 }).map(String)) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { maxLength: 30 }),
        fc.array(opArb, { maxLength: 30 }),
        fc.array(opArb, { maxLength: 30 }),
        fc.option(keyArb),
        fc.option(keyArb),
        fc.boolean(),
        async (base, mid, top, start, end, reverse) => {
          const model = new Map<string, string>();
          for (const [k] of await collect(cms.latest().getStore("acc").iterate())) model.set(k, "");
          // commit the base layer
          const b0 = cms.branch();
          const s0 = b0.getStore("acc");
          for (const [k] of model) s0.delete(enc(k));
          model.clear();
          const apply = (
            s: { set(k: Uint8Array, v: Uint8Array): void; delete(k: Uint8Array): void },
            ops: typeof base,
          ) => {
            for (const op of ops) {
              if (op.v === null) {
                s.delete(enc(op.k));
                model.delete(op.k);
              } else {
                s.set(enc(op.k), enc(op.v));
                model.set(op.k, op.v);
              }
            }
          };
          apply(s0, base);
          await cms.workingHash(b0);
          await cms.commit();
          const b1 = cms.branch();
          apply(b1.getStore("acc"), mid);
          const b2 = b1.branch();
          apply(b2.getStore("acc"), top);
          const opts: { start?: Uint8Array; end?: Uint8Array; reverse: boolean } = { reverse };
          if (start !== null) opts.start = enc(start);
          if (end !== null) opts.end = enc(end);
          let expected = [...model.entries()]
            .filter(([k]) => (start === null || k >= start) && (end === null || k < end))
            .sort((a, b) => (a[0] < b[0] ? -1 : 1));
          if (reverse) expected = expected.reverse();
          assert.deepEqual(await collect(b2.getStore("acc").iterate(opts)), expected);
          for (const k of ["k00", "k07", "k15", "k30"])
            assert.equal(dec(await b2.getStore("acc").get(enc(k))), model.get(k));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("workingHash is order independent, repeatable, and commit persists it; restart gives the same state", async () => {
    let cms = await freshStore();
    const keys = Array.from({ length: 200 }, (_, i) => `key-${(i * 7919) % 1000}`);
    const b1 = cms.branch();
    for (const k of keys) b1.getStore("bank").set(enc(k), enc(`v-${k}`));
    const b2 = cms.branch();
    for (const k of [...keys].reverse()) b2.getStore("bank").set(enc(k), enc(`v-${k}`));
    const h1 = await cms.workingHash(b1);
    const h2 = await cms.workingHash(b2);
    assert.deepEqual(h1, h2);
    // a second workingHash replaces the pending version
    const other = cms.branch();
    other.getStore("acc").set(enc("x"), enc("y"));
    const h3 = await cms.workingHash(other);
    assert.notDeepEqual(h3, h1);
    assert.deepEqual(await cms.workingHash(b1), h1);
    const id = await cms.commit();
    assert.deepEqual(id, { version: 1, hash: h1 });
    assert.equal(await cms.latest().getStore("acc").get(enc("x")), undefined);

    const b = cms.branch();
    b.getStore("params").set(enc("p"), enc("1"));
    b.getStore("bank").delete(enc(keys[0] as string));
    await cms.workingHash(b);
    const id2 = await cms.commit();

    await t.reopen();
    cms = new CommitMultiStore({ storeNames: NAMES }, { db: t.state });
    await cms.load();
    assert.deepEqual(cms.lastCommitId(), id2);
    const bank = cms.branch().getStore("bank");
    assert.equal(await bank.get(enc(keys[0] as string)), undefined);
    assert.equal(dec(await bank.get(enc(keys[1] as string))), `v-${keys[1]}`);
    const old = await cms.readAt(1);
    assert.equal(dec(await old.getStore("bank").get(enc(keys[0] as string))), `v-${keys[0]}`);
    assert.equal(await old.getStore("params").get(enc("p")), undefined);
    // continuing after restart gives the same hash as without restarting
    const nb = cms.branch();
    nb.getStore("acc").set(enc("after"), enc("restart"));
    const h = await cms.workingHash(nb);
    assert.equal(h.length, 32);
    assert.equal((await cms.commit()).version, 3);
  });

  it("historical reads see each version; future versions are rejected", async () => {
    const cms = await freshStore();
    for (let v = 1; v <= 5; v++) {
      const b = cms.branch();
      b.getStore("acc").set(enc("counter"), enc(String(v)));
      b.getStore("acc").set(enc(`only-${v}`), enc("x"));
      if (v > 1) b.getStore("acc").delete(enc(`only-${v - 1}`));
      await cms.workingHash(b);
      await cms.commit();
    }
    for (let v = 1; v <= 5; v++) {
      const s = (await cms.readAt(v)).getStore("acc");
      assert.equal(dec(await s.get(enc("counter"))), String(v));
      assert.deepEqual(await collect(s.iterate()), [
        ["counter", String(v)],
        [`only-${v}`, "x"],
      ]);
    }
    await assert.rejects(cms.readAt(6), (e) => ErrInvalidHeight.is(e));
  });

  it("pruning keeps the recent versions readable and removes older ones", async () => {
    const cms = await freshStore(2);
    const countKeys = async () => (await t.state.keys().all()).length;
    for (let v = 1; v <= 12; v++) {
      const b = cms.branch();
      for (let i = 0; i < 20; i++) b.getStore("bank").set(enc(`k${i}`), enc(`${v}-${i}`));
      await cms.workingHash(b);
      await cms.commit();
    }
    const sizeAt12 = await countKeys();
    for (let v = 13; v <= 30; v++) {
      const b = cms.branch();
      for (let i = 0; i < 20; i++) b.getStore("bank").set(enc(`k${i}`), enc(`${v}-${i}`));
      await cms.workingHash(b);
      await cms.commit();
    }
    assert.equal(await countKeys(), sizeAt12, "storage stays bounded");
    assert.deepEqual(cms.versionRange(), { earliest: 28, latest: 30 });
    for (const v of [28, 29, 30]) {
      const s = (await cms.readAt(v)).getStore("bank");
      for (let i = 0; i < 20; i++) assert.equal(dec(await s.get(enc(`k${i}`))), `${v}-${i}`);
    }
    await assert.rejects(cms.readAt(27), (e) => ErrInvalidHeight.is(e));
    await assert.rejects(cms.query("bank", enc("k1"), 3, true), (e) => ErrInvalidHeight.is(e));
  });

  it("query proofs verify against the app hash as CosmJS queryStoreVerified checks them", async () => {
    const cms = await freshStore();
    const appHashes: Uint8Array[] = [];
    const models: Map<string, string>[] = [];
    const model = new Map<string, string>();
    for (let v = 1; v <= 4; v++) {
      const b = cms.branch();
      for (let i = 0; i < 40; i++) {
        const k = `key${(i * 13 + v * 7) % 97}`;
        if ((i + v) % 5 === 0) {
          b.getStore("bank").delete(enc(k));
          model.delete(k);
        } else {
          b.getStore("bank").set(enc(k), enc(`val${v}-${i}`));
          model.set(k, `val${v}-${i}`);
        }
      }
      b.getStore("acc").set(enc(`a${v}`), enc("1"));
      await cms.workingHash(b);
      appHashes.push((await cms.commit()).hash);
      models.push(new Map(model));
    }
    for (let v = 1; v <= 4; v++) {
      for (let i = 0; i < 100; i += 3) {
        const k = enc(`key${i}`);
        const res = await cms.query("bank", k, v, true);
        assert.equal(res.height, v);
        assert.equal(dec(res.value), (models[v - 1] as Map<string, string>).get(`key${i}`));
        queryStoreVerified(appHashes[v - 1] as Uint8Array, "bank", k, res);
        // a wrong app hash fails
        assert.throws(() => queryStoreVerified(appHashes[(v % 4) as number] as Uint8Array, "bank", k, res));
      }
    }
    // edges: below the smallest and above the largest key; other stores; latest (version 0)
    for (const k of ["", "a", "zzz"]) {
      if (k === "") continue;
      const res = await cms.query("bank", enc(k), 0, true);
      assert.equal(res.height, 4);
      queryStoreVerified(appHashes[3] as Uint8Array, "bank", enc(k), res);
    }
    const acc = await cms.query("acc", enc("a2"), 4, true);
    assert.equal(dec(acc.value), "1");
    queryStoreVerified(appHashes[3] as Uint8Array, "acc", enc("a2"), acc);
    const noProof = await cms.query("acc", enc("a2"), 4, false);
    assert.equal(noProof.proofOps, undefined);
    await assert.rejects(cms.query("nope", enc("a"), 0, false));
  });

  it("a one-key change in a 10k-key store writes O(log n) tree nodes", async () => {
    const cms = await freshStore();
    const b = cms.branch();
    for (let i = 0; i < 10_000; i++) b.getStore("bank").set(enc(`acct-${i}`), enc("100"));
    await cms.workingHash(b);
    await cms.commit();
    assert.equal(cms.lastCommitNodeWrites().bank, 19_999);
    const c = cms.branch();
    c.getStore("bank").set(enc("acct-5000"), enc("99"));
    await cms.workingHash(c);
    await cms.commit();
    const w = cms.lastCommitNodeWrites();
    assert.ok((w.bank as number) <= 16, `wrote ${w.bank}`);
    assert.equal(w.acc, 0);
    assert.equal(dec(await cms.latest().getStore("bank").get(enc("acct-5000"))), "99");
  });
});
