// Tensor helpers of the executor: a job's inputs against the loaded session's inputs, and batching
// (jobs concatenated along dim 0 and split back). The tensor rules themselves (dtypes, sizes,
// well-formedness, canonical bytes, JSON form) are the shared library's (chain/tensor/).
import { checkTensor } from "../../chain/tensor/dtype.ts";
import { ErrBadInput } from "../errors.ts";
import type { Tensor } from "../executor/types.ts";

/** Checks one input's well-formedness (the tensor library's rules), as ErrBadInput naming the input. */
function checkInput(name: string, t: Tensor): void {
  try {
    checkTensor(t);
  } catch (e) {
    throw ErrBadInput.wrap(`input ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** What a loaded session says about one of its inputs or outputs (symbolic dims are strings or null). */
export interface IoSpec {
  name: string;
  /** onnxruntime type name, e.g. "float32" */
  type: string;
  shape: (number | string | null)[];
}

export interface ModelMeta {
  inputs: IoSpec[];
  outputs: IoSpec[];
}

function isFixed(d: number | string | null): d is number {
  return typeof d === "number" && d >= 0;
}

/**
 * Validates a job's named inputs against the session's inputs: the same names (none missing, none
 * extra), the same dtypes, the same rank, fixed dims equal, and each symbolic dim name bound to one
 * value across all inputs of the job. Throws ErrBadInput with the first problem found.
 */
export function validateInputs(meta: ModelMeta, inputs: Record<string, Tensor>): void {
  if (!inputs || typeof inputs !== "object") throw ErrBadInput.wrap("inputs must be an object");
  const want = new Map(meta.inputs.map((i) => [i.name, i]));
  for (const name of Object.keys(inputs).sort()) {
    if (!want.has(name)) throw ErrBadInput.wrap(`unexpected input ${JSON.stringify(name)}`);
  }
  const bound = new Map<string, number>();
  for (const spec of meta.inputs) {
    const t = inputs[spec.name];
    if (t === undefined) throw ErrBadInput.wrap(`missing input ${JSON.stringify(spec.name)}`);
    checkInput(spec.name, t);
    if (t.dtype !== spec.type) throw ErrBadInput.wrap(`input ${spec.name}: dtype ${t.dtype}, model wants ${spec.type}`);
    if (t.shape.length !== spec.shape.length) {
      throw ErrBadInput.wrap(
        `input ${spec.name}: shape [${t.shape.join(",")}] has rank ${t.shape.length}, model wants [${spec.shape.join(",")}]`,
      );
    }
    spec.shape.forEach((d, i) => {
      const got = t.shape[i];
      if (isFixed(d)) {
        if (got !== d) {
          throw ErrBadInput.wrap(`input ${spec.name}: dim ${i} is ${got}, model wants [${spec.shape.join(",")}]`);
        }
      } else if (typeof d === "string" && d !== "") {
        const prev = bound.get(d);
        if (prev !== undefined && prev !== got) {
          throw ErrBadInput.wrap(`input ${spec.name}: dim ${i} (${d}) is ${got} but ${d} is ${prev} in another input`);
        }
        bound.set(d, got);
      }
    });
  }
}

/** True when every input and output of the model has a symbolic first dim (a batch dimension). */
export function hasBatchDim(meta: ModelMeta): boolean {
  const all = [...meta.inputs, ...meta.outputs];
  return all.length > 0 && all.every((s) => s.shape.length > 0 && !isFixed(s.shape[0]));
}

/** The batching signature of a job: equal signatures can be concatenated along dim 0. */
export function batchSignature(meta: ModelMeta, inputs: Record<string, Tensor>): string | undefined {
  let rows: number | undefined;
  const parts: string[] = [];
  for (const spec of meta.inputs) {
    const t = inputs[spec.name];
    if (rows === undefined) rows = t.shape[0];
    else if (t.shape[0] !== rows) return undefined;
    parts.push(`${spec.name}:${t.dtype}:${t.shape.slice(1).join("x")}`);
  }
  return rows === undefined || rows === 0 ? undefined : parts.join("|");
}

/** Concatenates jobs' inputs along dim 0 (row-major bytes make this a byte concatenation). */
export function concatRows(
  meta: ModelMeta,
  jobs: Record<string, Tensor>[],
): { inputs: Record<string, Tensor>; rows: number[] } {
  const rows = jobs.map((j) => j[meta.inputs[0].name].shape[0]);
  const inputs: Record<string, Tensor> = {};
  for (const spec of meta.inputs) {
    const first = jobs[0][spec.name];
    const total = rows.reduce((a, b) => a + b, 0);
    const data = new Uint8Array(jobs.reduce((n, j) => n + j[spec.name].data.length, 0));
    let off = 0;
    for (const j of jobs) {
      data.set(j[spec.name].data, off);
      off += j[spec.name].data.length;
    }
    inputs[spec.name] = { dtype: first.dtype, shape: [total, ...first.shape.slice(1)], data };
  }
  return { inputs, rows };
}

/** Splits a batched run's outputs back into per-job outputs along dim 0. */
export function splitRows(outputs: Record<string, Tensor>, rows: number[]): Record<string, Tensor>[] {
  const total = rows.reduce((a, b) => a + b, 0);
  const result: Record<string, Tensor>[] = rows.map(() => ({}));
  for (const [name, t] of Object.entries(outputs)) {
    if (t.shape[0] !== total) throw new Error(`output ${name}: dim 0 is ${t.shape[0]}, batch has ${total} rows`);
    const rowBytes = total === 0 ? 0 : t.data.length / total;
    let r0 = 0;
    rows.forEach((n, i) => {
      result[i][name] = {
        dtype: t.dtype,
        shape: [n, ...t.shape.slice(1)],
        data: t.data.slice(r0 * rowBytes, (r0 + n) * rowBytes),
      };
      r0 += n;
    });
  }
  return result;
}
