// One way to call a service method with protobuf bytes, shared by the REST gateway and the gRPC server:
// node-provided handlers (cosmos.tx.v1beta1.Service, cosmos.base.tendermint.v1beta1.Service,
// cosmos.base.node.v1beta1.Service) first, else the app's ABCI query router at the requested height.
import type { RequestQuery, ResponseQuery } from "cosmjs-types/tendermint/abci/types";

export interface CallContext {
  /** the state height to read (0 or undefined = latest), from x-cosmos-block-height */
  height?: bigint;
}

/** An answer and the state height it was read at (the gRPC door echoes it as x-cosmos-block-height). */
export interface CallResult {
  value: Uint8Array;
  /** the height the app answered at (ResponseQuery.height), or the requested one for node handlers; absent when unknown */
  height?: bigint;
}

/** A method served by the node itself rather than by an ABCI query. */
export type MethodHandler = (request: Uint8Array, ctx: CallContext) => Promise<Uint8Array>;

/** gRPC status codes (grpc/codes) the gateway maps to HTTP statuses. */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

/** A failed call: the gRPC status code and message every door reports (REST maps the code to HTTP). */
export class ServiceError extends Error {
  constructor(
    readonly code: GrpcCode,
    message: string,
    /** the ABCI code and codespace when the app refused the query */
    readonly abci?: { code: number; codespace: string },
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

export interface ServiceDispatcherDeps {
  /** the app's ABCI Query (through the node: the same path as the JSON-RPC abci_query) */
  abciQuery(req: RequestQuery): Promise<ResponseQuery>;
  /** handlers the node serves itself, by gRPC path */
  handlers?: ReadonlyMap<string, MethodHandler>;
}

export class ServiceDispatcher {
  constructor(private readonly deps: ServiceDispatcherDeps) {}

  has(path: string): boolean {
    return this.deps.handlers?.has(path) ?? false;
  }

  async call(path: string, request: Uint8Array, ctx: CallContext = {}): Promise<Uint8Array> {
    return (await this.callWithHeight(path, request, ctx)).value;
  }

  /** `call`, with the height the answer was read at. */
  async callWithHeight(path: string, request: Uint8Array, ctx: CallContext = {}): Promise<CallResult> {
    const handler = this.deps.handlers?.get(path);
    if (handler) {
      const value = await handler(request, ctx);
      return ctx.height !== undefined && ctx.height > 0n ? { value, height: ctx.height } : { value };
    }
    const height = ctx.height ?? 0n;
    if (height < 0n) throw new ServiceError(GrpcCode.INVALID_ARGUMENT, "height must not be negative");
    const res = await this.deps.abciQuery({ path, data: request, height, prove: false });
    if (res.code !== 0)
      throw new ServiceError(grpcCodeOfAbci(res.code, res.codespace), res.log, {
        code: res.code,
        codespace: res.codespace,
      });
    return { value: res.value, height: res.height };
  }
}

/**
 * The gRPC code of an ABCI query error, as the SDK's errors.GRPCStatus: codespace "sdk" codes map to
 * their registered gRPC codes (invalid request → INVALID_ARGUMENT, not found → NOT_FOUND, ...); other
 * codespaces' errors are the request's fault unless marked internal.
 */
export function grpcCodeOfAbci(code: number, codespace: string): GrpcCode {
  if (codespace === "sdk") {
    switch (code) {
      case 1: // ErrInternal... (SDK code 1 is "internal")
        return GrpcCode.INTERNAL;
      case 6: // ErrUnknownRequest
        return GrpcCode.UNIMPLEMENTED;
      case 9: // ErrUnknownAddress
      case 22: // ErrNotFound / ErrKeyNotFound
      case 38:
        return GrpcCode.NOT_FOUND;
      case 18: // ErrInvalidRequest
      case 7: // ErrInvalidAddress
      case 2: // ErrTxDecode
        return GrpcCode.INVALID_ARGUMENT;
      case 4: // ErrUnauthorized
        return GrpcCode.PERMISSION_DENIED;
      default:
        return GrpcCode.UNKNOWN;
    }
  }
  return GrpcCode.UNKNOWN;
}
