import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fromHex, toHex } from "@cosmjs/encoding";
import { ed25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import {
  address,
  Ed25519Key,
  KeyError,
  loadNodeKey,
  loadPrivValidatorKey,
  nodeId,
  privValidatorKeyFromJson,
  privValidatorKeyToJson,
  saveNodeKey,
  savePrivValidatorKey,
} from "../../chain/types/keys.ts";
import { testTempDir } from "../support/temp-dir.ts";

describe("Ed25519Key", () => {
  it("RFC 8032 test vector 1", () => {
    const key = Ed25519Key.fromSeed(fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    assert.equal(toHex(key.pubKey), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const sig = key.sign(new Uint8Array(0));
    assert.equal(
      toHex(sig),
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    );
    assert.ok(Ed25519Key.verify(key.pubKey, new Uint8Array(0), sig));
  });
  it("sign/verify agrees with @noble/curves and rejects tampering", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 100 }), (seed, msg) => {
        const key = Ed25519Key.fromSeed(seed);
        assert.deepEqual(key.pubKey, ed25519.getPublicKey(seed));
        const sig = key.sign(msg);
        assert.ok(ed25519.verify(sig, msg, key.pubKey));
        assert.ok(Ed25519Key.verify(key.pubKey, msg, sig));
        const bad = sig.slice();
        bad[0] = (bad[0] as number) ^ 1;
        assert.equal(Ed25519Key.verify(key.pubKey, msg, bad), false);
      }),
      { numRuns: 30 },
    );
  });
  it("verify never throws on garbage", () => {
    assert.equal(Ed25519Key.verify(new Uint8Array(3), new Uint8Array(0), new Uint8Array(64)), false);
    assert.equal(Ed25519Key.verify(new Uint8Array(32), new Uint8Array(0), new Uint8Array(10)), false);
  });
  it("address is sha256(pubkey)[:20]", () => {
    const key = Ed25519Key.generate();
    assert.equal(key.address.length, 20);
    assert.deepEqual(address(key.pubKey), key.address);
  });
  it("bad seeds are rejected with KeyError", () => {
    assert.throws(() => Ed25519Key.fromSeed(new Uint8Array(31)), KeyError);
  });
});

describe("CometBFT key files", () => {
  it("priv_validator_key.json round-trips and has CometBFT's shape", () => {
    const dir = testTempDir("dgrid-keys-");
    const key = Ed25519Key.generate();
    const path = join(dir, "config", "priv_validator_key.json");
    savePrivValidatorKey(path, key);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const json = JSON.parse(readFileSync(path, "utf8"));
    assert.equal(json.address, toHex(key.address).toUpperCase());
    assert.equal(json.pub_key.type, "tendermint/PubKeyEd25519");
    assert.equal(json.priv_key.type, "tendermint/PrivKeyEd25519");
    assert.equal(Buffer.from(json.priv_key.value, "base64").length, 64);
    assert.deepEqual(loadPrivValidatorKey(path).pubKey, key.pubKey);
  });
  it("node_key.json round-trips; node id is lower-case hex address", () => {
    const dir = testTempDir("dgrid-keys-");
    const key = Ed25519Key.generate();
    saveNodeKey(join(dir, "node_key.json"), key);
    const loaded = loadNodeKey(join(dir, "node_key.json"));
    assert.equal(nodeId(loaded), toHex(key.address));
  });
  it("mismatched fields are rejected", () => {
    const json = privValidatorKeyToJson(Ed25519Key.generate());
    const other = privValidatorKeyToJson(Ed25519Key.generate());
    assert.throws(() => privValidatorKeyFromJson({ ...json, pub_key: other.pub_key }), /does not match/);
    assert.throws(() => privValidatorKeyFromJson({ ...json, address: other.address }), /does not match/);
    assert.throws(() => privValidatorKeyFromJson({ ...json, priv_key: { type: "x", value: "" } }), KeyError);
    assert.throws(() => privValidatorKeyFromJson(null), KeyError);
  });
});
