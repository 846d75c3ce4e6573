// x/feegrant errors, codespace "feegrant", the SDK's codes (x/feegrant/errors.go).
import { register } from "../../chain/errors/errors.ts";

export const Codespace = "feegrant";
export const ErrFeeLimitExceeded = register(Codespace, 2, "fee limit exceeded");
export const ErrFeeLimitExpired = register(Codespace, 3, "fee allowance expired");
export const ErrInvalidDuration = register(Codespace, 4, "invalid duration");
export const ErrNoAllowance = register(Codespace, 5, "no allowance");
export const ErrNoMessages = register(Codespace, 6, "allowed messages are empty");
export const ErrMessageNotAllowed = register(Codespace, 7, "message not allowed");
