// x/authz errors, codespace "authz", the SDK v0.50 codes (x/authz/errors.go).
import { register } from "../../chain/errors/errors.ts";

export const Codespace = "authz";
export const ErrNoAuthorizationFound = register(Codespace, 2, "authorization not found");
export const ErrInvalidExpirationTime = register(
  Codespace,
  3,
  "expiration time of authorization should be more than current time",
);
export const ErrUnknownAuthorizationType = register(Codespace, 4, "unknown authorization type");
export const ErrNoGrantKeyFound = register(Codespace, 5, "grant key not found");
export const ErrAuthorizationExpired = register(Codespace, 6, "authorization expired");
export const ErrGranteeIsGranter = register(Codespace, 7, "grantee and granter should be different");
export const ErrAuthorizationNumOfSigners = register(
  Codespace,
  9,
  "authorization can be given to msg with only one signer",
);
export const ErrNegativeMaxTokens = register(Codespace, 12, "max tokens should be positive");
