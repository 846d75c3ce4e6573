import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { proofsFromByteSlices, simpleHashFromByteSlices, verifyProof } from "../../chain/types/merkle.ts";
import { joinParts, makePartSet, verifyPart } from "../../chain/types/part-set.ts";

describe("part set", () => {
  it("splits, proves and rejoins", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.integer({ min: 1, max: 300 }), (bytes, size) => {
        const ps = makePartSet(bytes, size);
        assert.equal(ps.header.total, Math.ceil(bytes.length / size));
        for (const p of ps.parts) assert.ok(verifyPart(ps.header, p));
        assert.deepEqual(joinParts(ps.parts), bytes);
        const chunks = ps.parts.map((p) => p.bytes);
        assert.deepEqual(ps.header.hash, simpleHashFromByteSlices(chunks));
      }),
      { numRuns: 50 },
    );
  });
  it("rejects a tampered part or a wrong index", () => {
    const ps = makePartSet(new Uint8Array(1000).fill(3), 100);
    const p = ps.parts[4]!;
    assert.equal(verifyPart(ps.header, { ...p, bytes: new Uint8Array(100) }), false);
    assert.equal(verifyPart(ps.header, { ...p, index: 5 }), false);
    assert.equal(verifyPart({ ...ps.header, total: 11 }, p), false);
  });
  it("default part size is 64 KiB", () => {
    assert.equal(makePartSet(new Uint8Array(65537)).header.total, 2);
  });
  it("merkle proofs verify for every leaf", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 40 }), (items) => {
        const { root, proofs } = proofsFromByteSlices(items);
        assert.deepEqual(root, simpleHashFromByteSlices(items));
        for (const [i, item] of items.entries()) assert.ok(verifyProof(proofs[i]!, root, item));
      }),
      { numRuns: 50 },
    );
  });
});
