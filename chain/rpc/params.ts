// Parameter decoding for RPC methods, from JSON-RPC params (named object or positional array) and
// from URI query strings (CometBFT rpc/jsonrpc/server/http_uri_handler.go: strings in double quotes,
// byte arrays as 0x-hex or quoted text, numbers and booleans bare). Bad input -> "Invalid params".
import { fromHex, toUtf8 } from "@cosmjs/encoding";
import { invalidParams } from "./errors.ts";

/** int: int64/int (JSON number or decimal string); bytes: []byte (base64 in JSON); hexbytes: bytes.HexBytes; json: a JSON object (e.g. evidence). */
export type ParamType = "int" | "bool" | "string" | "bytes" | "hexbytes" | "json";

export interface ParamSpec {
  name: string;
  type: ParamType;
}

export type ParamValue = number | boolean | string | Uint8Array | object | undefined;
export type Params = Record<string, ParamValue>;

const INT_RE = /^-?\d{1,20}$/;

function toInt(name: string, v: unknown): number {
  let n: number;
  if (typeof v === "number") n = v;
  else if (typeof v === "string" && INT_RE.test(v)) n = Number(v);
  else throw invalidParams(`${name}: expected integer, got ${describe(v)}`);
  if (!Number.isSafeInteger(n)) throw invalidParams(`${name}: integer ${String(v)} out of range`);
  return n;
}

function describe(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 64 ? `${s.slice(0, 64)}...` : s;
}

function fromJsonValue(spec: ParamSpec, v: unknown): ParamValue {
  if (v === undefined || v === null) return undefined;
  const { name } = spec;
  switch (spec.type) {
    case "int":
      return toInt(name, v);
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "false") return v === "true";
      throw invalidParams(`${name}: expected boolean, got ${describe(v)}`);
    case "string":
      if (typeof v === "string") return v;
      throw invalidParams(`${name}: expected string, got ${describe(v)}`);
    case "bytes":
      if (typeof v !== "string") throw invalidParams(`${name}: expected base64 string, got ${describe(v)}`);
      return decodeBase64(name, v);
    case "hexbytes":
      if (typeof v !== "string") throw invalidParams(`${name}: expected hex string, got ${describe(v)}`);
      return decodeHex(name, v.startsWith("0x") || v.startsWith("0X") ? v.slice(2) : v);
    case "json":
      if (typeof v === "object") return v;
      throw invalidParams(`${name}: expected a JSON object, got ${describe(v)}`);
  }
}

function decodeHex(name: string, h: string): Uint8Array {
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw invalidParams(`${name}: invalid hex string`);
  return fromHex(h);
}

/** JSON-RPC `params`: absent, an object keyed by name, or an array in declaration order. */
export function paramsFromJson(specs: readonly ParamSpec[], raw: unknown): Params {
  const out: Params = {};
  if (raw === undefined || raw === null) return out;
  if (Array.isArray(raw)) {
    if (raw.length > specs.length)
      throw invalidParams(`expected at most ${specs.length} parameters, got ${raw.length}`);
    specs.forEach((s, i) => {
      out[s.name] = fromJsonValue(s, raw[i]);
    });
    return out;
  }
  if (typeof raw !== "object") throw invalidParams("params must be an object or an array");
  const obj = raw as Record<string, unknown>;
  for (const s of specs) {
    if (Object.hasOwn(obj, s.name)) out[s.name] = fromJsonValue(s, obj[s.name]);
  }
  return out;
}

function unquote(name: string, s: string): string | undefined {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      const v: unknown = JSON.parse(s);
      if (typeof v === "string") return v;
    } catch {
      // fall through
    }
    throw invalidParams(`${name}: invalid quoted string`);
  }
  return undefined;
}

function fromUriValue(spec: ParamSpec, s: string): ParamValue {
  const { name } = spec;
  if (s === "") return undefined;
  switch (spec.type) {
    case "int":
      return toInt(name, unquote(name, s) ?? s);
    case "bool": {
      const v = unquote(name, s) ?? s;
      if (v === "true" || v === "false") return v === "true";
      throw invalidParams(`${name}: expected true or false`);
    }
    case "string": {
      const v = unquote(name, s);
      if (v === undefined) throw invalidParams(`${name}: strings must be in double quotes`);
      return v;
    }
    case "bytes":
    case "hexbytes": {
      if (s.startsWith("0x") || s.startsWith("0X")) return decodeHex(name, s.slice(2));
      const v = unquote(name, s);
      if (v === undefined) throw invalidParams(`${name}: expected 0x-prefixed hex or a quoted string`);
      return toUtf8(v);
    }
    case "json": {
      let v: unknown;
      try {
        v = JSON.parse(s);
      } catch {
        throw invalidParams(`${name}: invalid JSON`);
      }
      if (!v || typeof v !== "object") throw invalidParams(`${name}: expected a JSON object`);
      return v;
    }
  }
}

/** URI query arguments (already percent-decoded by the HTTP server). */
export function paramsFromUri(specs: readonly ParamSpec[], query: Record<string, unknown>): Params {
  const out: Params = {};
  for (const s of specs) {
    let v = query[s.name];
    if (Array.isArray(v)) v = v[v.length - 1];
    if (typeof v === "string") out[s.name] = fromUriValue(s, v);
  }
  return out;
}

/**
 * Strict base64 as @cosmjs/encoding fromBase64 accepts it (alphabet, padding, length a multiple of 4),
 * decoded by Buffer (several times faster than base64-js: every broadcast tx comes through here).
 */
function decodeBase64(name: string, v: string): Uint8Array {
  const b = Buffer.from(v, "base64");
  // canonical input re-encodes to itself (cheap); anything else gets the full check (the regex
  // costs more than the decoding for a tx-sized string)
  if (b.toString("base64") !== v && (v.length % 4 !== 0 || !/^[a-zA-Z0-9+/]*={0,2}$/.test(v)))
    throw invalidParams(`${name}: invalid base64`);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
