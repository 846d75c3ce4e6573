// x/staking AppModule: services, genesis (returns the genesis validator set), EndBlock validator
// updates (SDK: staking's EndBlocker is the only source of CometBFT validator-set changes).
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "../../chain/baseapp/context.ts";
import type { AppModule, Configurator, EndBlockResult, InvariantRegistry } from "../../chain/baseapp/module.ts";
import { defaultGenesis, exportGenesis, initGenesis, validateGenesis } from "./genesis.ts";
import { stakingInvariants } from "./invariants.ts";
import type { StakingKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class StakingModule implements AppModule {
  readonly name = ModuleName;
  readonly storeKey = StoreKey;

  constructor(
    readonly keeper: StakingKeeper,
    private readonly authority: string,
  ) {}

  registerServices(cfg: Configurator): void {
    registerMsgServer(cfg, this.keeper, this.authority);
    registerQueryServer(cfg, this.keeper);
  }

  initGenesis(ctx: Context, json: unknown): Promise<ValidatorUpdate[]> {
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

  async endBlock(ctx: Context): Promise<EndBlockResult> {
    return { validatorUpdates: await this.keeper.endBlocker(ctx) };
  }

  registerInvariants(registry: InvariantRegistry): void {
    registry.register(ModuleName, "module-accounts-and-shares", (ctx) => stakingInvariants(ctx, this.keeper));
  }
}
