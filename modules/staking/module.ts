// x/staking AppModule: services, genesis (returns the genesis validator set), EndBlock validator
// updates (SDK: staking's EndBlocker is the only source of CometBFT validator-set changes).
import type { Context } from "../../chain/baseapp/context.ts";
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import type { EndBlockResult } from "../../chain/baseapp/module.ts";
import * as genesis from "./genesis.ts";
import { stakingInvariants } from "./invariants.ts";
import type { StakingKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class StakingModule extends KeeperModule<StakingKeeper> {
  constructor(keeper: StakingKeeper, authority: string) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: 5, // the SDK v0.50 x/staking layout's version
        services: (cfg, k) => {
          registerMsgServer(cfg, k, authority);
          registerQueryServer(cfg, k);
        },
        genesis,
        invariants: { "module-accounts-and-shares": stakingInvariants },
      },
      keeper,
    );
  }

  async endBlock(ctx: Context): Promise<EndBlockResult> {
    return { validatorUpdates: await this.keeper.endBlocker(ctx) };
  }
}
