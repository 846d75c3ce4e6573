// x/bank parameters (cosmos.bank.v1beta1.Params): default_send_enabled; per-denom send_enabled lives
// in its own store entries (the params field is deprecated in v0.50).
import { Params } from "cosmjs-types/cosmos/bank/v1beta1/bank";

export type BankParams = Params;

export function defaultParams(): BankParams {
  return { sendEnabled: [], defaultSendEnabled: true };
}

export function encodeParams(p: BankParams): Uint8Array {
  return Params.encode(p).finish();
}

export function decodeParams(b: Uint8Array): BankParams {
  return Params.decode(b);
}

export interface ParamsJson {
  send_enabled: { denom: string; enabled: boolean }[];
  default_send_enabled: boolean;
}

export function paramsToJson(p: BankParams): ParamsJson {
  return { send_enabled: p.sendEnabled.map((s) => ({ ...s })), default_send_enabled: p.defaultSendEnabled };
}

export function paramsFromJson(j: Partial<ParamsJson> | undefined): BankParams {
  return {
    sendEnabled: (j?.send_enabled ?? []).map((s) => ({ denom: String(s.denom), enabled: Boolean(s.enabled) })),
    defaultSendEnabled: j?.default_send_enabled ?? true,
  };
}
