// Legacy amino JSON for ts-proto messages, written by the rules of the Cosmos SDK v0.50 encoder
// (x/tx/signing/aminojson) from a small per-message field table instead of proto reflection, so the
// browser client carries no descriptors:
//  - keys are the proto field names (snake_case);
//  - a field at its proto3 default (0, "", false, empty bytes, empty list, unset message) is left out,
//    unless it carries (amino.dont_omitempty): then the default is written (an unset message is an
//    error, as in the SDK; an empty list is written []);
//  - 64-bit integers are decimal strings, 32-bit ones and enums JSON numbers, bytes standard base64, booleans
//    true; cosmos.Int strings are written "0" when empty;
//  - google.protobuf.Timestamp is RFC 3339 in UTC, with the fraction's trailing zeros trimmed (none when
//    whole seconds); google.protobuf.Duration is its total nanoseconds as a decimal string;
//  - a oneof is written under its name in UpperCamelCase as {"type": (amino.oneof_name) of the set
//    case, "value": {<case field>: ...}}, or null when no case is set.
// Key order does not matter: sign docs are serialized with sorted keys (@cosmjs/amino serializeSignDoc).
import { fromBase64, toBase64 } from "@cosmjs/encoding";
import { formatRfc3339 } from "../chain/types/time.ts";

export type ScalarType =
  | "string"
  | "bool"
  | "uint32"
  | "int32"
  /** a proto enum: its number, as int32 (the SDK encoder's default, as legacy amino) */
  | "enum"
  | "uint64"
  | "int64"
  | "bytes"
  | "cosmos.Int"
  /** google.protobuf.Timestamp ({seconds: bigint, nanos}) */
  | "timestamp"
  /** google.protobuf.Duration ({seconds: bigint, nanos}) */
  | "duration";

type SecondsNanos = { seconds: bigint; nanos: number };

const NS_PER_S = 1_000_000_000n;

function timestampToJson(value: unknown, path: string): string {
  const t = value as SecondsNanos;
  if (typeof t?.seconds !== "bigint" || !Number.isInteger(t.nanos) || t.nanos < 0 || t.nanos >= 1e9)
    throw new Error(`amino JSON: ${path}: expected a Timestamp`);
  return formatRfc3339(t);
}

function timestampFromJson(json: unknown, path: string): SecondsNanos {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(expect(json, "string", path) as string);
  const ms = m ? Date.parse(`${m[1]}Z`) : Number.NaN;
  if (!m || Number.isNaN(ms)) throw new Error(`amino JSON: ${path}: expected an RFC 3339 UTC time`);
  return { seconds: BigInt(ms / 1000), nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

function durationToJson(value: unknown, path: string): string {
  const d = value as SecondsNanos;
  if (typeof d?.seconds !== "bigint" || !Number.isInteger(d.nanos))
    throw new Error(`amino JSON: ${path}: expected a Duration`);
  return (d.seconds * NS_PER_S + BigInt(d.nanos)).toString();
}

function durationFromJson(json: unknown, path: string): SecondsNanos {
  const s = expect(json, "string", path) as string;
  if (!/^-?\d+$/.test(s)) throw new Error(`amino JSON: ${path}: expected nanoseconds as a decimal string`);
  const ns = BigInt(s);
  // both parts carry the sign, as proto's Duration
  return { seconds: ns / NS_PER_S, nanos: Number(ns % NS_PER_S) };
}

export interface MessageSpec {
  /** the proto full name ("dgrid.registry.v1.NamedTensor") */
  name: string;
  fields: FieldSpec[];
}

export interface FieldSpec {
  /** the proto field name, which is the amino JSON key */
  name: string;
  /** the ts-proto property */
  prop: string;
  type: ScalarType | MessageSpec;
  repeated?: boolean;
  /** (amino.dont_omitempty) */
  dontOmitEmpty?: boolean;
  /** a case of a oneof: the proto oneof name and the case's (amino.oneof_name) */
  oneof?: { name: string; typeName: string };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** `policy` -> `Policy`, `one_of` -> `OneOf` (Go's field name of a oneof, which amino writes). */
export function oneofKey(name: string): string {
  return name
    .split("_")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}

function isDefault(value: unknown, f: FieldSpec): boolean {
  if (f.repeated) return (value as unknown[] | undefined)?.length === 0 || value === undefined;
  if (typeof f.type !== "string") return value === undefined || value === null;
  switch (f.type) {
    case "string":
    case "cosmos.Int":
      return value === "" || value === undefined;
    case "bool":
      return value !== true;
    case "uint32":
    case "int32":
    case "enum":
      return value === 0 || value === undefined;
    case "uint64":
    case "int64":
      return value === 0n || value === undefined;
    case "bytes":
      return value === undefined || (value as Uint8Array).length === 0;
    case "timestamp":
    case "duration":
      return value === undefined || value === null;
  }
}

function scalarToJson(value: unknown, type: ScalarType, path: string): Json {
  switch (type) {
    case "string":
      return expect(value, "string", path) as string;
    case "cosmos.Int": {
      const s = expect(value ?? "", "string", path) as string;
      return s === "" ? "0" : s;
    }
    case "bool":
      return expect(value ?? false, "boolean", path) as boolean;
    case "uint32":
    case "int32":
    case "enum":
      return expect(value ?? 0, "number", path) as number;
    case "uint64":
    case "int64":
      return (expect(value ?? 0n, "bigint", path) as bigint).toString();
    case "bytes":
      if (!(value instanceof Uint8Array)) throw new Error(`amino JSON: ${path}: expected bytes`);
      return toBase64(value);
    case "timestamp":
      return timestampToJson(value, path);
    case "duration":
      return durationToJson(value, path);
  }
}

function expect(value: unknown, type: string, path: string): unknown {
  if (typeof value !== type) throw new Error(`amino JSON: ${path}: expected a ${type}, got ${typeof value}`);
  return value;
}

function valueToJson(value: unknown, type: ScalarType | MessageSpec, path: string): Json {
  return typeof type === "string" ? scalarToJson(value, type, path) : messageToAmino(type, value, path);
}

/** The amino JSON value of ts-proto message `msg` (without the {type, value} wrapper of a Msg). */
export function messageToAmino(spec: MessageSpec, msg: unknown, path = spec.name): JsonObject {
  if (typeof msg !== "object" || msg === null) throw new Error(`amino JSON: ${path}: expected a message`);
  const m = msg as Record<string, unknown>;
  const out: JsonObject = {};
  const oneofsSeen = new Set<string>();
  for (const f of spec.fields) {
    const value = m[f.prop];
    const at = `${path}.${f.name}`;
    if (f.oneof) {
      const key = oneofKey(f.oneof.name);
      if (!oneofsSeen.has(key)) {
        oneofsSeen.add(key);
        out[key] = null;
      }
      // a case is set when present, even at its default (proto presence of oneof members)
      if (value === undefined || value === null) continue;
      if (out[key] !== null) throw new Error(`amino JSON: ${at}: more than one case of oneof ${f.oneof.name} is set`);
      out[key] = { type: f.oneof.typeName, value: { [f.name]: valueToJson(value, f.type, at) } };
      continue;
    }
    if (isDefault(value, f)) {
      if (!f.dontOmitEmpty) continue;
      if (f.repeated) out[f.name] = [];
      else if (typeof f.type !== "string") throw new Error(`amino JSON: ${at} is required (dont_omitempty message)`);
      else out[f.name] = scalarToJson(undefined, f.type, at);
      continue;
    }
    out[f.name] = f.repeated
      ? (value as unknown[]).map((v, i) => valueToJson(v, f.type, `${at}[${i}]`))
      : valueToJson(value, f.type, at);
  }
  return out;
}

function scalarFromJson(json: unknown, type: ScalarType, path: string): unknown {
  switch (type) {
    case "string":
    case "cosmos.Int":
      return expect(json, "string", path);
    case "bool":
      return expect(json, "boolean", path);
    case "uint32":
    case "int32":
    case "enum": {
      const n = expect(json, "number", path) as number;
      if (!Number.isInteger(n)) throw new Error(`amino JSON: ${path}: expected an integer`);
      return n;
    }
    case "uint64":
    case "int64": {
      const s = expect(json, "string", path) as string;
      if (!/^-?\d+$/.test(s)) throw new Error(`amino JSON: ${path}: expected a decimal integer string`);
      return BigInt(s);
    }
    case "bytes":
      return fromBase64(expect(json, "string", path) as string);
    case "timestamp":
      return timestampFromJson(json, path);
    case "duration":
      return durationFromJson(json, path);
  }
}

function scalarDefault(type: ScalarType): unknown {
  switch (type) {
    case "string":
    case "cosmos.Int":
      return "";
    case "bool":
      return false;
    case "uint32":
    case "int32":
    case "enum":
      return 0;
    case "uint64":
    case "int64":
      return 0n;
    case "bytes":
      return new Uint8Array();
    case "timestamp":
    case "duration":
      return undefined;
  }
}

function valueFromJson(json: unknown, type: ScalarType | MessageSpec, path: string): unknown {
  return typeof type === "string" ? scalarFromJson(json, type, path) : messageFromAmino(type, json, path);
}

/** The ts-proto shaped object (every field present, defaults filled) of an amino JSON value. */
export function messageFromAmino(spec: MessageSpec, json: unknown, path = spec.name): Record<string, unknown> {
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new Error(`amino JSON: ${path}: expected an object`);
  const j = json as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of spec.fields) {
    const at = `${path}.${f.name}`;
    let raw: unknown;
    if (f.oneof) {
      const wrapped = j[oneofKey(f.oneof.name)] as { type?: unknown; value?: Record<string, unknown> } | null;
      if (wrapped && wrapped.type === f.oneof.typeName) {
        if (typeof wrapped.value !== "object" || wrapped.value === null)
          throw new Error(`amino JSON: ${at}: expected {type, value}`);
        raw = wrapped.value[f.name];
        if (raw === undefined || raw === null) throw new Error(`amino JSON: ${at}: the oneof value is missing`);
      }
    } else {
      raw = j[f.name];
    }
    if (raw === undefined || raw === null) {
      out[f.prop] = f.repeated ? [] : typeof f.type === "string" ? scalarDefault(f.type) : undefined;
    } else if (f.repeated) {
      if (!Array.isArray(raw)) throw new Error(`amino JSON: ${at}: expected an array`);
      out[f.prop] = raw.map((v, i) => valueFromJson(v, f.type, `${at}[${i}]`));
    } else {
      out[f.prop] = valueFromJson(raw, f.type, at);
    }
  }
  for (const f of spec.fields) {
    if (!f.oneof) continue;
    const wrapped = j[oneofKey(f.oneof.name)] as { type?: unknown } | null | undefined;
    if (wrapped && !spec.fields.some((c) => c.oneof?.name === f.oneof?.name && c.oneof?.typeName === wrapped.type))
      throw new Error(`amino JSON: ${path}.${oneofKey(f.oneof.name)}: unknown type ${String(wrapped.type)}`);
  }
  return out;
}

/** An Any in amino JSON: {type: amino name, value}. */
export type AminoAny = { type: string; value: Record<string, unknown> };

/** A {type, value} object, or an error naming `path`. */
export function aminoAny(json: unknown, path: string): AminoAny {
  const j = json as AminoAny | null;
  if (!j || typeof j !== "object" || typeof j.type !== "string" || !j.value || typeof j.value !== "object")
    throw new Error(`amino JSON: ${path}: expected {type, value}`);
  return j;
}
