// Errors as the gateway writes them: the body `{code, message, details: []}` (a google.rpc.Status in
// JSON) and the HTTP status grpc-gateway's HTTPStatusFromCode gives the gRPC code.
import { GrpcCode } from "../services/dispatcher.ts";

const HTTP_STATUS: Record<number, number> = {
  [GrpcCode.OK]: 200,
  [GrpcCode.CANCELLED]: 499,
  [GrpcCode.UNKNOWN]: 500,
  [GrpcCode.INVALID_ARGUMENT]: 400,
  [GrpcCode.DEADLINE_EXCEEDED]: 504,
  [GrpcCode.NOT_FOUND]: 404,
  [GrpcCode.ALREADY_EXISTS]: 409,
  [GrpcCode.PERMISSION_DENIED]: 403,
  [GrpcCode.UNAUTHENTICATED]: 401,
  [GrpcCode.RESOURCE_EXHAUSTED]: 429,
  // deliberately not 412 (grpc-gateway's note: the client must fix the request)
  [GrpcCode.FAILED_PRECONDITION]: 400,
  [GrpcCode.ABORTED]: 409,
  [GrpcCode.OUT_OF_RANGE]: 400,
  [GrpcCode.UNIMPLEMENTED]: 501,
  [GrpcCode.INTERNAL]: 500,
  [GrpcCode.UNAVAILABLE]: 503,
  [GrpcCode.DATA_LOSS]: 500,
};

export function httpStatusOf(code: number): number {
  return HTTP_STATUS[code] ?? 500;
}

export interface ErrorBody {
  code: number;
  message: string;
  details: unknown[];
}

export function errorBody(code: number, message: string): ErrorBody {
  return { code, message, details: [] };
}
