// What the node-served handlers share: request decoding that answers INVALID_ARGUMENT instead of
// throwing a decoder's error, the SDK's pagination and height rules, and one wrapper that turns any
// unexpected failure into a ServiceError so a bad request never escapes as a crash.
import type { PageRequest } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import type { RpcBackend } from "../../rpc/backend.ts";
import { GrpcCode, type MethodHandler, ServiceError } from "../dispatcher.ts";

/** query.DefaultLimit of the SDK (types/query/pagination.go). */
export const DEFAULT_LIMIT = 100;

export interface Decoder<T> {
  decode(input: Uint8Array): T;
}

export interface Encoder<T> {
  encode(message: T): { finish(): Uint8Array };
}

export const invalid = (message: string) => new ServiceError(GrpcCode.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new ServiceError(GrpcCode.NOT_FOUND, message);

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Decodes a request message; malformed bytes are the caller's fault (INVALID_ARGUMENT). */
export function decodeRequest<T>(codec: Decoder<T>, bytes: Uint8Array, name: string): T {
  try {
    return codec.decode(bytes);
  } catch (e) {
    throw invalid(`invalid ${name}: ${errorMessage(e)}`);
  }
}

/**
 * A handler from a typed function: decodes the request, encodes the response, and reports every
 * failure as a ServiceError (a thrown non-ServiceError becomes UNKNOWN with its message, as a Go
 * service's plain error does).
 */
export function method<Req, Res>(
  name: string,
  req: Decoder<Req>,
  res: Encoder<Res>,
  fn: (request: Req, height: bigint | undefined) => Promise<Res>,
): MethodHandler {
  return async (bytes, ctx) => {
    try {
      const request = decodeRequest(req, bytes, name);
      return res.encode(await fn(request, ctx.height)).finish();
    } catch (e) {
      if (e instanceof ServiceError) throw e;
      throw new ServiceError(GrpcCode.UNKNOWN, errorMessage(e));
    }
  };
}

/** A uint64 request field as a safe JS number, refused (INVALID_ARGUMENT) when it is not one. */
export function safeNumber(v: bigint, what: string): number {
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(`${what} out of range: ${v}`);
  return Number(v);
}

/**
 * The SDK's query.ParsePagination: offset/limit (limit 0 → 100) turned into the 1-based page and the
 * per-page count that CometBFT's paginated RPCs take.
 */
export function parsePagination(p: PageRequest | undefined): { page: number; limit: number } {
  const offset = p ? safeNumber(p.offset, "pagination offset") : 0;
  let limit = p ? safeNumber(p.limit, "pagination limit") : DEFAULT_LIMIT;
  if (limit === 0) limit = DEFAULT_LIMIT;
  return { page: Math.floor(offset / limit) + 1, limit };
}

/**
 * A stored block height as CometBFT's getHeight checks it (> 0, <= latest, not pruned), with the
 * SDK tendermint service's text for a height past the chain.
 */
export function checkBlockHeight(backend: RpcBackend, height: bigint): number {
  if (height <= 0n) throw invalid(`height must be greater than 0, but got ${height}`);
  const latest = backend.blockStoreHeight();
  if (height > BigInt(latest)) throw invalid("requested block height is bigger then the chain length");
  const h = Number(height);
  const base = backend.blockStoreBase();
  if (h < base) throw notFound(`height ${h} is not available, lowest height is ${base}`);
  return h;
}
