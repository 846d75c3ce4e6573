// Our declarations of cosmos.gov.v1, cosmos.gov.v1beta1, cosmos.upgrade.v1beta1, cosmos.consensus.v1 and
// tendermint.types params (proto/, built into proto/gen/descriptors.binpb) against cosmjs-types, which is
// generated from the SDK v0.50 / CometBFT v0.38 sources: a message with every field set round-trips through
// cosmjs-types byte for byte with the same values and JSON (test/support/proto-declarations.ts), and the
// enums have the upstream values. Also the google.api.http routes and the Msg annotations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { getOption, hasOption } from "@bufbuild/protobuf";
import * as govV1Query from "cosmjs-types/cosmos/gov/v1/query";
import {
  assertEnumsMatchCosmjs,
  assertFileMatchesCosmjs,
  DeclarationFiller,
  declaredFile,
  loadDeclarations,
} from "../support/proto-declarations.ts";

const { catalog, registry } = loadDeclarations();

/** our .proto files, each checked against the cosmjs-types module generated from the upstream file */
const FILES = [
  "cosmos/gov/v1/gov.proto",
  "cosmos/gov/v1/query.proto",
  "cosmos/gov/v1/tx.proto",
  "cosmos/gov/v1beta1/gov.proto",
  "cosmos/gov/v1beta1/query.proto",
  "cosmos/gov/v1beta1/tx.proto",
  "cosmos/upgrade/v1beta1/upgrade.proto",
  "cosmos/upgrade/v1beta1/query.proto",
  "cosmos/upgrade/v1beta1/tx.proto",
  "cosmos/consensus/v1/query.proto",
  "cosmos/consensus/v1/tx.proto",
  "tendermint/types/params.proto",
];

test("cosmjs-types writes camelCase JSON names (so our JSON is compared with json names, not proto names)", () => {
  const json = govV1Query.QueryProposalsRequest.toJSON(govV1Query.QueryProposalsRequest.fromPartial({}));
  assert.ok("proposalStatus" in (json as object));
});

for (const fileName of FILES) {
  test(`${fileName}: every message matches cosmjs-types byte for byte and in JSON names and values`, () => {
    // the legacy Content the SDK packs into MsgSubmitProposal / MsgExecLegacyContent
    const filler = new DeclarationFiller({ anyContent: "cosmos.gov.v1beta1.TextProposal" }, { registry });
    assert.ok(assertFileMatchesCosmjs(fileName, {}, { registry, filler }) > 0);
  });
}

test("enums carry the upstream values", () => {
  const checked = FILES.flatMap((fileName) => assertEnumsMatchCosmjs(fileName, { registry }));
  assert.deepEqual(checked.sort(), [
    "cosmos.gov.v1.ProposalStatus",
    "cosmos.gov.v1.VoteOption",
    "cosmos.gov.v1beta1.ProposalStatus",
    "cosmos.gov.v1beta1.VoteOption",
  ]);
});

test("google.api.http routes are the SDK v0.50 ones", () => {
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
  for (const fileName of FILES.filter((f) => f.endsWith("/tx.proto"))) {
    const file = declaredFile(registry, fileName);
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
