// Outputs by hash in the tensor library (chain/tensor/digest.ts, decodeCanonicalOutput): the
// reference's canonical bytes (pinned by an encoder written from the format), the digests argmax and
// topk compare, the sizes that follow from a layout, and decoding canonical outputs back.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { agrees, type Policy, topKIndices } from "../../chain/tensor/agreement.ts";
import { canonicalOutput, decodeCanonicalOutput } from "../../chain/tensor/canonical.ts";
import {
  canonicalRef,
  digestLength,
  indexWidth,
  layoutSizes,
  outputDigest,
  outputLayout,
  outputRef,
} from "../../chain/tensor/digest.ts";
import type { DType, Outputs, Tensor } from "../../chain/tensor/dtype.ts";

const f32 = (values: number[], shape: number[]): Tensor => ({
  dtype: "float32",
  shape,
  data: new Uint8Array(Float32Array.from(values).buffer),
});

/** Random well-formed outputs: float32 / uint8 / bool / int64 tensors of rank 0..3. */
const outputsArb: fc.Arbitrary<Outputs> = (() => {
  const dims = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });
  const dtype = fc.constantFrom<DType>("float32", "uint8", "bool", "int64");
  const size = { float32: 4, uint8: 1, bool: 1, int64: 8 } as Record<DType, number>;
  const tensor = fc.record({ dtype, shape: dims }).chain(({ dtype, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1) * size[dtype];
    return fc
      .uint8Array({ minLength: n, maxLength: n })
      .map((data): Tensor => ({ dtype, shape, data: dtype === "bool" ? data.map((b) => b & 1) : data }));
  });
  return fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), tensor, { maxKeys: 3 });
})();

describe("canonical outputs decode", () => {
  it("decodes what canonicalOutput encodes, and re-encodes to the same bytes (property)", () => {
    fc.assert(
      fc.property(outputsArb, (outputs) => {
        const bytes = canonicalOutput(outputs);
        const back = decodeCanonicalOutput(bytes);
        assert.deepEqual(Buffer.from(canonicalOutput(back)), Buffer.from(bytes));
        assert.deepEqual(Object.keys(back).sort(), Object.keys(outputs).sort());
      }),
      { numRuns: 300 },
    );
  });

  it("refuses anything but an exact encoding", () => {
    const good = canonicalOutput({ a: f32([1, 2], [2]), b: { dtype: "bool", shape: [1], data: Uint8Array.of(1) } });
    assert.ok(decodeCanonicalOutput(good));
    const bad = (mutate: (b: Uint8Array) => Uint8Array, re: RegExp) =>
      assert.throws(() => decodeCanonicalOutput(mutate(Uint8Array.from(good))), re);
    bad((b) => Uint8Array.of(...b, 0), /trailing/);
    bad((b) => b.subarray(0, b.length - 1), /truncated/);
    const set = (i: (b: Uint8Array) => number, v: number) => (b: Uint8Array) => {
      b[i(b)] = v;
      return b;
    };
    bad(
      set(() => 0, 2),
      /version 2/,
    );
    bad(
      set((b) => b.length - 1, 2),
      /bool bytes/,
    );
    // names out of order: swap the two one-letter names
    bad((b) => {
      const i = b.indexOf(0x61); // "a"
      const j = b.indexOf(0x62); // "b"
      b[i] = 0x62;
      b[j] = 0x61;
      return b;
    }, /out of order/);
    // a dtype code no dtype has
    bad(
      set(() => 5 + 4 + 1, 99),
      /unknown dtype code 99/,
    );
  });
});

describe("output references", () => {
  it("canonicalRef follows the format (an encoder written from the header)", () => {
    const outputs = { logits: f32([0.1, 0.9, 0.5, 0.2, 0.3, 0.4], [2, 3]), z: f32([1], []) };
    const canonical = canonicalOutput(outputs);
    const sha = Uint8Array.from({ length: 32 }, (_, i) => i);
    const ref = outputRef({ kind: "argmax" }, outputs, canonical, sha);
    const want: number[] = [2, ...sha];
    const u32 = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
    want.push(0, 0, 0, 0, ...u32(canonical.length));
    want.push(...u32(2));
    want.push(...u32(6), ..."logits".split("").map((c) => c.charCodeAt(0)), 1, ...u32(2), ...u32(2), ...u32(3));
    want.push(...u32(1), 0x7a, 1, ...u32(0));
    // argmax per row, one byte each (3 and 1 columns): logits rows [0.1, 0.9, 0.5] -> 1 and
    // [0.2, 0.3, 0.4] -> 2; the scalar z -> 0
    want.push(...u32(3), 1, 2, 0);
    assert.deepEqual([...canonicalRef(ref)], want);
    assert.equal(ref.sizeBytes, BigInt(canonical.length));
    assert.deepEqual(
      ref.layout.map((t) => t.name),
      ["logits", "z"],
    );
  });

  it("a layout's sizes are its outputs' data and canonical lengths (property)", () => {
    fc.assert(
      fc.property(outputsArb, (outputs) => {
        const { dataBytes, canonicalBytes } = layoutSizes(outputLayout(outputs));
        assert.equal(canonicalBytes, canonicalOutput(outputs).length);
        assert.equal(
          dataBytes,
          Object.values(outputs).reduce((n, t) => n + t.data.length, 0),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("layouts out of canonical order, with data or repeated names are refused", () => {
    const l = outputLayout({ a: f32([1], [1]), b: f32([1], [1]) });
    assert.throws(() => layoutSizes([l[1], l[0]]), /canonical name order/);
    assert.throws(() => layoutSizes([l[0], l[0]]), /duplicate/);
    assert.throws(() => layoutSizes([{ ...l[0], data: Uint8Array.of(1) }]), /carries data/);
    assert.throws(() => layoutSizes([{ ...l[0], dtype: "float16" }]), /unknown dtype/);
  });

  it("digests have the length the layout implies, and equal digests mean the policy agrees (property)", () => {
    const policies: Policy[] = [{ kind: "exact" }, { kind: "argmax" }, { kind: "topk", k: 2 }];
    const rows = fc.array(fc.float({ noNaN: true, min: -4, max: 4 }), { minLength: 3, maxLength: 3 });
    const pair = fc.array(fc.tuple(rows, rows), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(pair, fc.constantFrom(...policies), (rs, policy) => {
        const a = {
          y: f32(
            rs.flatMap((r) => r[0]),
            [rs.length, 3],
          ),
        };
        const b = {
          y: f32(
            rs.flatMap((r) => r[1]),
            [rs.length, 3],
          ),
        };
        const da = outputDigest(policy, a);
        assert.equal(da.length, digestLength(policy, outputLayout(a)));
        if (policy.kind !== "exact") {
          const same = Buffer.from(da).equals(Buffer.from(outputDigest(policy, b)));
          assert.equal(same, agrees(policy, a, b));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("topk's digest is the sorted top-k indices of each row", () => {
    const t = f32([5, 1, 4, 2, 0, 9, 8, 7], [2, 4]);
    assert.deepEqual(topKIndices(t, 2), [
      [0, 2],
      [1, 2],
    ]);
    const d = outputDigest({ kind: "topk", k: 2 }, { t });
    assert.deepEqual(d, Uint8Array.of(0, 2, 1, 2)); // 4 columns: one byte per index
    assert.throws(() => outputDigest({ kind: "tolerance", abs: 0n, rel: 0n }, { t }), /no digest/);
  });

  it("an index takes 1, 2 or 4 big-endian bytes by its output's last axis (256 and 65,536 are the edges)", () => {
    assert.deepEqual([1, 256, 257, 65_536, 65_537].map(indexWidth), [1, 1, 2, 2, 4]);
    for (const [cols, width] of [
      [256, 1],
      [257, 2],
      [65_536, 2],
      [65_537, 4],
    ] as const) {
      // two rows whose largest values sit at the last column and at column 1
      const v = new Float32Array(2 * cols);
      v[cols - 1] = 1;
      v[cols + 1] = 1;
      const outputs = { a: f32([...v], [2, cols]), b: f32([3, 1, 2], [3]) };
      const d = outputDigest({ kind: "argmax" }, outputs);
      assert.equal(d.length, digestLength({ kind: "argmax" }, outputLayout(outputs)));
      assert.equal(d.length, 2 * width + 1);
      const be = (at: number) => d.subarray(at, at + width).reduce((n, x) => n * 256 + x, 0);
      assert.deepEqual([be(0), be(width), d[2 * width]], [cols - 1, 1, 0]); // then b: one row, argmax 0
    }
  });
});
