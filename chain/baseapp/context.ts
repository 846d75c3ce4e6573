// The per-execution context handed to keepers, as Cosmos SDK types/context.go: block info, the
// (branched) multistore, a gas meter that every store access charges, and an event manager.
import "../types/binary-writer.ts";
import type { CommitInfo, Misbehavior } from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import type { GasMeter, KVStore, MultiStore } from "../store/types.ts";
import { EventManager } from "./events.ts";
import { GasKVStore } from "./store-deps.ts";

export type ExecMode = "check" | "recheck" | "simulate" | "finalize" | "genesis" | "query";

export interface BlockInfo {
  height: number;
  /** block time in milliseconds since the epoch (from the header; never the wall clock) */
  timeMs: number;
  chainId: string;
  proposerAddress?: Uint8Array;
  /** FinalizeBlock only: this block's hash (a deterministic seed known to every node) */
  hash?: Uint8Array;
  /** FinalizeBlock only: who signed the previous block (slashing's liveness tracking) */
  lastCommit?: CommitInfo;
  /** FinalizeBlock only: evidence of misbehavior committed in this block (slashing) */
  misbehavior?: Misbehavior[];
}

export class Context {
  readonly eventManager = new EventManager();

  constructor(
    readonly multiStore: MultiStore,
    readonly block: BlockInfo,
    readonly gasMeter: GasMeter,
    readonly mode: ExecMode,
    readonly logger: Logger,
    readonly txBytes: Uint8Array = new Uint8Array(),
    readonly minGasPrices = "",
  ) {}

  get height(): number {
    return this.block.height;
  }
  get chainId(): string {
    return this.block.chainId;
  }
  get timeMs(): number {
    return this.block.timeMs;
  }
  get isCheckTx(): boolean {
    return this.mode === "check" || this.mode === "recheck";
  }
  get isReCheckTx(): boolean {
    return this.mode === "recheck";
  }
  get isSimulate(): boolean {
    return this.mode === "simulate";
  }

  /** The module's store, gas-metered against this context's meter. */
  kvStore(storeKey: string): KVStore {
    return new GasKVStore(this.multiStore.getStore(storeKey), this.gasMeter);
  }

  /** Same block and mode on another store / meter (fresh event manager). */
  with(parts: { multiStore?: MultiStore; gasMeter?: GasMeter; txBytes?: Uint8Array }): Context {
    return new Context(
      parts.multiStore ?? this.multiStore,
      this.block,
      parts.gasMeter ?? this.gasMeter,
      this.mode,
      this.logger,
      parts.txBytes ?? this.txBytes,
      this.minGasPrices,
    );
  }
}
