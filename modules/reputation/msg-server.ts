// Reputation Msg service: UpdateParams (authority: gov).
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import { ErrUnauthorized } from "../../chain/errors/errors.ts";
import { MsgUpdateParams, MsgUpdateParamsResponse } from "../../proto/gen/dgrid/reputation/v1/tx.ts";
import { ErrInvalidParams } from "./errors.ts";
import type { ReputationKeeper } from "./keeper.ts";
import { validateParams } from "./params.ts";

export const MsgUpdateParamsType: MsgType<MsgUpdateParams> = {
  typeUrl: "/dgrid.reputation.v1.MsgUpdateParams",
  decode: (b) => MsgUpdateParams.decode(b),
  encode: (m) => MsgUpdateParams.encode(m).finish(),
  signers: (m) => [m.authority],
};

export const reputationMsgCodecs = { [MsgUpdateParamsType.typeUrl]: MsgUpdateParams };

export function registerMsgServer(cfg: Configurator, k: ReputationKeeper, authority: string): void {
  cfg.registerMsg(MsgUpdateParamsType, async (ctx, msg) => {
    if (msg.authority !== authority)
      throw ErrUnauthorized.wrap(`invalid authority; expected ${authority}, got ${msg.authority}`);
    if (!msg.params) throw ErrInvalidParams.wrap("params are required");
    validateParams(msg.params);
    k.setParams(ctx, msg.params);
    return {
      typeUrl: "/dgrid.reputation.v1.MsgUpdateParamsResponse",
      value: MsgUpdateParamsResponse.encode({}).finish(),
    };
  });
}
