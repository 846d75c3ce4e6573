// Reputation AppModule: services, genesis and the probation step in EndBlock.
import type { Context } from "../../chain/baseapp/context.ts";
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import * as genesis from "./genesis.ts";
import { validatorStatsInvariant } from "./invariants.ts";
import type { ReputationKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class ReputationModule extends KeeperModule<ReputationKeeper> {
  constructor(keeper: ReputationKeeper, authority: string) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: 1, // first version of this DGrid module's layout
        services: (cfg, k) => {
          registerMsgServer(cfg, k, authority);
          registerQueryServer(cfg, k);
        },
        genesis,
        invariants: { "validator-stats": validatorStatsInvariant },
      },
      keeper,
    );
  }

  /**
   * Runs before the inference module's EndBlock (module order), so assignment sees recovered scores;
   * the score samples are taken after recovery (what assignment will weigh).
   */
  async endBlock(ctx: Context): Promise<void> {
    await this.keeper.recover(ctx);
    await this.keeper.sampleScores(ctx);
  }
}
