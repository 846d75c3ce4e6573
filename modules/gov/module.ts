// x/gov AppModule: services, genesis, EndBlocker.
import type { Context } from "../../chain/baseapp/context.ts";
import type { AppModule, Configurator, InvariantRegistry } from "../../chain/baseapp/module.ts";
import { endBlocker } from "./abci.ts";
import { defaultGenesis, exportGenesis, initGenesis, validateGenesis } from "./genesis.ts";
import { moduleAccountInvariant } from "./invariants.ts";
import type { GovKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerLegacyMsgServer, registerLegacyQueryServer } from "./legacy.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class GovModule implements AppModule {
  readonly name = ModuleName;
  readonly storeKey = StoreKey;

  constructor(readonly keeper: GovKeeper) {}

  registerServices(cfg: Configurator): void {
    registerMsgServer(cfg, this.keeper);
    registerQueryServer(cfg, this.keeper);
    registerLegacyMsgServer(cfg, this.keeper);
    registerLegacyQueryServer(cfg, this.keeper);
  }

  initGenesis(ctx: Context, json: unknown): Promise<void> {
    return initGenesis(ctx, this.keeper, json);
  }

  exportGenesis(ctx: Context): Promise<unknown> {
    return exportGenesis(ctx, this.keeper);
  }

  defaultGenesis(): unknown {
    return defaultGenesis();
  }

  validateGenesis(json: unknown): void {
    validateGenesis(json);
  }

  async endBlock(ctx: Context): Promise<void> {
    await endBlocker(ctx, this.keeper);
  }

  registerInvariants(registry: InvariantRegistry): void {
    registry.register(ModuleName, "module-account", (ctx) => moduleAccountInvariant(ctx, this.keeper));
  }
}
