// ConsensusKeeper: the chain's consensus params as the app last told consensus (InitChain's params,
// then every governance update), as SDK v0.50 x/consensus.
import { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { Context } from "../../chain/app/context.ts";
import { ParamsKey, StoreKey, UpdatedAtKey } from "./keys.ts";
import { defaultConsensusParams } from "./params.ts";

function u64be(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

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

  /** Stores params and marks them for this block's FinalizeBlock consensus_param_updates. */
  setParamsUpdated(ctx: Context, p: ConsensusParams): void {
    this.setParams(ctx, p);
    ctx.kvStore(StoreKey).set(UpdatedAtKey, u64be(BigInt(ctx.height)));
  }

  /** The params to return from this block's EndBlock, if they changed in this block. */
  async updatesForBlock(ctx: Context): Promise<ConsensusParams | undefined> {
    const b = await ctx.kvStore(StoreKey).get(UpdatedAtKey);
    if (!b) return undefined;
    const h = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
    return h === BigInt(ctx.height) ? this.getParams(ctx) : undefined;
  }
}
