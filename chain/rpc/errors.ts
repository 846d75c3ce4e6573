// JSON-RPC 2.0 errors as CometBFT's rpc/jsonrpc/types reports them: fixed code + message, detail in
// `data`. Method failures are "Internal error" (-32603) with the failure text as data.
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
export const SERVER_ERROR = -32000;

const MESSAGES: Record<number, string> = {
  [PARSE_ERROR]: "Parse error",
  [INVALID_REQUEST]: "Invalid Request",
  [METHOD_NOT_FOUND]: "Method not found",
  [INVALID_PARAMS]: "Invalid params",
  [INTERNAL_ERROR]: "Internal error",
  [SERVER_ERROR]: "Server error",
};

export class RpcError extends Error {
  readonly code: number;
  readonly data: string;
  constructor(code: number, data = "") {
    super(MESSAGES[code] ?? "Server error");
    this.name = "RpcError";
    this.code = code;
    this.data = data;
  }
}

export const invalidParams = (detail: string) =>
  new RpcError(INVALID_PARAMS, `error converting json params to arguments: ${detail}`);

/** Any thrown value as an RpcError (unknown errors become Internal error with their message). */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  return new RpcError(INTERNAL_ERROR, err instanceof Error ? err.message : String(err));
}

export type JsonRpcId = string | number | null;

export interface JsonRpcErrorResponse {
  jsonrpc: "2.0";
  id: JsonRpcId;
  error: { code: number; message: string; data: string };
}

export function errorResponse(id: JsonRpcId, err: RpcError): JsonRpcErrorResponse {
  return { jsonrpc: "2.0", id, error: { code: err.code, message: err.message, data: err.data } };
}
