// @dgrid/client: a TypeScript SDK for DGrid over CosmJS, for Node and browsers. This file only
// re-exports; each part lives in its own file.
export { type TensorJson, tensorFromJson, tensorToJson, tensorValues } from "../chain/tensor/json.ts";
export type {
  InferenceRequest,
  InferenceResult,
  ItemResult,
  OutputRef,
  OutputSource,
} from "../proto/gen/dgrid/inference/v1/inference.ts";
export { RequestStatus } from "../proto/gen/dgrid/inference/v1/inference.ts";
export type { Model, ModelServer, NamedTensor } from "../proto/gen/dgrid/registry/v1/registry.ts";
export type { Reputation } from "../proto/gen/dgrid/reputation/v1/reputation.ts";
export { dgridAminoConverters, dgridAminoMsgs } from "./amino.ts";
export { authzAminoAuthorizations, authzAminoConverters } from "./amino-authz.ts";
export { clientAminoConverters, dgridAminoTypes } from "./amino-converters.ts";
export { feegrantAminoAllowances, feegrantAminoConverters } from "./amino-feegrant.ts";
export { govV1AminoConverters, govV1AminoMsgs } from "./amino-gov.ts";
export { itemOutcomeHash, verifyResultItem } from "./batch-proof.ts";
export {
  BASE_DENOM,
  BECH32_PREFIXES,
  DENOM_DECIMALS,
  DISPLAY_DENOM,
  GAS_PRICES,
  SLIP44_COIN_TYPE,
} from "./chain-constants.ts";
export {
  type ConnectOptions,
  connectQueryClient,
  connectSigningClient,
  DEFAULT_GAS_PRICE,
  DEFAULT_HD_PATH,
  DEFAULT_RPC,
  DGRID_DECIMALS,
  DGRID_DENOM,
  DGRID_DISPLAY_DENOM,
  DGRID_PREFIX,
  dgridGasPrice,
  dgridRegistry,
  generateWallet,
  walletFromMnemonic,
} from "./config.ts";
export {
  DGridClient,
  type DGridQueryClient,
  type RegisterModelInput,
  type RequestInferenceOptions,
  type RequestTensor,
  SigningDGridClient,
  TxFailedError,
  type TxOptions,
} from "./dgrid-client.ts";
export { dgridMsgTypes } from "./dgrid-types.ts";
export {
  type KeplrBech32Config,
  type KeplrChainInfo,
  type KeplrChainInfoOptions,
  type KeplrCurrency,
  type KeplrFeeCurrency,
  type KeplrWallet,
  keplrChainInfo,
} from "./keplr.ts";
export { checkOutputBytes, fetchOutputsByHash, OutputFetchError, type OutputsByHash } from "./output-fetch.ts";
export { type DGridExtension, isNotFound, type Pagination, type RequestId, setupDGridExtension } from "./queries.ts";
export { SIMULATE_PATH, type SimulateWithFeeArgs, SimulationError, simulateWithFee } from "./simulate.ts";
export {
  type DType,
  dtypeOf,
  namedTensors,
  resultTensors,
  type Tensor,
  type TensorArray,
  tensorFromArray,
  tensorToArray,
} from "./tensor.ts";
export { type RequestState, type RequestUpdate, type WatchOptions, watchRequest } from "./watch.ts";
