// What one execution of a request produced, as executors commit to it and the chain compares it:
// the outputs, or an error class (ExecutionError) when the model could not run the input. Errors
// are a small fixed enum, never free text, so that honest executors reach the same bytes.
//
//   canonical(outputs) = chain/tensor/canonical.ts canonicalOutput (first byte 0x01, its version)
//   canonical(ref)     = chain/tensor/digest.ts canonicalRef (first byte 0x02): outputs by hash
//   canonical(error)   = 0xee | u32be(error code)
//
// The first bytes differ, so no output can share an error's or a reference's commitment or hash. The commitment is
// over the canonical outcome (commitment.ts), so an error outcome cannot be copied any more than an
// output can.
import { canonicalErrorCode, canonicalOutput } from "../../chain/tensor/canonical.ts";
import { canonicalRef } from "../../chain/tensor/digest.ts";
import type { Outputs } from "../../chain/tensor/dtype.ts";
import { ExecutionError, type OutputRef } from "../../proto/gen/dgrid/inference/v1/inference.ts";

export { ExecutionError };

/** Outputs inline, outputs by hash (a reference: README.md#large-outputs), or an error class. */
export type Outcome =
  | { outputs: Outputs; error?: undefined; ref?: undefined }
  | { ref: OutputRef; outputs?: undefined; error?: undefined }
  | { error: ExecutionError; outputs?: undefined; ref?: undefined };

/** The classes an executor may reveal (UNSPECIFIED means "no error" and is not one of them). */
export const KNOWN_ERRORS: readonly ExecutionError[] = [
  ExecutionError.EXECUTION_ERROR_INVALID_INPUT,
  ExecutionError.EXECUTION_ERROR_RUNTIME_ERROR,
  ExecutionError.EXECUTION_ERROR_OUTPUT_TOO_LARGE,
];

export function isKnownError(e: number): e is ExecutionError {
  return KNOWN_ERRORS.includes(e as ExecutionError);
}

/** Short name of an error class for events and logs: invalid_input | runtime_error | output_too_large. */
export function errorName(e: ExecutionError): string {
  switch (e) {
    case ExecutionError.EXECUTION_ERROR_INVALID_INPUT:
      return "invalid_input";
    case ExecutionError.EXECUTION_ERROR_RUNTIME_ERROR:
      return "runtime_error";
    case ExecutionError.EXECUTION_ERROR_OUTPUT_TOO_LARGE:
      return "output_too_large";
    default:
      return "";
  }
}

export function canonicalError(e: ExecutionError): Uint8Array {
  if (!isKnownError(e)) throw new Error(`unknown execution error ${e}`);
  return canonicalErrorCode(e);
}

/** The bytes commitments hash: canonical outputs, a reference's or the error's bytes. Throws on a malformed outcome. */
export function canonicalOutcome(o: Outcome): Uint8Array {
  if (o.error !== undefined) return canonicalError(o.error);
  return o.ref !== undefined ? canonicalRef(o.ref) : canonicalOutput(o.outputs);
}

/** Total output data bytes (what max_output_bytes bounds; the keeper counts a reveal the same way). */
export function outputBytes(outputs: readonly { data: Uint8Array }[]): number {
  return outputs.reduce((n, t) => n + t.data.length, 0);
}
