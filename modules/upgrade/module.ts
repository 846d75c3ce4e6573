// x/upgrade AppModule: services and the PreBlocker that halts (or upgrades) at a plan's height.
import type { RequestFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "../../chain/baseapp/context.ts";
import type { AppModule, Configurator, ModuleAbciHooks } from "../../chain/baseapp/module.ts";
import { preBlocker } from "./abci.ts";
import type { UpgradeKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class UpgradeModule implements AppModule {
  readonly name = ModuleName;
  readonly storeKey = StoreKey;
  readonly abci: ModuleAbciHooks;

  constructor(readonly keeper: UpgradeKeeper) {
    this.abci = { preBlock: (ctx: Context, _req: RequestFinalizeBlock) => preBlocker(ctx, this.keeper) };
  }

  registerServices(cfg: Configurator): void {
    registerMsgServer(cfg, this.keeper);
    registerQueryServer(cfg, this.keeper);
  }

  async initGenesis(): Promise<void> {}

  async exportGenesis(): Promise<unknown> {
    return undefined;
  }

  defaultGenesis(): unknown {
    return undefined;
  }
}
