// The simulated model: y[b] = [sum(x[b]), max(x[b])] over float32 rows of 4, "run" in process by a
// stand-in executor (no onnxruntime: the simulation exercises the chain, not the sandbox). Every
// model the simulation registers has this shape, so any validator can serve any of them.
import { namedFromTensors } from "../../chain/tensor/canonical.ts";
import type { MsgRegisterModel } from "../../proto/gen/dgrid/registry/v1/tx.ts";
import { ErrModelRuntime } from "../../validator/errors.ts";
import type { InferenceExecutor, InferenceJob, Tensor } from "../../validator/executor/types.ts";
import type { Rng } from "./rng.ts";

export function f32(values: number[], shape: number[]): Tensor {
  return { dtype: "float32", shape, data: new Uint8Array(Float32Array.from(values).buffer) };
}

export function sumMax(inputs: Record<string, Tensor>): Record<string, Tensor> {
  const x = new Float32Array(inputs.x.data.slice().buffer);
  const rows = inputs.x.shape[0];
  const y = new Float32Array(rows * 2);
  for (let b = 0; b < rows; b++) {
    let s = 0;
    let m = -Infinity;
    for (let j = 0; j < 4; j++) {
      s = Math.fround(s + x[b * 4 + j]);
      m = Math.max(m, x[b * 4 + j]);
    }
    y[b * 2] = s;
    y[b * 2 + 1] = m;
  }
  return { y: { dtype: "float32", shape: [rows, 2], data: new Uint8Array(y.buffer) } };
}

/** A model registration of the sum-max shape (id, name, price and policy drawn from `rng`). */
export function randomModel(rng: Rng, creator: string): MsgRegisterModel {
  const x = f32([1, 2, 3, 4], [1, 4]);
  // tolerance fields are LegacyDec atoms (10^-18 units): 0.001 each
  const policies = [{ exact: {} }, { argmax: {} }, { tolerance: { abs: "1000000000000000", rel: "1000000000000000" } }];
  return {
    creator,
    id: Buffer.from(rng.bytes(32)).toString("hex"),
    name: `sim-${rng.u32().toString(16)}`,
    card: undefined,
    version: String(rng.range(1, 9)),
    inputs: [
      {
        name: "x",
        dtype: "float32",
        shape: [
          { size: 0, symbol: "batch" },
          { size: 4, symbol: "" },
        ],
      },
    ],
    outputs: [
      {
        name: "y",
        dtype: "float32",
        shape: [
          { size: 0, symbol: "batch" },
          { size: 2, symbol: "" },
        ],
      },
    ],
    sessionOptions: { graphOptimizationLevel: "all", executionMode: "sequential", intraOpNumThreads: 1 },
    policy: rng.pick(policies),
    pricePerCall: { denom: "udgrid", amount: String(rng.range(1, 5000)) },
    creatorSharePpm: BigInt(rng.range(0, 500_000)),
    goldenVectors: [{ inputs: namedFromTensors({ x }), outputs: namedFromTensors(sumMax({ x })) }],
    sizeBytes: BigInt(rng.range(100, 100_000)),
  };
}

/** A random input batch for the model: 1..3 rows, sometimes a NaN (the model fails on it alike everywhere). */
export function randomInput(rng: Rng): Tensor {
  const rows = rng.range(1, 3);
  const values = Array.from({ length: rows * 4 }, () => rng.range(-1000, 1000) / 8);
  if (rng.chance(0.05)) values[0] = Number.NaN;
  return f32(values, [rows, 4]);
}

export type Behaviour = "honest" | "corrupt" | "silent";

/** The executor a simulated validator runs: honest, or (by the simulation's choice) corrupt or silent. */
export class SimExecutor implements InferenceExecutor {
  readonly provider = "cpu";
  behaviour: Behaviour = "honest";

  run(job: InferenceJob): Promise<Record<string, Tensor>> {
    if (this.behaviour === "silent") return Promise.reject(new Error("simulated executor outage"));
    const first = new DataView(job.inputs.x.data.buffer, job.inputs.x.data.byteOffset, 4).getFloat32(0, true);
    // the model fails on a NaN alike on every honest executor (an error outcome, not a missing one)
    if (Number.isNaN(first) && this.behaviour === "honest") return Promise.reject(ErrModelRuntime.wrap("NaN input"));
    const out = sumMax(job.inputs);
    if (this.behaviour === "corrupt") {
      const y = new Float32Array(out.y.data.slice().buffer);
      y[0] += 1;
      out.y = { ...out.y, data: new Uint8Array(y.buffer) };
    }
    return Promise.resolve(out);
  }

  async close(): Promise<void> {}
}
