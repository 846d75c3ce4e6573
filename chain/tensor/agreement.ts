// Agreement policies (pure, deterministic, no floating-point arithmetic): whether two executors'
// outputs agree under a model's policy. Which output wins (supporting sets, quorum) is the inference
// module's (modules/inference/agreement.ts).
//
// - exact: bit-identical canonical bytes.
// - tolerance{abs, rel}: same names/dtypes/shapes and, elementwise, |a - b| <= abs + rel * max(|a|, |b|),
//   evaluated exactly on the rational values of the IEEE bits with bigints; abs and rel are LegacyDec
//   atoms (10^-18). NaN agrees only with NaN, an infinity only with the same infinity.
// - argmax: the index of the largest value along the last axis is the same in every row of every
//   output (ties to the lower index; NaN counts as smallest; -0 equals +0).
// - topk{k}: the set of the k largest indices along the last axis is the same in every row.
//
// Every policy first requires the same tensor names, dtypes and shapes.
import { bytesEqual } from "../types/bytes.ts";
import { canonicalOutput } from "./canonical.ts";
import { DTYPES, type Outputs, type Tensor } from "./dtype.ts";

export type Policy =
  | { kind: "exact" }
  | { kind: "tolerance"; abs: bigint; rel: bigint }
  | { kind: "argmax" }
  | { kind: "topk"; k: number };

export const DEC_ONE = 10n ** 18n;

/** Proto AgreementPolicy (oneof as optional fields) to a Policy; throws on none or a bad value. */
export function policyFromProto(
  p:
    | {
        exact?: object;
        tolerance?: { abs: string; rel: string };
        argmax?: object;
        topk?: { k: number };
      }
    | undefined,
): Policy {
  if (!p) throw new Error("agreement policy is required");
  if (p.exact) return { kind: "exact" };
  if (p.tolerance) {
    const abs = parseAtoms(p.tolerance.abs, "abs");
    const rel = parseAtoms(p.tolerance.rel, "rel");
    return { kind: "tolerance", abs, rel };
  }
  if (p.argmax) return { kind: "argmax" };
  if (p.topk) {
    if (!Number.isInteger(p.topk.k) || p.topk.k < 1) throw new Error("topk k must be at least 1");
    return { kind: "topk", k: p.topk.k };
  }
  throw new Error("agreement policy is required");
}

function parseAtoms(s: string, what: string): bigint {
  if (s === "") return 0n;
  if (!/^\d+$/.test(s)) throw new Error(`tolerance ${what} must be non-negative LegacyDec atoms, got "${s}"`);
  return BigInt(s);
}

export function policyToString(p: Policy): string {
  switch (p.kind) {
    case "tolerance":
      return `tolerance:${p.abs}:${p.rel}`;
    case "topk":
      return `topk:${p.k}`;
    default:
      return p.kind;
  }
}

function sameLayout(a: Outputs, b: Outputs): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    const x = a[ka[i]];
    const y = b[kb[i]];
    if (x.dtype !== y.dtype || x.shape.length !== y.shape.length) return false;
    for (let d = 0; d < x.shape.length; d++) if (x.shape[d] !== y.shape[d]) return false;
    if (x.data.length !== y.data.length) return false;
  }
  return true;
}

/** Do two outputs agree under the policy? Symmetric; reflexive for well-formed outputs. */
export function agrees(policy: Policy, a: Outputs, b: Outputs): boolean {
  if (!sameLayout(a, b)) return false;
  switch (policy.kind) {
    case "exact":
      return bytesEqual(canonicalOutput(a), canonicalOutput(b));
    case "tolerance":
      for (const name of Object.keys(a)) if (!tensorsClose(a[name], b[name], policy.abs, policy.rel)) return false;
      return true;
    case "argmax":
      for (const name of Object.keys(a)) if (!sameTopK(a[name], b[name], 1)) return false;
      return true;
    case "topk":
      for (const name of Object.keys(a)) if (!sameTopK(a[name], b[name], policy.k)) return false;
      return true;
  }
}

// ---- exact values of tensor elements ----

/** A finite element as m x 2^e (m a signed bigint), or a special value. */
export type Exact = { kind: "finite"; m: bigint; e: number } | { kind: "nan" } | { kind: "inf"; negative: boolean };

export function elementAt(t: Tensor, i: number): Exact {
  const dv = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  switch (t.dtype) {
    case "float32": {
      const bits = dv.getUint32(i * 4, true);
      const neg = bits >>> 31 === 1;
      const exp = (bits >>> 23) & 0xff;
      const mant = bits & 0x7fffff;
      if (exp === 0xff) return mant === 0 ? { kind: "inf", negative: neg } : { kind: "nan" };
      const m = BigInt(exp === 0 ? mant : mant | 0x800000);
      return { kind: "finite", m: neg ? -m : m, e: exp === 0 ? -149 : exp - 150 };
    }
    case "float64": {
      const lo = dv.getUint32(i * 8, true);
      const hi = dv.getUint32(i * 8 + 4, true);
      const neg = hi >>> 31 === 1;
      const exp = (hi >>> 20) & 0x7ff;
      const mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
      if (exp === 0x7ff) return mant === 0n ? { kind: "inf", negative: neg } : { kind: "nan" };
      const m = exp === 0 ? mant : mant | (1n << 52n);
      return { kind: "finite", m: neg ? -m : m, e: exp === 0 ? -1074 : exp - 1075 };
    }
    case "int8":
      return { kind: "finite", m: BigInt(dv.getInt8(i)), e: 0 };
    case "uint8":
      return { kind: "finite", m: BigInt(dv.getUint8(i)), e: 0 };
    case "bool":
      return { kind: "finite", m: dv.getUint8(i) === 0 ? 0n : 1n, e: 0 };
    case "int16":
      return { kind: "finite", m: BigInt(dv.getInt16(i * 2, true)), e: 0 };
    case "int32":
      return { kind: "finite", m: BigInt(dv.getInt32(i * 4, true)), e: 0 };
    case "int64":
      return { kind: "finite", m: dv.getBigInt64(i * 8, true), e: 0 };
  }
}

const abs = (x: bigint) => (x < 0n ? -x : x);

/** |a - b| <= absTol + relTol * max(|a|, |b|), exactly; tolerances in 10^-18 atoms. */
export function closeExact(a: Exact, b: Exact, absTol: bigint, relTol: bigint): boolean {
  if (a.kind === "nan" || b.kind === "nan") return a.kind === b.kind;
  if (a.kind === "inf" || b.kind === "inf") return a.kind === "inf" && b.kind === "inf" && a.negative === b.negative;
  const emin = Math.min(a.e, b.e);
  const A = a.m << BigInt(a.e - emin);
  const B = b.m << BigInt(b.e - emin);
  if (A === B) return true;
  const diff = abs(A - B);
  const absA = abs(A);
  const absB = abs(B);
  let mx = absA;
  if (absB > mx) mx = absB;
  if (emin >= 0) {
    const s = BigInt(emin);
    return (diff << s) * DEC_ONE <= absTol + relTol * (mx << s);
  }
  const s = BigInt(-emin);
  return diff * DEC_ONE <= (absTol << s) + relTol * mx;
}

function tensorsClose(x: Tensor, y: Tensor, absTol: bigint, relTol: bigint): boolean {
  const n = x.data.length / DTYPES[x.dtype].size;
  for (let i = 0; i < n; i++) if (!closeExact(elementAt(x, i), elementAt(y, i), absTol, relTol)) return false;
  return true;
}

/** Total order key of an element for argmax/topk: NaN smallest, -0 = +0. */
function orderKey(v: Exact): { cls: number; m: bigint; e: number } {
  if (v.kind === "nan") return { cls: 0, m: 0n, e: 0 };
  if (v.kind === "inf") return { cls: v.negative ? 1 : 3, m: 0n, e: 0 };
  return { cls: 2, m: v.m, e: v.e };
}

function compareExact(a: Exact, b: Exact): number {
  const x = orderKey(a);
  const y = orderKey(b);
  if (x.cls !== y.cls) return x.cls - y.cls;
  if (x.cls !== 2) return 0;
  const emin = Math.min(x.e, y.e);
  const A = x.m << BigInt(x.e - emin);
  const B = y.m << BigInt(y.e - emin);
  return A < B ? -1 : A > B ? 1 : 0;
}

/** Indices of the k largest values of each row along the last axis, each row's set sorted. */
export function topKIndices(t: Tensor, k: number): number[][] {
  const n = t.shape.length === 0 ? 1 : t.shape[t.shape.length - 1];
  const total = t.data.length / DTYPES[t.dtype].size;
  const rows = n === 0 ? 0 : total / n;
  const kk = Math.min(k, n);
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const vals: Exact[] = [];
    for (let j = 0; j < n; j++) vals.push(elementAt(t, r * n + j));
    const idx = [...Array(n).keys()].sort((i, j) => compareExact(vals[j], vals[i]) || i - j);
    out.push(idx.slice(0, kk).sort((i, j) => i - j));
  }
  return out;
}

function sameTopK(x: Tensor, y: Tensor, k: number): boolean {
  const a = topKIndices(x, k);
  const b = topKIndices(y, k);
  if (a.length !== b.length) return false;
  for (let r = 0; r < a.length; r++) {
    if (a[r].length !== b[r].length) return false;
    for (let i = 0; i < a[r].length; i++) if (a[r][i] !== b[r][i]) return false;
  }
  return true;
}
