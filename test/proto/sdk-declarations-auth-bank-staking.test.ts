// Our Cosmos SDK v0.50 declarations of auth, bank, staking, slashing and the crypto keys against
// cosmjs-types (generated from the SDK's own .proto files): every message we declare, filled with
// every field set, round-trips through cosmjs-types byte for byte with the same values and JSON
// (test/support/proto-declarations.ts); every
// Query/Msg method cosmjs-types knows must exist here; Msgs carry their signer and amino name; a few
// well-known REST routes are exact.
import assert from "node:assert/strict";
import { test } from "node:test";
import { getOption, hasOption } from "@bufbuild/protobuf";
import { isMsgService } from "../../chain/services/catalog.ts";
import {
  assertFileMatchesCosmjs,
  type CosmjsCodec,
  cosmjsModule,
  DeclarationFiller,
  loadDeclarations,
} from "../support/proto-declarations.ts";

const { catalog, registry } = loadDeclarations();

/** The .proto files this suite owns, each checked against the cosmjs-types module of the same path. */
const FILES = [
  "cosmos/auth/v1beta1/auth.proto",
  "cosmos/auth/v1beta1/query.proto",
  "cosmos/auth/v1beta1/tx.proto",
  "cosmos/bank/v1beta1/bank.proto",
  "cosmos/bank/v1beta1/query.proto",
  "cosmos/bank/v1beta1/tx.proto",
  "cosmos/bank/v1beta1/authz.proto",
  "cosmos/staking/v1beta1/staking.proto",
  "cosmos/staking/v1beta1/query.proto",
  "cosmos/staking/v1beta1/tx.proto",
  "cosmos/staking/v1beta1/authz.proto",
  "cosmos/slashing/v1beta1/slashing.proto",
  "cosmos/slashing/v1beta1/query.proto",
  "cosmos/slashing/v1beta1/tx.proto",
  "cosmos/authz/v1beta1/authz.proto",
  "cosmos/authz/v1beta1/query.proto",
  "cosmos/authz/v1beta1/tx.proto",
  "cosmos/authz/v1beta1/genesis.proto",
  "cosmos/crypto/secp256k1/keys.proto",
  "cosmos/crypto/ed25519/keys.proto",
  "cosmos/crypto/multisig/keys.proto",
  "cosmos/crypto/multisig/v1beta1/multisig.proto",
  "tendermint/types/types.proto",
  "tendermint/version/types.proto",
];

test("cosmjs-types toJSON writes lowerCamel JSON names, not proto field names", () => {
  const { QueryAllBalancesRequest } = cosmjsModule("cosmos/bank/v1beta1/query") as {
    QueryAllBalancesRequest: CosmjsCodec;
  };
  const json = QueryAllBalancesRequest.toJSON({ address: "a", resolveDenom: true }) as Record<string, unknown>;
  assert.equal(json.resolveDenom, true);
  assert.equal("resolve_denom" in json, false);
});

/** Files that declare only the upstream messages we use (staking's ValidatorUpdates, the CometBFT header subset). */
const SUBSET = new Set(["cosmos/staking/v1beta1/staking.proto", "tendermint/types/types.proto"]);

for (const fileName of FILES) {
  test(`${fileName}: every message matches cosmjs-types byte for byte and in JSON names and values`, () => {
    const filler = new DeclarationFiller({ anyContent: "cosmos.crypto.secp256k1.PubKey" }, { registry });
    assert.ok(assertFileMatchesCosmjs(fileName, { subset: SUBSET.has(fileName) }, { registry, filler }) > 0);
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
