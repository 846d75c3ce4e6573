// Validation of tensor specs and of tensors against a spec (pure). Used for model registration
// (registry), golden vectors, request inputs and revealed outputs (inference).

import type { NamedTensor, TensorSpec } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { DTYPES, elementCount, isDType } from "./dtype.ts";

export interface SpecLimits {
  maxTensors: number;
  maxRank: number;
  maxNameLength: number;
}

const SYMBOL = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Throws a plain Error with the reason when a list of specs is malformed. */
export function checkSpecs(specs: readonly TensorSpec[], what: string, limits: SpecLimits): void {
  if (specs.length === 0) throw new Error(`${what}: at least one tensor is required`);
  if (specs.length > limits.maxTensors) throw new Error(`${what}: more than ${limits.maxTensors} tensors`);
  const names = new Set<string>();
  for (const s of specs) {
    if (s.name === "" || s.name.length > limits.maxNameLength)
      throw new Error(`${what}: invalid tensor name "${s.name}"`);
    if (names.has(s.name)) throw new Error(`${what}: duplicate tensor name ${s.name}`);
    names.add(s.name);
    if (!isDType(s.dtype)) throw new Error(`${what}.${s.name}: unknown dtype "${s.dtype}"`);
    if (s.shape.length > limits.maxRank) throw new Error(`${what}.${s.name}: rank above ${limits.maxRank}`);
    for (const d of s.shape) {
      const symbolic = d.symbol !== "";
      if (symbolic && d.size !== 0) throw new Error(`${what}.${s.name}: a dimension is either a size or a symbol`);
      if (symbolic && (!SYMBOL.test(d.symbol) || d.symbol.length > limits.maxNameLength))
        throw new Error(`${what}.${s.name}: invalid symbol "${d.symbol}"`);
      if (!symbolic && d.size < 1) throw new Error(`${what}.${s.name}: a fixed dimension must be at least 1`);
    }
  }
}

/**
 * Throws a plain Error unless `tensors` has exactly the spec's names, each with the spec's dtype,
 * rank and fixed sizes, every symbol bound to one value across the set, and data of the right length.
 * Returns the total data bytes. `sizes` gives the data length of tensors whose bytes travel apart
 * (an inference input blob: data empty on chain), by name.
 */
export function matchSpecs(
  specs: readonly TensorSpec[],
  tensors: readonly NamedTensor[],
  what: string,
  sizes?: ReadonlyMap<string, number>,
): number {
  const byName = new Map<string, NamedTensor>();
  for (const t of tensors) {
    if (byName.has(t.name)) throw new Error(`${what}: duplicate tensor ${t.name}`);
    byName.set(t.name, t);
  }
  for (const t of tensors) {
    if (!specs.some((s) => s.name === t.name)) throw new Error(`${what}: unexpected tensor ${t.name}`);
  }
  const symbols = new Map<string, number>();
  let bytes = 0;
  for (const s of specs) {
    const t = byName.get(s.name);
    if (!t) throw new Error(`${what}: missing tensor ${s.name}`);
    // specs on chain passed checkSpecs; one that did not (unknown dtype) is refused, never read blindly
    if (!isDType(s.dtype)) throw new Error(`${what}.${s.name}: unknown dtype "${s.dtype}" in the spec`);
    if (t.dtype !== s.dtype) throw new Error(`${what}.${s.name}: dtype ${t.dtype}, spec says ${s.dtype}`);
    if (t.shape.length !== s.shape.length)
      throw new Error(`${what}.${s.name}: rank ${t.shape.length}, spec says ${s.shape.length}`);
    for (let i = 0; i < s.shape.length; i++) {
      const d = s.shape[i];
      const v = t.shape[i];
      if (d.symbol !== "") {
        if (v < 1) throw new Error(`${what}.${s.name}: dimension ${i} must be at least 1`);
        const bound = symbols.get(d.symbol);
        if (bound !== undefined && bound !== v)
          throw new Error(`${what}.${s.name}: ${d.symbol} = ${v} but ${bound} elsewhere`);
        symbols.set(d.symbol, v);
      } else if (v !== d.size) {
        throw new Error(`${what}.${s.name}: dimension ${i} is ${v}, spec says ${d.size}`);
      }
    }
    const want = elementCount(t.shape) * DTYPES[s.dtype].size;
    const length = sizes?.get(s.name) ?? t.data.length;
    if (length !== want) throw new Error(`${what}.${s.name}: ${length} data bytes, shape needs ${want}`);
    bytes += length;
  }
  return bytes;
}
