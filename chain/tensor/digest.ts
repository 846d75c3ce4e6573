// Outputs by hash (modules/inference/README.md#large-outputs): the reference an executor reveals for
// outputs over the output_hash_threshold_bytes param instead of the bytes, and what a policy
// compares in it. Pure and deterministic, like the rest of this library.
//
//   ref            = { sha256 of the canonical output bytes, their size, layout, digest }
//   layout         = the outputs' names, dtypes and shapes (data empty), in canonical name order
//   digest(exact)  = empty: equal sha256 is what exact compares
//   digest(argmax) = for each output in layout order, for each row along the last axis:
//                    the index of the largest value, as agreement.ts's argmax picks it
//   digest(topk k) = likewise the row's min(k, n) top-k indices, ascending
//   an index is big-endian in the fewest of 1, 2 or 4 bytes that hold every index of its output:
//   1 byte for a last axis of at most 256, 2 for at most 65,536, else 4 (a 10-class classifier's
//   digest is one byte per row)
//   tolerance has no digest: a quantized one is not sound (values that agree can straddle a bucket
//   edge), so tolerance outputs are never revealed by hash.
//
//   canonicalRef(ref) = 0x02 (version) | sha256 (32 bytes) | u64be(size) | u32be(count)
//     then per layout tensor: u32be(len(name)) | name | u8(dtype code) | u32be(rank) | u32be(dim)...
//     then u32be(len(digest)) | digest
//
// The first byte differs from the canonical output's (0x01) and error's (0xee), so a reference never
// shares an outcome's commitment with inline outputs or an error.
import { type Policy, topKIndices } from "./agreement.ts";
import { type NamedTensorLike, sortedNames } from "./canonical.ts";
import { DTYPES, elementCount, isDType, type Outputs } from "./dtype.ts";

const enc = new TextEncoder();

/** The proto OutputRef shape (dgrid.inference.v1.OutputRef), structurally. */
export interface OutputRefLike {
  sha256: Uint8Array;
  sizeBytes: bigint;
  layout: NamedTensorLike[];
  digest: Uint8Array;
}

/** The outputs' layout: names, dtypes and shapes with empty data, in canonical name order. */
export function outputLayout(outputs: Outputs): NamedTensorLike[] {
  return sortedNames(Object.keys(outputs)).map((name) => ({
    name,
    dtype: outputs[name].dtype,
    shape: [...outputs[name].shape],
    data: new Uint8Array(),
  }));
}

/**
 * Checks a layout (known dtypes, valid dims, empty data, unique names in canonical order) and returns
 * its total data bytes and the length of its canonical output encoding. Throws a plain Error.
 */
export function layoutSizes(layout: readonly NamedTensorLike[]): { dataBytes: number; canonicalBytes: number } {
  const names = layout.map((t) => t.name);
  const sorted = sortedNames(names);
  for (let i = 0; i < names.length; i++) {
    if (names[i] !== sorted[i]) throw new Error("layout tensors must be in canonical name order");
    if (i > 0 && sorted[i] === sorted[i - 1]) throw new Error(`duplicate tensor name ${names[i]}`);
  }
  let dataBytes = 0;
  let canonicalBytes = 5;
  for (const t of layout) {
    if (!isDType(t.dtype)) throw new Error(`unknown dtype ${t.dtype}`);
    if (t.data.length !== 0) throw new Error(`layout tensor ${t.name} carries data`);
    const n = elementCount(t.shape) * DTYPES[t.dtype].size;
    for (const d of t.shape) if (d > 0xffffffff) throw new Error(`dimension ${d} over u32`);
    dataBytes += n;
    canonicalBytes += 4 + enc.encode(t.name).length + 1 + 4 + 4 * t.shape.length + 8 + n;
    if (!Number.isSafeInteger(canonicalBytes)) throw new Error("outputs too large");
  }
  return { dataBytes, canonicalBytes };
}

/** Whether two layouts list the same names, dtypes and shapes in the same order. */
export function layoutsEqual(a: readonly NamedTensorLike[], b: readonly NamedTensorLike[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (t, i) =>
        t.name === b[i].name &&
        t.dtype === b[i].dtype &&
        t.shape.length === b[i].shape.length &&
        t.shape.every((d, j) => d === b[i].shape[j]),
    )
  );
}

/** Each layout tensor's data length (shape x element size), by name: what matchSpecs checks a layout with. */
export function layoutDataSizes(layout: readonly NamedTensorLike[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of layout) {
    if (!isDType(t.dtype)) throw new Error(`unknown dtype ${t.dtype}`);
    out.set(t.name, elementCount(t.shape) * DTYPES[t.dtype].size);
  }
  return out;
}

/** Bytes per index of an output whose last axis has `cols` entries (indices 0..cols-1). */
export function indexWidth(cols: number): 1 | 2 | 4 {
  return cols <= 0x100 ? 1 : cols <= 0x1_0000 ? 2 : 4;
}

/** Entries along the last axis (a scalar has one). */
function lastAxis(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1];
}

/** k of the policy's indices per row (argmax 1, topk k); undefined where the policy has no digest. */
function indicesPerRow(policy: Policy): number | undefined {
  if (policy.kind === "argmax") return 1;
  if (policy.kind === "topk") return policy.k;
  return undefined;
}

/** Whether outputs of a model under `policy` may be revealed by hash (every policy but tolerance). */
export function hashablePolicy(policy: Policy): boolean {
  return policy.kind !== "tolerance";
}

/** The digest's length for a layout under the policy; throws under tolerance (no digest). */
export function digestLength(policy: Policy, layout: readonly NamedTensorLike[]): number {
  if (policy.kind === "exact") return 0;
  const k = indicesPerRow(policy);
  if (k === undefined) throw new Error(`policy ${policy.kind} has no digest`);
  let n = 0;
  for (const t of layout) {
    const cols = lastAxis(t.shape);
    const rows = cols === 0 ? 0 : elementCount(t.shape) / cols;
    n += rows * Math.min(k, cols) * indexWidth(cols);
  }
  return n;
}

/** What the policy compares of well-formed outputs (the header's digest); throws under tolerance. */
export function outputDigest(policy: Policy, outputs: Outputs): Uint8Array {
  if (policy.kind === "exact") return new Uint8Array();
  const k = indicesPerRow(policy);
  if (k === undefined) throw new Error(`policy ${policy.kind} has no digest`);
  const parts: { width: 1 | 2 | 4; indices: number[] }[] = [];
  let total = 0;
  for (const name of sortedNames(Object.keys(outputs))) {
    const width = indexWidth(lastAxis(outputs[name].shape));
    const indices = topKIndices(outputs[name], k).flat();
    parts.push({ width, indices });
    total += indices.length * width;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const { width, indices } of parts) {
    for (const i of indices) {
      if (width === 4) out[o++] = i >>> 24;
      if (width >= 4) out[o++] = (i >>> 16) & 0xff;
      if (width >= 2) out[o++] = (i >>> 8) & 0xff;
      out[o++] = i & 0xff;
    }
  }
  return out;
}

/**
 * The reference to well-formed outputs whose canonical bytes are `canonical` and hash to `sha256`
 * (the caller hashes: a validator with node:crypto, a browser with its own).
 */
export function outputRef(policy: Policy, outputs: Outputs, canonical: Uint8Array, sha256: Uint8Array): OutputRefLike {
  return {
    sha256,
    sizeBytes: BigInt(canonical.length),
    layout: outputLayout(outputs),
    digest: outputDigest(policy, outputs),
  };
}

/** The bytes commitments hash for a reference (the header's format); throws on a malformed one. */
export function canonicalRef(ref: OutputRefLike): Uint8Array {
  if (ref.sha256.length !== 32) throw new Error("output sha256 must be 32 bytes");
  if (ref.sizeBytes < 0n || ref.sizeBytes >= 1n << 64n) throw new Error("output size out of range");
  layoutSizes(ref.layout);
  const parts: Uint8Array[] = [];
  let total = 1 + 32 + 8 + 4 + 4 + ref.digest.length;
  for (const t of ref.layout) {
    const nb = enc.encode(t.name);
    const head = new Uint8Array(4 + nb.length + 1 + 4 + 4 * t.shape.length);
    const dv = new DataView(head.buffer);
    dv.setUint32(0, nb.length);
    head.set(nb, 4);
    let o = 4 + nb.length;
    dv.setUint8(o, DTYPES[t.dtype as keyof typeof DTYPES].code);
    dv.setUint32(o + 1, t.shape.length);
    o += 5;
    for (const d of t.shape) {
      dv.setUint32(o, d);
      o += 4;
    }
    parts.push(head);
    total += head.length;
  }
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out[0] = 2;
  out.set(ref.sha256, 1);
  dv.setBigUint64(33, ref.sizeBytes);
  dv.setUint32(41, ref.layout.length);
  let o = 45;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  dv.setUint32(o, ref.digest.length);
  out.set(ref.digest, o + 4);
  return out;
}
