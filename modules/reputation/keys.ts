// Store layout of the reputation module, store key "reputation".
export const StoreKey = "reputation";
export const ModuleName = "reputation";

/** 0x00 -> Params */
export const ParamsKey = new Uint8Array([0x00]);
/** 0x01 | valoper (ascii) -> Reputation */
export const ReputationsPrefix = new Uint8Array([0x01]);

/** 0x02 | valoper (ascii) -> ValidatorStats */
export const ValidatorStatsPrefix = new Uint8Array([0x02]);

function prefixed(prefix: Uint8Array, validator: string): Uint8Array {
  const v = new TextEncoder().encode(validator);
  const k = new Uint8Array(1 + v.length);
  k[0] = prefix[0];
  k.set(v, 1);
  return k;
}

export function reputationKey(validator: string): Uint8Array {
  return prefixed(ReputationsPrefix, validator);
}

export function validatorStatsKey(validator: string): Uint8Array {
  return prefixed(ValidatorStatsPrefix, validator);
}
