// x/auth has no codespace of its own in the SDK: it uses the root "sdk" errors. Re-exported here so
// callers import auth errors from the module.
export {
  ErrInvalidAddress,
  ErrInvalidPubKey,
  ErrInvalidSequence,
  ErrMemoTooLarge,
  ErrNoSignatures,
  ErrTooManySignatures,
  ErrTxTimeoutHeight,
  ErrUnauthorized,
  ErrUnknownAddress,
  ErrUnknownExtensionOptions,
  ErrWrongSequence,
} from "../../chain/errors/errors.ts";
