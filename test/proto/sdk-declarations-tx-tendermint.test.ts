// Our declarations of the SDK v0.50 tx / abci / tendermint-query / node / reflection protos and the
// CometBFT v0.38 types they use must be the SDK's on the wire and in JSON. cosmjs-types (generated
// from the SDK's own .proto files) is the reference: every declared message is filled with every
// field set, encoded from proto/gen/descriptors.binpb with @bufbuild/protobuf, decoded and re-encoded
// with cosmjs-types (same bytes means same field numbers, wire types and order), and the JSON names
// of both are compared. The google.api.http routes are asserted exactly.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  create,
  type DescField,
  type DescMessage,
  equals,
  type FileRegistry,
  fromBinary,
  type JsonValue,
  ScalarType,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import "../../chain/types/binary-writer.ts";
import { loadServiceCatalog } from "../../chain/services/catalog.ts";

const catalog = loadServiceCatalog(readFileSync(new URL("../../proto/gen/descriptors.binpb", import.meta.url)));
const registry: FileRegistry = catalog.registry;

/** The files this check covers (cosmjs-types has one module per proto file, at the same path). */
const FILES = [
  "cosmos/tx/v1beta1/tx.proto",
  "cosmos/tx/v1beta1/service.proto",
  "cosmos/tx/signing/v1beta1/signing.proto",
  "cosmos/crypto/multisig/v1beta1/multisig.proto",
  "cosmos/base/abci/v1beta1/abci.proto",
  "cosmos/base/tendermint/v1beta1/query.proto",
  "cosmos/base/tendermint/v1beta1/types.proto",
  "cosmos/base/node/v1beta1/query.proto",
  "cosmos/reflection/v1/reflection.proto",
  "tendermint/abci/types.proto",
  "tendermint/types/types.proto",
  "tendermint/types/block.proto",
  "tendermint/types/evidence.proto",
  "tendermint/types/validator.proto",
  "tendermint/version/types.proto",
  "tendermint/crypto/keys.proto",
  "tendermint/crypto/proof.proto",
  "tendermint/p2p/types.proto",
];

/**
 * cosmjs-types 0.11 is generated from SDK v0.53, whose TxBody gained two fields v0.50 does not have;
 * its toJSON writes `unordered: false` even when unset. These JSON keys may appear on its side only.
 */
const COSMJS_V053_ONLY: Record<string, string[]> = {
  "cosmos.tx.v1beta1.TxBody": ["unordered", "timeoutTimestamp"],
};

/**
 * cosmjs-types writes descriptor.proto's repeated int32 fields packed and empty (proto2 declares them
 * unpacked), so for the reflection response the check is that the re-encoded bytes decode to the same message.
 */
const SAME_MESSAGE_ONLY = new Set(["cosmos.reflection.v1.FileDescriptorsResponse"]);

interface CosmjsCodec {
  decode(bytes: Uint8Array): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  toJSON(message: unknown): unknown;
}

async function cosmjsCodec(desc: DescMessage): Promise<CosmjsCodec | undefined> {
  const module = `cosmjs-types/${desc.file.name}`;
  const exports = (await import(module)) as Record<string, CosmjsCodec | undefined>;
  // nested messages are exported as Outer_Inner
  return exports[desc.typeName.slice(desc.file.proto.package.length + 1).replaceAll(".", "_")];
}

/** Values that differ per field, so a swapped pair of fields changes the bytes. */
class Filler {
  private n = 0;
  constructor(private readonly registry: FileRegistry) {}

  /** One message per oneof case (variant k sets the k-th case of every oneof). */
  variants(desc: DescMessage): Record<string, unknown>[] {
    const count = Math.max(1, ...desc.oneofs.map((o) => o.fields.length));
    return Array.from({ length: count }, (_, k) => this.message(desc, k, []));
  }

  private message(desc: DescMessage, variant: number, path: string[]): Record<string, unknown> {
    if (desc.typeName === "google.protobuf.Any") return this.any();
    if (desc.typeName === "google.protobuf.Timestamp")
      return { seconds: BigInt(1_700_000_000 + this.next()), nanos: this.next() };
    if (desc.typeName === "google.protobuf.FileDescriptorProto") return this.fileDescriptor();
    const init: Record<string, unknown> = {};
    const inner = [...path, desc.typeName];
    for (const field of desc.fields) {
      if (field.oneof) continue;
      const value = this.field(field, inner);
      if (value !== undefined) init[field.localName] = value;
    }
    for (const oneof of desc.oneofs) {
      const field = oneof.fields[variant % oneof.fields.length];
      const value = this.single(field, inner);
      if (value !== undefined) init[oneof.localName] = { case: field.localName, value };
    }
    return init;
  }

  private field(field: DescField, path: string[]): unknown {
    if (field.fieldKind === "map") throw new Error(`map field ${field.name} not expected here`);
    if (field.fieldKind !== "list") return this.single(field, path);
    const item = () =>
      field.listKind === "scalar"
        ? this.scalar(field.scalar)
        : field.listKind === "enum"
          ? this.enumValue(field.enum.values.map((v) => v.number))
          : this.nested(field.message, path);
    const items = [item(), item()].filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }

  private single(field: DescField, path: string[]): unknown {
    switch (field.fieldKind) {
      case "scalar":
        return this.scalar(field.scalar);
      case "enum":
        return this.enumValue(field.enum.values.map((v) => v.number));
      case "message":
        return this.nested(field.message, path);
      default:
        throw new Error(`unexpected field kind of ${field.name}`);
    }
  }

  /** Recursive types (ModeInfo.Multi, SignatureDescriptor.Data.Multi) stop at their second level. */
  private nested(desc: DescMessage, path: string[]): Record<string, unknown> | undefined {
    if (path.filter((t) => t === desc.typeName).length >= 2) return undefined;
    return this.message(desc, this.n, path);
  }

  private enumValue(numbers: number[]): number {
    const nonZero = numbers.filter((v) => v !== 0);
    return nonZero[this.next() % nonZero.length];
  }

  /**
   * Signed integers are negative and unsigned ones have their top bit set, so a signed/unsigned mix-up
   * (same varint bytes) shows in the decoded values; 64-bit ones use both 32-bit words.
   */
  private scalar(type: ScalarType): unknown {
    const n = this.next();
    switch (type) {
      case ScalarType.STRING:
        return `s${n}`;
      case ScalarType.BYTES:
        return new Uint8Array([n & 0xff, (n >> 8) & 0xff, 0xfe]);
      case ScalarType.BOOL:
        return true;
      case ScalarType.INT32:
      case ScalarType.SINT32:
      case ScalarType.SFIXED32:
        return -n;
      case ScalarType.UINT32:
      case ScalarType.FIXED32:
        return 2 ** 31 + n;
      case ScalarType.INT64:
      case ScalarType.SINT64:
      case ScalarType.SFIXED64:
        return -(2n ** 32n + BigInt(n));
      case ScalarType.UINT64:
      case ScalarType.FIXED64:
        return 2n ** 63n + BigInt(n);
      default:
        return n + 0.5;
    }
  }

  private any(): Record<string, unknown> {
    const coin = this.registry.getMessage("cosmos.base.v1beta1.Coin");
    assert.ok(coin);
    const n = this.next();
    return {
      typeUrl: "/cosmos.base.v1beta1.Coin",
      value: toBinary(coin, create(coin, { denom: `u${n}`, amount: `${n}` })),
    };
  }

  /**
   * A small proto3 file with one repeated field. descriptor.proto is proto2 and cosmjs-types' codec for
   * it is lossy (it drops LABEL_OPTIONAL, its first enum value, as if it were a default).
   */
  private fileDescriptor(): Record<string, unknown> {
    const n = this.next();
    return {
      name: `f${n}.proto`,
      package: `p${n}`,
      dependency: ["google/protobuf/any.proto"],
      messageType: [{ name: `M${n}`, field: [{ name: "a_b", number: 1, label: 3, type: 9, jsonName: "aB" }] }],
      syntax: "proto3",
    };
  }

  private next(): number {
    this.n += 1;
    return this.n;
  }
}

/**
 * The key paths of a JSON value, with the value of every scalar leaf ("authInfo.fee.gasLimit=\"…\"").
 * It descends only into the messages both sides write as plain objects.
 */
function jsonLeaves(
  desc: DescMessage,
  json: unknown,
  ignore: Record<string, string[]> = {},
  prefix = "",
  out = new Set<string>(),
): Set<string> {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return out;
  const byJsonName = new Map(desc.fields.map((f) => [f.jsonName, f]));
  const ignored = ignore[desc.typeName] ?? [];
  for (const [key, value] of Object.entries(json)) {
    if (ignored.includes(key)) continue;
    const path = `${prefix}${key}`;
    out.add(path);
    const field = byJsonName.get(key);
    if (field?.message && LEAF_TYPES.has(field.message.typeName)) continue;
    (Array.isArray(value) ? value : [value]).forEach((item, i) => {
      const at = Array.isArray(value) ? `${path}[${i}]` : path;
      if (field?.message) jsonLeaves(field.message, item, ignore, `${at}.`, out);
      else out.add(`${at}=${JSON.stringify(item)}`);
    });
  }
  return out;
}

// Any ({"@type"...} vs {typeUrl, value}), Timestamp (both a string) and descriptors differ in shape
const LEAF_TYPES = new Set(["google.protobuf.Any", "google.protobuf.Timestamp", "google.protobuf.FileDescriptorProto"]);

function declaredMessages(): DescMessage[] {
  const out: DescMessage[] = [];
  const walk = (m: DescMessage) => {
    out.push(m);
    m.nestedMessages.forEach(walk);
  };
  for (const name of FILES) {
    const file = registry.getFile(name);
    assert.ok(file, `${name} is in proto/gen/descriptors.binpb`);
    file.messages.forEach(walk);
  }
  return out;
}

test("every declared message has the bytes and the JSON names and values of cosmjs-types", async () => {
  const filler = new Filler(registry);
  const messages = declaredMessages();
  assert.ok(messages.length > 90, `${messages.length} messages`);
  for (const desc of messages) {
    const codec = await cosmjsCodec(desc);
    assert.ok(codec, `cosmjs-types has ${desc.typeName}`);
    for (const init of filler.variants(desc)) {
      const message = create(desc, init);
      const bytes = toBinary(desc, message);
      if (desc.fields.length > 0) assert.ok(bytes.length > 0, desc.typeName);
      const decoded = codec.decode(bytes);
      const reencoded = codec.encode(decoded).finish();
      if (SAME_MESSAGE_ONLY.has(desc.typeName)) {
        assert.ok(
          equals(desc, fromBinary(desc, reencoded), message),
          `${desc.typeName}: cosmjs-types keeps the message`,
        );
      } else {
        assert.deepEqual(reencoded, bytes, `${desc.typeName}: cosmjs-types re-encodes the same bytes`);
      }

      const ours = jsonLeaves(desc, toJson(desc, message, { registry, alwaysEmitImplicit: true }) as JsonValue);
      const theirs = jsonLeaves(desc, codec.toJSON(decoded), COSMJS_V053_ONLY);
      assert.deepEqual([...ours].sort(), [...theirs].sort(), `${desc.typeName}: JSON names and values`);
    }
  }
});

test("every declared enum has the value names and numbers of cosmjs-types", async () => {
  let count = 0;
  for (const name of FILES) {
    const file = registry.getFile(name);
    assert.ok(file);
    const exports = (await import(`cosmjs-types/${file.name}`)) as Record<string, Record<string, unknown>>;
    for (const desc of file.enums) {
      const theirs = Object.entries(exports[desc.name] ?? {}).filter(
        ([key, value]) => typeof value === "number" && key !== "UNRECOGNIZED",
      );
      assert.deepEqual(
        desc.values.map((v) => [v.name, v.number]),
        theirs,
        desc.typeName,
      );
      count += 1;
    }
  }
  // SignedMsgType, BlockIDFlag, SignMode, OrderBy, BroadcastMode
  assert.equal(count, 5);
});

test("the filler sets every field: each variant's JSON names every non-oneof field", () => {
  const filler = new Filler(registry);
  const txBody = registry.getMessage("cosmos.tx.v1beta1.TxBody");
  assert.ok(txBody);
  const json = toJson(txBody, create(txBody, filler.variants(txBody)[0]), { registry }) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json).sort(), txBody.fields.map((f) => f.jsonName).sort());
  const modeInfo = registry.getMessage("cosmos.tx.v1beta1.ModeInfo");
  assert.ok(modeInfo);
  const cases = filler
    .variants(modeInfo)
    .map((v) => Object.keys(toJson(modeInfo, create(modeInfo, v), { registry }) as object));
  assert.deepEqual(cases, [["single"], ["multi"]]);
});

test("the tx, tendermint-query and node services carry the SDK v0.50 routes exactly", () => {
  const routes = (service: string) =>
    catalog.methods
      .filter((m) => m.service.typeName === service)
      .map((m) => [m.desc.name, m.http.map((h) => `${h.method} ${h.path}${h.body ? ` body=${h.body}` : ""}`)]);
  assert.deepEqual(Object.fromEntries(routes("cosmos.tx.v1beta1.Service")), {
    BroadcastTx: ["POST /cosmos/tx/v1beta1/txs body=*"],
    GetBlockWithTxs: ["GET /cosmos/tx/v1beta1/txs/block/{height}"],
    GetTx: ["GET /cosmos/tx/v1beta1/txs/{hash}"],
    GetTxsEvent: ["GET /cosmos/tx/v1beta1/txs"],
    Simulate: ["POST /cosmos/tx/v1beta1/simulate body=*"],
    TxDecode: ["POST /cosmos/tx/v1beta1/decode body=*"],
    TxDecodeAmino: ["POST /cosmos/tx/v1beta1/decode/amino body=*"],
    TxEncode: ["POST /cosmos/tx/v1beta1/encode body=*"],
    TxEncodeAmino: ["POST /cosmos/tx/v1beta1/encode/amino body=*"],
  });
  assert.deepEqual(Object.fromEntries(routes("cosmos.base.tendermint.v1beta1.Service")), {
    ABCIQuery: ["GET /cosmos/base/tendermint/v1beta1/abci_query"],
    GetBlockByHeight: ["GET /cosmos/base/tendermint/v1beta1/blocks/{height}"],
    GetLatestBlock: ["GET /cosmos/base/tendermint/v1beta1/blocks/latest"],
    GetLatestValidatorSet: ["GET /cosmos/base/tendermint/v1beta1/validatorsets/latest"],
    GetNodeInfo: ["GET /cosmos/base/tendermint/v1beta1/node_info"],
    GetSyncing: ["GET /cosmos/base/tendermint/v1beta1/syncing"],
    GetValidatorSetByHeight: ["GET /cosmos/base/tendermint/v1beta1/validatorsets/{height}"],
  });
  assert.deepEqual(Object.fromEntries(routes("cosmos.base.node.v1beta1.Service")), {
    Config: ["GET /cosmos/base/node/v1beta1/config"],
    Status: ["GET /cosmos/base/node/v1beta1/status"],
  });
  // reflection is gRPC only in the SDK
  assert.deepEqual(routes("cosmos.reflection.v1.ReflectionService"), [["FileDescriptors", []]]);
  const fileDescriptors = catalog.method("/cosmos.reflection.v1.ReflectionService/FileDescriptors");
  assert.equal(fileDescriptors?.desc.output.field.files.message?.typeName, "google.protobuf.FileDescriptorProto");
});

test("the tx search request keeps the SDK's deprecated fields next to page, limit and query", () => {
  const request = registry.getMessage("cosmos.tx.v1beta1.GetTxsEventRequest");
  assert.ok(request);
  assert.deepEqual(
    request.fields.map((f) => [f.name, f.number, f.deprecated]),
    [
      ["events", 1, true],
      ["pagination", 2, true],
      ["order_by", 3, false],
      ["page", 4, false],
      ["limit", 5, false],
      ["query", 6, false],
    ],
  );
  const body = registry.getMessage("cosmos.tx.v1beta1.TxBody");
  assert.deepEqual(
    body?.fields.map((f) => [f.name, f.number]),
    [
      ["messages", 1],
      ["memo", 2],
      ["timeout_height", 3],
      ["extension_options", 1023],
      ["non_critical_extension_options", 2047],
    ],
  );
});
