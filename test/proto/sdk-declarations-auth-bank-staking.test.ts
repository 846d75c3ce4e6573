// Our Cosmos SDK v0.50 declarations of auth, bank, staking, slashing and the crypto keys against
// cosmjs-types (generated from the SDK's own .proto files): every message we declare is filled with
// every field set, encoded with @bufbuild/protobuf, decoded and re-encoded by cosmjs-types, and must
// come back byte for byte (field numbers and wire types) with the same scalar values (string vs bytes,
// signed vs unsigned: signed fields hold negative numbers); the JSON field names must match; every
// Query/Msg method cosmjs-types knows must exist here; Msgs carry their signer and amino name; a few
// well-known REST routes are exact.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import {
  create,
  type DescField,
  type DescMessage,
  type FileRegistry,
  getOption,
  hasOption,
  type MessageShape,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { isMsgService, loadServiceCatalog } from "../../chain/services/catalog.ts";
// cosmjs-types' BinaryWriter with the int64 fix the app uses (negative int64 values are written here)
import "../../chain/types/binary-writer.ts";

const require = createRequire(import.meta.url);
const descriptorSet = readFileSync(new URL("../../proto/gen/descriptors.binpb", import.meta.url));
const catalog = loadServiceCatalog(descriptorSet);
const registry = catalog.registry;

/** The .proto files this suite owns (path under proto/ without .proto = the cosmjs-types module). */
const FILES = [
  "cosmos/auth/v1beta1/auth",
  "cosmos/auth/v1beta1/query",
  "cosmos/auth/v1beta1/tx",
  "cosmos/bank/v1beta1/bank",
  "cosmos/bank/v1beta1/query",
  "cosmos/bank/v1beta1/tx",
  "cosmos/bank/v1beta1/authz",
  "cosmos/staking/v1beta1/staking",
  "cosmos/staking/v1beta1/query",
  "cosmos/staking/v1beta1/tx",
  "cosmos/staking/v1beta1/authz",
  "cosmos/slashing/v1beta1/slashing",
  "cosmos/slashing/v1beta1/query",
  "cosmos/slashing/v1beta1/tx",
  "cosmos/authz/v1beta1/authz",
  "cosmos/authz/v1beta1/query",
  "cosmos/authz/v1beta1/tx",
  "cosmos/authz/v1beta1/genesis",
  "cosmos/crypto/secp256k1/keys",
  "cosmos/crypto/ed25519/keys",
  "cosmos/crypto/multisig/keys",
  "cosmos/crypto/multisig/v1beta1/multisig",
  "tendermint/types/types",
  "tendermint/version/types",
];

/** The part of a cosmjs-types (ts-proto) message codec this test uses. */
interface CosmjsCodec {
  decode(bytes: Uint8Array): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  toJSON(message: unknown): unknown;
}

function cosmjsModule(file: string): Record<string, unknown> {
  return require(`cosmjs-types/${file}`) as Record<string, unknown>;
}

/** cosmjs-types names a nested message Outer_Inner. */
function cosmjsCodec(file: string, schema: DescMessage): CosmjsCodec | undefined {
  const pkg = schema.file.proto.package;
  const exportName = schema.typeName.slice(pkg.length + 1).replaceAll(".", "_");
  const codec = cosmjsModule(file)[exportName] as CosmjsCodec | undefined;
  return codec && typeof codec.decode === "function" ? codec : undefined;
}

function messagesOf(file: string): DescMessage[] {
  const desc = registry.getFile(`${file}.proto`);
  assert.ok(desc, `${file}.proto is in descriptors.binpb`);
  const out: DescMessage[] = [];
  const walk = (ms: readonly DescMessage[]) => {
    for (const m of ms) {
      out.push(m);
      walk(m.nestedMessages);
    }
  };
  walk(desc.messages);
  return out;
}

const ANY_PAYLOAD = "cosmos.crypto.secp256k1.PubKey";

/** A value for every field (the first member of each oneof), lists with two items. */
function fill(schema: DescMessage, reg: FileRegistry, depth = 0): MessageShape<DescMessage> {
  if (schema.typeName === "google.protobuf.Any") {
    const payload = reg.getMessage(ANY_PAYLOAD);
    assert.ok(payload);
    return anyPack(payload, fill(payload, reg, depth + 1)) as unknown as MessageShape<DescMessage>;
  }
  // valid well-known values (toJson rejects negative nanos)
  if (schema.typeName === "google.protobuf.Timestamp" || schema.typeName === "google.protobuf.Duration") {
    return create(schema, { seconds: 7n, nanos: 7 } as never) as MessageShape<DescMessage>;
  }
  const msg = create(schema) as Record<string, unknown>;
  for (const field of schema.fields) {
    if (field.oneof) {
      if (field.oneof.fields[0] !== field) continue;
      msg[field.oneof.localName] = { case: field.localName, value: single(field, reg, depth, 0) };
      continue;
    }
    msg[field.localName] =
      field.fieldKind === "list" ? [0, 1].map((i) => single(field, reg, depth, i)) : single(field, reg, depth, 0);
  }
  return msg as MessageShape<DescMessage>;
}

function single(field: DescField, reg: FileRegistry, depth: number, i: number): unknown {
  if (field.fieldKind === "map") throw new Error(`${field.parent.typeName}.${field.name}: maps are not filled`);
  if (field.message) {
    assert.ok(depth < 8, `${field.parent.typeName}: message nesting too deep`);
    return fill(field.message, reg, depth + 1);
  }
  if (field.enum) return field.enum.values[Math.min(1 + i, field.enum.values.length - 1)].number;
  return scalarValue(field.scalar as number, `${field.name}-${i}`, i);
}

// ScalarType numbers (descriptor.proto FieldDescriptorProto.Type). Signed integers get negative values
// and unsigned ones values above the signed maximum, so that a signed/unsigned mix-up either way
// decodes to a different number.
function scalarValue(scalar: number, text: string, i: number): unknown {
  switch (scalar) {
    case 3: // int64
    case 16: // sfixed64
    case 18: // sint64
      return BigInt(-7 - i);
    case 5: // int32
    case 15: // sfixed32
    case 17: // sint32
      return -7 - i;
    case 9: // string
      return text;
    case 12: // bytes
      return new Uint8Array([1, 2, 3 + i]);
    case 8: // bool
      return true;
    case 1: // double
    case 2: // float
      return 1.5 + i;
    case 4: // uint64
    case 6: // fixed64
      return 2n ** 63n + BigInt(7 + i);
    default: // unsigned 32-bit integers
      return 2 ** 31 + 7 + i;
  }
}

test("cosmjs-types toJSON writes lowerCamel JSON names, not proto field names", () => {
  const { QueryAllBalancesRequest } = cosmjsModule("cosmos/bank/v1beta1/query") as {
    QueryAllBalancesRequest: CosmjsCodec;
  };
  const json = QueryAllBalancesRequest.toJSON({ address: "a", resolveDenom: true }) as Record<string, unknown>;
  assert.equal(json.resolveDenom, true);
  assert.equal("resolve_denom" in json, false);
});

for (const file of FILES) {
  test(`${file}.proto: every message matches cosmjs-types byte for byte and in JSON names`, () => {
    const messages = messagesOf(file);
    assert.ok(messages.length > 0);
    for (const schema of messages) {
      const codec = cosmjsCodec(file, schema);
      assert.ok(codec, `cosmjs-types/${file} has ${schema.typeName}`);
      const value = fill(schema, registry);
      const ours = toBinary(schema, value);
      const decoded = codec.decode(ours) as Record<string, unknown>;
      const theirs = codec.encode(decoded).finish();
      assert.deepEqual(Buffer.from(theirs).toString("hex"), Buffer.from(ours).toString("hex"), schema.typeName);
      if (schema.fields.length > 0) assert.ok(ours.length > 0, `${schema.typeName} encodes its fields`);
      for (const field of schema.fields) {
        if (field.oneof || field.message) continue; // messages are checked as their own type
        const mine = (value as Record<string, unknown>)[field.localName];
        assert.deepEqual(decoded[field.localName], mine, `${schema.typeName}.${field.name} decodes to the same value`);
      }

      const ourKeys = Object.keys(toJson(schema, value, { registry, alwaysEmitImplicit: true }) as object).sort();
      const theirKeys = Object.keys(codec.toJSON(decoded) as object).sort();
      assert.deepEqual(ourKeys, theirKeys, `${schema.typeName} JSON keys`);
    }
  });
}

/** Method names of a cosmjs-types client class (QueryClientImpl / MsgClientImpl). */
function clientMethods(file: string, className: string): string[] {
  const cls = cosmjsModule(file)[className] as { prototype: object } | undefined;
  assert.ok(cls, `cosmjs-types/${file} has ${className}`);
  return Object.getOwnPropertyNames(cls.prototype).filter((n) => n !== "constructor");
}

const MODULES = ["auth", "bank", "staking", "slashing", "authz"];

test("every Query method cosmjs-types knows is served, with a GET binding", () => {
  for (const mod of MODULES) {
    const methods = clientMethods(`cosmos/${mod}/v1beta1/query`, "QueryClientImpl");
    const ours = catalog.methods.filter((m) => m.service.typeName === `cosmos.${mod}.v1beta1.Query`);
    assert.deepEqual(ours.map((m) => m.desc.name).sort(), [...methods].sort(), `cosmos.${mod}.v1beta1.Query`);
    for (const m of ours) {
      assert.ok(
        m.http.length > 0 && m.http.every((b) => b.method === "GET" && b.body === ""),
        `${m.path} has GET bindings`,
      );
    }
  }
});

test("every Msg cosmjs-types knows is declared, with the Msg service marker, a signer and an amino name", () => {
  const signer = registry.getExtension("cosmos.msg.v1.signer");
  const aminoName = registry.getExtension("amino.name");
  assert.ok(signer && aminoName);
  for (const mod of MODULES) {
    const service = registry.getService(`cosmos.${mod}.v1beta1.Msg`);
    assert.ok(service, `cosmos.${mod}.v1beta1.Msg`);
    assert.ok(isMsgService(service, registry));
    assert.equal(
      catalog.methods.some((m) => m.service === service),
      false,
      "Msg services are not queryable",
    );
    const methods = clientMethods(`cosmos/${mod}/v1beta1/tx`, "MsgClientImpl");
    assert.deepEqual(service.methods.map((m) => m.name).sort(), [...methods].sort());
    for (const method of service.methods) {
      const input = method.input;
      assert.ok(hasOption(input, signer), `${input.typeName} has cosmos.msg.v1.signer`);
      const signers = getOption(input, signer) as string[];
      assert.equal(signers.length, 1);
      assert.ok(
        input.fields.some((f) => f.name === signers[0]),
        `${input.typeName} signer field ${signers[0]}`,
      );
      const name = getOption(input, aminoName) as string;
      assert.match(name, /^cosmos-sdk\/(x\/\w+\/)?Msg\w+$/, `${input.typeName} amino name`);
    }
  }
  const send = registry.getMessage("cosmos.bank.v1beta1.MsgSend");
  assert.ok(send);
  assert.equal(getOption(send, aminoName), "cosmos-sdk/MsgSend");
  assert.deepEqual(getOption(send, signer), ["from_address"]);
  const exec = registry.getMessage("cosmos.authz.v1beta1.MsgExec");
  assert.ok(exec);
  assert.equal(getOption(exec, aminoName), "cosmos-sdk/MsgExec");
  assert.deepEqual(getOption(exec, signer), ["grantee"]);
  const staking = registry.getMessage("cosmos.staking.v1beta1.MsgUpdateParams");
  assert.ok(staking);
  assert.equal(getOption(staking, aminoName), "cosmos-sdk/x/staking/MsgUpdateParams");
});

test("well-known REST routes are the SDK's", () => {
  const routes: Record<string, string> = {
    "/cosmos.bank.v1beta1.Query/AllBalances": "/cosmos/bank/v1beta1/balances/{address}",
    "/cosmos.bank.v1beta1.Query/Balance": "/cosmos/bank/v1beta1/balances/{address}/by_denom",
    "/cosmos.bank.v1beta1.Query/DenomMetadata": "/cosmos/bank/v1beta1/denoms_metadata/{denom=**}",
    "/cosmos.staking.v1beta1.Query/Validators": "/cosmos/staking/v1beta1/validators",
    "/cosmos.staking.v1beta1.Query/Delegation":
      "/cosmos/staking/v1beta1/validators/{validator_addr}/delegations/{delegator_addr}",
    "/cosmos.auth.v1beta1.Query/Account": "/cosmos/auth/v1beta1/accounts/{address}",
    "/cosmos.slashing.v1beta1.Query/SigningInfos": "/cosmos/slashing/v1beta1/signing_infos",
    "/cosmos.authz.v1beta1.Query/Grants": "/cosmos/authz/v1beta1/grants",
    "/cosmos.authz.v1beta1.Query/GranterGrants": "/cosmos/authz/v1beta1/grants/granter/{granter}",
    "/cosmos.authz.v1beta1.Query/GranteeGrants": "/cosmos/authz/v1beta1/grants/grantee/{grantee}",
  };
  for (const [path, route] of Object.entries(routes)) {
    assert.deepEqual(catalog.method(path)?.http, [{ method: "GET", path: route, body: "" }], path);
  }
});

// cosmjs-types has no authz event.proto: the field numbers are the SDK's (2, 3, 4; 1 is unused)
test("cosmos.authz.v1beta1 typed events have the SDK's field numbers", () => {
  for (const name of ["EventGrant", "EventRevoke"]) {
    const m = registry.getMessage(`cosmos.authz.v1beta1.${name}`);
    assert.ok(m, name);
    assert.deepEqual(
      m.fields.map((f) => [f.name, f.number, f.scalar]),
      [
        ["msg_type_url", 2, 9],
        ["granter", 3, 9],
        ["grantee", 4, 9],
      ],
    );
  }
});
