// What the inference module needs of other modules (Cosmos SDK x/*/types/expected_keepers.go).
import type { Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Coin } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import type { Dec } from "../../chain/baseapp/dec.ts";
import type { Policy } from "../../chain/tensor/agreement.ts";
import type { InputBlob, VoteExtension } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import type { Model, ModelServer, NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import type { SettlementRecord } from "../registry/stats.ts";
import type { Job } from "../reputation/validator-stats.ts";

export type { Job, SettlementRecord };

/** modules/bank BankKeeper */
export interface BankKeeperI {
  getBalance(ctx: Context, address: string, denom: string): Promise<Coin>;
  sendCoinsFromAccountToModule(ctx: Context, from: string, module: string, amt: readonly Coin[]): Promise<void>;
  sendCoinsFromModuleToAccount(ctx: Context, module: string, to: string, amt: readonly Coin[]): Promise<void>;
  sendCoinsFromModuleToModule(ctx: Context, from: string, to: string, amt: readonly Coin[]): Promise<void>;
}

/** modules/staking keeper (these exact names; the staking module implements them). */
export interface StakingKeeperI {
  /** bonded, not jailed validators, by descending power */
  bondedValidatorsByPower(ctx: Context): Promise<Validator[]>;
  /** a validator by its operator (valoper) address, or undefined */
  validator(ctx: Context, operator: string): Promise<Validator | undefined>;
  /** consensus power of a validator (tokens / power reduction) */
  powerOf(validator: Validator): bigint;
  validatorByConsAddr(ctx: Context, consAddr: Uint8Array): Promise<Validator | undefined>;
  /** slashes a fraction (LegacyDec) of the stake the validator had at infractionHeight */
  slash(
    ctx: Context,
    consAddr: Uint8Array,
    infractionHeight: number,
    power: bigint,
    slashFraction: Dec,
  ): Promise<unknown>;
}

/** modules/registry RegistryKeeper */
export interface RegistryKeeperI {
  /** the model without its golden vectors (nothing here reads them; they are most of the record) */
  getModelHead(ctx: Context, id: string): Promise<Model | undefined>;
  hasModel(ctx: Context, id: string): Promise<boolean>;
  /** sorted by validator (valoper) address */
  serversOf(ctx: Context, modelId: string): Promise<ModelServer[]>;
  /** the valoper addresses of serversOf, read lazily (a caller may stop early) */
  serverValidators(ctx: Context, modelId: string): AsyncIterable<string>;
  /** SettlementRecorderI: once per settled or refunded request, in the block that settles it */
  recordSettlement(ctx: Context, modelId: string, record: SettlementRecord): Promise<unknown>;
}

/** modules/reputation ReputationKeeper */
export interface ReputationKeeperI {
  score(ctx: Context, validator: string): Promise<bigint>;
  floor(ctx: Context): Promise<bigint>;
  recordOutcome(ctx: Context, validator: string, outcome: "agree" | "dissent" | "missing"): Promise<bigint>;
  /** the per-validator inference stats: once per assigned executor of a settled or refunded request */
  recordJob(ctx: Context, validator: string, job: Job): Promise<unknown>;
}

/**
 * Told when a request's fee goes back to its requester and when a request is done (modules/authz:
 * a request paid under an InferenceAuthorization gives its refunded fee back to that authorization).
 */
export interface RequestHooksI {
  /** part or all of the request's escrowed fee was sent back to its requester */
  afterFeeRefunded(ctx: Context, requestId: bigint, amount: Coin): Promise<void>;
  /** the request is settled or refunded: no more of its fee will come back */
  afterRequestClosed(ctx: Context, requestId: bigint): Promise<void>;
}

/** A request assigned to this validator, as the chain state shows it. */
export interface DutyRequest {
  requestId: bigint;
  modelId: string;
  /** a single request's inputs (empty for a batch) */
  inputs: NamedTensor[];
  /** a batch: one input set per item (absent or empty: a single request) */
  items?: NamedTensor[][];
  /** a single request's inputs whose bytes travel as blobs (their data empty in `inputs`) */
  inputBlobs?: InputBlob[];
  /** a batch: each item's blobs */
  itemBlobs?: InputBlob[][];
  /** a batch may run as one session.run: the model's specs have a symbolic first dim everywhere */
  batchable?: boolean;
  sessionOptions: {
    graphOptimizationLevel: string;
    executionMode: string;
    intraOpNumThreads: number;
  };
  /** "commit": waiting for commitments; "reveal": commitments fixed, reveals open */
  phase: "commit" | "reveal";
  /** this validator's commitment is on chain */
  committed: boolean;
  /** this validator's reveal is on chain */
  revealed: boolean;
  /** the max_output_bytes param: larger inline outputs are committed as the OUTPUT_TOO_LARGE error outcome */
  maxOutputBytes: number;
  /**
   * outputs by hash (README.md#large-outputs), where the params enable them and the model's policy
   * allows them: outputs over thresholdBytes of data are kept in the node's output store and revealed
   * as a reference; over maxBytes they are OUTPUT_TOO_LARGE
   */
  outputsByHash?: { thresholdBytes: number; maxBytes: number; policy: Policy };
}

/**
 * The validator side (validator/duties.ts): non-deterministic, off the consensus path. The module
 * tells it about new assignments after FinalizeBlock and asks it for this validator's extension.
 */
export interface InferenceDutiesI {
  /** consensus address (20 bytes) of this node's validator */
  readonly consAddress: Uint8Array;
  /** new work for this validator (called from FinalizeBlock; must return at once, never throw) */
  onAssigned(requests: DutyRequest[]): void;
  /** what this validator's next vote extension carries, given all its pending work on chain */
  extension(pending: DutyRequest[], maxBytes: number): Promise<VoteExtension>;
}
