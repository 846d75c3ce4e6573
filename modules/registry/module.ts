// Registry AppModule: services and genesis; no block hooks.
import type { Context } from "../../chain/baseapp/context.ts";
import type { AppModule, Configurator } from "../../chain/baseapp/module.ts";
import { defaultGenesis, exportGenesis, initGenesis, validateGenesis } from "./genesis.ts";
import type { RegistryKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class RegistryModule implements AppModule {
  readonly name = ModuleName;
  readonly storeKey = StoreKey;

  constructor(
    readonly keeper: RegistryKeeper,
    private readonly authority: string,
  ) {}

  registerServices(cfg: Configurator): void {
    registerMsgServer(cfg, this.keeper, this.authority);
    registerQueryServer(cfg, this.keeper);
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
}
