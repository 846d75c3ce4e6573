// Outputs by hash (modules/inference/README.md#large-outputs) on four in-process validators
// (harness.ts): outputs over output_hash_threshold_bytes are kept in the executors' output stores
// and revealed as references; agreement compares the sha256 (exact) or the policy's digest (argmax);
// the result carries the winner's reference and each agreeing executor's sha256, and the client's
// check accepts exactly the bytes behind them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toHex } from "@cosmjs/encoding";
import { canonicalOutput, namedFromTensors, tensorsFromNamed } from "../../chain/tensor/canonical.ts";
import { canonicalRef, outputRef } from "../../chain/tensor/digest.ts";
import type { Tensor } from "../../chain/tensor/dtype.ts";
import { verifyResultItem } from "../../client/batch-proof.ts";
import { checkOutputBytes } from "../../client/output-fetch.ts";
import { decide } from "../../modules/inference/agreement.ts";
import { sha256 } from "../../modules/inference/commitment.ts";
import { type OutputLimits, revealForm } from "../../modules/inference/reveal.ts";
import {
  ExecutionError,
  type OutputRef,
  type OutputReveal,
  RequestStatus,
  VoteExtension,
} from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { QueryResultRequest, QueryResultResponse } from "../../proto/gen/dgrid/inference/v1/query.ts";
import { f32, INPUT, MODEL_ID, request, requestTx, runUntilSettled, setup, signed } from "./chain-setup.ts";
import { allEvents, modelOutputs, step } from "./harness.ts";

/** y of the 2-row INPUT is [2, 2] float32: 16 data bytes, over a threshold of 8 */
const BY_HASH = { outputHashThresholdBytes: 8n, maxHashedOutputBytes: 1024n };
const honestOutputs = () => modelOutputs({ x: f32(INPUT, [2, 4]) as Tensor });

describe("outputs by hash", () => {
  it("exact: the result keeps the reference, a corrupting executor dissents, the stored bytes check out", async () => {
    const s = await setup(["honest", "honest", "honest", "corrupt"], BY_HASH);
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 4)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.deepEqual(res.outputs, []);
    const ref = res.outputRef!;
    const canonical = canonicalOutput(honestOutputs());
    assert.deepEqual(ref.sha256, sha256(canonical));
    assert.equal(ref.sizeBytes, BigInt(canonical.length));
    assert.deepEqual(
      ref.layout.map((t) => [t.name, t.dtype, t.shape, t.data.length]),
      [["y", "float32", [2, 2], 0]],
    );
    assert.equal(ref.digest.length, 0);
    // the outcome hash is the reference's, as committed to
    assert.deepEqual(res.outputHash, sha256(canonicalRef(ref)));
    assert.equal(res.agreeing.length, 3);
    assert.equal(res.dissenting.length, 1);
    assert.deepEqual(
      res.outputSources.map((x) => x.validator),
      res.agreeing,
    );
    for (const src of res.outputSources) assert.deepEqual(src.sha256, ref.sha256);
    // every executor kept its bytes; the honest ones are the referenced outputs
    const hex = toHex(ref.sha256);
    for (const n of s.net.nodes.slice(0, 3)) {
      const bytes = n.outputs.bytes.get(hex)!;
      const checked = checkOutputBytes(ref, ref.sha256, { kind: "exact" }, bytes);
      assert.ok("outputs" in checked, JSON.stringify(checked));
      assert.deepEqual(tensorsFromNamed(checked.outputs), honestOutputs());
    }
    const [corrupt] = [...s.net.nodes[3].outputs.bytes.values()];
    assert.match(
      (checkOutputBytes(ref, ref.sha256, { kind: "exact" }, corrupt) as { error: string }).error,
      /do not hash/,
    );
    // the reveals were references, recorded until settlement and dropped with the other reveals
    assert.equal(allEvents(s.net, "reveal_rejected").length, 0);
    const req = await request(s, 1n);
    assert.ok(req.executors.every((e) => e.outputRef === undefined && e.outputs.length === 0));
  });

  it("argmax: executors whose bytes differ agree on the digest; each one's sha256 is a source", async () => {
    // "unique" adds 10 + i to y[0] (the row sum), which stays the row's largest value
    const s = await setup(["honest", "honest", "unique", "unique"], BY_HASH, { policy: { argmax: {} } });
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 4)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.equal(res.agreeing.length, 4);
    const ref = res.outputRef!;
    // rows [10, 4] and [8.5, 7]: the largest is index 0 in both (one byte each: 2 columns)
    assert.deepEqual([...ref.digest], [0, 0]);
    const shas = new Set(res.outputSources.map((x) => toHex(x.sha256)));
    assert.equal(shas.size, 3, "two honest executors share bytes, the two unique ones differ");
    for (const src of res.outputSources) {
      const node = s.net.nodes.find((n) => n.v.operator === src.validator)!;
      const bytes = node.outputs.bytes.get(toHex(src.sha256))!;
      const checked = checkOutputBytes(ref, src.sha256, { kind: "argmax" }, bytes);
      assert.ok("outputs" in checked, JSON.stringify(checked));
    }
    // bytes whose argmax differs from the agreed digest are refused even when they hash right
    const flipped = honestOutputs();
    const y = new Float32Array(flipped.y.data.slice().buffer);
    y[1] = 100;
    flipped.y = { ...flipped.y, data: new Uint8Array(y.buffer) };
    const other = canonicalOutput(flipped);
    assert.match(
      (checkOutputBytes(ref, sha256(other), { kind: "argmax" }, other) as { error: string }).error,
      /argmax digest differs/,
    );
  });

  it("a batch: each item goes by hash, agrees per item, and its Merkle path verifies over its reference", async () => {
    // one row per item: y [1, 2] = 8 bytes, over a threshold of 7
    const s = await setup(["honest", "honest", "honest", "corrupt"], { ...BY_HASH, outputHashThresholdBytes: 7n });
    await step(s.net);
    const n = 3;
    const items = Array.from({ length: n }, (_, i) => ({ inputs: namedFromTensors({ x: f32([i, 1, 2, 3], [1, 4]) }) }));
    const msg = {
      typeUrl: "/dgrid.inference.v1.MsgRequestInference",
      value: {
        requester: s.alice.address,
        modelId: MODEL_ID,
        inputs: [],
        items,
        maxFee: { denom: "udgrid", amount: "10000000" },
        redundancy: 4,
      },
    };
    await step(s.net, [await signed(s, [msg])]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    for (let i = 0; i < n; i++) {
      const it = res.items[i];
      assert.equal(it.status, RequestStatus.REQUEST_STATUS_FINALIZED);
      assert.deepEqual(it.outputs, []);
      // the corrupting executor changes the first value of its batched run: item 0's, where it dissents
      assert.equal(it.agreeing.length, i === 0 ? 3 : 4, `item ${i}`);
      const want = canonicalOutput(modelOutputs({ x: f32([i, 1, 2, 3], [1, 4]) as Tensor }));
      assert.deepEqual(it.outputRef!.sha256, sha256(want));
      assert.deepEqual(
        it.outputSources.map((x) => x.validator),
        it.agreeing,
      );
      const r = await s.net.nodes[0].app.query({
        path: "/dgrid.inference.v1.Query/Result",
        data: QueryResultRequest.encode({ id: 1n, item: i }).finish(),
        height: 0n,
        prove: false,
      });
      assert.ok(verifyResultItem(QueryResultResponse.decode(r.value), i), `item ${i} verifies`);
      const bytes = s.net.nodes[0].outputs.bytes.get(toHex(it.outputRef!.sha256))!;
      assert.ok("outputs" in checkOutputBytes(it.outputRef!, it.outputRef!.sha256, { kind: "exact" }, bytes));
    }
  });

  it("over max_hashed_output_bytes the outcome is OUTPUT_TOO_LARGE", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"], { ...BY_HASH, maxHashedOutputBytes: 12n });
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 3)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FAILED);
    assert.equal(res.error, ExecutionError.EXECUTION_ERROR_OUTPUT_TOO_LARGE);
    assert.equal(res.outputRef, undefined);
    assert.ok(s.net.nodes.every((n) => n.outputs.bytes.size === 0));
  });

  it("tolerance models keep their outputs inline whatever their size", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"], BY_HASH, {
      policy: { tolerance: { abs: "1000000000000", rel: "0" } },
    });
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 3)]);
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.equal(res.outputRef, undefined);
    assert.deepEqual(tensorsFromNamed(res.outputs), honestOutputs());
  });

  it("an inline reveal of outputs that must go by hash is refused as malformed; the others settle", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"], BY_HASH);
    await step(s.net);
    await step(s.net, [await requestTx(s, INPUT, 4)]);
    const out = Object.entries(honestOutputs()).map(([name, t]) => ({ name, ...t }));
    s.net.overrideExtension = (_h, i, ext) => {
      const ve = VoteExtension.decode(ext);
      if (i !== 3 || ve.reveals.length === 0) return ext;
      for (const r of ve.reveals) {
        r.outputs = out;
        r.outputRef = undefined;
      }
      return VoteExtension.encode(ve).finish();
    };
    const res = await runUntilSettled(s, 1n);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.equal(res.agreeing.length, 3);
    const rejected = allEvents(s.net, "reveal_rejected");
    assert.ok(rejected.length >= 1);
    assert.ok(rejected.every((e) => e.reason === "malformed"));
  });
});

describe("the reveal form of a reference (pure)", () => {
  const outputs = honestOutputs();
  const canonical = canonicalOutput(outputs);
  const exactRef = outputRef({ kind: "exact" }, outputs, canonical, sha256(canonical)) as OutputRef;
  const limits: OutputLimits = {
    maxOutputBytes: 1024n,
    byHash: { thresholdBytes: 8n, maxBytes: 1024n, policy: { kind: "exact" } },
  };
  const reveal = (o: Partial<OutputReveal>): OutputReveal => ({
    requestId: 1n,
    salt: new Uint8Array(32),
    outputs: [],
    error: ExecutionError.EXECUTION_ERROR_UNSPECIFIED,
    items: [],
    outputRef: undefined,
    ...o,
  });
  const reason = (rev: OutputReveal, l = limits) => {
    const f = revealForm(rev, 0, l);
    return f.ok ? "ok" : f.reason;
  };

  it("accepts a reference the params and policy call for; its commitment bytes are canonicalRef", () => {
    const f = revealForm(reveal({ outputRef: exactRef }), 0, limits);
    assert.ok(f.ok);
    assert.deepEqual(f.canonical, canonicalRef(exactRef));
  });

  it("refuses references that are off, small, mis-sized, with the wrong digest, or beside outputs or an error", () => {
    assert.equal(reason(reveal({ outputRef: exactRef }), { maxOutputBytes: 1024n }), "malformed");
    assert.equal(
      reason(reveal({ outputRef: exactRef }), { ...limits, byHash: { ...limits.byHash!, thresholdBytes: 16n } }),
      "malformed",
    );
    assert.equal(
      reason(reveal({ outputRef: exactRef }), { ...limits, byHash: { ...limits.byHash!, maxBytes: 15n } }),
      "too_large",
    );
    assert.equal(reason(reveal({ outputRef: { ...exactRef, sizeBytes: exactRef.sizeBytes + 1n } })), "malformed");
    assert.equal(reason(reveal({ outputRef: { ...exactRef, digest: Uint8Array.of(0, 0, 0, 0) } })), "malformed");
    assert.equal(reason(reveal({ outputRef: { ...exactRef, sha256: new Uint8Array(31) } })), "malformed");
    const argmax: OutputLimits = { ...limits, byHash: { ...limits.byHash!, policy: { kind: "argmax" } } };
    assert.equal(reason(reveal({ outputRef: exactRef }), argmax), "malformed", "argmax needs its 2 row indices");
    const argmaxRef = { ...exactRef, digest: Uint8Array.of(0, 1) };
    assert.equal(reason(reveal({ outputRef: argmaxRef }), argmax), "ok");
    assert.equal(
      reason(reveal({ outputRef: { ...argmaxRef, digest: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1) } }), argmax),
      "malformed",
      "u32 indices where one byte holds them",
    );
    const withOutputs = reveal({ outputRef: exactRef, outputs: [{ name: "y", ...outputs.y }] });
    assert.equal(reason(withOutputs), "malformed");
    assert.equal(
      reason(reveal({ outputRef: exactRef, error: ExecutionError.EXECUTION_ERROR_RUNTIME_ERROR })),
      "malformed",
    );
    // inline outputs over the threshold: they must have gone by hash
    assert.equal(reason(reveal({ outputs: [{ name: "y", ...outputs.y }] })), "malformed");
    assert.equal(reason(reveal({ outputs: [{ name: "y", ...outputs.y }] }), { maxOutputBytes: 1024n }), "ok");
  });

  it("a reference never agrees with inline outputs or an error; two exact references agree on equal sha256", () => {
    const other = { ...exactRef, sha256: new Uint8Array(32) };
    const d = decide(
      { kind: "exact" },
      [
        { id: "a", ref: exactRef, hash: Uint8Array.of(1) },
        { id: "b", ref: exactRef, hash: Uint8Array.of(1) },
        { id: "c", ref: other, hash: Uint8Array.of(2) },
        { id: "d", outputs, hash: Uint8Array.of(3) },
        { id: "e", error: ExecutionError.EXECUTION_ERROR_RUNTIME_ERROR, hash: Uint8Array.of(4) },
      ],
      2,
    );
    assert.equal(d.winner, 0);
    assert.deepEqual(d.supporters, ["a", "b"]);
  });
});
