// The recorded SDK v0.50 gateway responses (test/fixtures/sdk-gateway/) against our declarations: each
// parses as its response message from proto/gen/descriptors.binpb with unknown fields refused (every key
// is a field of that message, so a fixture of another SDK version fails), and printed back as proto3
// JSON (proto names, defaults emitted) it gives the fixture again, value for value, except where the
// gateway writes null: an unset message field (which proto3 JSON omits) or nil bytes (printed "").
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { type FileRegistry, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { loadServiceCatalog } from "../../chain/services/catalog.ts";
import { shapeDifference } from "../support/json-shape.ts";

const catalog = loadServiceCatalog(readFileSync(new URL("../../proto/gen/descriptors.binpb", import.meta.url)));
const registry: FileRegistry = catalog.registry;

/** fixture file → [REST route, gRPC method whose response it is] */
const FIXTURES: Record<string, [string, string]> = {
  "bank-balances.json": ["/cosmos/bank/v1beta1/balances/{address}", "/cosmos.bank.v1beta1.Query/AllBalances"],
  "staking-validators.json": ["/cosmos/staking/v1beta1/validators", "/cosmos.staking.v1beta1.Query/Validators"],
  "gov-proposals.json": ["/cosmos/gov/v1/proposals", "/cosmos.gov.v1.Query/Proposals"],
  "tx-by-hash.json": ["/cosmos/tx/v1beta1/txs/{hash}", "/cosmos.tx.v1beta1.Service/GetTx"],
  "latest-block.json": [
    "/cosmos/base/tendermint/v1beta1/blocks/latest",
    "/cosmos.base.tendermint.v1beta1.Service/GetLatestBlock",
  ],
};

function readFixture(file: string): JsonValue {
  return JSON.parse(readFileSync(new URL(`../fixtures/sdk-gateway/${file}`, import.meta.url), "utf8")) as JsonValue;
}

/** proto3 JSON reads a null field as its default; dropping the key says the same to every parser. */
function withoutNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, withoutNulls(item)]),
  );
}

/** The first place where the reprinted message differs from the fixture, null rules applied. */
function firstDifference(fixture: JsonValue, printed: JsonValue | undefined, path: string): string | undefined {
  if (fixture === null) {
    // unset message field: omitted by proto3 JSON; nil bytes: printed as the empty default
    return printed === undefined || printed === ""
      ? undefined
      : `${path}: null in the fixture, ${JSON.stringify(printed)} printed`;
  }
  if (printed === undefined) return `${path}: in the fixture, not a field of the message`;
  if (Array.isArray(fixture)) {
    if (!Array.isArray(printed) || printed.length !== fixture.length) return `${path}: array differs`;
    for (let i = 0; i < fixture.length; i++) {
      const difference = firstDifference(fixture[i] as JsonValue, printed[i], `${path}[${i}]`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  if (typeof fixture === "object") {
    if (printed === null || typeof printed !== "object" || Array.isArray(printed)) return `${path}: object differs`;
    for (const [key, item] of Object.entries(fixture)) {
      // fromJson packs an Any under "type.googleapis.com/<name>" whatever prefix it was read with
      const value =
        key === "@type" && typeof printed[key] === "string" ? printed[key].replace(/^[^/]*/, "") : printed[key];
      const difference = firstDifference(item, value, `${path}.${key}`);
      if (difference !== undefined) return difference;
    }
    const missing = Object.keys(printed).find((key) => !Object.hasOwn(fixture, key));
    return missing === undefined ? undefined : `${path}.${missing}: a field of the message the fixture lacks`;
  }
  return fixture === printed
    ? undefined
    : `${path}: ${JSON.stringify(fixture)} in the fixture, ${JSON.stringify(printed)} printed`;
}

for (const [file, [route, grpcPath]] of Object.entries(FIXTURES)) {
  test(`${file} is a ${grpcPath} response, field for field`, () => {
    const method = catalog.method(grpcPath);
    assert.ok(method, `${grpcPath} is declared`);
    assert.ok(
      method.http.some((binding) => binding.method === "GET" && binding.path === route),
      `${grpcPath} is routed at GET ${route}`,
    );
    const fixture = readFixture(file);
    const message = fromJson(method.desc.output, withoutNulls(fixture), { registry, ignoreUnknownFields: false });
    const printed = toJson(method.desc.output, message, {
      registry,
      useProtoFieldName: true,
      alwaysEmitImplicit: true,
    });
    assert.equal(firstDifference(fixture, printed, "$"), undefined);
  });
}

test("the check refuses a key the v0.50 message does not have (a fixture of SDK v0.53)", () => {
  const method = catalog.method("/cosmos.tx.v1beta1.Service/GetTx");
  assert.ok(method);
  const fixture = readFixture("tx-by-hash.json") as { tx: { body: Record<string, JsonValue> } };
  fixture.tx.body.unordered = false;
  assert.throws(
    () =>
      fromJson(method.desc.output, withoutNulls(fixture as unknown as JsonValue), {
        registry,
        ignoreUnknownFields: false,
      }),
    /unordered/,
  );
});

test("the check refuses a fixture that lacks a field (a v0.46 gov proposal without expedited)", () => {
  const method = catalog.method("/cosmos.gov.v1.Query/Proposals");
  assert.ok(method);
  const fixture = readFixture("gov-proposals.json") as { proposals: Record<string, JsonValue>[] };
  delete fixture.proposals[0]?.expedited;
  const message = fromJson(method.desc.output, withoutNulls(fixture as unknown as JsonValue), { registry });
  const printed = toJson(method.desc.output, message, { registry, useProtoFieldName: true, alwaysEmitImplicit: true });
  assert.match(
    firstDifference(fixture as unknown as JsonValue, printed, "$") ?? "",
    /proposals\[0\]\.expedited: a field/,
  );
});

test("proto3 JSON alone differs from the gateway's exactly where the gateway writes null", () => {
  // What a REST gateway printing with toJson(..., {alwaysEmitImplicit: true}) must still do: write
  // null for nil bytes (printed "") and for unset message fields (omitted).
  const cases: [string, string, string][] = [
    ["bank-balances.json", "$.pagination.next_key", "expected null, got string"],
    ["gov-proposals.json", "$.proposals[1].voting_start_time", 'missing key "voting_start_time"'],
    ["tx-by-hash.json", "$.tx.auth_info.tip", 'missing key "tip"'],
    ["latest-block.json", "$.block.last_commit.signatures[1].validator_address", "expected base64 | null, got string"],
  ];
  for (const [file, path, message] of cases) {
    const method = catalog.method(FIXTURES[file]?.[1] ?? "");
    assert.ok(method);
    const fixture = readFixture(file);
    const parsed = fromJson(method.desc.output, withoutNulls(fixture), { registry });
    const printed = toJson(method.desc.output, parsed, { registry, useProtoFieldName: true, alwaysEmitImplicit: true });
    const difference = shapeDifference(printed, fixture);
    assert.equal(difference?.path, path, file);
    assert.ok(difference.message.startsWith(message), difference.message);
  }
});
