// x/staking errors, codespace "staking", same codes as the SDK (x/staking/types/errors.go).
import { register } from "../../chain/errors/errors.ts";

export const Codespace = "staking";
export const ErrEmptyValidatorAddr = register(Codespace, 2, "empty validator address");
export const ErrNoValidatorFound = register(Codespace, 3, "validator does not exist");
export const ErrValidatorOwnerExists = register(
  Codespace,
  4,
  "validator already exist for this operator address; must use new validator operator address",
);
export const ErrValidatorPubKeyExists = register(
  Codespace,
  5,
  "validator already exist for this pubkey; must use new validator pubkey",
);
export const ErrValidatorPubKeyTypeNotSupported = register(Codespace, 6, "validator pubkey type is not supported");
export const ErrValidatorJailed = register(Codespace, 7, "validator for this address is currently jailed");
export const ErrBadRemoveValidator = register(Codespace, 8, "failed to remove validator");
export const ErrCommissionNegative = register(Codespace, 9, "commission must be positive");
export const ErrCommissionHuge = register(Codespace, 10, "commission cannot be more than 100%");
export const ErrCommissionGTMaxRate = register(Codespace, 11, "commission cannot be more than the max rate");
export const ErrCommissionUpdateTime = register(Codespace, 12, "commission cannot be changed more than once in 24h");
export const ErrCommissionChangeRateNegative = register(Codespace, 13, "commission change rate must be positive");
export const ErrCommissionChangeRateGTMaxRate = register(
  Codespace,
  14,
  "commission change rate cannot be more than the max rate",
);
export const ErrCommissionGTMaxChangeRate = register(
  Codespace,
  15,
  "commission cannot be changed more than max change rate",
);
export const ErrSelfDelegationBelowMinimum = register(
  Codespace,
  16,
  "validator's self delegation must be greater than their minimum self delegation",
);
export const ErrMinSelfDelegationDecreased = register(Codespace, 17, "minimum self delegation cannot be decrease");
export const ErrEmptyDelegatorAddr = register(Codespace, 18, "empty delegator address");
export const ErrNoDelegation = register(Codespace, 19, "no delegation for (address, validator) tuple");
export const ErrBadDelegatorAddr = register(Codespace, 20, "delegator does not exist with address");
export const ErrNoDelegatorForAddress = register(Codespace, 21, "delegator does not contain delegation");
export const ErrInsufficientShares = register(Codespace, 22, "insufficient delegation shares");
export const ErrDelegationValidatorEmpty = register(Codespace, 23, "cannot delegate to an empty validator");
export const ErrNotEnoughDelegationShares = register(Codespace, 24, "not enough delegation shares");
export const ErrNotMature = register(Codespace, 25, "entry not mature");
export const ErrNoUnbondingDelegation = register(Codespace, 26, "no unbonding delegation found");
export const ErrMaxUnbondingDelegationEntries = register(
  Codespace,
  27,
  "too many unbonding delegation entries for (delegator, validator) tuple",
);
export const ErrNoRedelegation = register(Codespace, 28, "no redelegation found");
export const ErrSelfRedelegation = register(Codespace, 29, "cannot redelegate to the same validator");
export const ErrTinyRedelegationAmount = register(
  Codespace,
  30,
  "too few tokens to redelegate (truncates to zero tokens)",
);
export const ErrBadRedelegationDst = register(Codespace, 31, "redelegation destination validator not found");
export const ErrTransitiveRedelegation = register(
  Codespace,
  32,
  "redelegation to this validator already in progress; first redelegation to this validator must complete before next redelegation",
);
export const ErrMaxRedelegationEntries = register(
  Codespace,
  33,
  "too many redelegation entries for (delegator, src-validator, dst-validator) tuple",
);
export const ErrDelegatorShareExRateInvalid = register(
  Codespace,
  34,
  "cannot delegate to validators with invalid (zero) ex-rate",
);
export const ErrNoHistoricalInfo = register(Codespace, 38, "no historical info found");
export const ErrEmptyValidatorPubKey = register(Codespace, 39, "empty validator public key");
export const ErrCommissionLTMinRate = register(Codespace, 40, "commission cannot be less than min rate");
export const ErrBadRedelegationSrc = register(Codespace, 44, "redelegation source validator not found");
