// Registry AppModule: services, genesis, the index invariant and the state migrations; no block hooks.
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import * as genesis from "./genesis.ts";
import { indexesInvariant } from "./invariants.ts";
import type { RegistryKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registryMigrations } from "./migrations.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

/** 2: model cards, stats and the discovery indexes (migrations.ts builds them from a v1 state). */
export const RegistryConsensusVersion = 2;

export class RegistryModule extends KeeperModule<RegistryKeeper> {
  /** from consensus version -> migration to the next (an upgrade handler runs them; migrations.ts) */
  readonly migrations = registryMigrations;

  constructor(keeper: RegistryKeeper, authority: string) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: RegistryConsensusVersion,
        services: (cfg, k) => {
          registerMsgServer(cfg, k, authority);
          registerQueryServer(cfg, k);
        },
        genesis,
        invariants: { indexes: indexesInvariant },
      },
      keeper,
    );
  }
}
