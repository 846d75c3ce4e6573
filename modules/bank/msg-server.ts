// x/bank Msg service: MsgSend, MsgMultiSend, MsgUpdateParams, MsgSetSendEnabled.
import { createBankAminoConverters } from "@cosmjs/stargate";
import {
  MsgMultiSend,
  MsgMultiSendResponse,
  MsgSend,
  MsgSendResponse,
  MsgSetSendEnabled,
  MsgSetSendEnabledResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { type Coin, fromProtoCoins, validateCoins, validateDenom } from "../../chain/baseapp/coins.ts";
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import { ErrGovInvalidSigner, ErrInvalidCoins, ErrUnauthorized } from "../../chain/errors/errors.ts";
import { checkAddress } from "../../chain/types/address.ts";
import type { BankKeeper } from "./keeper.ts";
import { validateInputOutputs } from "./keeper.ts";
import { paramsFromJson } from "./params.ts";

function positiveCoins(list: { denom: string; amount: string }[]): Coin[] {
  const coins = fromProtoCoins(list);
  validateCoins(coins);
  if (coins.length === 0) throw ErrInvalidCoins.wrap("amount cannot be empty");
  return coins;
}

const amino = createBankAminoConverters();

function aminoOf(typeUrl: string, msg: unknown): { type: string; value: any } {
  const c = amino[typeUrl];
  if (!c) throw new Error(`no amino converter for ${typeUrl}`);
  return { type: c.aminoType, value: c.toAmino(msg) };
}

export const MsgSendType: MsgType<MsgSend> = {
  typeUrl: MsgSend.typeUrl,
  decode: (b) => MsgSend.decode(b),
  encode: (m) => MsgSend.encode(m).finish(),
  signers: (m) => [m.fromAddress],
  toAmino: (m) => aminoOf(MsgSend.typeUrl, m),
  validateBasic(m) {
    checkAddress(m.fromAddress, "from");
    checkAddress(m.toAddress, "to");
    positiveCoins(m.amount);
  },
};

export const MsgMultiSendType: MsgType<MsgMultiSend> = {
  typeUrl: MsgMultiSend.typeUrl,
  decode: (b) => MsgMultiSend.decode(b),
  encode: (m) => MsgMultiSend.encode(m).finish(),
  signers: (m) => m.inputs.map((i) => i.address),
  toAmino: (m) => aminoOf(MsgMultiSend.typeUrl, m),
  validateBasic(m) {
    validateInputOutputs(
      m.inputs.map((i) => ({ address: i.address, coins: fromProtoCoins(i.coins) })),
      m.outputs.map((o) => ({ address: o.address, coins: fromProtoCoins(o.coins) })),
    );
  },
};

export const MsgUpdateParamsType: MsgType<MsgUpdateParams> = {
  typeUrl: MsgUpdateParams.typeUrl,
  decode: (b) => MsgUpdateParams.decode(b),
  encode: (m) => MsgUpdateParams.encode(m).finish(),
  signers: (m) => [m.authority],
};

export const MsgSetSendEnabledType: MsgType<MsgSetSendEnabled> = {
  typeUrl: MsgSetSendEnabled.typeUrl,
  decode: (b) => MsgSetSendEnabled.decode(b),
  encode: (m) => MsgSetSendEnabled.encode(m).finish(),
  signers: (m) => [m.authority],
};

export function registerMsgServer(cfg: Configurator, keeper: BankKeeper, authority: string): void {
  cfg.registerMsg(MsgSendType, async (ctx, msg) => {
    MsgSendType.validateBasic?.(msg);
    const amount = positiveCoins(msg.amount);
    await keeper.isSendEnabledCoins(ctx, amount);
    if (keeper.blockedAddr(msg.toAddress))
      throw ErrUnauthorized.wrap(`${msg.toAddress} is not allowed to receive funds`);
    await keeper.sendCoins(ctx, msg.fromAddress, msg.toAddress, amount);
    return { typeUrl: MsgSendResponse.typeUrl, value: MsgSendResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgMultiSendType, async (ctx, msg) => {
    MsgMultiSendType.validateBasic?.(msg);
    const input = { address: msg.inputs[0].address, coins: fromProtoCoins(msg.inputs[0].coins) };
    const outputs = msg.outputs.map((o) => ({ address: o.address, coins: fromProtoCoins(o.coins) }));
    await keeper.isSendEnabledCoins(ctx, input.coins);
    for (const o of outputs) {
      if (keeper.blockedAddr(o.address)) throw ErrUnauthorized.wrap(`${o.address} is not allowed to receive funds`);
    }
    await keeper.inputOutputCoins(ctx, input, outputs);
    return { typeUrl: MsgMultiSendResponse.typeUrl, value: MsgMultiSendResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgUpdateParamsType, async (ctx, msg) => {
    if (msg.authority !== authority)
      throw ErrGovInvalidSigner.wrap(`invalid authority; expected ${authority}, got ${msg.authority}`);
    const p = msg.params ?? paramsFromJson(undefined);
    for (const s of p.sendEnabled) validateDenom(s.denom);
    keeper.setParams(ctx, p);
    return { typeUrl: MsgUpdateParamsResponse.typeUrl, value: MsgUpdateParamsResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgSetSendEnabledType, async (ctx, msg) => {
    if (msg.authority !== authority)
      throw ErrGovInvalidSigner.wrap(`invalid authority; expected ${authority}, got ${msg.authority}`);
    for (const s of msg.sendEnabled) {
      validateDenom(s.denom);
      keeper.setSendEnabled(ctx, s.denom, s.enabled);
    }
    // use_default_for: drop the per-denom entry so the default applies
    for (const d of msg.useDefaultFor) {
      validateDenom(d);
      ctx.kvStore(keeper.storeKey).delete(new Uint8Array([0x04, ...new TextEncoder().encode(d)]));
    }
    return { typeUrl: MsgSetSendEnabledResponse.typeUrl, value: MsgSetSendEnabledResponse.encode({}).finish() };
  });
}
