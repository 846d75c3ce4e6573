// decodeModelHead (modules/registry/model-head.ts): the stored model record decoded without its golden
// vectors equals Model.decode with goldenVectors emptied, whatever the field order on the wire.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import fc from "fast-check";
import { decodeModelHead } from "../../../modules/registry/model-head.ts";
import { Model } from "../../../proto/gen/dgrid/registry/v1/registry.ts";

const model = fc
  .record({
    id: fc.string({ maxLength: 64 }),
    name: fc.string({ maxLength: 20 }),
    creator: fc.string({ maxLength: 45 }),
    creatorSharePpm: fc.bigInt({ min: 0n, max: 1_000_000n }),
    delisted: fc.boolean(),
    golden: fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }),
    tags: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  })
  .map((m) =>
    Model.fromPartial({
      id: m.id,
      name: m.name,
      creator: m.creator,
      creatorSharePpm: m.creatorSharePpm,
      delisted: m.delisted,
      inputs: [{ name: "x", dtype: "float32", shape: [{ size: 1 }, { symbol: "n" }] }],
      pricePerCall: { denom: "udgrid", amount: "1000" },
      goldenVectors: m.golden.map((data) => ({
        inputs: [{ name: "x", dtype: "uint8", shape: [data.length], data }],
        outputs: [{ name: "y", dtype: "uint8", shape: [data.length], data }],
      })),
      card: { task: "classification", tags: m.tags },
    }),
  );

const withoutGolden = (m: Model): Model => Model.decode(Model.encode({ ...m, goldenVectors: [] }).finish());

describe("decodeModelHead", () => {
  it("is Model.decode with the golden vectors left out (property)", () => {
    fc.assert(
      fc.property(model, (m) => {
        const bytes = Model.encode(m).finish();
        assert.deepEqual(decodeModelHead(bytes), withoutGolden(m));
      }),
      { numRuns: 200 },
    );
  });

  it("reads golden vectors wherever they sit among the fields, and refuses a truncated record", () => {
    const m = Model.fromPartial({
      id: "m",
      creator: "c",
      goldenVectors: [{ inputs: [{ name: "x", data: Uint8Array.of(1) }] }],
    });
    // field 11 first, then the rest (a writer may order fields any way)
    const golden = new BinaryWriter();
    for (const g of m.goldenVectors) Model.encode(Model.fromPartial({ goldenVectors: [g] }), golden);
    const bytes = new Uint8Array([...golden.finish(), ...Model.encode({ ...m, goldenVectors: [] }).finish()]);
    assert.deepEqual(Model.decode(bytes).goldenVectors.length, 1);
    assert.deepEqual(decodeModelHead(bytes), withoutGolden(m));
    const full = Model.encode(m).finish();
    assert.throws(() => decodeModelHead(full.subarray(0, full.length - 1)));
  });
});
