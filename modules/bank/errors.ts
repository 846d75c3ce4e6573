// x/bank errors, codespace "bank", same codes as the SDK (x/bank/types/errors.go).
import { ErrBankDuplicateEntry, register } from "../../chain/errors/errors.ts";

export const Codespace = "bank";
export const ErrNoInputs = register(Codespace, 2, "no inputs to send transaction");
export const ErrNoOutputs = register(Codespace, 3, "no outputs to send transaction");
export const ErrInputOutputMismatch = register(Codespace, 4, "sum inputs != sum outputs");
export const ErrSendDisabled = register(Codespace, 5, "send transactions are disabled");
export const ErrDenomMetadataNotFound = register(Codespace, 6, "client denom metadata not found");
export const ErrInvalidKey = register(Codespace, 7, "invalid key");
export const ErrDuplicateEntry = ErrBankDuplicateEntry;
export const ErrMultipleSenders = register(Codespace, 9, "multiple senders not allowed");
