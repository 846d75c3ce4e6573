// Our declarations of cosmos.feegrant.v1beta1 (proto/, built into proto/gen/descriptors.binpb) against
// cosmjs-types, generated from the SDK v0.50 sources: every message with every field set round-trips through
// cosmjs-types byte for byte with the same values and JSON (test/support/proto-declarations.ts); plus the
// google.api.http routes, the Msg signer / amino annotations and the allowances' amino names.
import assert from "node:assert/strict";
import { test } from "node:test";
import { getOption, hasOption } from "@bufbuild/protobuf";
import {
  assertFileMatchesCosmjs,
  DeclarationFiller,
  declaredFile,
  loadDeclarations,
} from "../support/proto-declarations.ts";

const { catalog, registry } = loadDeclarations();

/** our .proto files, each checked against the cosmjs-types module generated from the upstream file */
const FILES = [
  "cosmos/feegrant/v1beta1/feegrant.proto",
  "cosmos/feegrant/v1beta1/genesis.proto",
  "cosmos/feegrant/v1beta1/query.proto",
  "cosmos/feegrant/v1beta1/tx.proto",
];

for (const fileName of FILES) {
  test(`${fileName}: every message matches cosmjs-types byte for byte and in JSON names and values`, () => {
    // the allowance is what the SDK packs into MsgGrantAllowance / Grant
    const filler = new DeclarationFiller({ anyContent: "cosmos.feegrant.v1beta1.BasicAllowance" }, { registry });
    assert.ok(assertFileMatchesCosmjs(fileName, {}, { registry, filler }) > 0);
  });
}

test("google.api.http routes are the SDK v0.50 ones", () => {
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
  const file = declaredFile(registry, "cosmos/feegrant/v1beta1/tx.proto");
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
