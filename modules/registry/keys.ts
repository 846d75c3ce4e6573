// Store layout of the registry module, store key "registry".
import { concat } from "../../chain/types/bytes.ts";

export const StoreKey = "registry";
export const ModuleName = "registry";

/** 0x00 -> Params */
export const ParamsKey = new Uint8Array([0x00]);
/** 0x01 | model id (64 ascii hex) -> Model */
export const ModelsPrefix = new Uint8Array([0x01]);
/** 0x02 | model id (64 ascii hex) | valoper (ascii) -> ModelServer */
export const ServersPrefix = new Uint8Array([0x02]);

const enc = new TextEncoder();

export function modelKey(id: string): Uint8Array {
  return concat(ModelsPrefix, enc.encode(id));
}

export function serversPrefix(modelId: string): Uint8Array {
  return concat(ServersPrefix, enc.encode(modelId));
}

export function serverKey(modelId: string, validator: string): Uint8Array {
  return concat(serversPrefix(modelId), enc.encode(validator));
}
