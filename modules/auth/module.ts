// x/auth AppModule: services and genesis. The ante handler (ante.ts) is wired by the app.
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import * as genesis from "./genesis.ts";
import type { AccountKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class AuthModule extends KeeperModule<AccountKeeper> {
  constructor(keeper: AccountKeeper, authority: string) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: 5, // the SDK v0.50 x/auth layout's version
        services: (cfg, k) => {
          registerMsgServer(cfg, k, authority);
          registerQueryServer(cfg, k);
        },
        genesis,
      },
      keeper,
    );
  }
}
