import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExecTxResult, ResponseFinalizeBlock, TxResult } from "cosmjs-types/tendermint/abci/types";
import { encodeExecTxResult, encodeFinalizeBlockResponse, encodeTxResult } from "../../chain/types/encoding.ts";

const ev = (type: string, n: number) => ({
  type,
  attributes: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}-ü`, index: i % 2 === 0 })),
});
const result = (i: number) =>
  ExecTxResult.fromPartial({
    code: i % 3,
    data: Uint8Array.of(i, 1, 2),
    log: i % 2 ? "" : "failed",
    gasWanted: 150_000n + BigInt(i),
    gasUsed: 3_000_000_000n, // past 2^31: the corrected int64 writer
    events: [ev("transfer", 3), ev("message", i)],
    codespace: i % 3 ? "sdk" : "",
  });

describe("result encoding once", () => {
  it("encodeFinalizeBlockResponse is byte-identical to ResponseFinalizeBlock.encode", () => {
    const cases = [
      ResponseFinalizeBlock.fromPartial({}),
      ResponseFinalizeBlock.fromPartial({ txResults: [result(0)] }),
      ResponseFinalizeBlock.fromPartial({
        events: [ev("begin", 2), ev("end", 1)],
        txResults: [result(1), result(2), result(3)],
        validatorUpdates: [{ pubKey: { ed25519: new Uint8Array(32).fill(7) }, power: 10n }],
        consensusParamUpdates: { block: { maxBytes: 100n, maxGas: -1n } },
        appHash: new Uint8Array(32).fill(9),
      }),
    ];
    for (const r of cases) {
      const want = ResponseFinalizeBlock.encode(r).finish();
      assert.deepEqual(encodeFinalizeBlockResponse(r), want);
      assert.deepEqual(encodeFinalizeBlockResponse(r), want); // second time from the cache
      assert.deepEqual(
        ResponseFinalizeBlock.decode(encodeFinalizeBlockResponse(r)),
        ResponseFinalizeBlock.decode(want),
      );
    }
  });

  it("encodeTxResult is byte-identical to TxResult.encode, zero fields included", () => {
    for (const [height, index, tx] of [
      [0n, 0, new Uint8Array()],
      [1n, 0, Uint8Array.of(1)],
      [5_000_000_000n, 7, new Uint8Array(300).fill(3)],
    ] as const) {
      const r = result(index);
      assert.deepEqual(
        encodeTxResult(height, index, tx, r),
        TxResult.encode({ height, index, tx, result: r }).finish(),
      );
    }
  });

  it("caches per result object", () => {
    const r = result(4);
    assert.equal(encodeExecTxResult(r), encodeExecTxResult(r));
    assert.notEqual(encodeExecTxResult(result(4)), encodeExecTxResult(r));
  });
});
