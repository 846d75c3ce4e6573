// How far apart two runs' outputs are, element by element: largest absolute and relative difference
// and ULP distance (how many representable values lie between two floats), and whether the arg-max of
// every row (last axis) is the same. Numbers here are for people and suggestions; whether outputs
// agree on chain is chain/tensor/agreement.ts's exact comparison.
import { topKIndices } from "../../chain/tensor/agreement.ts";
import type { Tensor } from "../../chain/tensor/dtype.ts";
import { tensorValues } from "../../chain/tensor/json.ts";

export interface TensorDiff {
  /** every byte equal (the same dtype and shape) */
  identical: boolean;
  /** the same dtype and shape (else the numbers below are not computed) */
  sameLayout: boolean;
  maxAbsDiff: number;
  /** |a - b| / max(|a|, |b|) over elements with max(|a|, |b|) >= REL_FLOOR */
  maxRelDiff: number;
  /** for floats; integers count their difference */
  maxUlp: number;
  /** a NaN or an infinity on one side only */
  nonFinite: boolean;
  /** the index of the largest value of every row along the last axis is the same */
  argmaxAgrees: boolean;
}

/** Relative differences of values smaller than this are not counted (they are noise around zero). */
export const REL_FLOOR = 1e-6;

function values(t: Tensor): number[] {
  return tensorValues(t).map(Number);
}

/** Position of a float among all floats of its type, so that neighbours differ by one (-0 = +0). */
function ordinal(t: Tensor, i: number): bigint {
  const dv = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (t.dtype === "float32") {
    const bits = dv.getUint32(i * 4, true);
    return bits >>> 31 ? -BigInt(bits & 0x7fffffff) : BigInt(bits);
  }
  const bits = dv.getBigUint64(i * 8, true);
  const mag = bits & ((1n << 63n) - 1n);
  return bits >> 63n ? -mag : mag;
}

export function diffTensors(a: Tensor, b: Tensor): TensorDiff {
  const sameLayout =
    a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  const identical = sameLayout && a.data.length === b.data.length && a.data.every((x, i) => x === b.data[i]);
  const d: TensorDiff = {
    identical,
    sameLayout,
    maxAbsDiff: 0,
    maxRelDiff: 0,
    maxUlp: 0,
    nonFinite: false,
    argmaxAgrees: sameLayout,
  };
  if (!sameLayout) {
    d.maxAbsDiff = Number.POSITIVE_INFINITY;
    return d;
  }
  if (identical) return d;
  const isFloat = a.dtype === "float32" || a.dtype === "float64";
  const x = values(a);
  const y = values(b);
  for (let i = 0; i < x.length; i++) {
    if (Object.is(x[i], y[i]) || x[i] === y[i]) continue;
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      d.nonFinite = true;
      continue;
    }
    const diff = Math.abs(x[i] - y[i]);
    d.maxAbsDiff = Math.max(d.maxAbsDiff, diff);
    const mag = Math.max(Math.abs(x[i]), Math.abs(y[i]));
    if (mag >= REL_FLOOR) d.maxRelDiff = Math.max(d.maxRelDiff, diff / mag);
    const ulp = isFloat ? ordinal(a, i) - ordinal(b, i) : BigInt(Math.round(diff));
    d.maxUlp = Math.max(d.maxUlp, Number(ulp < 0n ? -ulp : ulp));
  }
  if (d.nonFinite) d.maxAbsDiff = Number.POSITIVE_INFINITY;
  const ka = topKIndices(a, 1);
  const kb = topKIndices(b, 1);
  d.argmaxAgrees = ka.length === kb.length && ka.every((r, i) => r[0] === kb[i][0]);
  return d;
}

/** The larger of two diffs, field by field (for maxima over vectors and settings). */
export function worse(a: TensorDiff, b: TensorDiff): TensorDiff {
  return {
    identical: a.identical && b.identical,
    sameLayout: a.sameLayout && b.sameLayout,
    maxAbsDiff: Math.max(a.maxAbsDiff, b.maxAbsDiff),
    maxRelDiff: Math.max(a.maxRelDiff, b.maxRelDiff),
    maxUlp: Math.max(a.maxUlp, b.maxUlp),
    nonFinite: a.nonFinite || b.nonFinite,
    argmaxAgrees: a.argmaxAgrees && b.argmaxAgrees,
  };
}

export const NO_DIFF: TensorDiff = {
  identical: true,
  sameLayout: true,
  maxAbsDiff: 0,
  maxRelDiff: 0,
  maxUlp: 0,
  nonFinite: false,
  argmaxAgrees: true,
};

/**
 * Whether every row along the last axis looks like a probability distribution (values in [0, 1]
 * summing to 1 within 1e-3, at least two classes): the output of a classifier, for which `argmax`
 * is a natural policy.
 */
export function looksLikeClassScores(t: Tensor): boolean {
  if (t.dtype !== "float32" && t.dtype !== "float64") return false;
  const n = t.shape.length === 0 ? 1 : t.shape[t.shape.length - 1];
  if (n < 2) return false;
  const v = values(t);
  if (v.length === 0) return false;
  for (let r = 0; r < v.length / n; r++) {
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const p = v[r * n + j];
      if (!(p >= 0 && p <= 1)) return false;
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}
