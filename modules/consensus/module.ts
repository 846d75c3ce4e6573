// x/consensus AppModule: services; EndBlock hands a governance update of the params to consensus.
import type { Context } from "../../chain/baseapp/context.ts";
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import type { EndBlockResult } from "../../chain/baseapp/module.ts";
import type { ConsensusKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class ConsensusModule extends KeeperModule<ConsensusKeeper> {
  constructor(keeper: ConsensusKeeper) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: 1, // the SDK v0.50 x/consensus layout's version
        services: (cfg, k) => {
          registerMsgServer(cfg, k);
          registerQueryServer(cfg, k);
        },
      },
      keeper,
    );
  }

  async endBlock(ctx: Context): Promise<EndBlockResult> {
    const params = await this.keeper.takePendingUpdate(ctx);
    return params ? { consensusParamUpdates: params } : {};
  }
}
