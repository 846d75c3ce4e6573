// ConsensusKeeper: the chain's consensus params as the app last told consensus (InitChain's params,
// then every governance update), as SDK v0.50 x/consensus.
import { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { Context } from "../../chain/baseapp/context.ts";
import { ParamsKey, PendingUpdateKey, StoreKey } from "./keys.ts";
import { defaultConsensusParams } from "./params.ts";

export class ConsensusKeeper {
  readonly storeKey = StoreKey;

  constructor(readonly authority: string) {}

  /** The stored params (undefined before InitChain stored any). */
  async getStoredParams(ctx: Context): Promise<ConsensusParams | undefined> {
    const b = await ctx.kvStore(StoreKey).get(ParamsKey);
    return b ? ConsensusParams.decode(b) : undefined;
  }

  /** The current params; CometBFT's defaults when none were stored. */
  async getParams(ctx: Context): Promise<ConsensusParams> {
    return (await this.getStoredParams(ctx)) ?? defaultConsensusParams();
  }

  /** Stores params without telling consensus (InitChain: consensus already has them). */
  setParams(ctx: Context, p: ConsensusParams): void {
    ctx.kvStore(StoreKey).set(ParamsKey, ConsensusParams.encode(p).finish());
  }

  /** Stores params and marks them for the next EndBlock's consensus_param_updates. */
  setParamsUpdated(ctx: Context, p: ConsensusParams): void {
    this.setParams(ctx, p);
    ctx.kvStore(StoreKey).set(PendingUpdateKey, new Uint8Array([1]));
  }

  /**
   * The params to hand to consensus in this block's EndBlock, if an update is pending (cleared
   * here). With x/consensus after x/gov in the EndBlock order, a proposal's update goes out in the
   * block that executed it; otherwise in the next one.
   */
  async takePendingUpdate(ctx: Context): Promise<ConsensusParams | undefined> {
    const store = ctx.kvStore(StoreKey);
    if (!(await store.get(PendingUpdateKey))) return undefined;
    store.delete(PendingUpdateKey);
    return this.getParams(ctx);
  }
}
