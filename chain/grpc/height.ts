// The x-cosmos-block-height request metadata, read as the SDK's gRPC server does: one value is parsed
// as a signed 64-bit decimal (Go's strconv.ParseInt) and must not be negative; no value, or several,
// means "latest".
import { GrpcCode, ServiceError } from "../services/dispatcher.ts";

export const BLOCK_HEIGHT_HEADER = "x-cosmos-block-height";

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** The requested height (undefined = latest); a ServiceError(INVALID_ARGUMENT) when the value is bad. */
export function requestedHeight(values: readonly (string | Buffer)[]): bigint | undefined {
  if (values.length !== 1) return undefined;
  const text = String(values[0]);
  const height = /^[+-]?[0-9]+$/.test(text) ? BigInt(text) : undefined;
  if (height === undefined || height > INT64_MAX || height < INT64_MIN)
    throw new ServiceError(
      GrpcCode.INVALID_ARGUMENT,
      `invalid height header "${BLOCK_HEIGHT_HEADER}": ${JSON.stringify(text)} is not a 64-bit integer: invalid request`,
    );
  if (height < 0n)
    throw new ServiceError(
      GrpcCode.INVALID_ARGUMENT,
      "cannot query with height < 0; please provide a valid height: invalid request",
    );
  return height === 0n ? undefined : height;
}
