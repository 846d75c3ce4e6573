// Store layout of the registry module, store key "registry".
export const StoreKey = "registry";
export const ModuleName = "registry";

/** 0x00 -> Params */
export const ParamsKey = new Uint8Array([0x00]);
/** 0x01 | model id (64 ascii hex) -> Model */
export const ModelsPrefix = new Uint8Array([0x01]);
/** 0x02 | model id (64 ascii hex) | valoper (ascii) -> ModelServer */
export const ServersPrefix = new Uint8Array([0x02]);

const enc = new TextEncoder();

function cat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const k = new Uint8Array(a.length + b.length);
  k.set(a, 0);
  k.set(b, a.length);
  return k;
}

export function modelKey(id: string): Uint8Array {
  return cat(ModelsPrefix, enc.encode(id));
}

export function serversPrefix(modelId: string): Uint8Array {
  return cat(ServersPrefix, enc.encode(modelId));
}

export function serverKey(modelId: string, validator: string): Uint8Array {
  return cat(serversPrefix(modelId), enc.encode(validator));
}
