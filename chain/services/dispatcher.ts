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

  /** `call`, also saying at which height the answer was read (the x-cosmos-block-height the SDK answers). */
  async callWithHeight(path: string, request: Uint8Array, ctx: CallContext = {}): Promise<CallResult> {
    const handler = this.deps.handlers?.get(path);
    if (handler) {
      const value = await handler(request, ctx);
      return ctx.height !== undefined && ctx.height > 0n ? { value, height: ctx.height } : { value };
    }
    const height = ctx.height ?? 0n;
    if (height < 0n) throw new ServiceError(GrpcCode.INVALID_ARGUMENT, "height must not be negative");
    const res = await this.deps.abciQuery({ path, data: request, height, prove: false });
    if (res.code !== 0) throw serviceErrorOfAbci(res.code, res.codespace, res.log);
    return { value: res.value, height: res.height };
  }
}

/**
 * The gRPC status of a failed ABCI query, as an SDK node's gRPC server would have answered the same
 * query. Query handlers report gRPC statuses (status.Error(codes.NotFound, ...)); the SDK's ABCI path
 * (baseapp gRPCErrorToSDKError) turns them into root errors whose log keeps the status text, "rpc
 * error: code = NotFound desc = ...", so that text gives back the code and message exactly. Other
 * errors map by grpcCodeOfAbci.
 */
export function serviceErrorOfAbci(code: number, codespace: string, log: string): ServiceError {
  const abci = { code, codespace };
  const m = /rpc error: code = (\w+) desc = ([\s\S]*)$/.exec(log);
  const grpc = m ? GRPC_CODE_BY_NAME[m[1]!] : undefined;
  if (m && grpc !== undefined) {
    // the root error's wrap appended ": <its description>" (gRPCErrorToSDKError's wrap)
    const desc = m[2]!.replace(WRAP_SUFFIX[`${codespace}:${code}`] ?? /$^/, "");
    return new ServiceError(grpc, desc, abci);
  }
  return new ServiceError(grpcCodeOfAbci(code, codespace), log, abci);
}

/** The Go names of the gRPC codes ("NotFound"), as status.Error's text writes them. */
const GRPC_CODE_BY_NAME: Record<string, GrpcCode> = {
  OK: GrpcCode.OK,
  Canceled: GrpcCode.CANCELLED,
  Unknown: GrpcCode.UNKNOWN,
  InvalidArgument: GrpcCode.INVALID_ARGUMENT,
  DeadlineExceeded: GrpcCode.DEADLINE_EXCEEDED,
  NotFound: GrpcCode.NOT_FOUND,
  AlreadyExists: GrpcCode.ALREADY_EXISTS,
  PermissionDenied: GrpcCode.PERMISSION_DENIED,
  ResourceExhausted: GrpcCode.RESOURCE_EXHAUSTED,
  FailedPrecondition: GrpcCode.FAILED_PRECONDITION,
  Aborted: GrpcCode.ABORTED,
  OutOfRange: GrpcCode.OUT_OF_RANGE,
  Unimplemented: GrpcCode.UNIMPLEMENTED,
  Internal: GrpcCode.INTERNAL,
  Unavailable: GrpcCode.UNAVAILABLE,
  DataLoss: GrpcCode.DATA_LOSS,
  Unauthenticated: GrpcCode.UNAUTHENTICATED,
};

/** The suffix gRPCErrorToSDKError's root errors append to the status text. */
const WRAP_SUFFIX: Record<string, RegExp> = {
  "sdk:22": /: key not found$/,
  "sdk:18": /: invalid request$/,
  "sdk:4": /: unauthorized$/,
  "sdk:6": /: unknown request$/,
};

/**
 * The gRPC code of an ABCI query error without a status text: the inverse of baseapp's
 * gRPCErrorToSDKError (key not found ← NotFound, invalid request ← InvalidArgument / FailedPrecondition,
 * unauthorized ← Unauthenticated), an unknown query path is a service this node does not have
 * (UNIMPLEMENTED, as a gRPC server answers it), a panic or unregistered error is INTERNAL, and every
 * other registered error is UNKNOWN (errors.Register's default gRPC code).
 */
export function grpcCodeOfAbci(code: number, codespace: string): GrpcCode {
  if (codespace === "undefined" && code === 1) return GrpcCode.INTERNAL;
  if (codespace !== "sdk") return GrpcCode.UNKNOWN;
  switch (code) {
    case 22: // ErrKeyNotFound
    case 38: // ErrNotFound
      return GrpcCode.NOT_FOUND;
    case 18: // ErrInvalidRequest
      return GrpcCode.INVALID_ARGUMENT;
    case 4: // ErrUnauthorized
      return GrpcCode.UNAUTHENTICATED;
    case 6: // ErrUnknownRequest: no such query path
      return GrpcCode.UNIMPLEMENTED;
    case 111222: // ErrPanic
      return GrpcCode.INTERNAL;
    default:
      return GrpcCode.UNKNOWN;
  }
}
