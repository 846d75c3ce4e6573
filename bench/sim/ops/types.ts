// What an operation is (SDK simtypes.WeightedOperation): a name, a weight, and a planner that looks at
// the latest committed state and proposes one tx, meant to succeed or (for its invalid variants) to be
// refused. The runner signs it, puts it in the block, and counts the outcome per operation.
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { DGridApp } from "../../../app/app.ts";
import type { Context } from "../../../chain/baseapp/context.ts";
import type { SimAccount } from "../accounts.ts";
import type { SimChain } from "../chain.ts";
import type { Rng } from "../rng.ts";
import type { StateView } from "./view.ts";

export interface OpEnv {
  rng: Rng;
  /** the latest committed state of the primary node */
  ctx: Context;
  /** lists of that state, read once per block */
  view: StateView;
  app: DGridApp;
  chain: SimChain;
  accounts: readonly SimAccount[];
  byAddress: ReadonlyMap<string, SimAccount>;
  /** the simulation's accounts by operator address */
  byValoper: ReadonlyMap<string, SimAccount>;
  /** accounts that already sign a tx in this block (one tx per signer per block keeps sequences simple) */
  used: Set<string>;
  /** a random account that exists on chain and signs nothing else in this block */
  freeAccount(): Promise<SimAccount | undefined>;
  /** a fresh random account (not on chain yet), remembered by the simulation */
  newAccount(): SimAccount;
}

export interface PlannedTx {
  signer: SimAccount;
  msgs: Any[];
  /** fee.granter (feegrant) */
  granter?: string;
  /** the planner built an invalid message on purpose */
  invalid?: boolean;
}

export interface Operation {
  /** `module/name`, as the report prints it */
  name: string;
  weight: number;
  plan(env: OpEnv): Promise<PlannedTx | undefined>;
}

export const udgrid = (amount: bigint) => [{ denom: "udgrid", amount: amount.toString() }];
