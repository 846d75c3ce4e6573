import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fromUtf8, toHex } from "@cosmjs/encoding";
import fc from "fast-check";
import {
  consensusParamsFromJson,
  consensusParamsToJson,
  defaultConsensusParams,
  defaultConsensusParamsJson,
  GenesisError,
  genesisToJson,
  genesisToRequestInitChain,
  genesisValidators,
  loadGenesis,
  parseGenesis,
} from "../../chain/types/genesis.ts";
import { Ed25519Key, pubKeyToJson } from "../../chain/types/keys.ts";
import { formatRfc3339, parseRfc3339 } from "../../chain/types/time.ts";
import { testTempDir } from "../support/temp-dir.ts";

const key = Ed25519Key.fromSeed(new Uint8Array(32).fill(1));
const doc = () => ({
  genesis_time: "2024-01-02T03:04:05.123456789Z",
  chain_id: "dgrid-test-1",
  initial_height: "1",
  consensus_params: defaultConsensusParamsJson(),
  validators: [
    { address: toHex(key.address).toUpperCase(), pub_key: pubKeyToJson(key.pubKey), power: "10", name: "v0" },
  ],
  app_hash: "",
  app_state: { bank: { balances: [] } },
});

describe("genesis", () => {
  it("default consensus params as CometBFT writes them", () => {
    const p = defaultConsensusParamsJson();
    assert.equal(p.block.max_bytes, "22020096");
    assert.equal(p.block.max_gas, "-1");
    assert.deepEqual(p.validator.pub_key_types, ["ed25519"]);
    assert.equal(p.abci.vote_extensions_enable_height, "0");
    assert.equal(p.evidence.max_age_duration, "172800000000000");
    const proto = defaultConsensusParams();
    assert.equal(proto.block?.maxBytes, 22020096n);
    assert.equal(proto.evidence?.maxAgeDuration.seconds, 172800n);
    assert.deepEqual(consensusParamsToJson(consensusParamsFromJson(p)), p);
  });
  it("parses, fills defaults and round-trips through JSON", () => {
    const d = doc() as Record<string, unknown>;
    delete d.consensus_params;
    delete d.initial_height;
    (d.validators as { address: string }[])[0]!.address = "";
    const g = parseGenesis(JSON.stringify(d));
    assert.equal(g.initial_height, "1");
    assert.deepEqual(g.consensus_params, defaultConsensusParamsJson());
    assert.equal(g.validators[0]?.address, toHex(key.address).toUpperCase());
    assert.deepEqual(parseGenesis(genesisToJson(g)), g);
  });
  it("converts to RequestInitChain", () => {
    const req = genesisToRequestInitChain(parseGenesis(doc()));
    assert.equal(req.chainId, "dgrid-test-1");
    assert.equal(req.initialHeight, 1n);
    assert.deepEqual(req.time, { seconds: BigInt(Date.parse("2024-01-02T03:04:05Z") / 1000), nanos: 123456789 });
    assert.deepEqual(req.validators[0]?.pubKey.ed25519, key.pubKey);
    assert.equal(req.validators[0]?.power, 10n);
    assert.deepEqual(JSON.parse(fromUtf8(req.appStateBytes)), { bank: { balances: [] } });
    assert.equal(req.consensusParams?.block?.maxGas, -1n);
    assert.deepEqual(genesisValidators(parseGenesis(doc()))[0]?.address, key.address);
  });
  it("rejects bad documents with clear errors", () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ chain_id: "" }, /chain_id must not be empty/],
      [{ chain_id: "x".repeat(51) }, /chain_id is too long/],
      [{ genesis_time: "yesterday" }, /genesis_time/],
      [{ initial_height: "-1" }, /initial_height/],
      [{ app_hash: "zz" }, /app_hash/],
      [{ consensus_params: { block: { max_bytes: "0" } } }, /max_bytes/],
      [{ consensus_params: { validator: { pub_key_types: [] } } }, /pub_key_types/],
      [{ validators: [{ ...doc().validators[0], power: "0" }] }, /no voting power/],
      [{ validators: [{ ...doc().validators[0], address: "AB" }] }, /does not match/],
      [{ validators: [{ ...doc().validators[0], pub_key: { type: "x", value: "" } }] }, /pub_key type/],
      [{ validators: "nope" }, /validators must be an array/],
    ];
    for (const [patch, re] of bad) {
      assert.throws(
        () => parseGenesis({ ...doc(), ...patch }),
        (e: unknown) => e instanceof GenesisError && re.test(e.message),
      );
    }
    assert.throws(() => parseGenesis("{"), GenesisError);
    assert.throws(() => parseGenesis("[]"), GenesisError);
  });
  it("empty genesis_time is filled from now()", () => {
    const g = parseGenesis({ ...doc(), genesis_time: "" }, () => ({ seconds: 1700000000n, nanos: 5 }));
    assert.equal(g.genesis_time, "2023-11-14T22:13:20.000000005Z");
  });
  it("loadGenesis reads a file", () => {
    const dir = testTempDir("dgrid-gen-");
    writeFileSync(join(dir, "genesis.json"), JSON.stringify(doc()));
    assert.equal(loadGenesis(join(dir, "genesis.json")).chain_id, "dgrid-test-1");
    assert.throws(() => loadGenesis(join(dir, "missing.json")), /cannot read/);
  });
});

describe("RFC 3339 times", () => {
  it("round-trips with nanoseconds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -62135596800, max: 253402300799 }),
        fc.integer({ min: 0, max: 999999999 }),
        (s, n) => {
          const t = { seconds: BigInt(s), nanos: n };
          assert.deepEqual(parseRfc3339(formatRfc3339(t)), t);
        },
      ),
    );
  });
  it("Go zero time and offsets", () => {
    assert.deepEqual(parseRfc3339("0001-01-01T00:00:00Z"), { seconds: -62135596800n, nanos: 0 });
    assert.deepEqual(parseRfc3339("2024-01-01T01:00:00+01:00"), parseRfc3339("2024-01-01T00:00:00Z"));
    assert.equal(parseRfc3339("2024-02-30T00:00:00Z"), undefined);
    assert.equal(formatRfc3339({ seconds: 0n, nanos: 100000000 }), "1970-01-01T00:00:00.1Z");
  });
});
