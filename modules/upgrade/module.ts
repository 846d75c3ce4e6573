// x/upgrade AppModule: services and the PreBlocker that halts (or upgrades) at a plan's height.
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import type { ModuleAbciHooks } from "../../chain/baseapp/module.ts";
import { preBlocker } from "./abci.ts";
import type { UpgradeKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class UpgradeModule extends KeeperModule<UpgradeKeeper> {
  readonly abci: ModuleAbciHooks = { preBlock: (ctx) => preBlocker(ctx, this.keeper) };

  constructor(keeper: UpgradeKeeper) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: 3, // the SDK v0.50 x/upgrade layout's version
        services: (cfg, k) => {
          registerMsgServer(cfg, k);
          registerQueryServer(cfg, k);
        },
      },
      keeper,
    );
  }
}
