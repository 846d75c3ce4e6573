// Registered errors, as Cosmos SDK `types/errors`: a codespace, a numeric code and a description.
// ABCI responses carry (codespace, code, log); CosmJS and every Cosmos tool read them that way.

export class RegisteredError extends Error {
  constructor(
    readonly codespace: string,
    readonly code: number,
    readonly description: string,
  ) {
    super(description);
    this.name = "RegisteredError";
  }

  /** A new error instance with this code and a detailed message: "<detail>: <description>". */
  wrap(detail: string): CodedError {
    return new CodedError(this, `${detail}: ${this.description}`);
  }

  is(err: unknown): boolean {
    return err instanceof CodedError && err.registered === this;
  }
}

/** The error thrown by state-machine code: it carries its registered code. */
export class CodedError extends Error {
  constructor(
    readonly registered: RegisteredError,
    message: string,
  ) {
    super(message);
    this.name = "CodedError";
  }
  get codespace(): string {
    return this.registered.codespace;
  }
  get code(): number {
    return this.registered.code;
  }
}

const registry = new Map<string, RegisteredError>();

/** Registers (codespace, code) once; a second registration of the same pair is a programming error. */
export function register(codespace: string, code: number, description: string): RegisteredError {
  if (code === 0) throw new Error(`error code 0 is reserved for OK (${codespace})`);
  const id = `${codespace}:${code}`;
  if (registry.has(id)) throw new Error(`error ${id} registered twice`);
  const e = new RegisteredError(codespace, code, description);
  registry.set(id, e);
  return e;
}

export function lookup(codespace: string, code: number): RegisteredError | undefined {
  return registry.get(`${codespace}:${code}`);
}

/** (codespace, code, log) for an ABCI response; unknown throwables map to ErrInternal ("undefined", 1) like the SDK. */
export function abciInfo(err: unknown): { codespace: string; code: number; log: string } {
  if (err instanceof CodedError) return { codespace: err.codespace, code: err.code, log: err.message };
  if (err instanceof RegisteredError) return { codespace: err.codespace, code: err.code, log: err.description };
  return { codespace: ErrInternal.codespace, code: ErrInternal.code, log: "internal error" };
}

export const ErrInternal = register("undefined", 1, "internal");

// Cosmos SDK root codespace "sdk" (types/errors/errors.go), same codes so clients interpret them alike.
export const RootCodespace = "sdk";
export const ErrTxDecode = register(RootCodespace, 2, "tx parse error");
export const ErrInvalidSequence = register(RootCodespace, 3, "invalid sequence");
export const ErrUnauthorized = register(RootCodespace, 4, "unauthorized");
export const ErrInsufficientFunds = register(RootCodespace, 5, "insufficient funds");
export const ErrUnknownRequest = register(RootCodespace, 6, "unknown request");
export const ErrInvalidAddress = register(RootCodespace, 7, "invalid address");
export const ErrInvalidPubKey = register(RootCodespace, 8, "invalid pubkey");
export const ErrUnknownAddress = register(RootCodespace, 9, "unknown address");
export const ErrInvalidCoins = register(RootCodespace, 10, "invalid coins");
export const ErrOutOfGas = register(RootCodespace, 11, "out of gas");
export const ErrMemoTooLarge = register(RootCodespace, 12, "memo too large");
export const ErrInsufficientFee = register(RootCodespace, 13, "insufficient fee");
export const ErrTooManySignatures = register(RootCodespace, 14, "maximum number of signatures exceeded");
export const ErrNoSignatures = register(RootCodespace, 15, "no signatures supplied");
export const ErrJSONMarshal = register(RootCodespace, 16, "failed to marshal JSON bytes");
export const ErrJSONUnmarshal = register(RootCodespace, 17, "failed to unmarshal JSON bytes");
export const ErrInvalidRequest = register(RootCodespace, 18, "invalid request");
export const ErrTxInMempoolCache = register(RootCodespace, 19, "tx already in mempool");
export const ErrMempoolIsFull = register(RootCodespace, 20, "mempool is full");
export const ErrTxTooLarge = register(RootCodespace, 21, "tx too large");
export const ErrKeyNotFound = register(RootCodespace, 22, "key not found");
export const ErrWrongPassword = register(RootCodespace, 23, "invalid account password");
export const ErrInvalidSigner = register(RootCodespace, 24, "tx intended signer does not match the given signer");
export const ErrInvalidGasAdjustment = register(RootCodespace, 25, "invalid gas adjustment");
export const ErrInvalidHeight = register(RootCodespace, 26, "invalid height");
export const ErrInvalidVersion = register(RootCodespace, 27, "invalid version");
export const ErrInvalidChainID = register(RootCodespace, 28, "invalid chain-id");
export const ErrInvalidType = register(RootCodespace, 29, "invalid type");
export const ErrTxTimeoutHeight = register(RootCodespace, 30, "tx timeout height");
export const ErrUnknownExtensionOptions = register(RootCodespace, 31, "unknown extension options");
export const ErrWrongSequence = register(RootCodespace, 32, "incorrect account sequence");
export const ErrPackAny = register(RootCodespace, 33, "failed packing protobuf message to Any");
export const ErrUnpackAny = register(RootCodespace, 34, "failed unpacking protobuf message from Any");
export const ErrLogic = register(RootCodespace, 35, "internal logic error");
export const ErrConflict = register(RootCodespace, 36, "conflict");
export const ErrNotSupported = register(RootCodespace, 37, "feature not supported");
export const ErrNotFound = register(RootCodespace, 38, "not found");
export const ErrIO = register(RootCodespace, 39, "Internal IO error");
export const ErrAppConfig = register(RootCodespace, 40, "error in app.toml");
export const ErrInvalidGasLimit = register(RootCodespace, 41, "invalid gas limit");
export const ErrPanic = register(RootCodespace, 111222, "panic");

// Errors of one module's codespace that other modules raise too (in the SDK they import govtypes for
// it): registered here once, so that no module reaches into another's errors.ts.
export const GovCodespace = "gov";
/** gov 13: a governance-only message (MsgUpdateParams and the like) whose authority is not the gov account */
export const ErrGovInvalidSigner = register(
  GovCodespace,
  13,
  "expected gov account as only signer for proposal message",
);

export const BankCodespace = "bank";
/** bank 8: a duplicate entry (bank genesis, SendAuthorization's allow_list checked by x/authz) */
export const ErrBankDuplicateEntry = register(BankCodespace, 8, "duplicate entry");
