// x/feegrant Msg service (SDK v0.50 x/feegrant/keeper/msg_server.go): MsgGrantAllowance,
// MsgRevokeAllowance, MsgPruneAllowances. Their amino JSON is the client's (client/amino-feegrant.ts),
// which the app hands the ante.
import {
  MsgGrantAllowance,
  MsgGrantAllowanceResponse,
  MsgPruneAllowances,
  MsgPruneAllowancesResponse,
  MsgRevokeAllowance,
  MsgRevokeAllowanceResponse,
} from "cosmjs-types/cosmos/feegrant/v1beta1/tx";
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import { ErrInvalidAddress, ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { checkAddress } from "../../chain/types/address.ts";
import { decodeAllowance, validateAllowance } from "./allowance.ts";
import { pruneEvent } from "./events.ts";
import type { FeegrantKeeper } from "./keeper.ts";

/** grants pruned per MsgPruneAllowances (the SDK's fixed 75) */
export const PRUNE_LIMIT = 75;

export const MsgGrantAllowanceType: MsgType<MsgGrantAllowance> = {
  typeUrl: MsgGrantAllowance.typeUrl,
  decode: (b) => MsgGrantAllowance.decode(b),
  encode: (m) => MsgGrantAllowance.encode(m).finish(),
  signers: (m) => [m.granter],
};

export const MsgRevokeAllowanceType: MsgType<MsgRevokeAllowance> = {
  typeUrl: MsgRevokeAllowance.typeUrl,
  decode: (b) => MsgRevokeAllowance.decode(b),
  encode: (m) => MsgRevokeAllowance.encode(m).finish(),
  signers: (m) => [m.granter],
};

export const MsgPruneAllowancesType: MsgType<MsgPruneAllowances> = {
  typeUrl: MsgPruneAllowances.typeUrl,
  decode: (b) => MsgPruneAllowances.decode(b),
  encode: (m) => MsgPruneAllowances.encode(m).finish(),
  signers: (m) => [m.pruner],
};

export function registerMsgServer(cfg: Configurator, keeper: FeegrantKeeper): void {
  cfg.registerMsg(MsgGrantAllowanceType, async (ctx, msg) => {
    if (msg.grantee.toLowerCase() === msg.granter.toLowerCase())
      throw ErrInvalidAddress.wrap("cannot self-grant fee authorization");
    checkAddress(msg.grantee, "grantee");
    checkAddress(msg.granter, "granter");
    if (await keeper.getGrant(ctx, msg.granter, msg.grantee))
      throw ErrInvalidRequest.wrap("fee allowance already exists");
    const allowance = decodeAllowance(msg.allowance);
    validateAllowance(allowance);
    await keeper.grantAllowance(ctx, msg.granter, msg.grantee, allowance);
    return { typeUrl: MsgGrantAllowanceResponse.typeUrl, value: MsgGrantAllowanceResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgRevokeAllowanceType, async (ctx, msg) => {
    if (msg.grantee === msg.granter) throw ErrInvalidAddress.wrap("addresses must be different");
    checkAddress(msg.grantee, "grantee");
    checkAddress(msg.granter, "granter");
    await keeper.revokeAllowance(ctx, msg.granter, msg.grantee);
    return { typeUrl: MsgRevokeAllowanceResponse.typeUrl, value: MsgRevokeAllowanceResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgPruneAllowancesType, async (ctx, msg) => {
    checkAddress(msg.pruner, "pruner");
    await keeper.removeExpiredAllowances(ctx, PRUNE_LIMIT);
    ctx.eventManager.emit(pruneEvent(msg.pruner));
    return { typeUrl: MsgPruneAllowancesResponse.typeUrl, value: MsgPruneAllowancesResponse.encode({}).finish() };
  });
}
