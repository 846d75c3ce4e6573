// The inference module's ante decorator (as SDK modules add their own decorators after auth's, e.g.
// IBC's redundant-relay one): CheckTx (and ReCheckTx) runs every check of a MsgRequestInference that
// writes nothing (InferenceKeeper.checkRequest: model registered and listed, input names, dtypes,
// ranks and fixed dimensions of the model's spec, the size limits, redundancy, max fee, and at least
// one eligible executor), so a request the block would refuse never enters the mempool; a mempool
// tx whose model was delisted or lost its executors is evicted on recheck. In a block the message
// handler runs the same checks.
//
// The reads are not charged to the tx: CheckTx runs them in addition to the handler's (which charges
// them in the block), and a gas estimate from /Simulate must stay enough for CheckTx.
import type { AnteHandler } from "../../chain/baseapp/ante-handler.ts";
import { InfiniteGasMeter } from "../../chain/baseapp/store-deps.ts";
import type { MsgRequestInference } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import type { InferenceKeeper } from "./keeper.ts";
import { MsgRequestInferenceType } from "./msg-server.ts";

export function requestCheckDecorator(keeper: InferenceKeeper): AnteHandler {
  return async (ctx, tx) => {
    if (!ctx.isCheckTx) return;
    const free = ctx.with({ gasMeter: new InfiniteGasMeter() });
    for (const m of tx.msgs) {
      if (m.typeUrl === MsgRequestInferenceType.typeUrl) await keeper.checkRequest(free, m.msg as MsgRequestInference);
    }
  };
}
