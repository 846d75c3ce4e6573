// x/gov AppModule: services (v1 and the v1beta1 legacy ones), genesis, EndBlocker, the
// module-account invariant.
import type { Context } from "../../chain/baseapp/context.ts";
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import { endBlocker } from "./abci.ts";
import * as genesis from "./genesis.ts";
import { moduleAccountInvariant } from "./invariants.ts";
import type { GovKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerLegacyMsgServer, registerLegacyQueryServer } from "./legacy.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class GovModule extends KeeperModule<GovKeeper> {
  constructor(keeper: GovKeeper) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: 5, // the SDK v0.50 x/gov layout's version
        services: (cfg, k) => {
          registerMsgServer(cfg, k);
          registerQueryServer(cfg, k);
          registerLegacyMsgServer(cfg, k);
          registerLegacyQueryServer(cfg, k);
        },
        genesis,
        invariants: { "module-account": moduleAccountInvariant },
      },
      keeper,
    );
  }

  async endBlock(ctx: Context): Promise<void> {
    await endBlocker(ctx, this.keeper);
  }
}
