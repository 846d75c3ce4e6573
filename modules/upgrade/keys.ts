// Store layout of x/upgrade (SDK v0.50 x/upgrade/types/keys.go), store key "upgrade".
export const StoreKey = "upgrade";
export const ModuleName = "upgrade";

/** 0x00 -> the scheduled Plan */
export const PlanKey = new Uint8Array([0x00]);
/** 0x01 | height (u64 BE) | name -> 0x01: completed upgrades */
export const DonePrefix = new Uint8Array([0x01]);

export function doneKey(name: string, height: bigint): Uint8Array {
  const n = new TextEncoder().encode(name);
  const k = new Uint8Array(9 + n.length);
  k[0] = DonePrefix[0];
  new DataView(k.buffer).setBigUint64(1, height);
  k.set(n, 9);
  return k;
}

/**
 * "upgradedIBCState/<height>/upgradedConsState" -> the consensus state IBC clients verify an upgrade
 * against. Only IBC's client module writes it (at a plan's height - 1); DGrid has no IBC, so nothing does.
 */
export function upgradedConsStateKey(lastHeight: bigint): Uint8Array {
  return new TextEncoder().encode(`upgradedIBCState/${lastHeight}/upgradedConsState`);
}
