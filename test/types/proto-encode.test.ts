// encodeMessage (chain/types/proto-encode.ts) gives exactly codec.encode(m).finish(), whatever the
// reused writer wrote before: a large message, a message that threw half-way, a re-entrant call.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import fc from "fast-check";
import { encodeMessage, type MessageEncoder } from "../../chain/types/proto-encode.ts";
import { InferenceRequest } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { ModelStats } from "../../proto/gen/dgrid/registry/v1/registry.ts";

const request = fc
  .record({
    id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    requester: fc.string({ maxLength: 60 }),
    modelId: fc.string({ maxLength: 64 }),
    redundancy: fc.nat(10),
    data: fc.uint8Array({ maxLength: 3000 }),
    executors: fc.array(
      fc.record({ validator: fc.string({ maxLength: 50 }), commitment: fc.uint8Array({ maxLength: 32 }) }),
      {
        maxLength: 4,
      },
    ),
  })
  .map((r) =>
    InferenceRequest.fromPartial({
      id: r.id,
      requester: r.requester,
      modelId: r.modelId,
      redundancy: r.redundancy,
      inputs: [{ name: "x", dtype: "uint8", shape: [r.data.length], data: r.data }],
      executors: r.executors,
    }),
  );

describe("encodeMessage", () => {
  it("is codec.encode(m).finish() for any sequence of messages (property)", () => {
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 8 }), (rs) => {
        for (const r of rs) assert.deepEqual(encodeMessage(InferenceRequest, r), InferenceRequest.encode(r).finish());
      }),
      { numRuns: 200 },
    );
  });

  it("after a large message, a throwing encode and a re-entrant call, the bytes are still exact", () => {
    const big = InferenceRequest.fromPartial({
      id: 1n,
      inputs: [{ name: "x", data: new Uint8Array(3 << 20).fill(7) }],
    });
    assert.deepEqual(encodeMessage(InferenceRequest, big), InferenceRequest.encode(big).finish());
    const small = ModelStats.fromPartial({ modelId: "m", requestsFinalized: 3n });
    const want = ModelStats.encode(small).finish();
    assert.deepEqual(encodeMessage(ModelStats, small), want);

    const throwing: MessageEncoder<number> = {
      encode(_m: number, w = new BinaryWriter()) {
        w.fork().string("half a message");
        throw new Error("boom");
      },
    };
    assert.throws(() => encodeMessage(throwing, 1), /boom/);
    assert.deepEqual(encodeMessage(ModelStats, small), want);

    // an encoder that itself calls encodeMessage: the inner call gets its own writer
    const nesting: MessageEncoder<ModelStats> = {
      encode(m: ModelStats, w = new BinaryWriter()) {
        const inner = encodeMessage(ModelStats, m);
        return w.bytes(inner);
      },
    };
    const nested = encodeMessage(nesting, small);
    assert.deepEqual(nested, new BinaryWriter().bytes(want).finish());
    assert.deepEqual(encodeMessage(ModelStats, small), want);
  });
});
