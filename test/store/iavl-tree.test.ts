import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { iavlSpec, ics23, verifyMembership, verifyNonMembership } from "@confio/ics23";
import fc from "fast-check";
import type { Node } from "../../chain/store/iavl/node.ts";
import { existenceProof, nonExistenceProof } from "../../chain/store/iavl/proof.ts";
import { type BatchOp, EMPTY_ROOT_HASH, IavlTree } from "../../chain/store/iavl/tree.ts";
import { compareBytes } from "../../chain/types/bytes.ts";
import { type TempDb, tempDb } from "./helpers.ts";

type Op = { k: number; v: number | null };

const key = (k: number) => Buffer.from(`k${k.toString().padStart(4, "0")}`);
const val = (v: number) => Buffer.from(`v${v}`);

let n = 0;
/** A fresh tree under its own prefix in the shared db. */
function freshTree(t: TempDb): IavlTree {
  return new IavlTree(t.state, Buffer.from(`t${n++}/`), 1000);
}

async function commitVersion(t: TempDb, tree: IavlTree, ops: Op[]): Promise<Uint8Array> {
  tree.resetWorking();
  const sorted = [...ops].sort((a, b) => a.k - b.k);
  for (const op of sorted) {
    if (op.v === null) tree.remove(key(op.k));
    else tree.set(key(op.k), val(op.v));
  }
  const h = tree.workingHash();
  const batch: BatchOp[] = [];
  tree.commitOps(batch);
  await t.state.batch(batch);
  tree.markCommitted();
  return h;
}

/** Checks AVL balance, sizes, heights and key order of the committed tree; returns leaf count. */
function checkInvariants(tree: IavlTree, node: Node | undefined): number {
  if (!node) return 0;
  if (node.height === 0) {
    assert.equal(node.size, 1);
    return 1;
  }
  const l = tree.left(node);
  const r = tree.right(node);
  assert.ok(Math.abs(l.height - r.height) <= 1, "AVL balance");
  assert.equal(node.height, Math.max(l.height, r.height) + 1);
  // the inner key is the leftmost key of the right subtree
  let m = r;
  while (m.height > 0) m = tree.left(m);
  assert.deepEqual(Buffer.from(m.key), Buffer.from(node.key));
  const size = checkInvariants(tree, l) + checkInvariants(tree, r);
  assert.equal(node.size, size);
  return size;
}

const opsArb = fc.array(
  fc.array(fc.record({ k: fc.integer({ min: 0, max: 60 }), v: fc.option(fc.integer({ min: 0, max: 5 })) }), {
    maxLength: 40,
  }),
  { minLength: 1, maxLength: 6 },
);

describe("IAVL tree", () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(async () => {
    await t.close();
  });

  it("empty tree hash is sha256 of nothing", () => {
    const tree = freshTree(t);
    assert.equal(
      Buffer.from(tree.committedHash()).toString("hex"),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    assert.deepEqual(tree.workingHash(), EMPTY_ROOT_HASH);
  });

  it("matches a Map model over versions; keeps history; proofs verify with iavlSpec", async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, async (versions) => {
        const tree = freshTree(t);
        const model = new Map<number, number>();
        const history: { version: number; snapshot: Map<number, number> }[] = [];
        for (const [i, ops] of versions.entries()) {
          // last op per key wins, as a cache branch would give
          const last = new Map<number, Op>();
          for (const op of ops) last.set(op.k, op);
          for (const op of last.values()) {
            if (op.v === null) model.delete(op.k);
            else model.set(op.k, op.v);
          }
          await commitVersion(t, tree, [...last.values()]);
          assert.equal(tree.version, i + 1);
          history.push({ version: i + 1, snapshot: new Map(model) });
        }
        for (const { version, snapshot } of history) {
          const root = tree.rootAt(version);
          assert.notEqual(root, null);
          const r = root ?? undefined;
          assert.equal(checkInvariants(tree, r), snapshot.size);
          const expected = [...snapshot.entries()].sort((a, b) => a[0] - b[0]);
          const got = [...tree.iterate(r)].map(([k, v]) => [Buffer.from(k).toString(), Buffer.from(v).toString()]);
          assert.deepEqual(
            got,
            expected.map(([k, v]) => [key(k).toString(), val(v).toString()]),
          );
          const rev = [...tree.iterate(r, undefined, undefined, true)].map(([k]) => Buffer.from(k).toString());
          assert.deepEqual(rev, [...got.map((g) => g[0])].reverse());
          for (let k = 0; k <= 60; k += 7) {
            const v = tree.get(r, key(k));
            assert.deepEqual(
              v === undefined ? undefined : Buffer.from(v).toString(),
              snapshot.has(k) ? val(snapshot.get(k) as number).toString() : undefined,
            );
            if (!r) continue;
            const rootHash = r.hash as Uint8Array;
            if (snapshot.has(k)) {
              const exist = existenceProof(tree, r, key(k));
              assert.ok(exist);
              assert.ok(verifyMembership({ exist }, iavlSpec, rootHash, key(k), val(snapshot.get(k) as number)));
              assert.ok(!verifyMembership({ exist }, iavlSpec, rootHash, key(k), val(99)));
            } else {
              const nonexist = nonExistenceProof(tree, r, key(k));
              assert.ok(verifyNonMembership({ nonexist }, iavlSpec, rootHash, key(k)));
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("is deterministic: the same changesets give the same hashes on a fresh tree", async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, async (versions) => {
        const a = freshTree(t);
        const b = freshTree(t);
        for (const ops of versions) {
          const last = new Map<number, Op>();
          for (const op of ops) last.set(op.k, op);
          const ha = await commitVersion(t, a, [...last.values()]);
          const hb = await commitVersion(t, b, [...last.values()].reverse());
          assert.deepEqual(Buffer.from(ha), Buffer.from(hb));
        }
      }),
      { numRuns: 20 },
    );
  });

  it("range iteration respects [start, end) both ways", async () => {
    const tree = freshTree(t);
    const ops: Op[] = [];
    for (let k = 0; k < 50; k += 2) ops.push({ k, v: k });
    await commitVersion(t, tree, ops);
    const root = tree.rootAt(1) ?? undefined;
    const fwd = [...tree.iterate(root, key(9), key(21))].map(([k]) => Buffer.from(k).toString());
    assert.deepEqual(fwd, ["k0010", "k0012", "k0014", "k0016", "k0018", "k0020"]);
    const rev = [...tree.iterate(root, key(10), key(20), true)].map(([k]) => Buffer.from(k).toString());
    assert.deepEqual(rev, ["k0018", "k0016", "k0014", "k0012", "k0010"]);
  });

  it("a change in a 10k-key tree writes O(log n) nodes", async () => {
    const tree = freshTree(t);
    const ops: Op[] = [];
    for (let k = 0; k < 10_000; k++) ops.push({ k, v: 1 });
    await commitVersion(t, tree, ops);
    assert.equal(tree.lastCommitNodeWrites, 2 * 10_000 - 1);
    const loadsBefore = tree.nodeLoads;
    await commitVersion(t, tree, [{ k: 4321, v: 2 }]);
    const height = (tree.rootAt(2) as Node).height;
    assert.ok(height <= 16, `height ${height}`);
    assert.ok(tree.lastCommitNodeWrites <= height + 1, `wrote ${tree.lastCommitNodeWrites} nodes`);
    assert.ok(tree.nodeLoads - loadsBefore <= 2 * (height + 1), "loads only along the path");
    // a delete rebalances at most along the path too
    await commitVersion(t, tree, [{ k: 17, v: null }]);
    assert.ok(tree.lastCommitNodeWrites <= 3 * height, `wrote ${tree.lastCommitNodeWrites} nodes`);
  });

  it("matches cosmos/iavl reference root hashes (python-iavl tests/ref.go vectors)", async () => {
    const tree = freshTree(t);
    const b = (s: string) => Buffer.from(s);
    const save = async (f: () => void): Promise<string> => {
      tree.resetWorking();
      f();
      const h = tree.workingHash();
      const batch: BatchOp[] = [];
      tree.commitOps(batch);
      await t.state.batch(batch);
      tree.markCommitted();
      return Buffer.from(h).toString("hex").toUpperCase();
    };
    assert.equal(
      await save(() => tree.set(b("hello"), b("world"))),
      "6032661AB0D201132DB7A8FA1DA6A0AFE427E6278BD122C301197680AB79CA02",
    );
    assert.equal(
      await save(() => {
        tree.set(b("hello"), b("world1"));
        tree.set(b("hello1"), b("world1"));
      }),
      "457D81F933F53E5CFB90D813B84981AA2604D69939E10C94304D18287DED31F7",
    );
    assert.equal(
      await save(() => {
        tree.set(b("hello2"), b("world1"));
        tree.set(b("hello3"), b("world1"));
      }),
      "C7AB142752ADD0374992261536E502851CE555D243270D3C3C6B77CF31B7945D",
    );
    assert.equal(
      await save(() => {
        for (let i = 0; i < 20; i++) tree.set(b(`hello${i}`), b("world1"));
      }),
      "5BB5974DC9FD3943E2FB096DE6F2470CAE375F7B877E4335DBA8E73CE587B232",
    );
    assert.equal(
      await save(() => tree.remove(b("hello"))),
      "E4E0D619CFE08FF64D6384529F49A2BDFFF4A4B7FA64E268A2159EF7F03CB858",
    );
  });

  it("keys compare bytewise", () => {
    assert.ok(compareBytes(Uint8Array.of(1), Uint8Array.of(1, 0)) < 0);
    assert.ok(compareBytes(Uint8Array.of(0xff), Uint8Array.of(1, 0)) > 0);
  });

  it("existence proofs decode through the protobuf codec", async () => {
    const tree = freshTree(t);
    await commitVersion(t, tree, [
      { k: 1, v: 1 },
      { k: 2, v: 2 },
      { k: 3, v: 3 },
    ]);
    const root = tree.rootAt(1) as Node;
    const bytes = ics23.CommitmentProof.encode({ exist: existenceProof(tree, root, key(2)) }).finish();
    const back = ics23.CommitmentProof.decode(bytes);
    assert.ok(verifyMembership(back, iavlSpec, root.hash as Uint8Array, key(2), val(2)));
  });
});
