// x/genutil AppModule: no store, no services; InitGenesis delivers the gentxs through the app's
// normal tx path (ante + msg router, as DeliverTx) and returns the staking validator set.
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "../../chain/baseapp/context.ts";
import type { AppModule, Configurator } from "../../chain/baseapp/module.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import type { StakingKeeperI } from "./expected-keepers.ts";
import { defaultGenesis, parseGenesis, validateGenesis } from "./genesis.ts";
import { txFromJson } from "./tx-json.ts";

export const ModuleName = "genutil";

export interface GenutilDeps {
  /** runs one tx in finalize semantics on ctx's state (the app's runTx at genesis) */
  deliverTx(ctx: Context, tx: Uint8Array): Promise<{ code: number; log: string }>;
  stakingKeeper: StakingKeeperI;
}

export class GenutilModule implements AppModule {
  readonly name = ModuleName;
  /** genutil has no store ("" is not mounted by the app) */
  readonly storeKey = "";
  readonly consensusVersion = 1; // as the SDK v0.50 genutil module

  constructor(private readonly deps: GenutilDeps) {}

  registerServices(_cfg: Configurator): void {}

  async initGenesis(ctx: Context, json: unknown): Promise<ValidatorUpdate[]> {
    validateGenesis(json);
    const g = parseGenesis(json);
    if (g.gen_txs.length === 0) return [];
    for (const tx of g.gen_txs) {
      const bytes = TxRaw.encode(txFromJson(tx)).finish();
      const res = await this.deps.deliverTx(ctx, bytes);
      if (res.code !== 0) {
        throw ErrInvalidRequest.wrap(`failed to execute DeliverTx for '${JSON.stringify(tx)}' ${res.log}`);
      }
    }
    return this.deps.stakingKeeper.applyAndReturnValidatorSetUpdates(ctx);
  }

  async exportGenesis(_ctx: Context): Promise<unknown> {
    return defaultGenesis();
  }

  defaultGenesis(): unknown {
    return defaultGenesis();
  }

  validateGenesis(json: unknown): void {
    validateGenesis(json);
  }
}
