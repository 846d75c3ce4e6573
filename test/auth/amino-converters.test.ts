// The DGrid amino converters (client/amino.ts): their field tables agree with the protos' descriptors
// and amino annotations, they write the SDK's amino JSON (fixed examples worked out by the rules of
// x/tx/signing/aminojson), and fromAmino(toAmino(x)) == x for every message (fast-check).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import {
  createFileRegistry,
  type DescField,
  type DescMessage,
  fromBinary,
  getOption,
  hasOption,
  ScalarType,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { MsgExec, MsgGrant, MsgRevoke } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { AllowedMsgAllowance, BasicAllowance, PeriodicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import { MsgGrantAllowance, MsgPruneAllowances, MsgRevokeAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/tx";
import { MsgSubmitProposal } from "cosmjs-types/cosmos/gov/v1/tx";
import fc from "fast-check";
import { isMsgService } from "../../chain/services/catalog.ts";
import { dgridAminoConverters, dgridAminoMsgs } from "../../client/amino.ts";
import { authzAminoAuthorizations, authzAminoConverters } from "../../client/amino-authz.ts";
import { feegrantAminoAllowances, feegrantAminoConverters } from "../../client/amino-feegrant.ts";
import { govV1AminoConverters, govV1AminoMsgs, submitProposalSpec } from "../../client/amino-gov.ts";
import { type FieldSpec, type MessageSpec, oneofKey } from "../../client/amino-json.ts";
import { MsgDelistModel } from "../../proto/gen/dgrid/registry/v1/tx.ts";
import { registry } from "../inference/chain-setup.ts";

const descriptors = createFileRegistry(
  fromBinary(
    FileDescriptorSetSchema,
    readFileSync(resolve(import.meta.dirname, "..", "..", "proto", "gen", "descriptors.binpb")),
  ),
);
const ext = (name: string) => {
  const e = descriptors.getExtension(name);
  assert.ok(e, `extension ${name} in the descriptors`);
  return e;
};
const AMINO_NAME = ext("amino.name");
const DONT_OMITEMPTY = ext("amino.dont_omitempty");
const ONEOF_NAME = ext("amino.oneof_name");

const SCALARS: Record<string, ScalarType> = {
  string: ScalarType.STRING,
  "cosmos.Int": ScalarType.STRING,
  bool: ScalarType.BOOL,
  uint32: ScalarType.UINT32,
  int32: ScalarType.INT32,
  uint64: ScalarType.UINT64,
  int64: ScalarType.INT64,
  bytes: ScalarType.BYTES,
};

function checkField(f: DescField, s: FieldSpec, at: string) {
  assert.equal(s.repeated ?? false, f.fieldKind === "list", `${at}: repeated`);
  const message = f.fieldKind === "message" ? f.message : f.fieldKind === "list" ? f.message : undefined;
  const scalar = f.fieldKind === "scalar" ? f.scalar : f.fieldKind === "list" ? f.scalar : undefined;
  if (s.type === "enum") assert.equal(f.fieldKind === "list" ? f.listKind : f.fieldKind, "enum", `${at}: an enum`);
  else if (s.type === "timestamp" || s.type === "duration")
    assert.equal(
      message?.typeName,
      s.type === "timestamp" ? "google.protobuf.Timestamp" : "google.protobuf.Duration",
      at,
    );
  else if (typeof s.type === "string") assert.equal(scalar, SCALARS[s.type], `${at}: scalar type`);
  else {
    assert.ok(message, `${at}: a message field`);
    checkMessage(message, s.type);
  }
  assert.equal(
    s.dontOmitEmpty ?? false,
    hasOption(f, DONT_OMITEMPTY) && getOption(f, DONT_OMITEMPTY) === true,
    `${at}: dont_omitempty`,
  );
  assert.equal(s.oneof?.name, f.oneof?.name, `${at}: oneof`);
  if (s.oneof) assert.equal(s.oneof.typeName, getOption(f, ONEOF_NAME), `${at}: oneof_name`);
}

function checkMessage(desc: DescMessage, spec: MessageSpec) {
  assert.equal(spec.name, desc.typeName);
  assert.deepEqual(
    spec.fields.map((f) => f.name).sort(),
    desc.fields.map((f) => f.name).sort(),
    `${desc.typeName}: the table has exactly the proto's fields`,
  );
  for (const f of desc.fields) {
    const s = spec.fields.find((x) => x.name === f.name)!;
    assert.equal(s.prop, f.localName, `${desc.typeName}.${f.name}: ts-proto property`);
    checkField(f, s, `${desc.typeName}.${f.name}`);
  }
}

describe("DGrid amino converters", () => {
  it("cover every DGrid Msg, with the proto's amino.name (unique, at most 39 characters for Ledger) and fields", () => {
    const msgs: string[] = [];
    for (const file of descriptors.files) {
      if (!file.proto.package.startsWith("dgrid.")) continue;
      for (const service of file.services) {
        if (!isMsgService(service, descriptors)) continue;
        for (const method of service.methods) msgs.push(method.input.typeName);
      }
    }
    assert.equal(msgs.length, 10);
    assert.deepEqual(dgridAminoMsgs.map((m) => m.spec.name).sort(), msgs.sort());
    const names = new Set<string>();
    for (const m of dgridAminoMsgs) {
      const desc = descriptors.getMessage(m.spec.name)!;
      assert.equal(m.aminoType, getOption(desc, AMINO_NAME), `${m.spec.name}: amino.name`);
      assert.ok(m.aminoType.length <= 39, `${m.aminoType} is longer than 39 characters`);
      assert.ok(!names.has(m.aminoType), `${m.aminoType} is not unique`);
      names.add(m.aminoType);
      assert.equal(m.typeUrl, `/${m.spec.name}`);
      assert.equal(dgridAminoConverters[m.typeUrl].aminoType, m.aminoType);
      checkMessage(desc, m.spec);
    }
  });

  it("write the SDK's amino JSON: proto names, defaults left out, 64-bit as strings, base64 bytes, oneof wrapper", () => {
    const register = dgridAminoConverters["/dgrid.registry.v1.MsgRegisterModel"];
    assert.deepEqual(
      register.toAmino({
        creator: "dgrid1c",
        id: "ab",
        name: "m",
        version: "",
        inputs: [
          {
            name: "x",
            dtype: "float32",
            shape: [
              { size: 0, symbol: "batch" },
              { size: 4, symbol: "" },
            ],
          },
        ],
        outputs: [],
        sessionOptions: { graphOptimizationLevel: "all", executionMode: "sequential", intraOpNumThreads: 0 },
        policy: { topk: { k: 3 } },
        pricePerCall: { denom: "udgrid", amount: "" },
        creatorSharePpm: 0n,
        goldenVectors: [
          { inputs: [{ name: "x", dtype: "float32", shape: [1, 0], data: new Uint8Array([1, 2, 3]) }], outputs: [] },
        ],
        sizeBytes: 18446744073709551615n,
      }),
      {
        creator: "dgrid1c",
        id: "ab",
        name: "m",
        inputs: [{ name: "x", dtype: "float32", shape: [{ symbol: "batch" }, { size: 4 }] }],
        session_options: { graph_optimization_level: "all", execution_mode: "sequential" },
        policy: { Policy: { type: "dgrid/TopKPolicy", value: { topk: { k: 3 } } } },
        price_per_call: { denom: "udgrid", amount: "0" },
        golden_vectors: [{ inputs: [{ name: "x", dtype: "float32", shape: [1, 0], data: "AQID" }] }],
        size_bytes: "18446744073709551615",
      },
    );
    const policyOf = (policy: unknown) =>
      (register.toAmino({ creator: "c", policy, pricePerCall: { denom: "u", amount: "1" } }) as any).policy;
    assert.deepEqual(policyOf({ exact: {} }), { Policy: { type: "dgrid/ExactPolicy", value: { exact: {} } } });
    assert.deepEqual(policyOf({}), { Policy: null });
    assert.equal(oneofKey("one_of_name"), "OneOfName", "Go's field name of a oneof");
    assert.throws(() => policyOf({ exact: {}, argmax: {} }), /more than one case/);
    assert.throws(() => register.toAmino({ creator: "c" }), /price_per_call is required/);

    const request = dgridAminoConverters["/dgrid.inference.v1.MsgRequestInference"];
    assert.deepEqual(request.toAmino({ requester: "r", modelId: "m", inputs: [], maxFee: undefined, redundancy: 0 }), {
      requester: "r",
      model_id: "m",
    });
    const report = dgridAminoConverters["/dgrid.registry.v1.MsgReportConformance"];
    assert.deepEqual(report.toAmino({ validator: "v", modelId: "m", passed: true, reason: "", provider: "" }), {
      validator: "v",
      model_id: "m",
      passed: true,
    });
    const params = dgridAminoConverters["/dgrid.inference.v1.MsgUpdateParams"];
    assert.deepEqual(params.toAmino({ authority: "a", params: { commitDeadlineBlocks: -1n, defaultRedundancy: 0 } }), {
      authority: "a",
      params: { commit_deadline_blocks: "-1" },
    });
    assert.throws(() => params.toAmino({ authority: "a" }), /params is required/);
  });

  it("fromAmino refuses malformed amino JSON with the field's path", () => {
    const request = dgridAminoConverters["/dgrid.inference.v1.MsgRequestInference"];
    assert.throws(() => request.fromAmino({ requester: 5 }), /requester: expected a string/);
    assert.throws(() => request.fromAmino({ redundancy: "1" }), /redundancy: expected a number/);
    assert.throws(() => request.fromAmino({ inputs: {} }), /inputs: expected an array/);
    const register = dgridAminoConverters["/dgrid.registry.v1.MsgRegisterModel"];
    assert.throws(() => register.fromAmino({ size_bytes: "1e3" }), /size_bytes: expected a decimal integer/);
    assert.throws(
      () => register.fromAmino({ policy: { Policy: { type: "dgrid/Nope", value: {} } } }),
      /Policy: unknown type dgrid\/Nope/,
    );
  });

  it("fromAmino(toAmino(x)) == x for every DGrid Msg (through JSON text, as a wallet hands it back)", () => {
    for (const m of dgridAminoMsgs) {
      const c = dgridAminoConverters[m.typeUrl];
      fc.assert(
        fc.property(messageArb(m.spec), (x) => {
          const json = JSON.parse(JSON.stringify(c.toAmino(x)));
          const back = c.fromAmino(json);
          assert.deepEqual(back, m.codec.fromPartial(x), m.typeUrl);
          assert.deepEqual(m.codec.encode(back).finish(), m.codec.encode(m.codec.fromPartial(x)).finish());
        }),
        { numRuns: 60 },
      );
    }
  });
});

describe("gov v1 amino converters", () => {
  it("votes and deposits: the proto's amino.name and fields", () => {
    for (const m of govV1AminoMsgs) {
      const desc = descriptors.getMessage(m.spec.name)!;
      assert.ok(desc, m.spec.name);
      assert.equal(m.aminoType, getOption(desc, AMINO_NAME), `${m.spec.name}: amino.name`);
      assert.equal(govV1AminoConverters[m.typeUrl].aminoType, m.aminoType);
      checkMessage(desc, m.spec);
    }
    assert.deepEqual(
      govV1AminoMsgs.map((m) => m.typeUrl),
      ["/cosmos.gov.v1.MsgVote", "/cosmos.gov.v1.MsgVoteWeighted", "/cosmos.gov.v1.MsgDeposit"],
    );
    assert.deepEqual(Object.keys(govV1AminoConverters).sort(), [
      "/cosmos.gov.v1.MsgDeposit",
      "/cosmos.gov.v1.MsgSubmitProposal",
      "/cosmos.gov.v1.MsgVote",
      "/cosmos.gov.v1.MsgVoteWeighted",
    ]);
  });

  it("write the SDK's amino JSON: enums as numbers, proposal_id always, weights as their decimal strings, legacy coins", () => {
    const c = (t: string) => govV1AminoConverters[`/cosmos.gov.v1.${t}`];
    assert.deepEqual(c("MsgVote").toAmino({ proposalId: 0n, voter: "dgrid1v", option: 3, metadata: "" }), {
      proposal_id: "0",
      voter: "dgrid1v",
      option: 3,
    });
    assert.deepEqual(
      c("MsgVoteWeighted").toAmino({
        proposalId: 7n,
        voter: "dgrid1v",
        options: [
          { option: 1, weight: "0.700000000000000000" },
          { option: 2, weight: "0.300000000000000000" },
        ],
        metadata: "why",
      }),
      {
        proposal_id: "7",
        voter: "dgrid1v",
        options: [
          { option: 1, weight: "0.700000000000000000" },
          { option: 2, weight: "0.300000000000000000" },
        ],
        metadata: "why",
      },
    );
    assert.deepEqual(c("MsgDeposit").toAmino({ proposalId: 2n, depositor: "dgrid1d", amount: [] }), {
      proposal_id: "2",
      depositor: "dgrid1d",
      amount: [],
    });
  });

  it("MsgSubmitProposal: the proto's fields; its messages as {type, value} of their own amino forms", () => {
    const desc = descriptors.getMessage("cosmos.gov.v1.MsgSubmitProposal")!;
    assert.equal(getOption(desc, AMINO_NAME), "cosmos-sdk/v1/MsgSubmitProposal");
    // the table holds every field but the Anys, which the converter writes itself
    assert.deepEqual(
      [...submitProposalSpec.fields.map((f) => f.name), "messages"].sort(),
      desc.fields.map((f) => f.name).sort(),
    );
    for (const f of desc.fields.filter((x) => x.name !== "messages"))
      checkField(f, submitProposalSpec.fields.find((x) => x.name === f.name)!, `MsgSubmitProposal.${f.name}`);
    const c = govV1AminoConverters[MsgSubmitProposal.typeUrl];
    const send = MsgSend.fromPartial({
      fromAddress: "dgrid1g",
      toAddress: "dgrid1t",
      amount: [{ denom: "udgrid", amount: "9" }],
    });
    const delist = { authority: "dgrid1g", modelId: "ab" };
    const proposal = MsgSubmitProposal.fromPartial({
      messages: [
        { typeUrl: MsgSend.typeUrl, value: MsgSend.encode(send).finish() },
        { typeUrl: "/dgrid.registry.v1.MsgDelistModel", value: MsgDelistModel.encode(delist).finish() },
      ],
      initialDeposit: [],
      proposer: "dgrid1p",
      title: "t",
      summary: "s",
      expedited: true,
    });
    const json = c.toAmino(proposal);
    assert.deepEqual(json, {
      messages: [
        {
          type: "cosmos-sdk/MsgSend",
          value: { from_address: "dgrid1g", to_address: "dgrid1t", amount: [{ denom: "udgrid", amount: "9" }] },
        },
        { type: "dgrid/MsgDelistModel", value: { authority: "dgrid1g", model_id: "ab" } },
      ],
      initial_deposit: [],
      proposer: "dgrid1p",
      title: "t",
      summary: "s",
      expedited: true,
    });
    const back = c.fromAmino(JSON.parse(JSON.stringify(json)));
    assert.deepEqual(MsgSubmitProposal.encode(back).finish(), MsgSubmitProposal.encode(proposal).finish());
    // a message without an amino form: named
    const noAmino = MsgSubmitProposal.fromPartial({
      messages: [{ typeUrl: "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade", value: new Uint8Array() }],
    });
    assert.throws(
      () => c.toAmino(noAmino),
      /messages\[0\]: \/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade has no amino form/,
    );
    assert.throws(
      () => c.fromAmino({ messages: [{ type: "nope/Msg", value: {} }] }),
      /messages\[0\]: unknown type nope\/Msg/,
    );
  });

  it("fromAmino(toAmino(x)) == x for the gov v1 votes and deposits", () => {
    for (const m of govV1AminoMsgs) {
      const c = govV1AminoConverters[m.typeUrl];
      fc.assert(
        fc.property(messageArb(m.spec), (x) => {
          const back = c.fromAmino(JSON.parse(JSON.stringify(c.toAmino(x))));
          assert.deepEqual(m.codec.encode(back).finish(), m.codec.encode(m.codec.fromPartial(x)).finish());
        }),
        { numRuns: 60 },
      );
    }
  });
});

describe("authz amino converters", () => {
  const grant = authzAminoConverters[MsgGrant.typeUrl];
  const exec = authzAminoConverters[MsgExec.typeUrl];
  const revoke = authzAminoConverters[MsgRevoke.typeUrl];
  const inference = authzAminoAuthorizations.find((a) => a.aminoType === "dgrid/InferenceAuthorization")!;
  const send = authzAminoAuthorizations.find((a) => a.aminoType === "cosmos-sdk/SendAuthorization")!;

  it("the authorization tables agree with the protos' fields and amino names; the Msgs' names are the protos'", () => {
    for (const a of authzAminoAuthorizations) {
      const desc = descriptors.getMessage(a.spec.name)!;
      assert.ok(desc, a.spec.name);
      assert.equal(a.aminoType, getOption(desc, AMINO_NAME), `${a.spec.name}: amino.name`);
      assert.equal(a.typeUrl, `/${a.spec.name}`);
      checkMessage(desc, a.spec);
    }
    for (const [typeUrl, c] of Object.entries(authzAminoConverters))
      assert.equal(c.aminoType, getOption(descriptors.getMessage(typeUrl.slice(1))!, AMINO_NAME), typeUrl);
  });

  it("write the SDK's amino JSON: Anys as {type, value}, times RFC 3339, durations in nanoseconds, nested Msgs converted", () => {
    const auth = {
      typeUrl: inference.typeUrl,
      value: inference.codec
        .encode(
          inference.codec.fromPartial({
            spendLimit: [{ denom: "udgrid", amount: "10" }],
            allowedModels: ["m"],
            period: { seconds: 86_400n, nanos: 0 },
            periodSpendLimit: [{ denom: "udgrid", amount: "5" }],
            periodReset: { seconds: 1_893_456_000n, nanos: 500_000_000 },
          }),
        )
        .finish(),
    };
    const m = {
      granter: "a",
      grantee: "b",
      grant: { authorization: auth, expiration: { seconds: 4_102_444_800n, nanos: 250_000 } },
    };
    assert.deepEqual(grant.toAmino(m), {
      granter: "a",
      grantee: "b",
      grant: {
        authorization: {
          type: "dgrid/InferenceAuthorization",
          value: {
            spend_limit: [{ denom: "udgrid", amount: "10" }],
            allowed_models: ["m"],
            period: "86400000000000",
            period_spend_limit: [{ denom: "udgrid", amount: "5" }],
            period_reset: "2030-01-01T00:00:00.5Z",
          },
        },
        expiration: "2100-01-01T00:00:00.00025Z",
      },
    });
    // an empty spend limit is written [] (dont_omitempty); no grant at all is still {} (non-nullable)
    const empty = { typeUrl: send.typeUrl, value: send.codec.encode(send.codec.fromPartial({})).finish() };
    assert.deepEqual(grant.toAmino({ granter: "a", grantee: "b", grant: { authorization: empty } }).grant, {
      authorization: { type: "cosmos-sdk/SendAuthorization", value: { spend_limit: [] } },
    });
    assert.deepEqual(grant.toAmino({ granter: "a", grantee: "b" }), { granter: "a", grantee: "b", grant: {} });

    const sendMsg = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: "a", toAddress: "c", amount: [{ denom: "udgrid", amount: "7" }] },
    };
    const e = { grantee: "b", msgs: [registry.encodeAsAny(sendMsg)] };
    assert.deepEqual(exec.toAmino(e), {
      grantee: "b",
      msgs: [
        {
          type: "cosmos-sdk/MsgSend",
          value: { from_address: "a", to_address: "c", amount: [{ denom: "udgrid", amount: "7" }] },
        },
      ],
    });
    assert.deepEqual(revoke.toAmino({ granter: "a", grantee: "b", msgTypeUrl: "/x.Msg" }), {
      granter: "a",
      grantee: "b",
      msg_type_url: "/x.Msg",
    });
  });

  it("fromAmino(toAmino(x)) gives back the same bytes: grants of every authorization, execs of Msgs (also nested), revokes", () => {
    const bytes = (typeUrl: string, v: unknown) => registry.encode({ typeUrl, value: v });
    const roundTrip = (typeUrl: string, v: unknown) => {
      const c = authzAminoConverters[typeUrl];
      const back = c.fromAmino(JSON.parse(JSON.stringify(c.toAmino(v))));
      assert.deepEqual(bytes(typeUrl, back), bytes(typeUrl, v), typeUrl);
    };
    for (const a of authzAminoAuthorizations)
      fc.assert(
        fc.property(
          messageArb(a.spec),
          fc.option(valueArb({ name: "t", prop: "t", type: "timestamp" }, 0), { nil: undefined }),
          (x, expiration) => {
            const authorization = { typeUrl: a.typeUrl, value: a.codec.encode(a.codec.fromPartial(x)).finish() };
            roundTrip(MsgGrant.typeUrl, { granter: "g", grantee: "h", grant: { authorization, expiration } });
          },
        ),
        { numRuns: 60 },
      );
    const inner = registry.encodeAsAny({
      typeUrl: "/dgrid.inference.v1.MsgRequestInference",
      value: {
        requester: "r",
        modelId: "m",
        inputs: [{ name: "x", dtype: "float32", shape: [1], data: new Uint8Array([1, 2, 3, 4]) }],
        maxFee: { denom: "udgrid", amount: "3" },
        redundancy: 1,
      },
    });
    const nested = { typeUrl: MsgExec.typeUrl, value: MsgExec.encode({ grantee: "x", msgs: [inner] }).finish() };
    roundTrip(MsgExec.typeUrl, { grantee: "b", msgs: [inner, nested] });
    roundTrip(MsgRevoke.typeUrl, { granter: "a", grantee: "b", msgTypeUrl: "/x.Msg" });
    assert.throws(
      () => exec.toAmino({ grantee: "b", msgs: [{ typeUrl: "/no.Such", value: new Uint8Array() }] }),
      /msgs\[0\]: \/no.Such has no amino form/,
    );
    assert.throws(
      () => exec.fromAmino({ grantee: "b", msgs: [{ type: "nope/Msg", value: {} }] }),
      /msgs\[0\]: unknown type nope\/Msg/,
    );
    assert.throws(() => grant.fromAmino({ grant: { authorization: { type: "x/Y", value: {} } } }), /unknown type x\/Y/);
  });
});

describe("feegrant amino converters", () => {
  const grant = feegrantAminoConverters[MsgGrantAllowance.typeUrl];
  const codecs: Record<string, { encode(m: any): { finish(): Uint8Array }; fromPartial(m: any): any }> = {
    [BasicAllowance.typeUrl]: BasicAllowance,
    [PeriodicAllowance.typeUrl]: PeriodicAllowance,
    [AllowedMsgAllowance.typeUrl]: AllowedMsgAllowance,
  };
  const any = (typeUrl: string, v: unknown) => ({
    typeUrl,
    value: codecs[typeUrl].encode(codecs[typeUrl].fromPartial(v)).finish(),
  });

  it("the allowance tables agree with the protos' fields and amino names; the Msgs' names are the protos'", () => {
    for (const a of feegrantAminoAllowances) {
      const desc = descriptors.getMessage(a.spec.name)!;
      assert.ok(desc, a.spec.name);
      assert.equal(a.aminoType, getOption(desc, AMINO_NAME), `${a.spec.name}: amino.name`);
      assert.equal(a.typeUrl, `/${a.spec.name}`);
      if (a.typeUrl !== AllowedMsgAllowance.typeUrl) {
        checkMessage(desc, a.spec);
        continue;
      }
      // AllowedMsgAllowance: its allowance Any is converted by type, the rest by the table
      assert.deepEqual(desc.fields.map((f) => f.name).sort(), ["allowance", "allowed_messages"]);
      assert.equal(desc.field.allowance.message?.typeName, "google.protobuf.Any");
      checkField(desc.field.allowedMessages, a.spec.fields[0], `${a.spec.name}.allowed_messages`);
    }
    for (const [typeUrl, c] of Object.entries(feegrantAminoConverters))
      assert.equal(c.aminoType, getOption(descriptors.getMessage(typeUrl.slice(1))!, AMINO_NAME), typeUrl);
  });

  it("write the SDK's amino JSON: allowances as {type, value}, limits always written, times RFC 3339, durations in nanoseconds", () => {
    const basic = {
      spendLimit: [{ denom: "udgrid", amount: "100000" }],
      expiration: { seconds: 4_102_444_800n, nanos: 5e8 },
    };
    const allowed = any(AllowedMsgAllowance.typeUrl, {
      allowance: any(PeriodicAllowance.typeUrl, {
        basic,
        period: { seconds: 86_400n, nanos: 0 },
        periodSpendLimit: [{ denom: "udgrid", amount: "10" }],
        periodReset: { seconds: 1_893_456_000n, nanos: 0 },
      }),
      allowedMessages: ["/cosmos.authz.v1beta1.MsgExec"],
    });
    assert.deepEqual(grant.toAmino({ granter: "a", grantee: "b", allowance: allowed }), {
      granter: "a",
      grantee: "b",
      allowance: {
        type: "cosmos-sdk/AllowedMsgAllowance",
        value: {
          allowance: {
            type: "cosmos-sdk/PeriodicAllowance",
            value: {
              basic: { spend_limit: [{ denom: "udgrid", amount: "100000" }], expiration: "2100-01-01T00:00:00.5Z" },
              period: "86400000000000",
              period_spend_limit: [{ denom: "udgrid", amount: "10" }],
              period_can_spend: [],
              period_reset: "2030-01-01T00:00:00Z",
            },
          },
          allowed_messages: ["/cosmos.authz.v1beta1.MsgExec"],
        },
      },
    });
    // a BasicAllowance with no limit and no expiration: spend_limit [] (dont_omitempty), no expiration
    assert.deepEqual(
      grant.toAmino({ granter: "a", grantee: "b", allowance: any(BasicAllowance.typeUrl, {}) }).allowance,
      {
        type: "cosmos-sdk/BasicAllowance",
        value: { spend_limit: [] },
      },
    );
    assert.deepEqual(feegrantAminoConverters[MsgRevokeAllowance.typeUrl].toAmino({ granter: "a", grantee: "b" }), {
      granter: "a",
      grantee: "b",
    });
    assert.deepEqual(feegrantAminoConverters[MsgPruneAllowances.typeUrl].toAmino({ pruner: "p" }), { pruner: "p" });
    assert.throws(
      () => grant.toAmino({ granter: "a", grantee: "b", allowance: { typeUrl: "/no.Such", value: new Uint8Array() } }),
      /allowance \/no.Such has no amino form/,
    );
    assert.throws(() => grant.fromAmino({ allowance: { type: "x/Y", value: {} } }), /unknown allowance type x\/Y/);
  });

  it("fromAmino(toAmino(x)) gives back the same bytes: grants of every allowance (also nested), revokes, prunes", () => {
    const msgCodecs: Record<string, { encode(m: any): { finish(): Uint8Array } }> = {
      [MsgGrantAllowance.typeUrl]: MsgGrantAllowance,
      [MsgRevokeAllowance.typeUrl]: MsgRevokeAllowance,
      [MsgPruneAllowances.typeUrl]: MsgPruneAllowances,
    };
    const bytes = (typeUrl: string, v: unknown) => msgCodecs[typeUrl].encode(v).finish();
    const roundTrip = (typeUrl: string, v: unknown) => {
      const c = feegrantAminoConverters[typeUrl];
      const back = c.fromAmino(JSON.parse(JSON.stringify(c.toAmino(v))));
      assert.deepEqual(bytes(typeUrl, back), bytes(typeUrl, v), typeUrl);
    };
    const [basicSpec, periodicSpec, allowedSpec] = feegrantAminoAllowances.map((a) => a.spec);
    const allowanceArb = fc.oneof(
      messageArb(basicSpec).map((x) => any(BasicAllowance.typeUrl, x)),
      messageArb(periodicSpec).map((x) => any(PeriodicAllowance.typeUrl, x)),
    );
    fc.assert(
      fc.property(allowanceArb, messageArb(allowedSpec), fc.boolean(), (inner, allowed, wrap) => {
        const allowance = wrap ? any(AllowedMsgAllowance.typeUrl, { ...allowed, allowance: inner }) : inner;
        roundTrip(MsgGrantAllowance.typeUrl, { granter: "g", grantee: "h", allowance });
      }),
      { numRuns: 100 },
    );
    roundTrip(MsgRevokeAllowance.typeUrl, { granter: "g", grantee: "h" });
    roundTrip(MsgPruneAllowances.typeUrl, { pruner: "p" });
  });
});

/** Random ts-proto values for a field table (valid Coins: cosmos.Int amounts are integers). */
function messageArb(spec: MessageSpec, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const plain = spec.fields.filter((f) => !f.oneof);
  const cases = spec.fields.filter((f) => f.oneof);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of plain) {
    const one = valueArb(f, depth);
    record[f.prop] = f.repeated
      ? fc.array(one, { maxLength: 3 })
      : typeof f.type === "string" || f.dontOmitEmpty
        ? one
        : fc.option(one, { nil: undefined });
  }
  const oneof = fc.oneof(fc.constant({}), ...cases.map((f) => valueArb(f, depth).map((v) => ({ [f.prop]: v }))));
  return fc.tuple(fc.record(record), oneof).map(([a, b]) => ({ ...a, ...b }));
}

function valueArb(f: FieldSpec, depth: number): fc.Arbitrary<unknown> {
  if (typeof f.type !== "string") return messageArb(f.type, depth + 1);
  switch (f.type) {
    case "string":
      return fc.string({ maxLength: 8 });
    case "cosmos.Int":
      return fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String);
    case "bool":
      return fc.boolean();
    case "uint32":
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case "int32":
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case "enum":
      return fc.integer({ min: 0, max: 4 });
    case "uint64":
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case "int64":
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case "bytes":
      return fc.uint8Array({ maxLength: 8 });
    case "timestamp":
      // 0001-01-01 .. 9999-12-31, as RFC 3339 can write
      return fc.record({
        seconds: fc.bigInt({ min: -62_135_596_800n, max: 253_402_300_799n }),
        nanos: fc.integer({ min: 0, max: 999_999_999 }),
      });
    case "duration":
      return fc
        .bigInt({ min: -(10n ** 18n), max: 10n ** 18n })
        .map((ns) => ({ seconds: ns / 1_000_000_000n, nanos: Number(ns % 1_000_000_000n) }));
  }
}
