// A REST request as the method's protobuf request, the way grpc-gateway builds it: the body (when the
// binding has one) as proto3 JSON, then query parameters, then path variables (which win). Parameter
// names are field paths by proto or JSON name ("pagination.limit", "pagination.countTotal"); values
// are text: 64-bit integers as decimal strings, bytes as base64 (standard or URL-safe), enums by name
// or number, bools as Go's strconv.ParseBool reads them, a repeated field by repeating its key.
import {
  type DescField,
  type DescMessage,
  fromJson,
  type JsonObject,
  type JsonValue,
  type Registry,
  ScalarType,
} from "@bufbuild/protobuf";

/** A request the client got wrong (→ 400 INVALID_ARGUMENT). */
export class BadRequestError extends Error {}

export type QueryValues = Record<string, string | string[] | undefined>;

export interface RequestParts {
  /** the parsed JSON body (binding body "*" or a field name), if any */
  body?: unknown;
  bodyField: string;
  query: QueryValues;
  pathParams: Map<string, string>;
}

/** The JSON form of the request message, then read with `fromJson`; throws BadRequestError. */
export function requestJson(schema: DescMessage, parts: RequestParts): JsonObject {
  let json: JsonObject = {};
  if (parts.bodyField === "*") {
    if (parts.body !== undefined) {
      if (parts.body === null || typeof parts.body !== "object" || Array.isArray(parts.body))
        throw new BadRequestError("the request body must be a JSON object");
      json = parts.body as JsonObject;
    }
  } else if (parts.bodyField !== "" && parts.body !== undefined) {
    const field = fieldByName(schema, parts.bodyField);
    if (!field) throw new BadRequestError(`no field ${parts.bodyField} for the body`);
    json[field.name] = parts.body as JsonValue;
  }
  // grpc-gateway ignores query parameters that are path variables or (with body "*") any at all
  const pathKeys = new Set(parts.pathParams.keys());
  if (parts.bodyField !== "*")
    for (const [key, raw] of Object.entries(parts.query)) {
      if (raw === undefined || pathKeys.has(key)) continue;
      setPath(schema, json, key, Array.isArray(raw) ? raw : [raw], false);
    }
  for (const [key, value] of parts.pathParams) setPath(schema, json, key, [value], true);
  return json;
}

/** The request message's bytes' source: `fromJson` over `requestJson`, errors as BadRequestError. */
export function readRequest<D extends DescMessage>(schema: D, parts: RequestParts, registry: Registry) {
  const json = requestJson(schema, parts);
  try {
    return fromJson(schema, json, { registry, ignoreUnknownFields: parts.bodyField === "*" });
  } catch (e) {
    throw new BadRequestError(e instanceof Error ? e.message : String(e));
  }
}

function fieldByName(schema: DescMessage, name: string): DescField | undefined {
  return schema.fields.find((f) => f.name === name || f.jsonName === name);
}

/** Sets the field at a dotted path from text values; unknown names are ignored as grpc-gateway does (not for path variables). */
function setPath(schema: DescMessage, json: JsonObject, key: string, values: string[], strict: boolean): void {
  const names = key.split(".");
  let msg = schema;
  let node = json;
  for (let i = 0; i < names.length; i++) {
    const field = fieldByName(msg, names[i]!);
    if (!field) {
      if (strict) throw new BadRequestError(`no field ${key} in ${schema.typeName}`);
      return;
    }
    if (i < names.length - 1) {
      if (field.fieldKind !== "message" || isWellKnown(field.message))
        throw new BadRequestError(`${key}: ${names.slice(0, i + 1).join(".")} is not a message`);
      const next = node[field.name];
      node = node[field.name] = next && typeof next === "object" && !Array.isArray(next) ? next : {};
      msg = field.message;
      continue;
    }
    if (field.fieldKind === "list") {
      node[field.name] = values.map((v) => leafJson(field, key, v));
      return;
    }
    if (field.fieldKind === "map") throw new BadRequestError(`${key}: map fields cannot be set from parameters`);
    if (values.length !== 1) throw new BadRequestError(`too many values for field ${key}: ${values.join(", ")}`);
    node[field.name] = leafJson(field, key, values[0]!);
  }
}

const WELL_KNOWN_TEXT = new Set([
  "google.protobuf.Timestamp",
  "google.protobuf.Duration",
  "google.protobuf.FieldMask",
  "google.protobuf.StringValue",
  "google.protobuf.BytesValue",
  "google.protobuf.Int64Value",
  "google.protobuf.UInt64Value",
  "google.protobuf.Int32Value",
  "google.protobuf.UInt32Value",
  "google.protobuf.BoolValue",
  "google.protobuf.DoubleValue",
  "google.protobuf.FloatValue",
]);

function isWellKnown(m: DescMessage): boolean {
  return m.typeName.startsWith("google.protobuf.");
}

const INT = /^[+-]?\d+$/;

function leafJson(field: DescField, key: string, v: string): JsonValue {
  const bad = (what: string) => new BadRequestError(`parsing field "${key}": ${JSON.stringify(v)} is not ${what}`);
  const kind = field.fieldKind === "list" ? field.listKind : field.fieldKind;
  if (kind === "enum") {
    if (INT.test(v)) return Number(v);
    return v;
  }
  if (kind === "message") {
    const m = field.message!;
    if (!WELL_KNOWN_TEXT.has(m.typeName)) throw new BadRequestError(`${key}: a message cannot be set from text`);
    if (m.typeName === "google.protobuf.BoolValue") return parseBool(v, bad);
    return v;
  }
  switch (field.scalar) {
    case ScalarType.STRING:
      return v;
    case ScalarType.BYTES:
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw bad("base64");
      return v;
    case ScalarType.BOOL:
      return parseBool(v, bad);
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT: {
      if (v === "NaN" || v === "Infinity" || v === "-Infinity") return v;
      const n = Number(v);
      if (v.trim() === "" || !Number.isFinite(n)) throw bad("a number");
      return n;
    }
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      if (!INT.test(v)) throw bad("an integer");
      return v.replace(/^\+/, "");
    default:
      if (!INT.test(v)) throw bad("an integer");
      return Number(v);
  }
}

/** Go's strconv.ParseBool. */
function parseBool(v: string, bad: (what: string) => Error): boolean {
  if (["1", "t", "T", "true", "TRUE", "True"].includes(v)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(v)) return false;
  throw bad("a bool");
}
