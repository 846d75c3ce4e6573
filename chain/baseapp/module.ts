// The module pattern (Cosmos SDK types/module): each module registers its msg and query services and
// its genesis / block hooks; the app calls them in a fixed order.

import type {
  RequestExtendVote,
  RequestFinalizeBlock,
  RequestPrepareProposal,
  RequestProcessProposal,
  RequestVerifyVoteExtension,
  ValidatorUpdate,
} from "cosmjs-types/tendermint/abci/types";
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { Context } from "./context.ts";

/** A message type as the router knows it (what the SDK gets from the proto registry + signing annotations). */
export interface MsgType<T = unknown> {
  typeUrl: string;
  decode(bytes: Uint8Array): T;
  /** the canonical protobuf bytes (ADR-027: a tx's message must be encoded exactly so) */
  encode(msg: T): Uint8Array;
  /** bech32 signer addresses, in order (the `cosmos.msg.v1.signer` field). */
  signers(msg: T): string[];
  /** stateless checks (sdk.HasValidateBasic); throws a CodedError */
  validateBasic?(msg: T): void;
  /** legacy amino JSON form {type, value} for SIGN_MODE_LEGACY_AMINO_JSON; absent = not signable that way */
  toAmino?(msg: T): { type: string; value: any };
}

export interface MsgResponse {
  typeUrl: string;
  value: Uint8Array;
}

export type MsgHandler<T = unknown> = (ctx: Context, msg: T) => Promise<MsgResponse>;

/** A gRPC query handler: protobuf request bytes in, protobuf response bytes out. */
export type QueryHandler = (ctx: Context, request: Uint8Array) => Promise<Uint8Array>;

export interface Configurator {
  registerMsg<T>(type: MsgType<T>, handler: MsgHandler<T>): void;
  registerQuery(path: string, handler: QueryHandler): void;
}

/** What a module's EndBlock may hand to consensus (SDK: staking's validator updates, consensus params). */
export interface EndBlockResult {
  validatorUpdates?: ValidatorUpdate[];
  consensusParamUpdates?: ConsensusParams;
}

/**
 * ABCI++ hooks for modules that take part in proposals and vote extensions (the inference module's
 * commit/reveal, in the pattern of Skip Connect's `abci/ve` and `abci/proposals`). At most one
 * module may implement `extendVote`/`verifyVoteExtension` (the app checks).
 */
export interface ModuleAbciHooks {
  /** this validator's extension for its precommit; may be non-deterministic; empty = nothing to say */
  extendVote?(ctx: Context, req: RequestExtendVote): Promise<Uint8Array>;
  /** another validator's extension: false rejects it (consensus then ignores that precommit) */
  verifyVoteExtension?(ctx: Context, req: RequestVerifyVoteExtension): Promise<boolean>;
  /** txs this module injects at the front of the proposal (e.g. the extended commit), in order */
  prepareProposal?(ctx: Context, req: RequestPrepareProposal): Promise<Uint8Array[]>;
  /** true when `tx` is one of this module's injected (non-Cosmos) txs; the app does not run it as a tx */
  isInjectedTx?(tx: Uint8Array): boolean;
  /** checks this module's injected txs in a proposal (signatures, power...); false rejects the block */
  processProposal?(ctx: Context, req: RequestProcessProposal): Promise<boolean>;
  /** SDK PreBlocker: runs first in FinalizeBlock with the whole request (reads its injected txs) */
  preBlock?(ctx: Context, req: RequestFinalizeBlock): Promise<void>;
}

export interface AppModule {
  readonly name: string;
  readonly storeKey: string;
  /** SDK HasConsensusVersion: the version of this module's state layout (absent: 0) */
  readonly consensusVersion?: number;
  registerServices(cfg: Configurator): void;
  /** app_state[name] JSON (as the SDK's JSON, snake_case) into state; staking returns the genesis validator set */
  // biome-ignore lint/suspicious/noConfusingVoidType: most modules' initGenesis is an async function returning nothing
  initGenesis(ctx: Context, json: unknown): Promise<void | ValidatorUpdate[]>;
  exportGenesis(ctx: Context): Promise<unknown>;
  defaultGenesis(): unknown;
  validateGenesis?(json: unknown): void;
  beginBlock?(ctx: Context): Promise<void>;
  // biome-ignore lint/suspicious/noConfusingVoidType: most modules' endBlock is an async function returning nothing
  endBlock?(ctx: Context): Promise<void | EndBlockResult>;
  abci?: ModuleAbciHooks;
  /** registers this module's invariants (SDK HasInvariants.RegisterInvariants) */
  registerInvariants?(registry: InvariantRegistry): void;
}

interface RegisteredMsg {
  type: MsgType<unknown>;
  handler: MsgHandler<unknown>;
}

/** Msg router by type URL and query router by gRPC path. */
export class Router implements Configurator {
  private readonly msgs = new Map<string, RegisteredMsg>();
  private readonly queries = new Map<string, QueryHandler>();

  registerMsg<T>(type: MsgType<T>, handler: MsgHandler<T>): void {
    if (this.msgs.has(type.typeUrl)) throw new Error(`msg ${type.typeUrl} registered twice`);
    this.msgs.set(type.typeUrl, { type: type as MsgType<unknown>, handler: handler as MsgHandler<unknown> });
  }

  registerQuery(path: string, handler: QueryHandler): void {
    if (this.queries.has(path)) throw new Error(`query ${path} registered twice`);
    this.queries.set(path, handler);
  }

  msg(typeUrl: string): RegisteredMsg | undefined {
    return this.msgs.get(typeUrl);
  }

  query(path: string): QueryHandler | undefined {
    return this.queries.get(path);
  }

  queryPaths(): string[] {
    return [...this.queries.keys()].sort();
  }
}

/** "/cosmos.bank.v1beta1.MsgSend" -> "bank" (sdk.GetModuleNameFromTypeURL: the second dot-separated part). */
export function moduleNameFromTypeUrl(typeUrl: string): string {
  const parts = typeUrl.split(".");
  return parts.length > 1 ? parts[1] : "";
}

/** What an invariant check finds (SDK crisis: a message and whether it is broken). */
export interface InvariantResult {
  broken: boolean;
  message: string;
}

/** An invariant over the state a context reads; a module may return several results at once. */
export type Invariant = (ctx: Context) => Promise<InvariantResult | InvariantResult[]>;

/** Where modules register their invariants (SDK: sdk.InvariantRegistry / crisis). */
export interface InvariantRegistry {
  register(module: string, route: string, check: Invariant): void;
}
