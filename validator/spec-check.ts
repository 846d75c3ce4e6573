// Does a model's registered spec say at least what its file says? The chain checks requests only
// against the registry spec (chain/tensor/spec.ts, in CheckTx and in the block), so a spec looser than
// the file (another input name, dtype or rank, a symbol where the file has a fixed size, two
// positions the file binds to one symbol left free) lets in requests the model refuses. A validator
// does not serve such a model (node-inference.ts), so the chain never assigns it: requests for it
// are refused with "no eligible executor" instead of being run into the INVALID_INPUT outcome.
// A spec may be stricter than the file (a fixed size where the file has a symbol).
import type { TensorSpec } from "../proto/gen/dgrid/registry/v1/registry.ts";
import type { IoSpec, ModelMeta } from "./onnx/tensor.ts";

/** A symbolic dim of the file that binds positions together (onnxruntime's names; unnamed ones do not). */
function symbolOf(d: number | string | null): string | undefined {
  if (typeof d === "number" || d === null) return undefined;
  return d === "" || d === "null" || d === "?" || d === "unk__" ? undefined : d;
}

function checkList(file: readonly IoSpec[], spec: readonly TensorSpec[], what: string): string | undefined {
  const names = (l: readonly { name: string }[]) => l.map((x) => x.name).sort();
  if (JSON.stringify(names(file)) !== JSON.stringify(names(spec)))
    return `${what}: the spec names [${names(spec).join(", ")}], the file [${names(file).join(", ")}]`;
  // each file symbol -> the spec dims at its positions (all one symbol, or all one fixed size)
  const bound = new Map<string, { symbol: string; size: number }[]>();
  for (const f of file) {
    const s = spec.find((x) => x.name === f.name)!;
    if (s.dtype !== f.type) return `${what}.${f.name}: the spec says ${s.dtype}, the file ${f.type}`;
    if (s.shape.length !== f.shape.length)
      return `${what}.${f.name}: the spec has rank ${s.shape.length}, the file ${f.shape.length}`;
    for (let i = 0; i < f.shape.length; i++) {
      const fd = f.shape[i];
      const sd = s.shape[i];
      if (typeof fd === "number" && fd >= 0) {
        if (sd.symbol !== "" || sd.size !== fd)
          return `${what}.${f.name}: dimension ${i} is ${fd} in the file, ${sd.symbol || sd.size} in the spec`;
        continue;
      }
      const sym = symbolOf(fd);
      if (sym === undefined) continue;
      const list = bound.get(sym) ?? [];
      list.push({ symbol: sd.symbol, size: sd.size });
      bound.set(sym, list);
    }
  }
  for (const [sym, dims] of bound) {
    const first = dims[0];
    if (dims.some((d) => d.symbol !== first.symbol || (first.symbol === "" && d.size !== first.size)))
      return `${what}: the file binds "${sym}" in ${dims.length} places, the spec does not`;
  }
  return undefined;
}

/** The first way the registered spec is looser than the file, or undefined when it says at least as much. */
export function specLooserThanFile(
  spec: { inputs: readonly TensorSpec[]; outputs: readonly TensorSpec[] },
  file: ModelMeta,
): string | undefined {
  return checkList(file.inputs, spec.inputs, "inputs") ?? checkList(file.outputs, spec.outputs, "outputs");
}
