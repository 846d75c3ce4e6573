// x/consensus AppModule: services; EndBlock hands a governance update of the params to consensus.
import type { Context } from "../../chain/baseapp/context.ts";
import type { AppModule, Configurator, EndBlockResult } from "../../chain/baseapp/module.ts";
import type { ConsensusKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";

export class ConsensusModule implements AppModule {
  readonly name = ModuleName;
  readonly storeKey = StoreKey;

  constructor(readonly keeper: ConsensusKeeper) {}

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

  async endBlock(ctx: Context): Promise<EndBlockResult> {
    const params = await this.keeper.takePendingUpdate(ctx);
    return params ? { consensusParamUpdates: params } : {};
  }
}
