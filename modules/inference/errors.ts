// Inference errors, codespace "inference".
import { register } from "../../chain/errors/errors.ts";

export const Codespace = "inference";
export const ErrInvalidRequest = register(Codespace, 2, "invalid inference request");
export const ErrModelUnavailable = register(Codespace, 3, "model not available for requests");
export const ErrInvalidInput = register(Codespace, 4, "input does not match the model spec");
export const ErrFeeTooLow = register(Codespace, 5, "max fee below the price of the request");
export const ErrTooManyPending = register(Codespace, 6, "too many pending requests");
export const ErrRequestNotFound = register(Codespace, 7, "request not found");
export const ErrInvalidParams = register(Codespace, 8, "invalid inference params");
export const ErrInvalidVoteExtension = register(Codespace, 9, "invalid vote extension");
export const ErrNoExecutors = register(Codespace, 10, "no eligible executor can serve the request");
export const ErrInvalidBatch = register(
  Codespace,
  11,
  "invalid batch: no items, over max_batch, items of different shapes, or both inputs and items",
);
export const ErrInvalidBlob = register(
  Codespace,
  12,
  "invalid input blob reference: unknown tensor, bad sha256, inline data beside it, or over blob_max_bytes",
);
