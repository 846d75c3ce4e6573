// `--gpu`: the model on onnxruntime's CUDA execution provider beside the CPU one, in this process:
// single-item (and batched) runs/s on each, and whether the GPU's outputs agree with the CPU's under
// the model's registered policy (what decides the policy a model needs when executors differ in
// hardware), with the largest differences seen. CUDA counts as available when onnxruntime-node lists
// the `cuda` backend and a session can be created on it (the CUDA provider library and driver load);
// otherwise the bench says so and goes on with the CPU figures.
import ort from "onnxruntime-node";
import { agrees, policyFromProto } from "../../chain/tensor/agreement.ts";
import type { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { diffTensors } from "../../validator/golden/diff.ts";
import { policyText } from "../../validator/golden/policy-text.ts";
import { DirectRunner, pinnedOf, type RawFigures } from "./direct.ts";
import { fromOrt, type Inputs } from "./tensors.ts";

export const NO_CUDA = "no CUDA execution provider on this machine: GPU figures skipped";

export type CudaStatus = { available: true } | { available: false; reason: string };

export interface CudaProbe {
  /** onnxruntime-node's listSupportedBackends() */
  listBackends(): readonly { name: string }[];
  /** creates (and releases) a session of `bytes` on the CUDA provider; rejects when it cannot */
  tryCuda(bytes: Uint8Array): Promise<void>;
}

export const ortCudaProbe: CudaProbe = {
  listBackends: () => ort.listSupportedBackends(),
  async tryCuda(bytes) {
    const s = await ort.InferenceSession.create(bytes, { executionProviders: ["cuda"], logSeverityLevel: 4 });
    await s.release();
  },
};

export async function cudaStatus(probe: CudaProbe, bytes: Uint8Array): Promise<CudaStatus> {
  if (!probe.listBackends().some((b) => b.name === "cuda"))
    return { available: false, reason: "onnxruntime-node lists no cuda backend" };
  try {
    await probe.tryCuda(bytes);
    return { available: true };
  } catch (e) {
    return { available: false, reason: (e instanceof Error ? e.message : String(e)).split("\n")[0] };
  }
}

export interface GpuFigures {
  cpu: RawFigures;
  gpu: RawFigures;
  cpuBatched?: RawFigures;
  gpuBatched?: RawFigures;
  policy: string;
  compared: number;
  agreeing: number;
  maxAbsDiff: number;
  maxRelDiff: number;
  argmaxAgrees: boolean;
}

/** CPU and CUDA timings of the same items, and the CPU/GPU agreement of the first `compare` items. */
export async function gpuFigures(
  entry: Model,
  bytes: Uint8Array,
  items: Inputs[],
  o: { n: number; batchItems: number; compare: number },
): Promise<GpuFigures> {
  const options = pinnedOf(entry);
  const cpu = await DirectRunner.open(bytes, options, "cpu");
  const gpu = await DirectRunner.open(bytes, options, "cuda");
  try {
    const policy = policyFromProto(entry.policy);
    let agreeing = 0;
    let maxAbsDiff = 0;
    let maxRelDiff = 0;
    let argmaxAgrees = true;
    const compared = Math.min(o.compare, items.length);
    for (let i = 0; i < compared; i++) {
      const [a, b] = await Promise.all([cpu.run(items[i]), gpu.run(items[i])]);
      const ta = Object.fromEntries(Object.entries(a).map(([k, v]) => [k, fromOrt(v)]));
      const tb = Object.fromEntries(Object.entries(b).map(([k, v]) => [k, fromOrt(v)]));
      if (agrees(policy, ta, tb)) agreeing++;
      for (const k of Object.keys(ta)) {
        const d = diffTensors(ta[k], tb[k]);
        maxAbsDiff = Math.max(maxAbsDiff, d.maxAbsDiff);
        maxRelDiff = Math.max(maxRelDiff, d.maxRelDiff);
        argmaxAgrees &&= d.argmaxAgrees;
      }
    }
    const batched = o.batchItems > 1;
    return {
      cpu: await cpu.single(items, o.n),
      gpu: await gpu.single(items, o.n),
      cpuBatched: batched ? await cpu.batched(items, o.batchItems, o.n) : undefined,
      gpuBatched: batched ? await gpu.batched(items, o.batchItems, o.n) : undefined,
      policy: policyText(policy),
      compared,
      agreeing,
      maxAbsDiff,
      maxRelDiff,
      argmaxAgrees,
    };
  } finally {
    await cpu.close();
    await gpu.close();
  }
}
