// gRPC-style query errors as baseapp's gRPCErrorToSDKError maps them: the log keeps the gRPC status
// text ("rpc error: code = NotFound desc = ...") that CosmJS matches (StargateClient.getAccount).
import { type CodedError, ErrInvalidRequest, ErrKeyNotFound, ErrUnauthorized } from "../errors/errors.ts";

export function notFound(desc: string): CodedError {
  return ErrKeyNotFound.wrap(`rpc error: code = NotFound desc = ${desc}`);
}

export function invalidArgument(desc: string): CodedError {
  return ErrInvalidRequest.wrap(`rpc error: code = InvalidArgument desc = ${desc}`);
}

export function permissionDenied(desc: string): CodedError {
  return ErrUnauthorized.wrap(`rpc error: code = PermissionDenied desc = ${desc}`);
}
