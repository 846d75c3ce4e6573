// What the registry module needs of other modules (Cosmos SDK x/*/types/expected_keepers.go).
import type { Context } from "../../chain/baseapp/context.ts";

/** modules/staking keeper: only whether a validator exists. */
export interface StakingKeeperI {
  validator(ctx: Context, operatorBech32: string): Promise<unknown | undefined>;
}
