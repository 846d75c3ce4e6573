// Inference Msg service: RequestInference, UpdateParams.
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import { ErrUnauthorized } from "../../chain/errors/errors.ts";
import {
  MsgRequestInference,
  MsgRequestInferenceResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
} from "../../proto/gen/dgrid/inference/v1/tx.ts";
import { ErrInvalidParams } from "./errors.ts";
import type { InferenceKeeper } from "./keeper.ts";
import { validateParams } from "./params.ts";

const PKG = "/dgrid.inference.v1.";

export const MsgRequestInferenceType: MsgType<MsgRequestInference> = {
  typeUrl: `${PKG}MsgRequestInference`,
  decode: (b) => MsgRequestInference.decode(b),
  encode: (m) => MsgRequestInference.encode(m).finish(),
  signers: (m) => [m.requester],
};

export const MsgUpdateParamsType: MsgType<MsgUpdateParams> = {
  typeUrl: `${PKG}MsgUpdateParams`,
  decode: (b) => MsgUpdateParams.decode(b),
  encode: (m) => MsgUpdateParams.encode(m).finish(),
  signers: (m) => [m.authority],
};

/** Type URL -> ts-proto codec, for a CosmJS Registry (client side). */
export const inferenceMsgCodecs = {
  [MsgRequestInferenceType.typeUrl]: MsgRequestInference,
  [MsgUpdateParamsType.typeUrl]: MsgUpdateParams,
};

export function registerMsgServer(cfg: Configurator, k: InferenceKeeper, authority: string): void {
  cfg.registerMsg(MsgRequestInferenceType, async (ctx, msg) => {
    const requestId = await k.createRequest(ctx, msg);
    return {
      typeUrl: `${PKG}MsgRequestInferenceResponse`,
      value: MsgRequestInferenceResponse.encode({ requestId }).finish(),
    };
  });

  cfg.registerMsg(MsgUpdateParamsType, async (ctx, msg) => {
    if (msg.authority !== authority)
      throw ErrUnauthorized.wrap(`invalid authority; expected ${authority}, got ${msg.authority}`);
    if (!msg.params) throw ErrInvalidParams.wrap("params are required");
    validateParams(msg.params);
    k.setParams(ctx, msg.params);
    return { typeUrl: `${PKG}MsgUpdateParamsResponse`, value: MsgUpdateParamsResponse.encode({}).finish() };
  });
}
