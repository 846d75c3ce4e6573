// x/consensus Msg service: MsgUpdateParams (authority = gov). Block, evidence and validator sections
// are required, abci optional; the result must pass CometBFT's ValidateBasic and ValidateUpdate.
import { MsgUpdateParams, MsgUpdateParamsResponse } from "cosmjs-types/cosmos/consensus/v1/tx";
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { ErrInvalidSigner } from "./errors.ts";
import * as ev from "./events.ts";
import type { ConsensusKeeper } from "./keeper.ts";
import { updateParams, validateParams, validateUpdate } from "./params.ts";

export const MsgUpdateParamsType: MsgType<MsgUpdateParams> = {
  typeUrl: MsgUpdateParams.typeUrl,
  decode: (b) => MsgUpdateParams.decode(b),
  encode: (m) => MsgUpdateParams.encode(m).finish(),
  signers: (m) => [m.authority],
};

/** MsgUpdateParams.ToProtoConsensusParams (version stays the default: it belongs to x/upgrade). */
function toProto(msg: MsgUpdateParams): Partial<ConsensusParams> {
  if (!msg.block || !msg.evidence || !msg.validator) throw ErrInvalidRequest.wrap("all parameters must be present");
  const out: Partial<ConsensusParams> = { block: msg.block, evidence: msg.evidence, validator: msg.validator };
  if (msg.abci) out.abci = { voteExtensionsEnableHeight: msg.abci.voteExtensionsEnableHeight };
  return out;
}

export function registerMsgServer(cfg: Configurator, k: ConsensusKeeper): void {
  cfg.registerMsg(MsgUpdateParamsType, async (ctx, msg) => {
    if (msg.authority !== k.authority)
      throw ErrInvalidSigner.wrap(`invalid authority; expected ${k.authority}, got ${msg.authority}`);
    const update = toProto(msg);
    const current = await k.getParams(ctx);
    const next = updateParams(current, update);
    validateParams(next);
    validateUpdate(current, update, BigInt(ctx.height));
    k.setParamsUpdated(ctx, next);
    ctx.eventManager.emit(ev.updateParams(msg.authority, next));
    return { typeUrl: MsgUpdateParamsResponse.typeUrl, value: MsgUpdateParamsResponse.encode({}).finish() };
  });
}
