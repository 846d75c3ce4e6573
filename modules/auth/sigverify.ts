// secp256k1 signature verification, as Cosmos secp256k1.PubKey.VerifySignature: sha256 of the sign
// bytes, 64-byte r||s signature, high-S rejected (malleability).
//
// Two backends give the same answers (test/modules/sigverify.test.ts checks them against each other):
// libsecp256k1 through the `secp256k1` package's prebuilt N-API binding (shipped in the npm tarball for
// linux-x64, darwin-arm64 and win32-x64; about 5.7x node:crypto's rate on this machine), and node:crypto
// (OpenSSL) where that binding does not load. Never the package's pure-JS fallback.
//
// SignatureVerifier adds a bounded cache of signatures already verified (keyed on a sha256 over the
// public key, the signature and the sign bytes, so an entry can only ever answer for exactly the bytes
// that were verified), so FinalizeBlock does not verify again what CheckTx verified, and an optional
// worker thread that verifies ahead of the ante handler (CheckTx pre-verification) on another core.
import { createHash, createPublicKey, type KeyObject, verify } from "node:crypto";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

// SPKI DER header for an EC secp256k1 public key with a 33-byte compressed point
const SPKI_PREFIX = Buffer.from("3036301006072a8648ce3d020106052b8104000a032200", "hex");
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;

/** The part of the `secp256k1` package's API used here (throws on unparsable signature or key). */
interface Libsecp256k1 {
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pubkey: Uint8Array): boolean;
}

const requireCjs = createRequire(import.meta.url);

/** Module path of the native binding, or undefined where it does not load on this platform. */
const NATIVE_PATH: string | undefined = (() => {
  try {
    const path = requireCjs.resolve("secp256k1/bindings");
    requireCjs(path); // loads the prebuilt .node or throws
    return path;
  } catch {
    return undefined;
  }
})();
const native: Libsecp256k1 | undefined = NATIVE_PATH ? requireCjs(NATIVE_PATH) : undefined;

/** Which backend `verifySecp256k1` uses in this process. */
export const SECP256K1_BACKEND: "libsecp256k1" | "node:crypto" = native ? "libsecp256k1" : "node:crypto";

const MAX_KEY_CACHE = 10_000;
const keyCache = new Map<string, KeyObject | null>();

function keyObject(pubkey: Uint8Array): KeyObject | null {
  const id = Buffer.from(pubkey.buffer, pubkey.byteOffset, pubkey.length).toString("latin1");
  const hit = keyCache.get(id);
  if (hit !== undefined) return hit;
  let ko: KeyObject | null = null;
  try {
    ko = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pubkey]), format: "der", type: "spki" });
  } catch {
    ko = null; // not a point on the curve
  }
  if (keyCache.size >= MAX_KEY_CACHE) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(id, ko);
  return ko;
}

/** Low-S (s <= n/2, s != 0), as the SDK requires. */
function lowS(sig: Uint8Array): boolean {
  const s = BigInt(`0x${Buffer.from(sig.buffer, sig.byteOffset + 32, 32).toString("hex")}`);
  return s !== 0n && s <= HALF_N;
}

/** node:crypto (OpenSSL) verification; exported for the backend cross-check. */
export function verifySecp256k1OpenSsl(pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pubkey.length !== 33 || sig.length !== 64) return false;
  if (!lowS(sig)) return false;
  const ko = keyObject(pubkey);
  if (!ko) return false;
  try {
    return verify("sha256", msg, { key: ko, dsaEncoding: "ieee-p1363" }, sig);
  } catch {
    return false;
  }
}

/** libsecp256k1 verification; undefined where the binding does not load. Exported for the cross-check. */
export const verifySecp256k1Native: ((pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array) => boolean) | undefined =
  native
    ? (pubkey, msg, sig) => {
        if (pubkey.length !== 33 || sig.length !== 64) return false;
        if (!lowS(sig)) return false;
        try {
          return native.ecdsaVerify(sig, createHash("sha256").update(msg).digest(), pubkey);
        } catch {
          return false; // r or s not below n, or not a point on the curve
        }
      }
    : undefined;

/** One uncached verification on this thread, with the fastest backend that loads. */
export function verifySecp256k1(pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  return verifySecp256k1Native ? verifySecp256k1Native(pubkey, msg, sig) : verifySecp256k1OpenSsl(pubkey, msg, sig);
}

// The worker: the same checks as verifySecp256k1, on batches. Plain CommonJS (eval), so it needs no
// TypeScript loader. Input: { id, n, buf } with n records of pubkey(33) sig(64) msgLength(u32 BE) msg,
// packed in one transferred buffer (cloning small views would copy their whole backing buffers);
// output: { id, ok: Uint8Array }.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash, createPublicKey, verify } = require("node:crypto");
const native = workerData && workerData.nativePath ? require(workerData.nativePath) : undefined;
const SPKI = Buffer.from("${SPKI_PREFIX.toString("hex")}", "hex");
const HALF_N = ${HALF_N.toString()}n;
const keys = new Map();
function key(pub) {
  const id = Buffer.from(pub.buffer, pub.byteOffset, pub.length).toString("latin1");
  let k = keys.get(id);
  if (k !== undefined) return k;
  try { k = createPublicKey({ key: Buffer.concat([SPKI, pub]), format: "der", type: "spki" }); } catch { k = null; }
  if (keys.size >= 10000) keys.delete(keys.keys().next().value);
  keys.set(id, k);
  return k;
}
function one(pub, msg, sig) {
  if (pub.length !== 33 || sig.length !== 64) return false;
  const s = BigInt("0x" + Buffer.from(sig.buffer, sig.byteOffset + 32, 32).toString("hex"));
  if (s === 0n || s > HALF_N) return false;
  if (native) {
    try { return native.ecdsaVerify(sig, createHash("sha256").update(msg).digest(), pub); } catch { return false; }
  }
  const k = key(pub);
  if (!k) return false;
  try { return verify("sha256", msg, { key: k, dsaEncoding: "ieee-p1363" }, sig); } catch { return false; }
}
parentPort.on("message", ({ id, n, buf }) => {
  const b = Buffer.from(buf);
  const ok = new Uint8Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const pub = b.subarray(at, at + 33);
    const sig = b.subarray(at + 33, at + 97);
    const len = b.readUInt32BE(at + 97);
    const msg = b.subarray(at + 101, at + 101 + len);
    at += 101 + len;
    ok[i] = one(pub, msg, sig) ? 1 : 0;
  }
  parentPort.postMessage({ id, ok });
});
`;

export interface SignatureVerifierOptions {
  /** verified signatures remembered (FIFO); 0 disables the cache. Default 100,000. */
  cacheSize?: number;
  /** worker threads for verifyAhead; 0 = verify ahead on this thread is skipped. Default 1. */
  workers?: number;
  /** most signatures sent to a worker in one message. Default 64. */
  maxBatch?: number;
}

interface Job {
  pubkey: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
  key: string;
  resolve: (ok: boolean) => void;
}

interface WorkerSlot {
  worker: Worker;
  inflight: Map<number, Job[]>;
}

export class SignatureVerifier {
  private readonly verified = new Map<string, true>();
  private readonly cacheSize: number;
  private readonly nWorkers: number;
  private readonly maxBatch: number;
  private readonly slots: WorkerSlot[] = [];
  private queue: Job[] = [];
  private flushScheduled = false;
  private nextId = 1;
  private broken = false;
  private next = 0;
  /** counters for metrics and tests */
  readonly stats = { hits: 0, misses: 0, ahead: 0 };

  constructor(options: SignatureVerifierOptions = {}) {
    this.cacheSize = options.cacheSize ?? 100_000;
    this.nWorkers = options.workers ?? 1;
    this.maxBatch = options.maxBatch ?? 64;
  }

  private static cacheKey(pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): string {
    return createHash("sha256").update(pubkey).update(sig).update(msg).digest("base64");
  }

  private remember(key: string): void {
    if (this.cacheSize <= 0) return;
    if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(key, true);
  }

  /** Verifies (or finds already verified) `sig` over `msg` by `pubkey`; remembers successes. */
  verify(pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
    if (pubkey.length !== 33 || sig.length !== 64) return false;
    const key = SignatureVerifier.cacheKey(pubkey, msg, sig);
    if (this.verified.has(key)) {
      this.stats.hits++;
      return true;
    }
    this.stats.misses++;
    if (!verifySecp256k1(pubkey, msg, sig)) return false;
    this.remember(key);
    return true;
  }

  /**
   * Verifies on a worker thread and remembers a success, so a later `verify` of the same bytes is a
   * cache hit. Resolves false when it could not verify (bad signature, no worker); never rejects.
   * Purely an optimization: `verify` stays the authority.
   */
  verifyAhead(pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): Promise<boolean> {
    if (this.nWorkers <= 0 || this.broken || this.cacheSize <= 0) return Promise.resolve(false);
    if (pubkey.length !== 33 || sig.length !== 64) return Promise.resolve(false);
    const key = SignatureVerifier.cacheKey(pubkey, msg, sig);
    if (this.verified.has(key)) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.queue.push({ pubkey, msg, sig, key, resolve });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private slot(): WorkerSlot | undefined {
    if (this.slots.length < this.nWorkers) {
      try {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { nativePath: NATIVE_PATH } });
        const slot: WorkerSlot = { worker, inflight: new Map() };
        worker.on("message", (m: { id: number; ok: Uint8Array }) => {
          const jobs = slot.inflight.get(m.id);
          if (!jobs) return;
          slot.inflight.delete(m.id);
          jobs.forEach((j, i) => {
            if (m.ok[i] === 1) {
              this.remember(j.key);
              this.stats.ahead++;
            }
            j.resolve(m.ok[i] === 1);
          });
          if (slot.inflight.size === 0) worker.unref();
        });
        const fail = () => {
          this.broken = true;
          for (const jobs of slot.inflight.values()) for (const j of jobs) j.resolve(false);
          slot.inflight.clear();
        };
        worker.on("error", fail);
        worker.on("exit", fail);
        worker.unref();
        this.slots.push(slot);
        return slot;
      } catch {
        this.broken = true;
        return undefined;
      }
    }
    const s = this.slots[this.next % this.slots.length];
    this.next++;
    return s;
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, this.maxBatch);
      const slot = this.broken ? undefined : this.slot();
      if (!slot) {
        for (const j of jobs) j.resolve(false);
        continue;
      }
      const id = this.nextId++;
      slot.inflight.set(id, jobs);
      slot.worker.ref(); // a pending answer keeps the process alive
      let size = 0;
      for (const j of jobs) size += 101 + j.msg.length;
      const buf = new Uint8Array(size);
      const dv = new DataView(buf.buffer);
      let at = 0;
      for (const j of jobs) {
        buf.set(j.pubkey, at);
        buf.set(j.sig, at + 33);
        dv.setUint32(at + 97, j.msg.length);
        buf.set(j.msg, at + 101);
        at += 101 + j.msg.length;
      }
      slot.worker.postMessage({ id, n: jobs.length, buf: buf.buffer }, [buf.buffer]);
    }
  }

  /** Stops the worker threads (pending verifyAhead calls resolve false). */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    this.broken = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
