// bench/inference's pure parts: the issue-16 targets as PASS/FAIL (figures.ts) and the CUDA
// availability check with its skip reasons (gpu.ts), with a fake onnxruntime probe.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type TargetInput, targets } from "../../bench/inference/figures.ts";
import { type CudaProbe, cudaStatus } from "../../bench/inference/gpu.ts";
import { stack } from "../../bench/inference/tensors.ts";

const base: TargetInput = {
  model: "vad",
  batchItems: 1,
  k: 1,
  rawPerSec: 3000,
  finalizedRequestsPerSec: 200,
  finalizedItemsPerSec: 200,
  ratio: 200 / 3000,
  p50BlocksFromInclusion: 3,
  nodeCpuMsPerRequest: 7,
  nodeCpuMsPerItem: 7,
  sendCpuMsPerTx: 0.7,
};
const byName = (ts: ReturnType<typeof targets>, part: string) => {
  const t = ts.find((x) => x.name.includes(part));
  assert.ok(t, `a target mentioning ${part}`);
  return t;
};

describe("bench/inference targets", () => {
  it("single-input VAD: latency passes at 3 blocks, throughput, 1,000/s and CPU vs MsgSend fail", () => {
    const ts = targets(base);
    assert.equal(byName(ts, "3 blocks").pass, true);
    assert.equal(byName(ts, "70%").pass, false);
    assert.equal(byName(ts, "1,000 requests/s").pass, false);
    const cpu = byName(ts, "1.5x a MsgSend");
    assert.equal(cpu.pass, false);
    assert.match(cpu.detail, /10x/);
    assert.equal(byName(targets({ ...base, p50BlocksFromInclusion: 4 }), "3 blocks").pass, false);
  });

  it("the recognizer needs 85% of raw/k; a batch is judged per item against 0.2 ms", () => {
    const rec = targets({ ...base, model: "ocr-rec", ratio: 0.8 });
    assert.equal(byName(rec, "85%").pass, false);
    assert.equal(byName(targets({ ...base, model: "ocr-rec", ratio: 0.86 }), "85%").pass, true);
    const batched = targets({ ...base, batchItems: 64, ratio: 0.75, nodeCpuMsPerItem: 0.15 });
    assert.equal(byName(batched, "70%").pass, true);
    assert.equal(byName(batched, "0.2 ms").pass, true);
    assert.equal(byName(targets({ ...base, batchItems: 64, nodeCpuMsPerItem: 0.25 }), "0.2 ms").pass, false);
    assert.equal(
      batched.find((t) => t.name.includes("1,000")),
      undefined,
    );
  });

  it("without a MsgSend stream the CPU comparison fails and says why", () => {
    const t = byName(targets({ ...base, sendCpuMsPerTx: undefined }), "MsgSend");
    assert.equal(t.pass, false);
    assert.match(t.detail, /--sends 0/);
  });
});

describe("bench/inference CUDA check", () => {
  const bytes = new Uint8Array([1]);
  it("no cuda backend listed: unavailable without trying a session", async () => {
    let tried = false;
    const probe: CudaProbe = {
      listBackends: () => [{ name: "cpu" }],
      tryCuda: async () => {
        tried = true;
      },
    };
    assert.deepEqual(await cudaStatus(probe, bytes), {
      available: false,
      reason: "onnxruntime-node lists no cuda backend",
    });
    assert.equal(tried, false);
  });

  it("listed but the session cannot be created (no provider library or driver): unavailable with the reason", async () => {
    const probe: CudaProbe = {
      listBackends: () => [{ name: "cpu" }, { name: "cuda" }],
      tryCuda: async () => {
        throw new Error("libonnxruntime_providers_cuda.so: cannot open shared object file\nmore");
      },
    };
    const s = await cudaStatus(probe, bytes);
    assert.equal(s.available, false);
    assert.equal(!s.available && s.reason, "libonnxruntime_providers_cuda.so: cannot open shared object file");
  });

  it("listed and a session opens: available", async () => {
    const probe: CudaProbe = { listBackends: () => [{ name: "cuda" }], tryCuda: async () => {} };
    assert.deepEqual(await cudaStatus(probe, bytes), { available: true });
  });
});

describe("bench/inference stack", () => {
  it("concatenates items along dim 0", () => {
    const t = (v: number) => ({
      dtype: "float32" as const,
      shape: [1, 2],
      data: new Uint8Array(new Float32Array([v, v]).buffer),
    });
    const s = stack([{ x: t(1) }, { x: t(2) }, { x: t(3) }]);
    assert.deepEqual(s.x.shape, [3, 2]);
    assert.deepEqual([...new Float32Array(s.x.data.buffer)], [1, 1, 2, 2, 3, 3]);
  });
});
