// x/slashing Msg service: MsgUnjail (amino "cosmos-sdk/MsgUnjail", field "address") and
// MsgUpdateParams (authority = the gov module account).
import {
  MsgUnjail,
  MsgUnjailResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
} from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import { ErrInvalidAddress, ErrInvalidRequest, ErrUnauthorized } from "../../chain/errors/errors.ts";
import { addressFromString, addressToString, Bech32PrefixValAddr } from "../../chain/types/address.ts";
import type { SlashingKeeper } from "./keeper.ts";
import { paramsFromProto, validateParams } from "./params.ts";

function valoperBytes(addr: string): Uint8Array {
  try {
    return addressFromString(addr, Bech32PrefixValAddr);
  } catch (e) {
    throw ErrInvalidAddress.wrap(`validator input address: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export const MsgUnjailType: MsgType<MsgUnjail> = {
  typeUrl: MsgUnjail.typeUrl,
  decode: (b) => MsgUnjail.decode(b),
  encode: (m) => MsgUnjail.encode(m).finish(),
  // the signer field is validator_addr: the operator's account has the same bytes
  signers: (m) => [addressToString(valoperBytes(m.validatorAddr))],
  validateBasic: (m) => {
    valoperBytes(m.validatorAddr);
  },
  toAmino: (m) => ({ type: "cosmos-sdk/MsgUnjail", value: { address: m.validatorAddr } }),
};

export const MsgUpdateParamsType: MsgType<MsgUpdateParams> = {
  typeUrl: MsgUpdateParams.typeUrl,
  decode: (b) => MsgUpdateParams.decode(b),
  encode: (m) => MsgUpdateParams.encode(m).finish(),
  signers: (m) => [m.authority],
};

export function registerMsgServer(cfg: Configurator, keeper: SlashingKeeper, authority: string): void {
  cfg.registerMsg(MsgUnjailType, async (ctx, msg) => {
    MsgUnjailType.validateBasic?.(msg);
    await keeper.unjail(ctx, msg.validatorAddr);
    return { typeUrl: MsgUnjailResponse.typeUrl, value: MsgUnjailResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgUpdateParamsType, async (ctx, msg) => {
    if (msg.authority !== authority)
      throw ErrUnauthorized.wrap(`invalid authority; expected ${authority}, got ${msg.authority}`);
    if (!msg.params) throw ErrInvalidRequest.wrap("params must be supplied");
    const p = paramsFromProto(msg.params);
    validateParams(p);
    keeper.setParams(ctx, p);
    return { typeUrl: MsgUpdateParamsResponse.typeUrl, value: MsgUpdateParamsResponse.encode({}).finish() };
  });
}
