// Store layout of x/slashing (SDK v0.50 x/slashing/types/keys.go, collections prefixes), store key
// "slashing". Consensus addresses are length-prefixed (address.MustLengthPrefix); the bitmap chunk
// index is a big-endian uint64 (collections.Uint64Key).
import { createHash } from "node:crypto";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { ErrInvalidAddress, ErrInvalidPubKey } from "../../chain/errors/errors.ts";
import { addressFromString, addressToString } from "../../chain/types/address.ts";

export const ModuleName = "slashing";
export const StoreKey = "slashing";

/** Bech32 prefix of consensus addresses (SDK Bech32PrefixConsAddr: `<acc>valcons`). */
export const Bech32PrefixConsAddr = "dgridvalcons";

/** Bits per missed-block bitmap chunk (SDK MissedBlockBitmapChunkSize, 2^10). */
export const MissedBlockBitmapChunkSize = 1024n;

/** SDK ValidatorUpdateDelay: a validator-set change takes effect this many blocks later. */
export const ValidatorUpdateDelay = 1;

/** 0x00 -> Params proto */
export const ParamsKey = new Uint8Array([0x00]);
/** 0x01 | len | consAddr -> ValidatorSigningInfo proto */
export const ValidatorSigningInfoKeyPrefix = new Uint8Array([0x01]);
/** 0x02 | len | consAddr | chunkIndex (u64 BE) -> bitmap chunk (bitset binary) */
export const ValidatorMissedBlockBitmapKeyPrefix = new Uint8Array([0x02]);
/** 0x03 | len | consAddr -> Any(consensus pubkey) */
export const AddrPubkeyRelationKeyPrefix = new Uint8Array([0x03]);

function lengthPrefixed(prefix: Uint8Array, addr: Uint8Array): Uint8Array {
  if (addr.length === 0 || addr.length > 255)
    throw ErrInvalidAddress.wrap(`address length ${addr.length} out of range`);
  const k = new Uint8Array(prefix.length + 1 + addr.length);
  k.set(prefix, 0);
  k[prefix.length] = addr.length;
  k.set(addr, prefix.length + 1);
  return k;
}

export function validatorSigningInfoKey(consAddr: Uint8Array): Uint8Array {
  return lengthPrefixed(ValidatorSigningInfoKeyPrefix, consAddr);
}

/** The consensus address in a signing-info key with the 0x01 prefix already stripped. */
export function signingInfoAddressFromKey(rest: Uint8Array): Uint8Array {
  return rest.subarray(1, 1 + rest[0]);
}

export function missedBlockBitmapPrefixKey(consAddr: Uint8Array): Uint8Array {
  return lengthPrefixed(ValidatorMissedBlockBitmapKeyPrefix, consAddr);
}

export function missedBlockBitmapKey(consAddr: Uint8Array, chunkIndex: bigint): Uint8Array {
  const p = missedBlockBitmapPrefixKey(consAddr);
  const k = new Uint8Array(p.length + 8);
  k.set(p, 0);
  new DataView(k.buffer).setBigUint64(p.length, chunkIndex);
  return k;
}

/** Chunk index of a bitmap key with the validator prefix stripped (8 bytes BE). */
export function chunkIndexFromKey(rest: Uint8Array): bigint {
  return new DataView(rest.buffer, rest.byteOffset, rest.byteLength).getBigUint64(0);
}

export function addrPubkeyRelationKey(consAddr: Uint8Array): Uint8Array {
  return lengthPrefixed(AddrPubkeyRelationKeyPrefix, consAddr);
}

// ---- consensus addresses ----

export function consAddressToString(addr: Uint8Array): string {
  return addressToString(addr, Bech32PrefixConsAddr);
}

export function consAddressFromString(addr: string): Uint8Array {
  return addressFromString(addr, Bech32PrefixConsAddr);
}

/** CometBFT address of an ed25519 key: sha256(pubkey)[:20]. */
export function ed25519ConsAddress(key: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(key).digest().subarray(0, 20));
}

/** Consensus address of a validator's `consensus_pubkey` Any (only ed25519, as CometBFT's default). */
export function consAddressFromPubkeyAny(pk: Any | undefined): Uint8Array {
  if (!pk) throw ErrInvalidPubKey.wrap("validator has no consensus pubkey");
  if (pk.typeUrl !== "/cosmos.crypto.ed25519.PubKey")
    throw ErrInvalidPubKey.wrap(`unsupported consensus pubkey type ${pk.typeUrl}`);
  const key = Ed25519PubKey.decode(pk.value).key;
  if (key.length !== 32) throw ErrInvalidPubKey.wrap(`ed25519 pubkey must be 32 bytes, got ${key.length}`);
  return ed25519ConsAddress(key);
}
