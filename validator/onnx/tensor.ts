// Tensor helpers shared by the executor (validation, batching) and its sandbox process (conversion to
// and from onnxruntime tensors). Tensors are little-endian row-major bytes (validator/executor/types.ts).
import { ErrBadInput } from "../errors.ts";
import type { DType, Tensor } from "../executor/types.ts";

export const DTYPE_SIZE: Record<DType, number> = {
  float32: 4,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  bool: 1,
};

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && Object.hasOwn(DTYPE_SIZE, x);
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks that a value is a well-formed Tensor (dtype known, dims non-negative integers, byte length right). */
export function checkTensor(name: string, t: Tensor): void {
  if (!t || typeof t !== "object") throw ErrBadInput.wrap(`input ${name}: not a tensor`);
  if (!isDType(t.dtype)) throw ErrBadInput.wrap(`input ${name}: unknown dtype ${String(t.dtype)}`);
  if (!Array.isArray(t.shape) || t.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw ErrBadInput.wrap(`input ${name}: shape must be non-negative integers`);
  }
  if (!(t.data instanceof Uint8Array)) throw ErrBadInput.wrap(`input ${name}: data must be bytes`);
  const want = elementCount(t.shape) * DTYPE_SIZE[t.dtype];
  if (t.data.length !== want) {
    throw ErrBadInput.wrap(`input ${name}: ${t.data.length} bytes for ${t.dtype}[${t.shape.join(",")}], want ${want}`);
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
    checkTensor(spec.name, t);
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

/** JSON form of a tensor for fixtures and files: data as base64 of the little-endian bytes. */
export interface TensorJson {
  dtype: DType;
  shape: number[];
  data: string;
}

export function tensorToJson(t: Tensor): TensorJson {
  return { dtype: t.dtype, shape: [...t.shape], data: Buffer.from(t.data).toString("base64") };
}

export function tensorFromJson(j: TensorJson): Tensor {
  const t = { dtype: j.dtype, shape: j.shape, data: new Uint8Array(Buffer.from(j.data, "base64")) };
  checkTensor("json", t);
  return t;
}

export function tensorsEqual(a: Tensor, b: Tensor): boolean {
  return (
    a.dtype === b.dtype &&
    a.shape.length === b.shape.length &&
    a.shape.every((d, i) => d === b.shape[i]) &&
    Buffer.from(a.data.buffer, a.data.byteOffset, a.data.length).equals(
      Buffer.from(b.data.buffer, b.data.byteOffset, b.data.length),
    )
  );
}
