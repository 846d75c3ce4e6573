// x/slashing errors, codespace "slashing", same codes as the SDK (x/slashing/types/errors.go).
import { register } from "../../chain/errors/errors.ts";

export const Codespace = "slashing";
export const ErrNoValidatorForAddress = register(Codespace, 2, "address is not associated with any known validator");
export const ErrBadValidatorAddr = register(Codespace, 3, "validator does not exist for that address");
export const ErrValidatorJailed = register(Codespace, 4, "validator still jailed; cannot be unjailed");
export const ErrValidatorNotJailed = register(Codespace, 5, "validator not jailed; cannot be unjailed");
export const ErrMissingSelfDelegation = register(Codespace, 6, "validator has no self-delegation; cannot be unjailed");
export const ErrSelfDelegationTooLowToUnjail = register(
  Codespace,
  7,
  "validator's self delegation less than minimum; cannot be unjailed",
);
export const ErrNoSigningInfoFound = register(Codespace, 8, "no validator signing info found");
export const ErrValidatorTombstoned = register(Codespace, 9, "validator already tombstoned");
export const ErrInvalidSigner = register(
  Codespace,
  10,
  "expected authority account as only signer for proposal message",
);
export const ErrInvalidConsPubKey = register(Codespace, 11, "invalid consensus pubkey");
