// A file keyring for secp256k1 account keys, in the manner of the SDK's `file` and `test` backends.
// Each key is `<dir>/<name>.info.json`: public data in the clear (name, address, pubkey, HD path) and
// the BIP-39 mnemonic either encrypted (backend "file": scrypt + AES-256-GCM with a passphrase) or
// in plain text (backend "test", for devnets and tests only).
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes, scryptSync } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toBase64 } from "@cosmjs/encoding";
import type { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { Bech32PrefixAccAddr as ADDRESS_PREFIX } from "../types/address.ts";

/** A keyring failure a user can act on (unknown key, bad backend or path); the CLI prints its message. */
export class KeyringError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = "KeyringError";
  }
}

export type KeyringBackend = "file" | "test";
export const KEYRING_BACKENDS: readonly KeyringBackend[] = ["file", "test"];
export const DEFAULT_HD_PATH = "m/44'/118'/0'/0/0";
export const MIN_PASSPHRASE_LENGTH = 8;

// scrypt cost: N=2^15, r=8, p=1 (~32 MiB, ~100 ms), the usual interactive setting.
const SCRYPT = { N: 1 << 15, r: 8, p: 1 };

export interface KeyInfo {
  name: string;
  type: "local";
  address: string;
  /** SDK-style JSON pubkey text: {"@type":"/cosmos.crypto.secp256k1.PubKey","key":"<base64>"} */
  pubkey: string;
  algo: "secp256k1";
  hd_path: string;
}

interface EncryptedSecret {
  kdf: "scrypt";
  n: number;
  r: number;
  p: number;
  salt: string;
  cipher: "aes-256-gcm";
  iv: string;
  tag: string;
  ciphertext: string;
}

interface StoredKey extends KeyInfo {
  version: 1;
  secret: { plain: string } | EncryptedSecret;
}

export interface KeyringOptions {
  backend: KeyringBackend;
  /** Folder holding `keyring-<backend>/`; the node home by default. */
  dir: string;
  passphrase?: string;
  prefix?: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function keyringPath(dir: string, backend: KeyringBackend): string {
  return join(dir, `keyring-${backend}`);
}

export function parseBackend(text: string): KeyringBackend {
  if (!(KEYRING_BACKENDS as readonly string[]).includes(text)) {
    throw new KeyringError(`unknown keyring backend "${text}" (expected one of: ${KEYRING_BACKENDS.join(", ")})`);
  }
  return text as KeyringBackend;
}

const HD_PATH_RE = /^m(\/[0-9]{1,10}'?){0,10}$/;

/**
 * A signer for the key at `hdPath` of a BIP-39 mnemonic. Same keys as CosmJS's
 * DirectSecp256k1HdWallet, but the seed comes from node's native PBKDF2 (CosmJS's pure-JS one
 * takes ~0.5 s).
 */
export async function walletFromMnemonic(
  mnemonic: string,
  hdPath = DEFAULT_HD_PATH,
  prefix = ADDRESS_PREFIX,
): Promise<DirectSecp256k1Wallet> {
  if (!HD_PATH_RE.test(hdPath)) throw new KeyringError(`invalid HD path "${hdPath}" (e.g. ${DEFAULT_HD_PATH})`);
  // Imported here so commands that only read key files (list, show, genesis) start faster. One after
  // the other: both load @noble/curves (ESM), one through require(), and Node 20 fails a require() of
  // an ES module that a concurrent import() is still loading.
  const { DirectSecp256k1Wallet } = await import("@cosmjs/proto-signing");
  const { HDKey } = await import("@scure/bip32");
  const seed = pbkdf2Sync(Buffer.from(mnemonic.normalize("NFKD"), "utf8"), "mnemonic", 2048, 64, "sha512");
  const priv = HDKey.fromMasterSeed(seed).derive(hdPath).privateKey;
  if (!priv) throw new KeyringError(`cannot derive a private key at ${hdPath}`);
  return DirectSecp256k1Wallet.fromKey(priv, prefix);
}

export function normalizeMnemonic(text: string): string {
  return text.trim().split(/\s+/).join(" ").toLowerCase();
}

export class Keyring {
  readonly path: string;
  readonly backend: KeyringBackend;
  private readonly passphrase?: string;
  private readonly prefix: string;

  constructor(opts: KeyringOptions) {
    this.backend = opts.backend;
    this.path = keyringPath(opts.dir, opts.backend);
    this.passphrase = opts.passphrase;
    this.prefix = opts.prefix ?? ADDRESS_PREFIX;
  }

  private file(name: string): string {
    return join(this.path, `${name}.info.json`);
  }

  private readStored(name: string): StoredKey {
    const path = this.file(name);
    try {
      return JSON.parse(readFileSync(path, "utf8")) as StoredKey;
    } catch (e) {
      throw new KeyringError(`cannot read key "${name}" from ${path}: ${(e as Error).message}`);
    }
  }

  private requirePassphrase(): string {
    if (this.backend === "test") return "";
    if (!this.passphrase) {
      throw new KeyringError(
        "the file keyring needs a passphrase: pass --keyring-passphrase or set DGRID_KEYRING_PASSPHRASE (or use --keyring-backend test)",
      );
    }
    return this.passphrase;
  }

  /** All keys, sorted by name. */
  list(): KeyInfo[] {
    if (!existsSync(this.path)) return [];
    return readdirSync(this.path)
      .filter((f) => f.endsWith(".info.json"))
      .map((f) => publicInfo(this.readStored(f.slice(0, -".info.json".length))))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  has(name: string): boolean {
    return NAME_RE.test(name) && existsSync(this.file(name));
  }

  /** A key by name or by address. */
  get(nameOrAddress: string): KeyInfo {
    if (this.has(nameOrAddress)) return publicInfo(this.readStored(nameOrAddress));
    const byAddr = this.list().find((k) => k.address === nameOrAddress);
    if (byAddr) return byAddr;
    throw new KeyringError(`key "${nameOrAddress}" not found in keyring ${this.path}`);
  }

  /**
   * Stores a key from `mnemonic` (a new 24-word one when absent). Returns its info and the mnemonic.
   * Refuses an existing name or address.
   */
  async add(name: string, mnemonic?: string, hdPath = DEFAULT_HD_PATH): Promise<{ info: KeyInfo; mnemonic: string }> {
    if (!NAME_RE.test(name)) {
      throw new KeyringError(
        `invalid key name "${name}": 1-64 letters, digits, '_', '.' or '-', starting alphanumeric`,
      );
    }
    if (this.has(name)) throw new KeyringError(`key "${name}" already exists in ${this.path}`);
    const passphrase = this.requirePassphrase();
    if (this.backend === "file" && passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new KeyringError(`keyring passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
    }
    const [{ generateMnemonic, validateMnemonic }, { wordlist }] = await Promise.all([
      import("@scure/bip39"),
      import("@scure/bip39/wordlists/english.js"),
    ]);
    const words = mnemonic === undefined ? generateMnemonic(wordlist, 256) : normalizeMnemonic(mnemonic);
    if (!validateMnemonic(words, wordlist)) throw new KeyringError("invalid mnemonic (not a BIP-39 English phrase)");
    const wallet = await walletFromMnemonic(words, hdPath, this.prefix);
    const [account] = await wallet.getAccounts();
    const existing = this.list().find((k) => k.address === account.address);
    if (existing) throw new KeyringError(`address ${account.address} is already stored as key "${existing.name}"`);
    const info: KeyInfo = {
      name,
      type: "local",
      address: account.address,
      pubkey: JSON.stringify({ "@type": "/cosmos.crypto.secp256k1.PubKey", key: toBase64(account.pubkey) }),
      algo: "secp256k1",
      hd_path: hdPath,
    };
    const stored: StoredKey = {
      version: 1,
      ...info,
      secret: this.backend === "test" ? { plain: words } : encrypt(words, passphrase),
    };
    mkdirSync(this.path, { recursive: true, mode: 0o700 });
    // Write then rename so a crash never leaves a half-written key file.
    const tmp = `${this.file(name)}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file(name));
    return { info, mnemonic: words };
  }

  delete(nameOrAddress: string): KeyInfo {
    const info = this.get(nameOrAddress);
    rmSync(this.file(info.name));
    return info;
  }

  /** The stored mnemonic (decrypted with the passphrase on the file backend). */
  mnemonic(nameOrAddress: string): string {
    const info = this.get(nameOrAddress);
    const stored = this.readStored(info.name);
    if ("plain" in stored.secret) return stored.secret.plain;
    return decrypt(stored.secret, this.requirePassphrase(), info.name);
  }

  /** A CosmJS signer for the key. */
  async signer(nameOrAddress: string): Promise<DirectSecp256k1Wallet> {
    const info = this.get(nameOrAddress);
    return walletFromMnemonic(this.mnemonic(info.name), info.hd_path, this.prefix);
  }
}

function publicInfo(s: StoredKey): KeyInfo {
  return { name: s.name, type: s.type, address: s.address, pubkey: s.pubkey, algo: s.algo, hd_path: s.hd_path };
}

function deriveKey(passphrase: string, salt: Uint8Array, n: number, r: number, p: number): Buffer {
  return scryptSync(passphrase.normalize("NFKD"), salt, 32, { N: n, r, p, maxmem: 256 * n * r + (1 << 20) });
}

function encrypt(secret: string, passphrase: string): EncryptedSecret {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = deriveKey(passphrase, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return {
    kdf: "scrypt",
    n: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
    salt: salt.toString("base64"),
    cipher: "aes-256-gcm",
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    ciphertext: ciphertext.toString("base64"),
  };
}

function decrypt(s: EncryptedSecret, passphrase: string, name: string): string {
  if (s.kdf !== "scrypt" || s.cipher !== "aes-256-gcm") throw new KeyringError(`key "${name}": unsupported encryption`);
  const key = deriveKey(passphrase, Buffer.from(s.salt, "base64"), s.n, s.r, s.p);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(s.iv, "base64"));
  decipher.setAuthTag(Buffer.from(s.tag, "base64"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(s.ciphertext, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new KeyringError(`key "${name}": wrong keyring passphrase`);
  }
}
