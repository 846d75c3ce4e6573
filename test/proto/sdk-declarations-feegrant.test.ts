// Our declarations of cosmos.feegrant.v1beta1 (proto/, built into proto/gen/descriptors.binpb) against
// cosmjs-types, generated from the SDK v0.50 sources: every message with every field set encodes to bytes
// that cosmjs-types decodes and re-encodes unchanged, with the same proto3 JSON keys; plus the
// google.api.http routes, the Msg signer / amino annotations and the allowances' amino names.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  create,
  createFileRegistry,
  type DescField,
  type DescMessage,
  type FileRegistry,
  fromBinary,
  getOption,
  hasOption,
  type Message,
  ScalarType,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { anyPack, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import * as feegrant from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import * as feegrantGenesis from "cosmjs-types/cosmos/feegrant/v1beta1/genesis";
import * as feegrantQuery from "cosmjs-types/cosmos/feegrant/v1beta1/query";
import * as feegrantTx from "cosmjs-types/cosmos/feegrant/v1beta1/tx";
import { loadServiceCatalog } from "../../chain/services/catalog.ts";

const descriptorBytes = readFileSync(new URL("../../proto/gen/descriptors.binpb", import.meta.url));
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorBytes));

/** our .proto file → the cosmjs-types module generated from the upstream file of the same name */
const FILES: Record<string, object> = {
  "cosmos/feegrant/v1beta1/feegrant.proto": feegrant,
  "cosmos/feegrant/v1beta1/genesis.proto": feegrantGenesis,
  "cosmos/feegrant/v1beta1/query.proto": feegrantQuery,
  "cosmos/feegrant/v1beta1/tx.proto": feegrantTx,
};

interface CosmjsCodec {
  typeUrl: string;
  encode(m: unknown): { finish(): Uint8Array };
  decode(b: Uint8Array): unknown;
  toJSON(m: unknown): unknown;
}

function codecsOf(mod: object): Map<string, CosmjsCodec> {
  const out = new Map<string, CosmjsCodec>();
  for (const v of Object.values(mod)) {
    if (v && typeof v === "object" && typeof (v as CosmjsCodec).typeUrl === "string" && "decode" in v) {
      out.set((v as CosmjsCodec).typeUrl.slice(1), v as CosmjsCodec);
    }
  }
  return out;
}

function fileOf(reg: FileRegistry, name: string) {
  const file = reg.getFile(name);
  assert.ok(file, `${name} is in proto/gen/descriptors.binpb`);
  return file;
}

/** the allowance packed into every Any the filler meets */
const ANY_CONTENT = "cosmos.feegrant.v1beta1.BasicAllowance";

/** a value for one (non-list) element of a field; i tells list items apart */
function scalarValue(type: ScalarType, f: DescField, i: number): unknown {
  const n = f.number * 10 + i + 1;
  switch (type) {
    case ScalarType.STRING:
      return `${f.name}-${i}`;
    case ScalarType.BYTES:
      return new Uint8Array([f.number, i, 0xff]);
    case ScalarType.BOOL:
      return true;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return n + 0.5;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return BigInt(n);
    default:
      return n;
  }
}

function messageValue(desc: DescMessage): Message {
  if (desc.typeName === "google.protobuf.Any") {
    const content = registry.getMessage(ANY_CONTENT);
    assert.ok(content);
    return anyPack(content, fill(content));
  }
  return fill(desc);
}

/** a message of desc with every field set: lists with 2 items, enums non-zero */
function fill(desc: DescMessage): Message {
  const init: Record<string, unknown> = {};
  const one = (f: DescField, i: number): unknown => {
    switch (f.fieldKind) {
      case "scalar":
        return scalarValue(f.scalar, f, i);
      case "enum":
        return f.enum.values[1 + (i % (f.enum.values.length - 1))].number;
      case "message":
        return messageValue(f.message);
      case "list":
        if (f.listKind === "scalar") return scalarValue(f.scalar, f, i);
        if (f.listKind === "enum") return f.enum.values[1 + (i % (f.enum.values.length - 1))].number;
        return messageValue(f.message);
      case "map":
        throw new Error(`${f.parent.typeName}.${f.name}: maps are not filled`);
    }
  };
  for (const f of desc.fields) {
    const value = f.fieldKind === "list" ? [one(f, 0), one(f, 1)] : one(f, 0);
    if (f.oneof) {
      if (f.oneof.fields[0] === f) init[f.oneof.localName] = { case: f.localName, value };
    } else {
      init[f.localName] = value;
    }
  }
  return create(desc, init as never);
}

/** compares the proto3 JSON key sets of ours and cosmjs-types', into nested non-WKT messages */
function assertSameKeys(desc: DescMessage, ours: unknown, theirs: unknown, at: string): void {
  const o = ours as Record<string, unknown>;
  const t = theirs as Record<string, unknown>;
  assert.deepEqual(Object.keys(t).sort(), Object.keys(o).sort(), `JSON keys of ${at}`);
  for (const f of desc.fields) {
    const msg = f.fieldKind === "message" || (f.fieldKind === "list" && f.listKind === "message") ? f.message : null;
    if (!msg || msg.typeName.startsWith("google.protobuf.")) continue;
    const a = o[f.jsonName];
    const b = t[f.jsonName];
    if (Array.isArray(a) && Array.isArray(b)) {
      assert.equal(b.length, a.length, `${at}.${f.jsonName} length`);
      for (const [i, x] of a.entries()) assertSameKeys(msg, x, b[i], `${at}.${f.jsonName}[${i}]`);
    } else {
      assertSameKeys(msg, a, b, `${at}.${f.jsonName}`);
    }
  }
}

for (const [fileName, mod] of Object.entries(FILES)) {
  test(`${fileName}: every message matches cosmjs-types byte for byte and by JSON keys`, () => {
    const file = fileOf(registry, fileName);
    const codecs = codecsOf(mod);
    const declared = file.messages.map((m) => m.typeName).sort();
    assert.deepEqual(declared, [...codecs.keys()].sort(), "the same messages as upstream");
    for (const desc of file.messages) {
      const codec = codecs.get(desc.typeName);
      assert.ok(codec);
      const msg = fill(desc);
      const bytes = toBinary(desc, msg);
      const decoded = codec.decode(bytes);
      assert.deepEqual(codec.encode(decoded).finish(), bytes, `${desc.typeName} re-encoded by cosmjs-types`);
      const ours = toJson(desc, msg, { registry, alwaysEmitImplicit: true });
      assertSameKeys(desc, ours, codec.toJSON(decoded), desc.typeName);
    }
  });
}

test("google.api.http routes are the SDK v0.50 ones", () => {
  const catalog = loadServiceCatalog(descriptorBytes);
  const route = (path: string) => catalog.method(path)?.http.map((h) => `${h.method} ${h.path}`);
  assert.deepEqual(route("/cosmos.feegrant.v1beta1.Query/Allowance"), [
    "GET /cosmos/feegrant/v1beta1/allowance/{granter}/{grantee}",
  ]);
  assert.deepEqual(route("/cosmos.feegrant.v1beta1.Query/Allowances"), [
    "GET /cosmos/feegrant/v1beta1/allowances/{grantee}",
  ]);
  assert.deepEqual(route("/cosmos.feegrant.v1beta1.Query/AllowancesByGranter"), [
    "GET /cosmos/feegrant/v1beta1/issued/{granter}",
  ]);
  const served = catalog.methods.filter((m) => m.service.file.proto.package === "cosmos.feegrant.v1beta1");
  assert.deepEqual(served.map((m) => m.service.name).sort(), ["Query", "Query", "Query"]);
});

test("the Msg service is marked and every Msg names its signer and amino type; allowances carry amino names", () => {
  const service = registry.getExtension("cosmos.msg.v1.service");
  const signer = registry.getExtension("cosmos.msg.v1.signer");
  const aminoName = registry.getExtension("amino.name");
  assert.ok(service && signer && aminoName);
  const file = fileOf(registry, "cosmos/feegrant/v1beta1/tx.proto");
  const msgService = file.services[0];
  assert.ok(hasOption(msgService, service) && getOption(msgService, service) === true);
  const got = msgService.methods.map((m) => [
    m.input.typeName,
    getOption(m.input, signer),
    getOption(m.input, aminoName),
  ]);
  assert.deepEqual(got, [
    ["cosmos.feegrant.v1beta1.MsgGrantAllowance", ["granter"], "cosmos-sdk/MsgGrantAllowance"],
    ["cosmos.feegrant.v1beta1.MsgRevokeAllowance", ["granter"], "cosmos-sdk/MsgRevokeAllowance"],
    ["cosmos.feegrant.v1beta1.MsgPruneAllowances", ["pruner"], "cosmos-sdk/MsgPruneAllowances"],
  ]);
  for (const name of ["BasicAllowance", "PeriodicAllowance", "AllowedMsgAllowance"]) {
    const desc = registry.getMessage(`cosmos.feegrant.v1beta1.${name}`);
    assert.ok(desc, name);
    assert.equal(getOption(desc, aminoName), `cosmos-sdk/${name}`);
  }
});
