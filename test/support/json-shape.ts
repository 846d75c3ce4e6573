// The shape of a JSON document, for checking that our REST gateway writes what the Cosmos SDK v0.50
// gateway writes (test/fixtures/sdk-gateway/): which keys, which kinds of values, never which values.
//
// Rules (see test/fixtures/sdk-gateway/README.md for why):
// - objects compare key for key: a missing key and an extra key are both differences;
// - arrays: the fixture's elements are merged into one element shape (the union of their shapes) and
//   every element of ours must fit it; an empty array on either side says nothing about elements;
// - strings have sub-kinds where the SDK is strict (int64-string, decimal-string, timestamp, base64,
//   hex-upper, bech32); a fixture's sub-kind must be matched exactly, a fixture's plain "string" accepts any
//   string (a free-text field may hold digits);
// - null is a kind of its own: the gateway writes null for an unset message field and for nil bytes,
//   so null against an object, a string or an array is a difference, in either direction;
// - an object with "@type" is an Any: its contents are compared only with a fixture Any of the same
//   "@type"; an Any of a type the fixture does not show is accepted unread.
import { AssertionError } from "node:assert";

export type ScalarKind =
  | "null"
  | "boolean"
  | "number"
  | "string"
  | "int64-string"
  | "decimal-string"
  | "timestamp"
  | "base64"
  | "hex-upper"
  | "bech32";

export type Shape =
  | { kind: ScalarKind }
  /** keys → shapes; `optional` are keys that only some of the merged objects had (oneof cases) */
  | { kind: "object"; keys: Map<string, Shape>; optional: Set<string> }
  /** an object with "@type": its type URL and its contents */
  | { kind: "any"; typeUrl: string; keys: Map<string, Shape>; optional: Set<string> }
  /** element: undefined for an empty array ("array<unknown>") */
  | { kind: "array"; element: Shape | undefined }
  | { kind: "union"; options: Shape[] };

export interface ShapeDifference {
  /** JSON path of the first difference, e.g. `$.tx_response.events[3].attributes[0].index` */
  path: string;
  message: string;
}

const INT64 = /^-?\d+$/;
const DECIMAL = /^-?\d+\.\d+$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
// hashes and addresses in upper-case hex (txhash, tx_response.data); short hex is too ambiguous
const HEX_UPPER = /^(?:[0-9A-F]{2}){20,}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// an account / validator / consensus address of 20 or 32 bytes: lower-case prefix, "1", bech32 charset
const BECH32 = /^[a-z]{1,83}1[02-9ac-hj-np-z]{38,}$/;

/** The kind of a string value; the first rule that fits wins. */
export function stringKind(value: string): ScalarKind {
  if (INT64.test(value)) return "int64-string";
  if (DECIMAL.test(value)) return "decimal-string";
  if (TIMESTAMP.test(value)) return "timestamp";
  if (HEX_UPPER.test(value)) return "hex-upper";
  if (BECH32.test(value)) return "bech32";
  if (isBase64(value)) return "base64";
  return "string";
}

/**
 * Base64 only when it cannot be mistaken for a word or a bech32 address: a multiple of 4 long and
 * either padded / using + or /, or mixing upper case, lower case and digits (random bytes do).
 */
function isBase64(value: string): boolean {
  if (value.length < 4 || value.length % 4 !== 0 || !BASE64.test(value)) return false;
  if (/[+/=]/.test(value)) return true;
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value);
}

/** The shape of a parsed JSON value. */
export function jsonShape(value: unknown): Shape {
  if (value === null) return { kind: "null" };
  if (typeof value === "boolean") return { kind: "boolean" };
  if (typeof value === "number") return { kind: "number" };
  if (typeof value === "string") return { kind: stringKind(value) };
  if (Array.isArray(value)) {
    let element: Shape | undefined;
    for (const item of value) element = element === undefined ? jsonShape(item) : mergeShapes(element, jsonShape(item));
    return { kind: "array", element };
  }
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = new Map(Object.entries(record).map(([key, item]) => [key, jsonShape(item)]));
    const typeUrl = anyTypeUrl(record);
    return typeUrl === undefined
      ? { kind: "object", keys, optional: new Set() }
      : { kind: "any", typeUrl, keys, optional: new Set() };
  }
  throw new TypeError(`not a JSON value: ${typeof value}`);
}

function anyTypeUrl(record: Record<string, unknown>): string | undefined {
  const typeUrl = record["@type"];
  return typeof typeUrl === "string" ? typeUrl : undefined;
}

/** The union of two shapes: objects merge key-wise, Anys only with the same type, arrays element-wise. */
export function mergeShapes(a: Shape, b: Shape): Shape {
  if (a.kind === "union") return b.kind === "union" ? b.options.reduce(addOption, a) : addOption(a, b);
  if (b.kind === "union") return addOption(b, a);
  const merged = mergeSame(a, b);
  return merged ?? { kind: "union", options: [a, b] };
}

type UnionShape = Extract<Shape, { kind: "union" }>;

function addOption(union: UnionShape, shape: Shape): UnionShape {
  const options = [...union.options];
  for (let i = 0; i < options.length; i++) {
    const merged = mergeSame(options[i] as Shape, shape);
    if (merged !== undefined) {
      options[i] = merged;
      return { kind: "union", options };
    }
  }
  return { kind: "union", options: [...options, shape] };
}

/** Merges two non-union shapes of the same family, or undefined when they are alternatives. */
function mergeSame(a: Shape, b: Shape): Shape | undefined {
  if (a.kind === "union" || b.kind === "union" || a.kind !== b.kind) return undefined;
  if (a.kind === "array" && b.kind === "array") {
    if (a.element === undefined) return b;
    if (b.element === undefined) return a;
    return { kind: "array", element: mergeShapes(a.element, b.element) };
  }
  if (a.kind === "object" && b.kind === "object") return { kind: "object", ...mergeKeys(a, b) };
  if (a.kind === "any" && b.kind === "any") {
    return a.typeUrl === b.typeUrl ? { kind: "any", typeUrl: a.typeUrl, ...mergeKeys(a, b) } : undefined;
  }
  return a;
}

type Keyed = { keys: Map<string, Shape>; optional: Set<string> };

function mergeKeys(a: Keyed, b: Keyed): Keyed {
  const keys = new Map(a.keys);
  const optional = new Set([...a.optional, ...b.optional]);
  for (const [key, shape] of b.keys) {
    const existing = keys.get(key);
    keys.set(key, existing === undefined ? shape : mergeShapes(existing, shape));
  }
  for (const key of keys.keys()) if (!a.keys.has(key) || !b.keys.has(key)) optional.add(key);
  return { keys, optional };
}

/** A short name of a shape for messages: "object", "any</cosmos.bank.v1beta1.MsgSend>", "int64-string | null". */
export function describeShape(shape: Shape): string {
  switch (shape.kind) {
    case "union":
      return shape.options.map(describeShape).join(" | ");
    case "array":
      return shape.element === undefined ? "array<unknown>" : `array<${describeShape(shape.element)}>`;
    case "any":
      return `any<${shape.typeUrl}>`;
    default:
      return shape.kind;
  }
}

/** The first place where `actual` does not have the shape of `expected`, or undefined. */
export function shapeDifference(actual: unknown, expected: unknown, path = "$"): ShapeDifference | undefined {
  return compare(actual, jsonShape(expected), path);
}

/** Throws an AssertionError naming the JSON path of the first difference. */
export function assertSameShape(actual: unknown, expected: unknown, path = "$"): void {
  const difference = shapeDifference(actual, expected, path);
  if (difference !== undefined) {
    throw new AssertionError({ message: `${difference.path}: ${difference.message}`, actual, expected });
  }
}

function compare(actual: unknown, expected: Shape, path: string): ShapeDifference | undefined {
  const option = pickOption(actual, expected);
  if (option === undefined) {
    return { path, message: `expected ${describeShape(expected)}, got ${describeShape(jsonShape(actual))}` };
  }
  if (option === ACCEPTED) return undefined;
  if (option.kind === "array") {
    if (option.element === undefined) return undefined;
    const items = actual as unknown[];
    for (let i = 0; i < items.length; i++) {
      const difference = compare(items[i], option.element, `${path}[${i}]`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  if (option.kind === "object" || option.kind === "any") {
    return compareKeys(actual as Record<string, unknown>, option, path);
  }
  return undefined;
}

/** Marks an Any whose type the fixture does not show: accepted without reading its contents. */
const ACCEPTED = Symbol("accepted");

/** The expected shape (or union option) that `actual` is to be compared with. */
function pickOption(actual: unknown, expected: Shape): Shape | typeof ACCEPTED | undefined {
  const options = expected.kind === "union" ? expected.options : [expected];
  const kind = shallowKind(actual);
  if (kind === "any") {
    const typeUrl = anyTypeUrl(actual as Record<string, unknown>);
    const anys = options.filter((option) => option.kind === "any");
    const same = anys.find((option) => option.typeUrl === typeUrl);
    if (same !== undefined) return same;
    if (anys.length > 0) return ACCEPTED;
    // an Any where the fixture has a plain object: compared as an object (the "@type" key is extra)
    return options.find((option) => option.kind === "object");
  }
  return (
    options.find((option) => option.kind === kind) ??
    // a fixture's free-text string accepts a string of any sub-kind
    (typeof actual === "string" ? options.find((option) => option.kind === "string") : undefined)
  );
}

/** The kind of a value without looking inside it. */
function shallowKind(value: unknown): Shape["kind"] {
  if (typeof value === "string") return stringKind(value);
  if (Array.isArray(value)) return "array";
  if (value !== null && typeof value === "object") {
    return anyTypeUrl(value as Record<string, unknown>) === undefined ? "object" : "any";
  }
  return jsonShape(value).kind;
}

function compareKeys(actual: Record<string, unknown>, expected: Keyed, path: string): ShapeDifference | undefined {
  for (const [key, shape] of expected.keys) {
    if (!Object.hasOwn(actual, key)) {
      if (expected.optional.has(key)) continue;
      return { path: childPath(path, key), message: `missing key "${key}" (expected ${describeShape(shape)})` };
    }
    const difference = compare(actual[key], shape, childPath(path, key));
    if (difference !== undefined) return difference;
  }
  for (const key of Object.keys(actual)) {
    if (!expected.keys.has(key)) {
      return { path: childPath(path, key), message: `extra key "${key}" (${describeShape(jsonShape(actual[key]))})` };
    }
  }
  return undefined;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
