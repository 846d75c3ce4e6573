// JSON-RPC 2.0 request handling shared by the HTTP and websocket transports (CometBFT
// rpc/jsonrpc/server): request validation, notifications (no id: no response), method lookup,
// param decoding, and serialization with int64/bigint safety and raw JSON splicing.
import { randomUUID } from "node:crypto";
import {
  errorResponse,
  INVALID_REQUEST,
  type JsonRpcErrorResponse,
  type JsonRpcId,
  METHOD_NOT_FOUND,
  RpcError,
  toRpcError,
} from "./errors.ts";
import { METHODS, type MethodContext, RawJson, type RpcMethod } from "./methods.ts";
import { type Params, paramsFromJson } from "./params.ts";

export interface JsonRpcSuccess {
  jsonrpc: "2.0";
  id: JsonRpcId;
  result: unknown;
}
export type JsonRpcResponse = JsonRpcSuccess | JsonRpcErrorResponse;

/** Handles websocket-only methods (subscribe...); absent on plain HTTP. */
export type WsMethodHandler = (method: string, params: Params, id: JsonRpcId) => Promise<unknown>;

export function lookupMethod(name: string): RpcMethod | undefined {
  return Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function validId(id: unknown): id is JsonRpcId {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

/** Runs one request object; undefined for notifications. Never throws. */
export async function handleRequest(
  ctx: MethodContext,
  req: unknown,
  ws?: WsMethodHandler,
  onCall?: (method: string, ms: number, error?: RpcError) => void,
): Promise<JsonRpcResponse | undefined> {
  if (!isObject(req)) return errorResponse(null, new RpcError(INVALID_REQUEST, "request must be a JSON object"));
  const { id } = req;
  if (id !== undefined && !validId(id))
    return errorResponse(null, new RpcError(INVALID_REQUEST, "invalid request ID type"));
  if (id === undefined || id === null) return undefined; // notification
  if (typeof req.method !== "string")
    return errorResponse(id, new RpcError(INVALID_REQUEST, "method must be a string"));
  const method = req.method;
  const started = performance.now();
  const m = lookupMethod(method);
  if (!m || (m.wsOnly && !ws)) {
    const err = new RpcError(METHOD_NOT_FOUND);
    onCall?.(method, performance.now() - started, err);
    return errorResponse(id, err);
  }
  try {
    const params = paramsFromJson(m.params, req.params);
    const result = m.wsOnly ? await ws!(method, params, id) : await m.handler!(ctx, params);
    onCall?.(method, performance.now() - started);
    return { jsonrpc: "2.0", id, result };
  } catch (e) {
    const err = toRpcError(e);
    onCall?.(method, performance.now() - started, err);
    return errorResponse(id, err);
  }
}

/** JSON text of a response; bigint becomes a decimal string, RawJson is spliced in verbatim. */
export function serialize(value: unknown): string {
  const raws: string[] = [];
  // Placeholders carry a fresh random tag so no string in the value can impersonate one.
  let tag = "";
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v instanceof RawJson) {
      tag ||= randomUUID();
      raws.push(v.text);
      return `${tag}:${raws.length - 1}`;
    }
    return v;
  });
  if (raws.length === 0) return text;
  return text.replace(new RegExp(`"${tag}:(\\d+)"`, "g"), (_m, i: string) => raws[Number(i)] ?? "null");
}
