// Deterministic pseudo-random input sets shaped by a model's input specs (`dgrid models golden
// --random N --seed S`): the same model, count, seed and dims give the same bytes on every machine.
// Floats are uniform in [-1, 1); integer types 0..9; bool 0/1. Inputs whose values carry meaning (a
// sample rate, token ids) want real values: give them with --inputs.
import { DTYPES, isDType, type Tensor } from "../../chain/tensor/dtype.ts";
import type { IoSpec } from "../onnx/tensor.ts";

/** A 32-bit state generator (the "mulberry32" mix): uniform in [0, 1). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The concrete shape of an input: fixed dims as they are, symbolic ones from `dims` by name, else 1.
 * Throws for a symbolic dim given a non-positive size.
 */
export function concreteShape(spec: IoSpec, dims: Record<string, number>): number[] {
  return spec.shape.map((d) => {
    if (typeof d === "number" && d >= 0) return d;
    if (typeof d === "string" && d !== "" && dims[d] !== undefined) return dims[d];
    return 1;
  });
}

function randomTensor(spec: IoSpec, shape: number[], next: () => number): Tensor {
  if (!isDType(spec.type)) {
    throw new Error(`input ${spec.name} has element type ${spec.type}, which DGrid tensors do not carry`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const dtype = spec.type;
  const data = new Uint8Array(n * DTYPES[dtype].size);
  const view = new DataView(data.buffer);
  for (let i = 0; i < n; i++) {
    const u = next();
    switch (dtype) {
      case "float32":
        view.setFloat32(i * 4, u * 2 - 1, true);
        break;
      case "float64":
        view.setFloat64(i * 8, u * 2 - 1, true);
        break;
      case "bool":
        data[i] = u < 0.5 ? 0 : 1;
        break;
      case "int64":
        view.setBigInt64(i * 8, BigInt(Math.floor(u * 10)), true);
        break;
      case "int32":
        view.setInt32(i * 4, Math.floor(u * 10), true);
        break;
      case "int16":
        view.setInt16(i * 2, Math.floor(u * 10), true);
        break;
      default: // int8, uint8
        data[i] = Math.floor(u * 10);
    }
  }
  return { dtype, shape, data };
}

/** `count` input sets for the model's inputs (in the order given), from one seeded stream. */
export function randomInputs(
  inputs: IoSpec[],
  opts: { count: number; seed: number; dims?: Record<string, number> },
): Record<string, Tensor>[] {
  if (!Number.isSafeInteger(opts.count) || opts.count < 1) throw new Error("the number of input sets must be >= 1");
  for (const [name, size] of Object.entries(opts.dims ?? {})) {
    if (!Number.isSafeInteger(size) || size < 1) throw new Error(`dim ${name} must be a positive integer`);
  }
  const next = generator(opts.seed);
  const sets: Record<string, Tensor>[] = [];
  for (let s = 0; s < opts.count; s++) {
    const set: Record<string, Tensor> = {};
    for (const spec of inputs) set[spec.name] = randomTensor(spec, concreteShape(spec, opts.dims ?? {}), next);
    sets.push(set);
  }
  return sets;
}
