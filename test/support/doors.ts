// The three doors of a node, called with the same request: the REST gateway (the request turned into
// a URL, query string and JSON body the way a grpc-gateway client writes them from its route), the gRPC
// server (raw bytes through @grpc/grpc-js) and CometBFT JSON-RPC `abci_query`. Every answer comes back
// as either the response bytes / JSON or an error with its gRPC code, so a test can require that the
// doors agree, errors included.

import type { FileRegistry } from "@bufbuild/protobuf";
import { type DescMessage, fromBinary, fromJson, type JsonObject, type JsonValue, toBinary } from "@bufbuild/protobuf";
import type { ServiceError as GrpcJsError } from "@grpc/grpc-js";
import type { Route } from "../../chain/api/route-table.ts";
import { serviceErrorOfAbci } from "../../chain/services/dispatcher.ts";
import type { GrpcReflectionClient } from "./grpc-reflection-client.ts";

export const HEIGHT_HEADER = "x-cosmos-block-height";
export const RESPONSE_HEIGHT_HEADER = "grpc-metadata-x-cosmos-block-height";

/** An answer of one door: the response (bytes or gateway JSON), or the gRPC code and message of its error. */
export type DoorAnswer<T> =
  | { ok: true; value: T; height?: string }
  | { ok: false; code: number; message: string; httpStatus?: number };

/** The protobuf bytes of a request given as proto3 JSON (proto field names). */
export function requestBytes(schema: DescMessage, request: JsonObject, registry: FileRegistry): Uint8Array {
  return toBinary(schema, fromJson(schema, request, { registry }));
}

/** Re-encodes an answer through its message type, so two answers compare as data. */
export function reencode(schema: DescMessage, bytes: Uint8Array): Uint8Array {
  return toBinary(schema, fromBinary(schema, bytes));
}

/**
 * The HTTP request a gateway client makes for `request` on `route`: path variables filled from the
 * request's fields (a `**` variable keeps its '/'), the body the whole remaining request when the
 * binding says `body: "*"`, else the remaining fields as query parameters (nested fields dotted,
 * repeated fields as repeated keys).
 */
export function restRequest(route: Route, request: JsonObject): { path: string; body?: string } {
  const rest = structuredClone(request) as JsonObject;
  let path = route.binding.path.replace(/\{([^}=]+)(=[^}]*)?\}/g, (_m, field: string, pattern?: string) => {
    const value = takeField(rest, field);
    if (value === undefined) throw new Error(`${route.binding.path}: the request has no ${field}`);
    const text = String(value);
    return pattern?.includes("**") ? text.split("/").map(encodeURIComponent).join("/") : encodeURIComponent(text);
  });
  if (route.binding.body === "*") return { path, body: JSON.stringify(rest) };
  if (route.binding.body !== "")
    throw new Error(`body field bindings are not used by these routes (${route.binding.path})`);
  const query = new URLSearchParams();
  flatten(rest, "", query);
  const q = query.toString();
  if (q) path += `?${q}`;
  return { path };
}

function takeField(obj: JsonObject, fieldPath: string): JsonValue | undefined {
  const parts = fieldPath.split(".");
  let cur: JsonValue | undefined = obj;
  for (const [i, p] of parts.entries()) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    const o: JsonObject = cur;
    if (i === parts.length - 1) {
      const v = o[p];
      delete o[p];
      return v;
    }
    cur = o[p];
  }
  return undefined;
}

function flatten(value: JsonValue, prefix: string, out: URLSearchParams): void {
  if (Array.isArray(value)) for (const v of value) out.append(prefix, String(v));
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else out.append(prefix, String(value));
}

/** One REST call; `height` is sent as x-cosmos-block-height. */
export async function callRest(
  apiUrl: string,
  method: string,
  req: { path: string; body?: string },
  height?: bigint,
): Promise<DoorAnswer<JsonValue>> {
  const headers: Record<string, string> = {};
  if (height !== undefined) headers[HEIGHT_HEADER] = height.toString();
  if (req.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${apiUrl}${req.path}`, { method, headers, body: req.body });
  const text = await res.text();
  let json: JsonValue;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${req.path}: ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  if (res.ok) return { ok: true, value: json, height: res.headers.get(RESPONSE_HEIGHT_HEADER) ?? undefined };
  const body = json as { code?: unknown; message?: unknown };
  if (typeof body.code !== "number" || typeof body.message !== "string")
    throw new Error(`${method} ${req.path}: ${res.status} without {code, message}: ${text.slice(0, 200)}`);
  return { ok: false, code: body.code, message: body.message, httpStatus: res.status };
}

/** One gRPC call with raw bytes; `height` is sent as x-cosmos-block-height metadata. */
export async function callGrpc(
  client: GrpcReflectionClient,
  path: string,
  request: Uint8Array,
  height?: bigint,
): Promise<DoorAnswer<Uint8Array>> {
  try {
    const { bytes, height: h } = await client.callRaw(path, request, height === undefined ? {} : { height });
    return { ok: true, value: bytes, height: h };
  } catch (e) {
    const err = e as GrpcJsError;
    if (typeof err.code !== "number") throw e;
    return { ok: false, code: err.code, message: err.details };
  }
}

/** The JSON-RPC abci_query answer of a CometBFT client (CosmJS `Comet38Client.abciQuery`). */
export interface AbciQueryAnswer {
  code?: number;
  codespace?: string;
  log?: string;
  value: Uint8Array;
  height?: number;
}

/** An abci_query answer as a door answer: an error's gRPC code as an SDK gRPC server would report it. */
export function abciAnswer(res: AbciQueryAnswer): DoorAnswer<Uint8Array> {
  if (!res.code) return { ok: true, value: res.value, height: res.height?.toString() };
  const err = serviceErrorOfAbci(res.code, res.codespace ?? "", res.log ?? "");
  return { ok: false, code: err.code, message: err.message };
}
