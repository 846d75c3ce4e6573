// gRPC-style query errors as baseapp's gRPCErrorToSDKError maps them: the log keeps the gRPC status
// text ("rpc error: code = NotFound desc = ...") that CosmJS matches (StargateClient.getAccount).
import { type CodedError, ErrInvalidRequest, ErrKeyNotFound, ErrUnauthorized } from "../errors/errors.ts";
import { addressFromString } from "../types/address.ts";

export function notFound(desc: string): CodedError {
  return ErrKeyNotFound.wrap(`rpc error: code = NotFound desc = ${desc}`);
}

export function invalidArgument(desc: string): CodedError {
  return ErrInvalidRequest.wrap(`rpc error: code = InvalidArgument desc = ${desc}`);
}

export function permissionDenied(desc: string): CodedError {
  return ErrUnauthorized.wrap(`rpc error: code = PermissionDenied desc = ${desc}`);
}

/**
 * Decodes a bech32 account address taken from a query request; `what` names the field in the error
 * ("granter" → "empty granter address" / "invalid granter address: ...", as the SDK's query servers say).
 */
export function parseAddressArg(a: string, what: string): Uint8Array {
  if (a === "") throw invalidArgument(`empty ${what} address`);
  try {
    return addressFromString(a);
  } catch (e) {
    throw invalidArgument(`invalid ${what} address: ${e instanceof Error ? e.message : String(e)}`);
  }
}
