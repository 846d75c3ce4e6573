// The plumbing every keeper-based module repeats (the SDK's AppModule boilerplate): its name and
// store, registering its services, its genesis functions called with its keeper, its invariants.
// A module extends KeeperModule with its definition and adds only what is its own (block hooks,
// ABCI++ hooks).
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "./context.ts";
import type { AppModule, Configurator, InvariantRegistry, InvariantResult } from "./module.ts";

/** A module's genesis.ts (SDK HasGenesis): `import * as genesis from "./genesis.ts"` has this shape. */
export interface KeeperGenesis<K> {
  defaultGenesis(): unknown;
  validateGenesis(json: unknown): void;
  /** staking returns the genesis validator set */
  // biome-ignore lint/suspicious/noConfusingVoidType: most modules' initGenesis is an async function returning nothing
  initGenesis(ctx: Context, keeper: K, json: unknown): Promise<void | ValidatorUpdate[]>;
  exportGenesis(ctx: Context, keeper: K): Promise<unknown>;
}

export interface KeeperModuleDefinition<K> {
  name: string;
  storeKey: string;
  /** SDK ConsensusVersion: the version of the module's state layout */
  consensusVersion?: number;
  /** registers the module's msg and query services (SDK RegisterServices) */
  services(cfg: Configurator, keeper: K): void;
  /** absent: the module keeps no genesis state (it exports `undefined`) */
  genesis?: KeeperGenesis<K>;
  /** invariant route -> check, registered under the module's name */
  invariants?: Record<string, (ctx: Context, keeper: K) => Promise<InvariantResult | InvariantResult[]>>;
}

export class KeeperModule<K> implements AppModule {
  readonly name: string;
  readonly storeKey: string;
  readonly consensusVersion?: number;

  constructor(
    private readonly definition: KeeperModuleDefinition<K>,
    readonly keeper: K,
  ) {
    this.name = definition.name;
    this.storeKey = definition.storeKey;
    this.consensusVersion = definition.consensusVersion;
  }

  registerServices(cfg: Configurator): void {
    this.definition.services(cfg, this.keeper);
  }

  // biome-ignore lint/suspicious/noConfusingVoidType: see KeeperGenesis.initGenesis
  async initGenesis(ctx: Context, json: unknown): Promise<void | ValidatorUpdate[]> {
    return this.definition.genesis?.initGenesis(ctx, this.keeper, json);
  }

  async exportGenesis(ctx: Context): Promise<unknown> {
    return this.definition.genesis?.exportGenesis(ctx, this.keeper);
  }

  defaultGenesis(): unknown {
    return this.definition.genesis?.defaultGenesis();
  }

  validateGenesis(json: unknown): void {
    this.definition.genesis?.validateGenesis(json);
  }

  registerInvariants(registry: InvariantRegistry): void {
    for (const [route, check] of Object.entries(this.definition.invariants ?? {})) {
      registry.register(this.name, route, (ctx) => check(ctx, this.keeper));
    }
  }
}
