// x/feegrant AppModule: services and genesis; no block hooks (SDK v0.50 prunes expired grants
// through MsgPruneAllowances, not in EndBlock).
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import * as genesis from "./genesis.ts";
import type { FeegrantKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class FeegrantModule extends KeeperModule<FeegrantKeeper> {
  constructor(keeper: FeegrantKeeper) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: 2, // the SDK v0.50 x/feegrant layout's version
        services: (cfg, k) => {
          registerMsgServer(cfg, k);
          registerQueryServer(cfg, k);
        },
        genesis,
      },
      keeper,
    );
  }
}
