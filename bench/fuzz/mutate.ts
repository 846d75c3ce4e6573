// Input generators shared by the targets: byte-level mutations of valid encodings, protobuf-aware
// mutations (fields dropped, repeated, reordered, renumbered, given another wire type or an extreme
// varint, payloads mutated recursively) and plain random bytes. Every mutation is a plain record of
// small numbers, so fast-check shrinks a failing input towards the seed it came from.
import fc from "fast-check";

const BYTE_OPS = [
  "flip",
  "set",
  "insert",
  "delete",
  "duplicate",
  "truncate",
  "append",
  "splice",
  "interesting",
] as const;
type ByteOpKind = (typeof BYTE_OPS)[number];
interface ByteOp {
  kind: ByteOpKind;
  a: number;
  b: number;
  bytes: Uint8Array;
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0x20];

const byteOp: fc.Arbitrary<ByteOp> = fc.record({
  kind: fc.constantFrom(...BYTE_OPS),
  a: fc.nat(),
  b: fc.nat({ max: 64 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
});

function applyByteOp(data: Uint8Array, op: ByteOp, other: Uint8Array): Uint8Array {
  const n = data.length;
  const at = n === 0 ? 0 : op.a % n;
  const len = Math.min(op.b + 1, n - at);
  switch (op.kind) {
    case "flip": {
      if (n === 0) return data;
      const out = data.slice();
      out[at] ^= 1 << (op.b % 8);
      return out;
    }
    case "set": {
      if (n === 0) return data;
      const out = data.slice();
      out.set(op.bytes.subarray(0, n - at), at);
      return out;
    }
    case "interesting": {
      if (n === 0) return data;
      const out = data.slice();
      out[at] = INTERESTING[op.b % INTERESTING.length];
      return out;
    }
    case "insert":
      return concat(data.subarray(0, at), op.bytes, data.subarray(at));
    case "delete":
      return concat(data.subarray(0, at), data.subarray(at + len));
    case "duplicate":
      return concat(data.subarray(0, at + len), data.subarray(at, at + len), data.subarray(at + len));
    case "truncate":
      return data.subarray(0, at);
    case "append":
      return concat(data, op.bytes);
    case "splice": {
      const from = other.length === 0 ? 0 : op.a % other.length;
      return concat(data.subarray(0, at), other.subarray(from, from + len + op.bytes.length));
    }
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function applyByteOps(data: Uint8Array, ops: readonly ByteOp[], other: Uint8Array): Uint8Array {
  let out = data;
  for (const op of ops) out = applyByteOp(out, op, other);
  return out;
}

/** 1-8 byte-level mutations of one seed (splices take bytes from another seed). */
export function mutatedBytes(seeds: readonly Uint8Array[], maxOps = 8): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.nat({ max: seeds.length - 1 }),
      fc.nat({ max: seeds.length - 1 }),
      fc.array(byteOp, { minLength: 1, maxLength: maxOps }),
    )
    .map(([i, j, ops]) => applyByteOps(seeds[i], ops, seeds[j]));
}

// ---- protobuf ----

export interface ProtoField {
  field: number;
  wire: number;
  /** the field's payload: varint bytes, fixed bytes, or the length-delimited content */
  payload: Uint8Array;
}

function readVarint(b: Uint8Array, pos: number): [bigint, number] | undefined {
  let v = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (pos >= b.length) return undefined;
    const x = b[pos++];
    v |= BigInt(x & 0x7f) << shift;
    if (x < 0x80) return [v, pos];
  }
  return undefined;
}

export function writeVarint(v: bigint): Uint8Array {
  const out: number[] = [];
  v = BigInt.asUintN(64, v);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

/** The top-level fields of a protobuf message; undefined when the bytes are not one. */
export function parseFields(b: Uint8Array): ProtoField[] | undefined {
  const fields: ProtoField[] = [];
  let pos = 0;
  while (pos < b.length) {
    const t = readVarint(b, pos);
    if (!t || t[0] >> 3n === 0n || t[0] >> 3n > 536_870_911n) return undefined;
    const field = Number(t[0] >> 3n);
    const wire = Number(t[0] & 7n);
    pos = t[1];
    let end: number;
    if (wire === 0) {
      const v = readVarint(b, pos);
      if (!v) return undefined;
      end = v[1];
    } else if (wire === 1) end = pos + 8;
    else if (wire === 5) end = pos + 4;
    else if (wire === 2) {
      const l = readVarint(b, pos);
      if (!l || l[0] > BigInt(b.length)) return undefined;
      pos = l[1];
      end = pos + Number(l[0]);
    } else return undefined;
    if (end > b.length) return undefined;
    fields.push({ field, wire, payload: b.subarray(pos, end) });
    pos = end;
  }
  return fields;
}

export function encodeFields(fields: readonly ProtoField[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    parts.push(writeVarint((BigInt(f.field) << 3n) | BigInt(f.wire)));
    if (f.wire === 2) parts.push(writeVarint(BigInt(f.payload.length)));
    parts.push(f.payload);
  }
  return concat(...parts);
}

const PROTO_OPS = [
  "drop",
  "repeat",
  "swap",
  "renumber",
  "rewire",
  "varint",
  "overlong",
  "nested",
  "nestedBytes",
] as const;
interface ProtoOp {
  kind: (typeof PROTO_OPS)[number];
  a: number;
  b: number;
  /** a path of field choices for nested mutations (each taken modulo the field count at its level) */
  depth: number;
  inner: ByteOp[];
}

const EXTREME_VARINTS = [
  0n,
  1n,
  0x7fn,
  0x80n,
  0xffff_ffffn,
  0x1_0000_0000n,
  (1n << 63n) - 1n,
  1n << 63n,
  (1n << 64n) - 1n,
];

const protoOp: fc.Arbitrary<ProtoOp> = fc.record({
  kind: fc.constantFrom(...PROTO_OPS),
  a: fc.nat(),
  b: fc.nat(),
  depth: fc.nat({ max: 3 }),
  inner: fc.array(byteOp, { minLength: 1, maxLength: 3 }),
});

/** Applies one protobuf-aware mutation; bytes that are not a protobuf message get the byte ops instead. */
export function applyProtoOp(data: Uint8Array, op: ProtoOp, other: Uint8Array): Uint8Array {
  const fields = parseFields(data);
  if (!fields || fields.length === 0) return applyByteOps(data, op.inner, other);
  const i = op.a % fields.length;
  const j = op.b % fields.length;
  const out = [...fields];
  switch (op.kind) {
    case "drop":
      out.splice(i, 1);
      break;
    case "repeat":
      out.splice(j, 0, out[i]);
      break;
    case "swap":
      [out[i], out[j]] = [out[j], out[i]];
      break;
    case "renumber":
      out[i] = { ...out[i], field: 1 + (op.b % 40) };
      break;
    case "rewire": {
      const wires = [0, 1, 2, 5];
      out[i] = { ...out[i], wire: wires[op.b % wires.length] };
      break;
    }
    case "varint":
      out[i] = { ...out[i], wire: 0, payload: writeVarint(EXTREME_VARINTS[op.b % EXTREME_VARINTS.length]) };
      break;
    case "overlong": {
      // the same field with its one-byte tag written as a two-byte varint (0x80 continuation, then 0)
      const enc = encodeFields([out[i]]);
      if (enc[0] >= 0x80) break;
      const padded = concat(Uint8Array.of(enc[0] | 0x80, 0x00), enc.subarray(1));
      return concat(encodeFields(out.slice(0, i)), padded, encodeFields(out.slice(i + 1)));
    }
    case "nested": {
      if (out[i].wire !== 2) return applyByteOps(data, op.inner, other);
      const sub =
        op.depth > 0
          ? applyProtoOp(out[i].payload, { ...op, depth: op.depth - 1, a: op.b, b: op.a }, other)
          : applyByteOps(out[i].payload, op.inner, other);
      out[i] = { ...out[i], payload: sub };
      break;
    }
    case "nestedBytes":
      if (out[i].wire !== 2) return applyByteOps(data, op.inner, other);
      out[i] = { ...out[i], payload: applyByteOps(out[i].payload, op.inner, other) };
      break;
  }
  return encodeFields(out);
}

export type ProtoMutation = ProtoOp[];

/** A list of protobuf-aware mutations (apply with applyProtoOps). */
export function protoMutation(minOps: number, maxOps: number): fc.Arbitrary<ProtoMutation> {
  return fc.array(protoOp, { minLength: minOps, maxLength: maxOps });
}

export function applyProtoOps(data: Uint8Array, ops: ProtoMutation, other: Uint8Array): Uint8Array {
  let out = data;
  for (const op of ops) out = applyProtoOp(out, op, other);
  return out;
}

/** 1-4 protobuf-aware mutations of one seed. */
export function mutatedProto(seeds: readonly Uint8Array[], maxOps = 4): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.nat({ max: seeds.length - 1 }), fc.nat({ max: seeds.length - 1 }), protoMutation(1, maxOps))
    .map(([i, j, ops]) => applyProtoOps(seeds[i], ops, seeds[j]));
}

/**
 * The usual mix for a bytes surface: seeds unchanged (a few), protobuf-aware mutants, byte mutants
 * and random bytes.
 */
export function bytesInput(seeds: readonly Uint8Array[], maxRandom = 512): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    { weight: 8, arbitrary: mutatedProto(seeds) },
    { weight: 6, arbitrary: mutatedBytes(seeds) },
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: maxRandom }) },
  );
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}
