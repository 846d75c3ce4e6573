import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import fc from "fast-check";
import {
  SECP256K1_BACKEND,
  SignatureVerifier,
  verifySecp256k1,
  verifySecp256k1Native,
  verifySecp256k1OpenSsl,
} from "../../modules/auth/sigverify.ts";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function signed(seed: string, text: string) {
  const priv = createHash("sha256").update(seed).digest();
  const msg = new TextEncoder().encode(text);
  const sig = secp256k1.sign(msg, priv); // sha256 prehash, low-S, compact r||s
  return { pub: secp256k1.getPublicKey(priv, true), msg, sig };
}

function highS(sig: Uint8Array): Uint8Array {
  const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString("hex")}`);
  return new Uint8Array([...sig.subarray(0, 32), ...Buffer.from((N - s).toString(16).padStart(64, "0"), "hex")]);
}

describe("SignatureVerifier", () => {
  it("remembers verified signatures only, keyed on pubkey, signature and message", () => {
    const v = new SignatureVerifier({ workers: 0, cacheSize: 10 });
    const a = signed("k1", "sign me");
    assert.ok(v.verify(a.pub, a.msg, a.sig));
    assert.deepEqual([v.stats.hits, v.stats.misses], [0, 1]);
    assert.ok(v.verify(a.pub, a.msg, a.sig));
    assert.deepEqual([v.stats.hits, v.stats.misses], [1, 1]);
    // the cache never answers for other bytes
    assert.ok(!v.verify(a.pub, new TextEncoder().encode("sign me!"), a.sig));
    const b = signed("k2", "sign me");
    assert.ok(!v.verify(b.pub, a.msg, a.sig));
    assert.ok(!v.verify(a.pub, a.msg, b.sig));
    assert.ok(!v.verify(a.pub, a.msg, highS(a.sig)));
    assert.ok(!v.verify(a.pub, a.msg, a.sig.subarray(1)));
    // failures are not remembered: they are checked again
    const misses = v.stats.misses;
    assert.ok(!v.verify(b.pub, a.msg, a.sig));
    assert.equal(v.stats.misses, misses + 1);
  });

  it("is bounded (oldest entries go first)", () => {
    const v = new SignatureVerifier({ workers: 0, cacheSize: 2 });
    const xs = [signed("a", "1"), signed("b", "2"), signed("c", "3")];
    for (const x of xs) assert.ok(v.verify(x.pub, x.msg, x.sig));
    const before = v.stats.hits;
    assert.ok(v.verify(xs[2].pub, xs[2].msg, xs[2].sig));
    assert.equal(v.stats.hits, before + 1);
    assert.ok(v.verify(xs[0].pub, xs[0].msg, xs[0].sig)); // evicted: verified again
    assert.equal(v.stats.hits, before + 1);
  });

  it("verifyAhead checks on a worker thread and fills the cache with successes only", async () => {
    const v = new SignatureVerifier({ workers: 1, maxBatch: 3 });
    try {
      const good = Array.from({ length: 7 }, (_, i) => signed(`w${i}`, `message ${i}`));
      const bad = signed("w-bad", "message");
      const results = await Promise.all([
        ...good.map((g) => v.verifyAhead(g.pub, g.msg, g.sig)),
        v.verifyAhead(bad.pub, new TextEncoder().encode("other"), bad.sig),
        v.verifyAhead(bad.pub, bad.msg, highS(bad.sig)),
        v.verifyAhead(new Uint8Array(33), bad.msg, bad.sig),
      ]);
      assert.deepEqual(results, [...good.map(() => true), false, false, false]);
      assert.equal(v.stats.ahead, good.length);
      for (const g of good) assert.ok(v.verify(g.pub, g.msg, g.sig));
      assert.equal(v.stats.hits, good.length);
      assert.equal(v.stats.misses, 0);
      assert.ok(!v.verify(bad.pub, new TextEncoder().encode("other"), bad.sig));
    } finally {
      await v.close();
    }
    // after close: nothing is verified ahead, verify still works on this thread
    const g = signed("after", "close");
    assert.equal(await v.verifyAhead(g.pub, g.msg, g.sig), false);
    assert.ok(v.verify(g.pub, g.msg, g.sig));
  });
});

const be32 = (x: bigint) => Buffer.from(x.toString(16).padStart(64, "0"), "hex");

describe("secp256k1 backends", () => {
  it("libsecp256k1 loads on linux-x64 (the package ships its prebuilt binding)", (t) => {
    if (process.platform !== "linux" || process.arch !== "x64") return t.skip("no prebuild expected here");
    assert.equal(SECP256K1_BACKEND, "libsecp256k1");
    assert.ok(verifySecp256k1Native);
  });

  it("libsecp256k1 and node:crypto give the same answer on valid, tampered and malformed input", (t) => {
    const nativeVerify = verifySecp256k1Native;
    if (!nativeVerify) return t.skip("libsecp256k1 binding not available on this platform");
    const variants = (pub: Uint8Array, msg: Uint8Array, sig: Uint8Array, flip: number) => {
      const r = BigInt(`0x${Buffer.from(sig.subarray(0, 32)).toString("hex")}`);
      const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString("hex")}`);
      const bit = (b: Uint8Array) => {
        const c = new Uint8Array(b);
        c[flip % c.length] ^= 1 << (flip % 8);
        return c;
      };
      return [
        { pub, msg, sig, valid: true },
        { pub, msg: bit(msg.length ? msg : new Uint8Array(1)), sig },
        { pub, msg, sig: bit(sig) },
        { pub: bit(pub), msg, sig },
        { pub, msg, sig: highS(sig) },
        { pub, msg, sig: new Uint8Array([...be32(r + N < 1n << 256n ? r + N : r), ...be32(s)]) }, // r not reduced
        { pub, msg, sig: new Uint8Array([...be32(r), ...be32(s + N < 1n << 256n ? s + N : 0n)]) },
        { pub, msg, sig: new Uint8Array([...be32(0n), ...be32(s)]) },
        { pub, msg, sig: new Uint8Array([...be32(r), ...be32(0n)]) },
        { pub: new Uint8Array([4, ...pub.subarray(1)]), msg, sig }, // wrong prefix for 33 bytes
        { pub: new Uint8Array(33), msg, sig },
        { pub, msg, sig: sig.subarray(1) },
      ];
    };
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 400 }),
        fc.nat(),
        (seed, msg, flip) => {
          const priv = createHash("sha256").update(seed).digest();
          const pub = secp256k1.getPublicKey(priv, true);
          const sig = secp256k1.sign(msg, priv);
          for (const v of variants(pub, msg, sig, flip)) {
            const a = nativeVerify(v.pub, v.msg, v.sig);
            const b = verifySecp256k1OpenSsl(v.pub, v.msg, v.sig);
            assert.equal(a, b, `backends disagree on ${Buffer.from(v.sig).toString("hex")}`);
            assert.equal(verifySecp256k1(v.pub, v.msg, v.sig), a);
            if (v.valid) assert.equal(a, true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("binary-writer exact alloc", () => {
  it("encodes the same bytes into an exactly sized standalone buffer", async () => {
    const { SignDoc } = await import("cosmjs-types/cosmos/tx/v1beta1/tx");
    const doc = {
      bodyBytes: new Uint8Array([1, 2, 3]),
      authInfoBytes: new Uint8Array([4]),
      chainId: "c",
      accountNumber: 7n,
    };
    const before = SignDoc.encode(doc).finish();
    await import("../../chain/types/binary-writer.ts");
    const after = SignDoc.encode(doc).finish();
    assert.deepEqual(Buffer.from(after), Buffer.from(before));
    assert.equal(after.buffer.byteLength, after.length);
    assert.deepEqual(SignDoc.decode(after), doc);
  });
});

describe("decodeAccount memo", () => {
  it("hands out independent copies of a memoized decode", async () => {
    const { decodeAccount, encodeAccount } = await import("../../modules/auth/account.ts");
    const bytes = encodeAccount({
      address: "dgrid1xyz",
      accountNumber: 3n,
      sequence: 5n,
      module: { name: "m", permissions: ["burner"] },
    });
    const a = decodeAccount(bytes);
    a.sequence += 1n;
    a.module?.permissions.push("minter");
    const b = decodeAccount(bytes);
    assert.equal(b.sequence, 5n);
    assert.deepEqual(b.module, { name: "m", permissions: ["burner"] });
    assert.deepEqual(decodeAccount(encodeAccount({ address: "a", accountNumber: 1n, sequence: 0n })), {
      address: "a",
      accountNumber: 1n,
      sequence: 0n,
      pubKey: undefined,
    });
  });
});
