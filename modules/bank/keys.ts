// Store layout of x/bank (SDK v0.50 collections prefixes), store key "bank".
export const StoreKey = "bank";
export const ModuleName = "bank";

/** 0x00 | denom -> total supply (decimal string) */
export const SupplyPrefix = new Uint8Array([0x00]);
/** 0x01 | denom -> Metadata proto */
export const DenomMetadataPrefix = new Uint8Array([0x01]);
/** 0x02 | len(addr) | addr | denom -> balance (decimal string) */
export const BalancesPrefix = new Uint8Array([0x02]);
/** 0x04 | denom -> 0x01/0x00 */
export const SendEnabledPrefix = new Uint8Array([0x04]);
export const ParamsKey = new Uint8Array([0x05]);

const enc = new TextEncoder();
const dec = new TextDecoder();

export function withPrefix(prefix: Uint8Array, rest: Uint8Array): Uint8Array {
  const k = new Uint8Array(prefix.length + rest.length);
  k.set(prefix, 0);
  k.set(rest, prefix.length);
  return k;
}

export function denomKey(prefix: Uint8Array, denom: string): Uint8Array {
  return withPrefix(prefix, enc.encode(denom));
}

/** Prefix of all balances of one address. */
export function addressBalancesPrefix(addr: Uint8Array): Uint8Array {
  const k = new Uint8Array(2 + addr.length);
  k[0] = BalancesPrefix[0];
  k[1] = addr.length;
  k.set(addr, 2);
  return k;
}

export function balanceKey(addr: Uint8Array, denom: string): Uint8Array {
  return withPrefix(addressBalancesPrefix(addr), enc.encode(denom));
}

/** Splits a balance key (without the 0x02 prefix) into address bytes and denom. */
export function splitBalanceKey(rest: Uint8Array): { addr: Uint8Array; denom: string } {
  const n = rest[0];
  return { addr: rest.subarray(1, 1 + n), denom: dec.decode(rest.subarray(1 + n)) };
}

export function encodeInt(v: bigint): Uint8Array {
  return enc.encode(v.toString());
}

export function decodeInt(b: Uint8Array): bigint {
  return BigInt(dec.decode(b));
}

export function decodeString(b: Uint8Array): string {
  return dec.decode(b);
}
