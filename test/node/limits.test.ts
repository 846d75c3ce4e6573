// The size limits agree (chain/node/README.md "Limits"): the default config carries a transaction of
// the largest request the default inference params admit through the RPC and the mempool, and a
// config that does not is named key by key.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inferenceLimitProblem, REQUEST_TX_OVERHEAD_BYTES } from "../../app/limits.ts";
import { defaultConfig } from "../../chain/node/config.ts";
import { limitProblems } from "../../chain/node/limits.ts";
import { base64Length, maxBroadcastTxBytes, maxSimulateTxBytes, rpcBodyBytesFor } from "../../chain/rpc/body-limit.ts";
import { defaultConsensusParams } from "../../chain/types/genesis.ts";
import { defaultParams } from "../../modules/inference/params.ts";

describe("size limits", () => {
  it("encoding arithmetic: the body a tx needs (hex to simulate, base64 to broadcast) and the tx a body lets through are inverse", () => {
    assert.equal(base64Length(0), 0);
    assert.equal(base64Length(1), 4);
    assert.equal(base64Length(3), 4);
    assert.equal(base64Length(4), 8);
    for (const n of [2, 3, 1000, 819_200, 1_114_112]) {
      const body = rpcBodyBytesFor(n);
      assert.equal(body, Math.max(2 * n, base64Length(n)) + 1024);
      assert.ok(maxSimulateTxBytes(body) >= n && maxBroadcastTxBytes(body) >= n, String(n));
      assert.ok(maxSimulateTxBytes(body - 1) < n, String(n));
    }
  });

  it("the defaults agree: max_input_bytes + the tx overhead fits the mempool, the mempool's largest tx fits the RPC and a block", () => {
    const cfg = defaultConfig();
    const block = Number(defaultConsensusParams().block?.maxBytes);
    assert.equal(block, 22_020_096);
    assert.deepEqual(
      limitProblems({
        rpcMaxBodyBytes: cfg.rpc.maxBodyBytes,
        mempoolMaxTxBytes: cfg.mempool.maxTxBytes,
        blockMaxBytes: block,
      }),
      [],
    );
    const p = defaultParams();
    assert.equal(p.maxInputBytes, 1_048_576n);
    assert.equal(BigInt(cfg.mempool.maxTxBytes), p.maxInputBytes + BigInt(REQUEST_TX_OVERHEAD_BYTES));
    assert.equal(
      inferenceLimitProblem(p.maxInputBytes, {
        mempoolMaxTxBytes: cfg.mempool.maxTxBytes,
        rpcMaxBodyBytes: cfg.rpc.maxBodyBytes,
      }),
      undefined,
    );
    // the case: a [12800,16] float32 input (819200 bytes) in a tx is simulated and broadcast now
    assert.ok(maxSimulateTxBytes(cfg.rpc.maxBodyBytes) > 819_200 + 2048);
    // and the old 1000000-byte body limit could carry it neither way
    assert.ok(maxBroadcastTxBytes(1_000_000) < 819_200 && maxSimulateTxBytes(1_000_000) < 819_200);
  });

  it("limits that disagree are named by their keys", () => {
    const [rpc] = limitProblems({ rpcMaxBodyBytes: 1_000_000, mempoolMaxTxBytes: 1_114_112 });
    assert.match(
      rpc,
      /rpc\.max_body_bytes \(1000000\) is below .* mempool\.max_tx_bytes \(1114112\) needs .* \(2229248: /,
    );
    assert.match(
      rpc,
      /over 499488 bytes cannot be simulated \(gas "auto"\) and over 749232 bytes cannot be broadcast: HTTP 413/,
    );
    const [block] = limitProblems({
      rpcMaxBodyBytes: 2_250_000,
      mempoolMaxTxBytes: 1_114_112,
      blockMaxBytes: 1_000_000,
    });
    assert.match(block, /block\.max_bytes \(1000000\) is below mempool\.max_tx_bytes \(1114112\)/);
    assert.deepEqual(
      limitProblems({ rpcMaxBodyBytes: 2_250_000, mempoolMaxTxBytes: 1_114_112, blockMaxBytes: -1 }),
      [],
    );
    const inf = inferenceLimitProblem(4_194_304n, { mempoolMaxTxBytes: 1_114_112, rpcMaxBodyBytes: 2_250_000 });
    assert.match(
      inf ?? "",
      /max_input_bytes \(4194304\) needs transactions of up to 4259840 bytes, but mempool\.max_tx_bytes \(1114112\) and rpc\.max_body_bytes \(2250000\) let through 1114112/,
    );
  });
});
