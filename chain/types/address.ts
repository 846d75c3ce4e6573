// Bech32 account addresses (prefix "dgrid"), module addresses (sha256(name)[:20], SDK address.Module)
// and secp256k1 pubkey -> address (ripemd160(sha256(pubkey)), SDK secp256k1.PubKey.Address).
import { createHash } from "node:crypto";
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { ErrInvalidAddress } from "../errors/errors.ts";

export const Bech32PrefixAccAddr = "dgrid";
export const Bech32PrefixValAddr = "dgridvaloper";

export function addressToString(bytes: Uint8Array, prefix = Bech32PrefixAccAddr): string {
  return toBech32(prefix, bytes);
}

/**
 * Valid addresses already decoded, per prefix (address -> bytes; no key concatenation on the hot
 * path: a tx decodes some 20 addresses); bounded, oldest dropped first.
 */
const decodedCache = new Map<string, Map<string, Uint8Array>>();
const DECODED_CACHE_SIZE = 50_000;

/** Decodes a bech32 account address; throws ErrInvalidAddress (code 7) on a bad one. */
export function addressFromString(addr: string, prefix = Bech32PrefixAccAddr): Uint8Array {
  let cache = decodedCache.get(prefix);
  const hit = cache?.get(addr);
  if (hit) return hit.slice();
  const bytes = decodeAddress(addr, prefix);
  if (!cache) {
    if (decodedCache.size >= 16) decodedCache.clear();
    cache = new Map();
    decodedCache.set(prefix, cache);
  }
  if (cache.size >= DECODED_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(addr, bytes.slice());
  return bytes;
}

function decodeAddress(addr: string, prefix: string): Uint8Array {
  if (addr.trim() === "") throw ErrInvalidAddress.wrap("empty address string is not allowed");
  let decoded: { prefix: string; data: Uint8Array };
  try {
    decoded = fromBech32(addr, 1023);
  } catch (e) {
    throw ErrInvalidAddress.wrap(`decoding bech32 failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (decoded.prefix !== prefix) {
    throw ErrInvalidAddress.wrap(`invalid Bech32 prefix; expected ${prefix}, got ${decoded.prefix}`);
  }
  if (decoded.data.length === 0 || decoded.data.length > 255) {
    throw ErrInvalidAddress.wrap(`address length must be 1-255 bytes, got ${decoded.data.length}`);
  }
  return decoded.data;
}

/** ValidateBasic's address check: ErrInvalidAddress naming the field ("invalid granter address: ..."). */
export function checkAddress(addr: string, what: string): void {
  try {
    addressFromString(addr);
  } catch (e) {
    throw ErrInvalidAddress.wrap(`invalid ${what} address: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function isValidAddress(addr: string): boolean {
  try {
    addressFromString(addr);
    return true;
  } catch {
    return false;
  }
}

export function moduleAddressBytes(name: string): Uint8Array {
  return createHash("sha256").update(name).digest().subarray(0, 20);
}

const moduleAddresses = new Map<string, string>();

export function moduleAddress(name: string): string {
  let addr = moduleAddresses.get(name);
  if (addr === undefined) {
    addr = addressToString(moduleAddressBytes(name));
    if (moduleAddresses.size < 1000) moduleAddresses.set(name, addr);
  }
  return addr;
}

export function secp256k1AddressBytes(compressedPubkey: Uint8Array): Uint8Array {
  const sha = createHash("sha256").update(compressedPubkey).digest();
  return new Uint8Array(createHash("ripemd160").update(sha).digest());
}

/** The account address of a validator operator (`dgridvaloper...` -> `dgrid...`, same 20 bytes). */
export function valoperToAccount(valoper: string): string {
  return addressToString(addressFromString(valoper, Bech32PrefixValAddr));
}
