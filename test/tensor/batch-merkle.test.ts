// The batch Merkle tree (chain/tensor/batch-merkle.ts): the RFC 6962 shape, every item's path
// verifies, and any flipped bit of the item hash, a path hash or the root, or a wrong index or count, fails.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  batchProof,
  batchRoot,
  merkleLeaf,
  merkleNode,
  rootFromPath,
  verifyBatchProof,
} from "../../chain/tensor/batch-merkle.ts";
import { sha256 as nodeSha256, simpleHashFromByteSlices } from "../../chain/types/merkle.ts";

const h = (s: string) => new Uint8Array(createHash("sha256").update(s).digest());
const items = (n: number) => Array.from({ length: n }, (_, i) => h(`item ${i}`));
const flip = (b: Uint8Array, bit: number) => {
  const c = Uint8Array.from(b);
  c[bit >> 3] ^= 1 << (bit & 7);
  return c;
};

describe("batch Merkle tree", () => {
  it("is the RFC 6962 tree CometBFT builds over the same item hashes", () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 31, 64, 100]) {
      assert.deepEqual(batchRoot(items(n)), simpleHashFromByteSlices(items(n)), `n = ${n}`);
    }
  });

  it("gives the same roots and paths with the node's sha256 as with the pure-JS default", () => {
    for (const n of [1, 2, 3, 5, 8, 9, 64]) {
      assert.deepEqual(batchRoot(items(n), nodeSha256), batchRoot(items(n)), `n = ${n}`);
      for (let i = 0; i < n; i++) assert.deepEqual(batchProof(items(n), i, nodeSha256), batchProof(items(n), i));
    }
  });

  it("domain-separates leaves and nodes", () => {
    const [a, b] = items(2);
    assert.deepEqual(batchRoot([a]), merkleLeaf(a));
    assert.deepEqual(batchRoot([a, b]), merkleNode(merkleLeaf(a), merkleLeaf(b)));
    // a leaf over the 64 bytes of two children is not their node
    assert.notDeepEqual(merkleLeaf(new Uint8Array([...merkleLeaf(a), ...merkleLeaf(b)])), batchRoot([a, b]));
  });

  it("refuses an empty tree and an index outside it", () => {
    assert.throws(() => batchRoot([]), /at least one item/);
    assert.throws(() => batchProof(items(3), 3), /outside/);
    assert.equal(rootFromPath(items(1)[0], 0, 0, []), undefined);
  });

  it("every item's path verifies; any flipped bit or another item's index fails (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom("item", "path", "root"),
        (n, iSeed, bitSeed, where) => {
          const xs = items(n);
          const i = iSeed % n;
          const root = batchRoot(xs);
          const path = batchProof(xs, i);
          assert.ok(path.length <= Math.ceil(Math.log2(n)));
          assert.ok(verifyBatchProof(root, xs[i], i, n, path));
          if (where === "item") assert.ok(!verifyBatchProof(root, flip(xs[i], bitSeed % 256), i, n, path));
          if (where === "root") assert.ok(!verifyBatchProof(flip(root, bitSeed % 256), xs[i], i, n, path));
          if (where === "path" && path.length > 0) {
            const j = bitSeed % path.length;
            const bad = path.map((p, k) => (k === j ? flip(p, (bitSeed >> 3) % 256) : p));
            assert.ok(!verifyBatchProof(root, xs[i], i, n, bad));
          }
          // the item at another index (its own hash there) does not verify with this item's path
          if (n > 1) assert.ok(!verifyBatchProof(root, xs[(i + 1) % n], (i + 1) % n, n, path));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a path of another length or an item of another batch fails", () => {
    const xs = items(9);
    const root = batchRoot(xs);
    const path = batchProof(xs, 4);
    assert.ok(!verifyBatchProof(root, xs[4], 4, 9, path.slice(1)));
    assert.ok(!verifyBatchProof(root, xs[4], 4, 9, [...path, path[0]]));
    assert.ok(!verifyBatchProof(root, h("not an item"), 4, 9, path));
  });
});
