import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { Secp256k1, sha256 } from "@cosmjs/crypto";
import { addressFromString, moduleAddress, secp256k1AddressBytes } from "../../chain/types/address.ts";
import { accountFromJson, accountToJson, decodeAccount, encodeAccount } from "../../modules/auth/account.ts";
import { validateGenesis } from "../../modules/auth/genesis.ts";
import { verifySecp256k1 } from "../../modules/auth/sigverify.ts";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("auth", () => {
  it("secp256k1 verification: valid, tampered, high-S rejected", async () => {
    const priv = new Uint8Array(createHash("sha256").update("k").digest());
    const kp = await Secp256k1.makeKeypair(priv);
    const pub = Secp256k1.compressPubkey(kp.pubkey);
    const msg = new TextEncoder().encode("sign me");
    const sig = await Secp256k1.createSignature(sha256(msg), kp.privkey);
    const rs = new Uint8Array([...sig.r(32), ...sig.s(32)]);
    assert.ok(verifySecp256k1(pub, msg, rs));
    assert.ok(!verifySecp256k1(pub, new TextEncoder().encode("other"), rs));
    const s = BigInt(`0x${Buffer.from(rs.subarray(32)).toString("hex")}`);
    const highS = Buffer.from((N - s).toString(16).padStart(64, "0"), "hex");
    assert.ok(!verifySecp256k1(pub, msg, new Uint8Array([...rs.subarray(0, 32), ...highS])));
    assert.ok(!verifySecp256k1(new Uint8Array(33), msg, rs));
    assert.ok(!verifySecp256k1(pub, msg, rs.subarray(1)));
  });

  it("addresses: bech32 prefix, module address, pubkey address", () => {
    const fc = moduleAddress("fee_collector");
    assert.match(fc, /^dgrid1/);
    assert.equal(addressFromString(fc).length, 20);
    assert.throws(
      () => addressFromString("cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a"),
      /invalid Bech32 prefix|decoding bech32/,
    );
    assert.throws(() => addressFromString(""), /empty address/);
    assert.equal(secp256k1AddressBytes(new Uint8Array(33)).length, 20);
  });

  it("accounts round-trip through Any and JSON", () => {
    const base = { address: moduleAddress("x"), accountNumber: 3n, sequence: 7n };
    assert.deepEqual(decodeAccount(encodeAccount(base)), { ...base, pubKey: undefined });
    const mod = { ...base, module: { name: "fee_collector", permissions: ["burner"] } };
    assert.deepEqual(accountFromJson(accountToJson(mod)), { ...mod, pubKey: undefined });
    assert.equal(accountToJson(mod)["@type"], "/cosmos.auth.v1beta1.ModuleAccount");
  });

  it("genesis validation rejects duplicates and bad addresses", () => {
    const acc = (address: string, n: string) => ({
      "@type": "/cosmos.auth.v1beta1.BaseAccount",
      address,
      account_number: n,
      sequence: "0",
    });
    const a = moduleAddress("a");
    const b = moduleAddress("b");
    validateGenesis({ accounts: [acc(a, "0"), acc(b, "1")] });
    assert.throws(() => validateGenesis({ accounts: [acc(a, "0"), acc(a, "1")] }), /duplicate account/);
    assert.throws(() => validateGenesis({ accounts: [acc(a, "0"), acc(b, "0")] }), /duplicate account number/);
    assert.throws(() => validateGenesis({ accounts: [acc("nope", "0")] }), /bech32/);
    assert.throws(() => validateGenesis({ params: { tx_sig_limit: "x" } }), /invalid auth parameter/);
  });
});
