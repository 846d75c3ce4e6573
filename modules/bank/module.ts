// x/bank AppModule: services, genesis, the total-supply invariant; no block hooks.
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import * as genesis from "./genesis.ts";
import { totalSupplyInvariant } from "./invariants.ts";
import type { BankKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class BankModule extends KeeperModule<BankKeeper> {
  constructor(keeper: BankKeeper, authority: string) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: 4, // the SDK v0.50 x/bank layout's version
        services: (cfg, k) => {
          registerMsgServer(cfg, k, authority);
          registerQueryServer(cfg, k);
        },
        genesis,
        invariants: { "total-supply": totalSupplyInvariant },
      },
      keeper,
    );
  }
}
