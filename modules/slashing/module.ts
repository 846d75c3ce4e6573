// x/slashing AppModule: services, genesis, and BeginBlock (liveness over the last commit, then
// equivocation evidence, as the SDK's slashing and evidence BeginBlockers). Its BeginBlock runs before
// staking's EndBlock (the app runs every BeginBlock before the txs and every EndBlock after them).
import type { Context } from "../../chain/baseapp/context.ts";
import type { AppModule, Configurator } from "../../chain/baseapp/module.ts";
import { defaultGenesis, exportGenesis, initGenesis, validateGenesis } from "./genesis.ts";
import type { SlashingKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class SlashingModule implements AppModule {
  readonly name = ModuleName;
  readonly storeKey = StoreKey;

  constructor(
    readonly keeper: SlashingKeeper,
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

  beginBlock(ctx: Context): Promise<void> {
    return this.keeper.beginBlocker(ctx);
  }
}
