// x/auth Msg service: MsgUpdateParams (authority = the governance module account).
import { MsgUpdateParams, MsgUpdateParamsResponse } from "cosmjs-types/cosmos/auth/v1beta1/tx";
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import { ErrGovInvalidSigner, ErrInvalidRequest } from "../../chain/errors/errors.ts";
import type { AccountKeeper } from "./keeper.ts";
import { validateParams } from "./params.ts";

export const MsgUpdateParamsType: MsgType<MsgUpdateParams> = {
  typeUrl: MsgUpdateParams.typeUrl,
  decode: (b) => MsgUpdateParams.decode(b),
  signers: (m) => [m.authority],
};

export function registerMsgServer(cfg: Configurator, keeper: AccountKeeper, authority: string): void {
  cfg.registerMsg(MsgUpdateParamsType, async (ctx, msg) => {
    if (msg.authority !== authority)
      throw ErrGovInvalidSigner.wrap(`invalid authority; expected ${authority}, got ${msg.authority}`);
    if (!msg.params) throw ErrInvalidRequest.wrap("params cannot be empty");
    validateParams(msg.params);
    keeper.setParams(ctx, msg.params);
    return { typeUrl: MsgUpdateParamsResponse.typeUrl, value: MsgUpdateParamsResponse.encode({}).finish() };
  });
}
