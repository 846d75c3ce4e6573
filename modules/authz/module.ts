// x/authz AppModule: services, genesis, and the BeginBlock that prunes expired grants.
import type { Context } from "../../chain/baseapp/context.ts";
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import * as genesis from "./genesis.ts";
import type { AuthzKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class AuthzModule extends KeeperModule<AuthzKeeper> {
  constructor(keeper: AuthzKeeper) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: 2, // the SDK v0.50 x/authz layout's version
        services: (cfg, k) => {
          registerMsgServer(cfg, k);
          registerQueryServer(cfg, k);
        },
        genesis,
      },
      keeper,
    );
  }

  async beginBlock(ctx: Context): Promise<void> {
    await this.keeper.dequeueAndDeleteExpiredGrants(ctx);
  }
}
