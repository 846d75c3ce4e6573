// Store layout of x/bank (SDK v0.50 collections prefixes), store key "bank".
export const StoreKey = "bank";
export const ModuleName = "bank";

/** 0x00 | denom -> total supply (decimal string) */
export const SupplyPrefix = new Uint8Array([0x00]);
/** 0x01 | denom -> Metadata proto */
export const DenomMetadataPrefix = new Uint8Array([0x01]);
/** 0x02 | len(addr) | addr | denom -> balance (decimal string) */
export const BalancesPrefix = new Uint8Array([0x02]);
/** 0x03 | denom | 0x00 | len(addr) | addr -> empty: the reverse index of balances (who holds a denom) */
export const DenomAddressPrefix = new Uint8Array([0x03]);
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

// TextEncoder has a high fixed cost per call for the short strings of balance keys and amounts (it was
// 2.6% of the node's main thread in bench:tx); denoms are few, so their bytes are kept (bounded: a
// denom in a tx is attacker-chosen), and amounts are ASCII digits.
const MAX_DENOMS_KEPT = 1024;
const denomBytes = new Map<string, Uint8Array>();

function denomUtf8(denom: string): Uint8Array {
  let b = denomBytes.get(denom);
  if (!b) {
    b = enc.encode(denom);
    if (denomBytes.size >= MAX_DENOMS_KEPT) denomBytes.clear();
    denomBytes.set(denom, b);
  }
  return b; // only ever copied (withPrefix), never handed out
}

export function denomKey(prefix: Uint8Array, denom: string): Uint8Array {
  return withPrefix(prefix, denomUtf8(denom));
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
  return withPrefix(addressBalancesPrefix(addr), denomUtf8(denom));
}

/**
 * Prefix of the holders of one denom in the reverse index: the SDK's collections key of a string that
 * is not the last part of a pair ends with a 0x00 (a valid denom has none), so "ab" is no prefix of "abc".
 */
export function denomOwnersPrefix(denom: string): Uint8Array {
  const d = denomUtf8(denom);
  const k = new Uint8Array(1 + d.length + 1);
  k[0] = DenomAddressPrefix[0];
  k.set(d, 1);
  return k; // the last byte stays 0x00
}

/** Reverse-index key of (denom, address): written and deleted with the balance of that address and denom. */
export function denomAddressKey(denom: string, addr: Uint8Array): Uint8Array {
  const prefix = denomOwnersPrefix(denom);
  const k = new Uint8Array(prefix.length + 1 + addr.length);
  k.set(prefix, 0);
  k[prefix.length] = addr.length;
  k.set(addr, prefix.length + 1);
  return k;
}

/** The value of a reverse-index entry: nothing (collections' NoValue). */
export const IndexValue = new Uint8Array();

/** Splits a balance key (without the 0x02 prefix) into address bytes and denom. */
export function splitBalanceKey(rest: Uint8Array): { addr: Uint8Array; denom: string } {
  const n = rest[0];
  return { addr: rest.subarray(1, 1 + n), denom: dec.decode(rest.subarray(1 + n)) };
}

/** An integer as its decimal string's bytes (ASCII: digits and a leading '-'). */
export function encodeInt(v: bigint): Uint8Array {
  const s = v.toString();
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function decodeInt(b: Uint8Array): bigint {
  // throws (SyntaxError) on anything but a decimal integer, as BigInt(utf8 decode) did
  return BigInt(b.length <= 64 ? String.fromCharCode.apply(null, b as unknown as number[]) : dec.decode(b));
}

export function decodeString(b: Uint8Array): string {
  return dec.decode(b);
}
