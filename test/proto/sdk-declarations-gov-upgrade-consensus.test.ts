// Our declarations of cosmos.gov.v1, cosmos.gov.v1beta1, cosmos.upgrade.v1beta1, cosmos.consensus.v1 and
// tendermint.types params (proto/, built into proto/gen/descriptors.binpb) against cosmjs-types, which is
// generated from the SDK v0.50 / CometBFT v0.38 sources: a message with every field set encodes to bytes
// that cosmjs-types decodes and re-encodes unchanged (same field numbers and wire types), and the proto3
// JSON key sets agree (same field names). Also the google.api.http routes and the Msg annotations.
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
import * as consensusQuery from "cosmjs-types/cosmos/consensus/v1/query";
import * as consensusTx from "cosmjs-types/cosmos/consensus/v1/tx";
import * as govV1 from "cosmjs-types/cosmos/gov/v1/gov";
import * as govV1Query from "cosmjs-types/cosmos/gov/v1/query";
import * as govV1Tx from "cosmjs-types/cosmos/gov/v1/tx";
import * as govV1beta1 from "cosmjs-types/cosmos/gov/v1beta1/gov";
import * as govV1beta1Query from "cosmjs-types/cosmos/gov/v1beta1/query";
import * as govV1beta1Tx from "cosmjs-types/cosmos/gov/v1beta1/tx";
import * as upgradeQuery from "cosmjs-types/cosmos/upgrade/v1beta1/query";
import * as upgradeTx from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import * as upgrade from "cosmjs-types/cosmos/upgrade/v1beta1/upgrade";
import * as tmParams from "cosmjs-types/tendermint/types/params";
import { loadServiceCatalog } from "../../chain/services/catalog.ts";

const descriptorBytes = readFileSync(new URL("../../proto/gen/descriptors.binpb", import.meta.url));
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorBytes));

/** our .proto file → the cosmjs-types module generated from the upstream file of the same name */
const FILES: Record<string, object> = {
  "cosmos/gov/v1/gov.proto": govV1,
  "cosmos/gov/v1/query.proto": govV1Query,
  "cosmos/gov/v1/tx.proto": govV1Tx,
  "cosmos/gov/v1beta1/gov.proto": govV1beta1,
  "cosmos/gov/v1beta1/query.proto": govV1beta1Query,
  "cosmos/gov/v1beta1/tx.proto": govV1beta1Tx,
  "cosmos/upgrade/v1beta1/upgrade.proto": upgrade,
  "cosmos/upgrade/v1beta1/query.proto": upgradeQuery,
  "cosmos/upgrade/v1beta1/tx.proto": upgradeTx,
  "cosmos/consensus/v1/query.proto": consensusQuery,
  "cosmos/consensus/v1/tx.proto": consensusTx,
  "tendermint/types/params.proto": tmParams,
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

/** the Content packed into every Any the filler meets */
const ANY_CONTENT = "cosmos.gov.v1beta1.TextProposal";

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

test("cosmjs-types writes camelCase JSON names (so our JSON is compared with json names, not proto names)", () => {
  const json = govV1Query.QueryProposalsRequest.toJSON(govV1Query.QueryProposalsRequest.fromPartial({}));
  assert.ok("proposalStatus" in (json as object));
});

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

test("enums carry the upstream values", () => {
  const expect: Record<string, Record<number, string>> = {
    "cosmos.gov.v1.VoteOption": govV1.VoteOption as never,
    "cosmos.gov.v1.ProposalStatus": govV1.ProposalStatus as never,
    "cosmos.gov.v1beta1.VoteOption": govV1beta1.VoteOption as never,
    "cosmos.gov.v1beta1.ProposalStatus": govV1beta1.ProposalStatus as never,
  };
  for (const [name, upstream] of Object.entries(expect)) {
    const e = registry.getEnum(name);
    assert.ok(e, name);
    const theirs = Object.entries(upstream).filter(([k, v]) => typeof v === "number" && v >= 0 && k !== "UNRECOGNIZED");
    assert.deepEqual(
      e.values.map((v) => [v.name, v.number]),
      theirs.map(([k, v]) => [k, v]),
      name,
    );
  }
});

test("google.api.http routes are the SDK v0.50 ones", () => {
  const catalog = loadServiceCatalog(descriptorBytes);
  const route = (path: string) => catalog.method(path)?.http.map((h) => `${h.method} ${h.path}`);
  assert.deepEqual(route("/cosmos.gov.v1.Query/Proposals"), ["GET /cosmos/gov/v1/proposals"]);
  assert.deepEqual(route("/cosmos.gov.v1.Query/Vote"), ["GET /cosmos/gov/v1/proposals/{proposal_id}/votes/{voter}"]);
  assert.deepEqual(route("/cosmos.gov.v1.Query/Constitution"), ["GET /cosmos/gov/v1/constitution"]);
  assert.deepEqual(route("/cosmos.gov.v1.Query/Params"), ["GET /cosmos/gov/v1/params/{params_type}"]);
  assert.deepEqual(route("/cosmos.gov.v1beta1.Query/Proposals"), ["GET /cosmos/gov/v1beta1/proposals"]);
  assert.deepEqual(route("/cosmos.upgrade.v1beta1.Query/CurrentPlan"), ["GET /cosmos/upgrade/v1beta1/current_plan"]);
  assert.deepEqual(route("/cosmos.upgrade.v1beta1.Query/Authority"), ["GET /cosmos/upgrade/v1beta1/authority"]);
  assert.deepEqual(route("/cosmos.consensus.v1.Query/Params"), ["GET /cosmos/consensus/v1/params"]);
  // every Query method of these packages has exactly one GET route; Msg services are not served
  const counts: Record<string, number> = {};
  for (const m of catalog.methods) {
    const pkg = m.service.file.proto.package;
    if (!/^cosmos\.(gov\.v1|gov\.v1beta1|upgrade\.v1beta1|consensus\.v1)$/.test(pkg)) continue;
    assert.equal(m.service.name, "Query", m.path);
    assert.equal(m.http.length, 1, m.path);
    assert.equal(m.http[0].method, "GET", m.path);
    counts[pkg] = (counts[pkg] ?? 0) + 1;
  }
  assert.deepEqual(counts, {
    "cosmos.gov.v1": 9,
    "cosmos.gov.v1beta1": 8,
    "cosmos.upgrade.v1beta1": 5,
    "cosmos.consensus.v1": 1,
  });
});

test("Msg services are marked and every Msg names its signer and amino type", () => {
  const service = registry.getExtension("cosmos.msg.v1.service");
  const signer = registry.getExtension("cosmos.msg.v1.signer");
  const aminoName = registry.getExtension("amino.name");
  assert.ok(service && signer && aminoName);
  const expected: Record<string, [string, string]> = {
    "cosmos.gov.v1.MsgSubmitProposal": ["proposer", "cosmos-sdk/v1/MsgSubmitProposal"],
    "cosmos.gov.v1.MsgExecLegacyContent": ["authority", "cosmos-sdk/v1/MsgExecLegacyContent"],
    "cosmos.gov.v1.MsgVote": ["voter", "cosmos-sdk/v1/MsgVote"],
    "cosmos.gov.v1.MsgVoteWeighted": ["voter", "cosmos-sdk/v1/MsgVoteWeighted"],
    "cosmos.gov.v1.MsgDeposit": ["depositor", "cosmos-sdk/v1/MsgDeposit"],
    "cosmos.gov.v1.MsgUpdateParams": ["authority", "cosmos-sdk/x/gov/v1/MsgUpdateParams"],
    "cosmos.gov.v1.MsgCancelProposal": ["proposer", "cosmos-sdk/v1/MsgCancelProposal"],
    "cosmos.gov.v1beta1.MsgSubmitProposal": ["proposer", "cosmos-sdk/MsgSubmitProposal"],
    "cosmos.gov.v1beta1.MsgVote": ["voter", "cosmos-sdk/MsgVote"],
    "cosmos.gov.v1beta1.MsgVoteWeighted": ["voter", "cosmos-sdk/MsgVoteWeighted"],
    "cosmos.gov.v1beta1.MsgDeposit": ["depositor", "cosmos-sdk/MsgDeposit"],
    "cosmos.upgrade.v1beta1.MsgSoftwareUpgrade": ["authority", "cosmos-sdk/MsgSoftwareUpgrade"],
    "cosmos.upgrade.v1beta1.MsgCancelUpgrade": ["authority", "cosmos-sdk/MsgCancelUpgrade"],
    "cosmos.consensus.v1.MsgUpdateParams": ["authority", "cosmos-sdk/x/consensus/MsgUpdateParams"],
  };
  const seen: string[] = [];
  for (const fileName of Object.keys(FILES).filter((f) => f.endsWith("/tx.proto"))) {
    const file = fileOf(registry, fileName);
    assert.equal(file.services.length, 1, fileName);
    const msgService = file.services[0];
    assert.equal(msgService.name, "Msg");
    assert.ok(hasOption(msgService, service) && getOption(msgService, service) === true, `${fileName} Msg service`);
    for (const method of msgService.methods) {
      const name = method.input.typeName;
      seen.push(name);
      assert.deepEqual(
        [getOption(method.input, signer), getOption(method.input, aminoName)],
        [[expected[name]?.[0]], expected[name]?.[1]],
      );
    }
  }
  assert.deepEqual(seen.sort(), Object.keys(expected).sort());
});

test("the legacy gov Content types and the amino names of the upgrade types are declared", () => {
  const aminoName = registry.getExtension("amino.name");
  assert.ok(aminoName);
  const names: Record<string, string> = {
    "cosmos.gov.v1beta1.TextProposal": "cosmos-sdk/TextProposal",
    "cosmos.upgrade.v1beta1.SoftwareUpgradeProposal": "cosmos-sdk/SoftwareUpgradeProposal",
    "cosmos.upgrade.v1beta1.CancelSoftwareUpgradeProposal": "cosmos-sdk/CancelSoftwareUpgradeProposal",
    "cosmos.upgrade.v1beta1.Plan": "cosmos-sdk/Plan",
  };
  for (const [typeName, amino] of Object.entries(names)) {
    const desc = registry.getMessage(typeName);
    assert.ok(desc, typeName);
    assert.equal(getOption(desc, aminoName), amino, typeName);
  }
});
