// x/slashing AppModule: services, genesis, and BeginBlock (liveness over the last commit, then
// equivocation evidence, as the SDK's slashing and evidence BeginBlockers). Its BeginBlock runs before
// staking's EndBlock (the app runs every BeginBlock before the txs and every EndBlock after them).
import type { Context } from "../../chain/baseapp/context.ts";
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import * as genesis from "./genesis.ts";
import type { SlashingKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class SlashingModule extends KeeperModule<SlashingKeeper> {
  constructor(keeper: SlashingKeeper, authority: string) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: 4, // the SDK v0.50 x/slashing layout's version
        services: (cfg, k) => {
          registerMsgServer(cfg, k, authority);
          registerQueryServer(cfg, k);
        },
        genesis,
      },
      keeper,
    );
  }

  beginBlock(ctx: Context): Promise<void> {
    return this.keeper.beginBlocker(ctx);
  }
}
