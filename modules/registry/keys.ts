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

/** 0x03 | model id (64 ascii hex) | valoper (ascii) -> ConformanceFailure */
export const FailuresPrefix = new Uint8Array([0x03]);

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

export function failuresPrefix(modelId: string): Uint8Array {
  return concat(FailuresPrefix, enc.encode(modelId));
}

export function failureKey(modelId: string, validator: string): Uint8Array {
  return concat(failuresPrefix(modelId), enc.encode(validator));
}

/** 0x04 | model id (64 ascii hex) -> ModelStats */
export const StatsPrefix = new Uint8Array([0x04]);
/** 0x05 | creator (ascii bech32) -> CreatorEarnings */
export const EarningsPrefix = new Uint8Array([0x05]);
/** 0x06 | discovery index (indexes.ts) -> 0x01 */
export const DiscoveryPrefix = new Uint8Array([0x06]);
/** 0x07 | len(creator) u8 | creator | model id -> 0x01: every model of a creator, delisted ones too */
export const CreatorModelsPrefix = new Uint8Array([0x07]);

export function statsKey(modelId: string): Uint8Array {
  return concat(StatsPrefix, enc.encode(modelId));
}

export function earningsKey(creator: string): Uint8Array {
  return concat(EarningsPrefix, enc.encode(creator));
}

/** A u8 length then the ascii bytes, so that no value is a prefix of another (creators, tags). */
export function lengthPrefixed(s: string): Uint8Array {
  const b = enc.encode(s);
  if (b.length > 255) throw new Error(`index component longer than 255 bytes: ${s.slice(0, 32)}...`);
  return concat([b.length], b);
}

export function creatorModelsPrefix(creator: string): Uint8Array {
  return concat(CreatorModelsPrefix, lengthPrefixed(creator));
}

export function creatorModelKey(creator: string, modelId: string): Uint8Array {
  return concat(creatorModelsPrefix(creator), enc.encode(modelId));
}
