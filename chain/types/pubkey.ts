// Public keys packed in a protobuf Any, as the Cosmos SDK's crypto/keys packages define them:
// /cosmos.crypto.secp256k1.PubKey (accounts: 33-byte compressed point) and
// /cosmos.crypto.ed25519.PubKey (validators' consensus keys: 32 bytes).
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { ErrInvalidPubKey } from "../errors/errors.ts";

export const Secp256k1PubKeyTypeUrl = "/cosmos.crypto.secp256k1.PubKey";
export const Ed25519PubKeyTypeUrl = "/cosmos.crypto.ed25519.PubKey";

/** The compressed secp256k1 key inside a /cosmos.crypto.secp256k1.PubKey Any; ErrInvalidPubKey otherwise. */
export function secp256k1KeyFromAny(any: Any): Uint8Array {
  if (any.typeUrl !== Secp256k1PubKeyTypeUrl) throw ErrInvalidPubKey.wrap(`unsupported pubkey type ${any.typeUrl}`);
  const key = Secp256k1PubKey.decode(any.value).key;
  if (key.length !== 33) throw ErrInvalidPubKey.wrap(`secp256k1 pubkey must be 33 bytes, got ${key.length}`);
  return key;
}

export function secp256k1PubKeyAny(key: Uint8Array): Any {
  return { typeUrl: Secp256k1PubKeyTypeUrl, value: Secp256k1PubKey.encode({ key }).finish() };
}

export function ed25519PubKeyAny(key: Uint8Array): Any {
  return { typeUrl: Ed25519PubKeyTypeUrl, value: Ed25519PubKey.encode({ key }).finish() };
}
