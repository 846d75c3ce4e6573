// x/upgrade Msg service: MsgSoftwareUpgrade, MsgCancelUpgrade (authority = gov account).
import {
  MsgCancelUpgrade,
  MsgCancelUpgradeResponse,
  MsgSoftwareUpgrade,
  MsgSoftwareUpgradeResponse,
} from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import { CodedError, ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { ErrInvalidSigner } from "./errors.ts";
import { type UpgradeKeeper, validatePlan } from "./keeper.ts";

export const MsgSoftwareUpgradeType: MsgType<MsgSoftwareUpgrade> = {
  typeUrl: MsgSoftwareUpgrade.typeUrl,
  decode: (b) => MsgSoftwareUpgrade.decode(b),
  encode: (m) => MsgSoftwareUpgrade.encode(m).finish(),
  signers: (m) => [m.authority],
};

export const MsgCancelUpgradeType: MsgType<MsgCancelUpgrade> = {
  typeUrl: MsgCancelUpgrade.typeUrl,
  decode: (b) => MsgCancelUpgrade.decode(b),
  encode: (m) => MsgCancelUpgrade.encode(m).finish(),
  signers: (m) => [m.authority],
};

export function registerMsgServer(cfg: Configurator, k: UpgradeKeeper): void {
  cfg.registerMsg(MsgSoftwareUpgradeType, async (ctx, msg) => {
    if (msg.authority !== k.authority) throw ErrInvalidSigner.wrap(`expected ${k.authority} got ${msg.authority}`);
    try {
      validatePlan(msg.plan);
    } catch (e) {
      if (e instanceof CodedError) throw new CodedError(e.registered, `plan: ${e.message}`);
      throw ErrInvalidRequest.wrap(`plan: ${String(e)}`);
    }
    await k.scheduleUpgrade(ctx, msg.plan);
    return { typeUrl: MsgSoftwareUpgradeResponse.typeUrl, value: MsgSoftwareUpgradeResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgCancelUpgradeType, async (ctx, msg) => {
    if (msg.authority !== k.authority) throw ErrInvalidSigner.wrap(`expected ${k.authority} got ${msg.authority}`);
    k.clearUpgradePlan(ctx);
    return { typeUrl: MsgCancelUpgradeResponse.typeUrl, value: MsgCancelUpgradeResponse.encode({}).finish() };
  });
}
