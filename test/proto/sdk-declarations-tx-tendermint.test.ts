// Our declarations of the SDK v0.50 tx / abci / tendermint-query / node / reflection protos and the
// CometBFT v0.38 types they use must be the SDK's on the wire and in JSON. cosmjs-types (generated
// from the SDK's own .proto files) is the reference: every declared message is filled with every
// field set, encoded from proto/gen/descriptors.binpb with @bufbuild/protobuf, decoded and re-encoded
// with cosmjs-types (same bytes means same field numbers, wire types and order), and the JSON names
// of both are compared. The google.api.http routes are asserted exactly.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create, toJson } from "@bufbuild/protobuf";
import {
  assertEnumsMatchCosmjs,
  assertFileMatchesCosmjs,
  DeclarationFiller,
  loadDeclarations,
} from "../support/proto-declarations.ts";

const { catalog, registry } = loadDeclarations();

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

/** Files that declare only the upstream messages we use (abci results and events, not the ABCI requests). */
const SUBSET = new Set(["tendermint/abci/types.proto", "tendermint/types/types.proto", "tendermint/p2p/types.proto"]);

const newFiller = () => new DeclarationFiller({ anyContent: "cosmos.base.v1beta1.Coin" }, { registry });

test("every declared message has the bytes and the JSON names and values of cosmjs-types", () => {
  const filler = newFiller();
  let count = 0;
  for (const fileName of FILES) {
    const options = {
      subset: SUBSET.has(fileName),
      cosmjsOnlyJsonKeys: COSMJS_V053_ONLY,
      sameMessageOnly: SAME_MESSAGE_ONLY,
    };
    count += assertFileMatchesCosmjs(fileName, options, { registry, filler });
  }
  assert.ok(count > 90, `${count} messages`);
});

test("every declared enum has the value names and numbers of cosmjs-types", () => {
  const checked = FILES.flatMap((fileName) => assertEnumsMatchCosmjs(fileName, { registry }));
  // SignedMsgType, BlockIDFlag, SignMode, OrderBy, BroadcastMode
  assert.equal(checked.length, 5);
});

test("the filler sets every field: each variant's JSON names every non-oneof field", () => {
  const filler = newFiller();
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
