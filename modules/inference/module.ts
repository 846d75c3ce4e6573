// Inference AppModule: services, genesis, EndBlock (assignment, deadlines) and the ABCI++ hooks of
// the commit/reveal protocol (extendVote / verifyVoteExtension / prepareProposal / processProposal /
// preBlock). See README.md.

import type { CommitInfo } from "cosmjs-types/tendermint/abci/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import type { Context } from "../../chain/baseapp/context.ts";
import { KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import type { ModuleAbciHooks } from "../../chain/baseapp/module.ts";
import { encodeMessage } from "../../chain/types/proto-encode.ts";
import { VoteExtension } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import type { InferenceDutiesI } from "./expected-keepers.ts";
import * as genesis from "./genesis.ts";
import { escrowInvariant, indexInvariant } from "./invariants.ts";
import type { InferenceKeeper } from "./keeper.ts";
import { ModuleName, StoreKey } from "./keys.ts";
import { registerMsgServer } from "./msg-server.ts";
import { registerQueryServer } from "./query-server.ts";
import {
  checkVoteExtension,
  decodeInjected,
  encodeInjected,
  isInjected,
  validateExtendedCommit,
} from "./vote-extensions.ts";

export interface InferenceModuleKeepers {
  keeper: InferenceKeeper;
  /** bech32 address of the gov module account (MsgUpdateParams authority) */
  authority: string;
}

export interface InferenceModuleOptions {
  /** this node's validator duties; absent on a non-validator node (extendVote then sends nothing) */
  duties?: InferenceDutiesI;
}

export class InferenceModule extends KeeperModule<InferenceKeeper> {
  readonly abci: ModuleAbciHooks;
  private readonly duties?: InferenceDutiesI;

  constructor(keepers: InferenceModuleKeepers, options: InferenceModuleOptions = {}) {
    super(
      {
        name: ModuleName,
        storeKey: StoreKey,
        consensusVersion: 1, // first version of this DGrid module's layout
        services: (cfg, k) => {
          registerMsgServer(cfg, k, keepers.authority);
          registerQueryServer(cfg, k);
        },
        genesis,
        invariants: {
          escrow: (ctx, k) => escrowInvariant(ctx, k, k.deps.bankKeeper),
          indexes: (ctx, k) => indexInvariant(ctx, k),
        },
      },
      keepers.keeper,
    );
    this.duties = options.duties;
    this.abci = {
      extendVote: (ctx, req) => this.extendVote(ctx, req.txs),
      verifyVoteExtension: async (ctx, req) => this.verifyVoteExtension(ctx, req.voteExtension),
      prepareProposal: async (_ctx, req) => {
        const info = req.localLastCommit;
        if (!this.keeper.deps.stakingKeeper || !info) return [];
        if (!info.votes.some((v) => v.voteExtension.length > 0)) return [];
        return [encodeInjected(info)];
      },
      isInjectedTx: (tx) => isInjected(tx),
      processProposal: (ctx, req) => this.processProposal(ctx, req.txs, req.height, req.proposedLastCommit),
      preBlock: (ctx, req) => this.preBlock(ctx, req.txs),
    };
  }

  async endBlock(ctx: Context): Promise<void> {
    const mine = await this.keeper.assignNew(ctx, this.duties?.consAddress);
    await this.keeper.processDeadlines(ctx);
    if (this.duties && mine.length > 0 && ctx.mode === "finalize") {
      try {
        this.duties.onAssigned(mine);
      } catch (e) {
        ctx.logger.error({ err: e, module: ModuleName }, "duties.onAssigned failed");
      }
    }
  }

  // ---- ABCI++ ----

  /**
   * This validator's extension for the block it precommits. The commitments in the block's own
   * injected commit are applied first, on the context's throwaway branch: the extension is only
   * used if that block is decided, so a commit phase that block closes is already closed, and
   * reveals go out one height earlier (never before every commitment is fixed).
   */
  private async extendVote(ctx: Context, txs: Uint8Array[]): Promise<Uint8Array> {
    if (!this.duties) return new Uint8Array();
    if (txs.length > 0 && isInjected(txs[0])) {
      try {
        await this.preBlock(ctx, txs, true);
      } catch (e) {
        ctx.logger.warn({ err: e, module: ModuleName }, "could not apply the proposed block's extensions");
      }
    }
    const pending = await this.keeper.dutiesOf(ctx, this.duties.consAddress);
    if (pending.length === 0) return new Uint8Array();
    const max = (await this.keeper.getParams(ctx)).maxVoteExtensionBytes;
    const ve = await this.duties.extension(pending, Number(max));
    if (ve.commitments.length === 0 && ve.reveals.length === 0) return new Uint8Array();
    let bytes = encodeMessage(VoteExtension, ve);
    // over the limit: drop reveals from the end (they are sent again next height)
    while (BigInt(bytes.length) > max && ve.reveals.length > 0) {
      ve.reveals.pop();
      bytes = encodeMessage(VoteExtension, ve);
    }
    return BigInt(bytes.length) > max ? new Uint8Array() : bytes;
  }

  private async verifyVoteExtension(ctx: Context, ext: Uint8Array): Promise<boolean> {
    if (ext.length === 0) return true;
    try {
      checkVoteExtension(ext, (await this.keeper.getParams(ctx)).maxVoteExtensionBytes);
      return true;
    } catch {
      return false;
    }
  }

  private async processProposal(
    ctx: Context,
    txs: Uint8Array[],
    height: bigint,
    lastCommit: CommitInfo | undefined,
  ): Promise<boolean> {
    for (let i = 1; i < txs.length; i++) if (isInjected(txs[i])) return false;
    if (txs.length === 0 || !isInjected(txs[0])) return true;
    const staking = this.keeper.deps.stakingKeeper;
    if (!staking) return false;
    try {
      await validateExtendedCommit(ctx, staking, ctx.chainId, height, decodeInjected(txs[0]), lastCommit);
      return true;
    } catch (e) {
      ctx.logger.warn({ err: e, module: ModuleName, height: Number(height) }, "injected extended commit rejected");
      return false;
    }
  }

  private async preBlock(ctx: Context, txs: Uint8Array[], commitmentsOnly = false): Promise<void> {
    if (txs.length === 0 || !isInjected(txs[0])) return;
    let info: ReturnType<typeof decodeInjected>;
    try {
      info = decodeInjected(txs[0]);
    } catch {
      return;
    }
    const max = (await this.keeper.getParams(ctx)).maxVoteExtensionBytes;
    const exts = [];
    for (const v of info.votes) {
      if (v.blockIdFlag !== BlockIDFlag.BLOCK_ID_FLAG_COMMIT || v.voteExtension.length === 0 || !v.validator) continue;
      try {
        exts.push({ consAddress: v.validator.address, ext: checkVoteExtension(v.voteExtension, max) });
      } catch {
        // an extension that honest validators would have rejected carries nothing
      }
    }
    if (exts.length > 0) await this.keeper.applyExtensions(ctx, exts, commitmentsOnly);
  }
}
