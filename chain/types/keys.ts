// Ed25519 keys through node:crypto, and CometBFT's JSON key files (privval/file.go, p2p/key.go):
// priv_validator_key.json {address, pub_key, priv_key} and node_key.json {priv_key}.
// Address = first 20 bytes of sha256(pubkey), upper-case hex in JSON.
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fromBase64, fromHex, toBase64, toHex } from "@cosmjs/encoding";
import { sha256 } from "./merkle.ts";

export const PUBKEY_TYPE_ED25519 = "tendermint/PubKeyEd25519";
export const PRIVKEY_TYPE_ED25519 = "tendermint/PrivKeyEd25519";

// DER prefixes that wrap a raw 32-byte ed25519 seed (PKCS#8) or public key (SPKI).
const PKCS8_PREFIX = fromHex("302e020100300506032b657004220420");
const SPKI_PREFIX = fromHex("302a300506032b6570032100");

export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyError";
  }
}

const publicKeyCache = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE_MAX = 1024;

function publicKeyObject(pubkey: Uint8Array): KeyObject {
  const id = toHex(pubkey);
  let key = publicKeyCache.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pubkey]), format: "der", type: "spki" });
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_MAX) publicKeyCache.clear();
    publicKeyCache.set(id, key);
  }
  return key;
}

/** CometBFT address of an ed25519 public key: sha256(pubkey)[:20]. */
export function address(pubkey: Uint8Array): Uint8Array {
  return sha256(pubkey).slice(0, 20);
}

export class Ed25519Key {
  readonly pubKey: Uint8Array;
  readonly address: Uint8Array;
  private readonly keyObject: KeyObject;

  private constructor(readonly seed: Uint8Array) {
    this.keyObject = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    const spki = createPublicKey(this.keyObject).export({ format: "der", type: "spki" });
    this.pubKey = new Uint8Array(spki.subarray(spki.length - 32));
    this.address = address(this.pubKey);
  }

  static generate(): Ed25519Key {
    return new Ed25519Key(new Uint8Array(randomBytes(32)));
  }

  static fromSeed(seed: Uint8Array): Ed25519Key {
    if (seed.length !== 32) throw new KeyError(`ed25519 seed must be 32 bytes, got ${seed.length}`);
    return new Ed25519Key(Uint8Array.from(seed));
  }

  /** From CometBFT's 64-byte private key (seed || pubkey); checks the public half. */
  static fromPrivKeyBytes(priv: Uint8Array): Ed25519Key {
    if (priv.length !== 64) throw new KeyError(`ed25519 private key must be 64 bytes, got ${priv.length}`);
    const key = Ed25519Key.fromSeed(priv.subarray(0, 32));
    if (toHex(key.pubKey) !== toHex(priv.subarray(32)))
      throw new KeyError("ed25519 private key: public half does not match seed");
    return key;
  }

  /** CometBFT's private key bytes: seed || pubkey. */
  privKeyBytes(): Uint8Array {
    const out = new Uint8Array(64);
    out.set(this.seed, 0);
    out.set(this.pubKey, 32);
    return out;
  }

  sign(msg: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, msg, this.keyObject));
  }

  static verify(pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
    if (pubkey.length !== 32 || sig.length !== 64) return false;
    try {
      return verify(null, msg, publicKeyObject(pubkey), sig);
    } catch {
      return false;
    }
  }
}

export interface JsonKey {
  type: string;
  value: string;
}

export interface PrivValidatorKeyJson {
  address: string;
  pub_key: JsonKey;
  priv_key: JsonKey;
}

export interface NodeKeyJson {
  priv_key: JsonKey;
}

export function pubKeyToJson(pubkey: Uint8Array): JsonKey {
  return { type: PUBKEY_TYPE_ED25519, value: toBase64(pubkey) };
}

export function pubKeyFromJson(json: unknown): Uint8Array {
  const k = json as Partial<JsonKey> | null;
  if (!k || typeof k !== "object" || typeof k.value !== "string") throw new KeyError("pub_key must be {type, value}");
  if (k.type !== PUBKEY_TYPE_ED25519) throw new KeyError(`unsupported pub_key type ${JSON.stringify(k.type)}`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(k.value);
  } catch {
    throw new KeyError("pub_key value is not base64");
  }
  if (bytes.length !== 32) throw new KeyError(`ed25519 pub_key must be 32 bytes, got ${bytes.length}`);
  return bytes;
}

function privKeyFromJson(json: unknown): Ed25519Key {
  const k = json as Partial<JsonKey> | null;
  if (!k || typeof k !== "object" || typeof k.value !== "string") throw new KeyError("priv_key must be {type, value}");
  if (k.type !== PRIVKEY_TYPE_ED25519) throw new KeyError(`unsupported priv_key type ${JSON.stringify(k.type)}`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(k.value);
  } catch {
    throw new KeyError("priv_key value is not base64");
  }
  return Ed25519Key.fromPrivKeyBytes(bytes);
}

export function privValidatorKeyToJson(key: Ed25519Key): PrivValidatorKeyJson {
  return {
    address: toHex(key.address).toUpperCase(),
    pub_key: pubKeyToJson(key.pubKey),
    priv_key: { type: PRIVKEY_TYPE_ED25519, value: toBase64(key.privKeyBytes()) },
  };
}

export function privValidatorKeyFromJson(json: unknown): Ed25519Key {
  const j = json as Partial<PrivValidatorKeyJson> | null;
  if (!j || typeof j !== "object") throw new KeyError("priv_validator_key.json must be an object");
  const key = privKeyFromJson(j.priv_key);
  if (j.pub_key !== undefined && toHex(pubKeyFromJson(j.pub_key)) !== toHex(key.pubKey)) {
    throw new KeyError("priv_validator_key.json: pub_key does not match priv_key");
  }
  if (j.address !== undefined && String(j.address).toUpperCase() !== toHex(key.address).toUpperCase()) {
    throw new KeyError("priv_validator_key.json: address does not match pub_key");
  }
  return key;
}

export function nodeKeyToJson(key: Ed25519Key): NodeKeyJson {
  return { priv_key: { type: PRIVKEY_TYPE_ED25519, value: toBase64(key.privKeyBytes()) } };
}

export function nodeKeyFromJson(json: unknown): Ed25519Key {
  const j = json as Partial<NodeKeyJson> | null;
  if (!j || typeof j !== "object") throw new KeyError("node_key.json must be an object");
  return privKeyFromJson(j.priv_key);
}

/** Node ID (p2p): lower-case hex of the node key's address. */
export function nodeId(key: Ed25519Key): string {
  return toHex(key.address);
}

function readJson(path: string): unknown {
  const text = readFileSync(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KeyError(`${path}: invalid JSON (${(e as Error).message})`);
  }
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

export function loadPrivValidatorKey(path: string): Ed25519Key {
  return privValidatorKeyFromJson(readJson(path));
}

export function savePrivValidatorKey(path: string, key: Ed25519Key): void {
  writeJson(path, privValidatorKeyToJson(key));
}

export function loadNodeKey(path: string): Ed25519Key {
  return nodeKeyFromJson(readJson(path));
}

export function saveNodeKey(path: string, key: Ed25519Key): void {
  writeJson(path, nodeKeyToJson(key));
}
