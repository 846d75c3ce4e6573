// The doors of a real node (node 0 of a 2-validator localnet of `dgrid start` processes, for the whole
// file; known values — the funded development account, node 0's operator, valoper and valcons, the
// demo model — come from the localnet's homes and genesis): for EVERY route of the REST
// table (each google.api.http binding of the service catalog), the REST answer, the gRPC answer and,
// for the app's query services, the JSON-RPC abci_query answer are the same data at the same pinned
// height, or the same gRPC error code; the REST JSON of five routes has the Cosmos SDK v0.50 gateway's
// shape (test/fixtures/sdk-gateway); a gRPC client holding no .proto file lists the services through
// reflection and reads a balance; bad input gets 4xx `{code, message}` or INVALID_ARGUMENT and the node
// goes on serving. State first: a bank send, a gov v1 proposal with a deposit and a vote, and an
// inference request on the demo model that finalizes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fromBinary, type JsonObject, type JsonValue, toJson } from "@bufbuild/protobuf";
import { stringToPath } from "@cosmjs/crypto";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import * as grpc from "@grpc/grpc-js";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import { MsgSubmitProposal, MsgVote } from "cosmjs-types/cosmos/gov/v1/tx";
import { DEVNET_MNEMONIC, devnetAccountAddress, devnetWallet } from "../../app/devnet.ts";
import { LOCALNET_OPERATOR_KEY } from "../../app/localnet.ts";
import { httpStatusOf } from "../../chain/api/errors.ts";
import { type Route, RouteTable } from "../../chain/api/route-table.ts";
import { Keyring } from "../../chain/keyring/keyring.ts";
import { loadConfig, privValidatorKeyPath } from "../../chain/node/config.ts";
import { loadServiceCatalog } from "../../chain/services/catalog.ts";
import { GrpcCode } from "../../chain/services/dispatcher.ts";
import { GatewayJsonWriter } from "../../chain/services/gateway-json.ts";
import { addressFromString, addressToString, Bech32PrefixValAddr, moduleAddress } from "../../chain/types/address.ts";
import { loadPrivValidatorKey } from "../../chain/types/keys.ts";
import { DGridClient, type SigningDGridClient, tensorFromArray } from "../../client/index.ts";
import { DEMO_MODEL_PATH, sha256Hex } from "../../models/demo.ts";
import { QueryParamsRequest, QueryParamsResponse } from "../../proto/gen/dgrid/inference/v1/query.ts";
import { MsgUpdateParams as InferenceMsgUpdateParams } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import {
  abciAnswer,
  callGrpc,
  callRest,
  type DoorAnswer,
  reencode,
  requestBytes,
  restRequest,
} from "../support/doors.ts";
import { GrpcReflectionClient } from "../support/grpc-reflection-client.ts";
import { assertSameShape } from "../support/json-shape.ts";
import { createTestLocalnet, type RunningNode, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { waitFor } from "../support/localnet-staking.ts";
import { seededFloats } from "../support/mlp-model.ts";
import { repoRoot } from "../support/node-process.ts";

const MODEL_ID = sha256Hex(new Uint8Array(readFileSync(DEMO_MODEL_PATH)));
const DENOM = "udgrid";
const catalog = loadServiceCatalog(new Uint8Array(readFileSync(`${repoRoot}/proto/gen/descriptors.binpb`)));
const table = new RouteTable(catalog);
const gatewayJson = new GatewayJsonWriter({ registry: catalog.registry });
const fixture = (name: string) =>
  JSON.parse(readFileSync(`${repoRoot}/test/fixtures/sdk-gateway/${name}.json`, "utf8")) as JsonValue;

/** Services the node answers itself (not ABCI queries of the app): no abci_query door to compare. */
const NODE_SERVED = new Set([
  "cosmos.tx.v1beta1.Service",
  "cosmos.base.tendermint.v1beta1.Service",
  "cosmos.base.node.v1beta1.Service",
  "cosmos.reflection.v1.ReflectionService",
]);

/**
 * Routes whose REST request cannot reach their own method, with the reason. Their method is still
 * compared over gRPC and abci_query.
 */
const UNREACHABLE_OVER_REST: Record<string, string> = {
  "/cosmos.auth.v1beta1.Query/AddressStringToBytes":
    "GET /cosmos/auth/v1beta1/bech32/{address_string} is the same template as AddressBytesToString's " +
    "bech32/{address_bytes}, which grpc-gateway (v1, as the SDK) matches first",
};

/** The state the requests refer to, made in before(). */
interface Known {
  user: string;
  recipient: string;
  operator: string;
  valoper: string;
  valcons: string;
  proposalId: string;
  requestId: string;
  sendHash: string;
  sendHeight: string;
  sendTxBase64: string;
  sendTxJson: JsonValue;
  /** the height every door reads (x-cosmos-block-height, metadata, abci_query height) */
  height: bigint;
}

/**
 * The requests of each method as proto3 JSON (proto field names): path variables are filled from them,
 * the rest goes to the query string or body. A method left out is called with `{}` (allowed only when
 * its routes have no path variable).
 */
function requestsFor(k: Known): Record<string, JsonObject[]> {
  const h = k.height.toString();
  const proposal = { proposal_id: k.proposalId };
  const gov = (v: string): Record<string, JsonObject[]> => ({
    [`/cosmos.gov.${v}.Query/Proposal`]: [proposal, { proposal_id: "999" }],
    [`/cosmos.gov.${v}.Query/Proposals`]: [
      {},
      { proposal_status: "PROPOSAL_STATUS_VOTING_PERIOD", pagination: { limit: "1", count_total: true } },
      { depositor: k.user, voter: k.operator },
    ],
    [`/cosmos.gov.${v}.Query/Deposit`]: [{ ...proposal, depositor: k.user }],
    [`/cosmos.gov.${v}.Query/Deposits`]: [proposal],
    [`/cosmos.gov.${v}.Query/Vote`]: [
      { ...proposal, voter: k.operator },
      { ...proposal, voter: k.user },
    ],
    [`/cosmos.gov.${v}.Query/Votes`]: [proposal],
    [`/cosmos.gov.${v}.Query/TallyResult`]: [proposal],
    [`/cosmos.gov.${v}.Query/Params`]: [
      { params_type: "voting" },
      { params_type: "deposit" },
      { params_type: "tallying" },
    ],
  });
  const addressBytes = Buffer.from(addressFromString(k.user)).toString("base64");
  return {
    "/cosmos.auth.v1beta1.Query/Account": [{ address: k.user }, { address: k.recipient }],
    "/cosmos.auth.v1beta1.Query/AccountInfo": [{ address: k.user }],
    "/cosmos.auth.v1beta1.Query/AccountAddressByID": [{ id: "1" }],
    "/cosmos.auth.v1beta1.Query/Accounts": [{}, { pagination: { limit: "2", count_total: true } }],
    "/cosmos.auth.v1beta1.Query/ModuleAccountByName": [{ name: "gov" }, { name: "nope" }],
    "/cosmos.auth.v1beta1.Query/AddressBytesToString": [{ address_bytes: addressBytes }],
    "/cosmos.auth.v1beta1.Query/AddressStringToBytes": [{ address_string: k.user }],
    "/cosmos.authz.v1beta1.Query/Grants": [
      { granter: k.user, grantee: k.recipient },
      { granter: k.user, grantee: k.recipient, msg_type_url: "/cosmos.bank.v1beta1.MsgSend" },
    ],
    "/cosmos.authz.v1beta1.Query/GranterGrants": [{ granter: k.user }, { granter: "dgrid1nope" }],
    "/cosmos.authz.v1beta1.Query/GranteeGrants": [{ grantee: k.recipient }],
    "/cosmos.feegrant.v1beta1.Query/Allowance": [{ granter: k.user, grantee: k.recipient }],
    "/cosmos.feegrant.v1beta1.Query/Allowances": [{ grantee: k.recipient }],
    "/cosmos.feegrant.v1beta1.Query/AllowancesByGranter": [{ granter: k.user }],
    "/cosmos.bank.v1beta1.Query/AllBalances": [{ address: k.user }, { address: k.recipient }],
    "/cosmos.bank.v1beta1.Query/Balance": [{ address: k.user, denom: DENOM }],
    "/cosmos.bank.v1beta1.Query/SpendableBalances": [{ address: k.user }],
    "/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom": [{ address: k.user, denom: DENOM }],
    "/cosmos.bank.v1beta1.Query/SupplyOf": [{ denom: DENOM }],
    "/cosmos.bank.v1beta1.Query/TotalSupply": [{}, { pagination: { limit: "1" } }],
    "/cosmos.bank.v1beta1.Query/DenomMetadata": [{ denom: DENOM }, { denom: "ibc/ABC" }],
    "/cosmos.bank.v1beta1.Query/DenomMetadataByQueryString": [{ denom: DENOM }, { denom: "ibc/ABC" }],
    "/cosmos.bank.v1beta1.Query/DenomOwners": [
      { denom: DENOM, pagination: { limit: "3", count_total: true } },
      { denom: "ibc/ABC" },
    ],
    "/cosmos.bank.v1beta1.Query/DenomOwnersByQuery": [{ denom: DENOM }, { denom: "" }],
    "/cosmos.bank.v1beta1.Query/SendEnabled": [{}, { denoms: [DENOM, "other"] }],
    ...gov("v1"),
    ...gov("v1beta1"),
    "/cosmos.slashing.v1beta1.Query/SigningInfo": [{ cons_address: k.valcons }],
    "/cosmos.slashing.v1beta1.Query/SigningInfos": [{}],
    "/cosmos.staking.v1beta1.Query/Validators": [
      {},
      { status: "BOND_STATUS_BONDED", pagination: { limit: "1", count_total: true } },
    ],
    "/cosmos.staking.v1beta1.Query/Validator": [{ validator_addr: k.valoper }],
    "/cosmos.staking.v1beta1.Query/ValidatorDelegations": [{ validator_addr: k.valoper }],
    "/cosmos.staking.v1beta1.Query/ValidatorUnbondingDelegations": [{ validator_addr: k.valoper }],
    "/cosmos.staking.v1beta1.Query/Delegation": [{ validator_addr: k.valoper, delegator_addr: k.operator }],
    "/cosmos.staking.v1beta1.Query/UnbondingDelegation": [{ validator_addr: k.valoper, delegator_addr: k.operator }],
    "/cosmos.staking.v1beta1.Query/DelegatorDelegations": [{ delegator_addr: k.operator }],
    "/cosmos.staking.v1beta1.Query/DelegatorUnbondingDelegations": [{ delegator_addr: k.operator }],
    "/cosmos.staking.v1beta1.Query/Redelegations": [{ delegator_addr: k.operator }],
    "/cosmos.staking.v1beta1.Query/DelegatorValidators": [{ delegator_addr: k.operator }],
    "/cosmos.staking.v1beta1.Query/DelegatorValidator": [{ delegator_addr: k.operator, validator_addr: k.valoper }],
    "/cosmos.staking.v1beta1.Query/HistoricalInfo": [{ height: h }],
    "/cosmos.upgrade.v1beta1.Query/AppliedPlan": [{ name: "v2" }],
    "/cosmos.upgrade.v1beta1.Query/UpgradedConsensusState": [{ last_height: h }],
    "/cosmos.upgrade.v1beta1.Query/ModuleVersions": [{}, { module_name: "bank" }, { module_name: "nope" }],
    "/dgrid.inference.v1.Query/Request": [{ id: k.requestId }, { id: "999999" }],
    "/dgrid.inference.v1.Query/Result": [{ id: k.requestId }],
    "/dgrid.inference.v1.Query/RequestsByRequester": [{ requester: k.user }],
    "/dgrid.registry.v1.Query/Model": [{ id: MODEL_ID }, { id: "00".repeat(32) }],
    "/dgrid.registry.v1.Query/Models": [{}, { pagination: { limit: "1", count_total: true } }],
    "/dgrid.registry.v1.Query/ModelServers": [{ model_id: MODEL_ID }],
    "/dgrid.registry.v1.Query/ModelLineage": [{ id: MODEL_ID }, { id: "00".repeat(32) }],
    "/dgrid.registry.v1.Query/CreatorModels": [{ creator: k.user }],
    "/dgrid.registry.v1.Query/DiscoverModels": [{}, { sort: "usage", pagination: { limit: "1" } }, { sort: "x" }],
    "/dgrid.reputation.v1.Query/Reputation": [{ validator: k.valoper }],
    "/dgrid.reputation.v1.Query/ValidatorStats": [{ validator: k.valoper }, { validator: "x" }],
    // node-served
    "/cosmos.base.tendermint.v1beta1.Service/GetBlockByHeight": [{ height: k.sendHeight }, { height: "99999999" }],
    "/cosmos.base.tendermint.v1beta1.Service/GetValidatorSetByHeight": [{ height: h }],
    "/cosmos.base.tendermint.v1beta1.Service/ABCIQuery": [
      { path: "/app/version", height: h },
      { path: "/cosmos.bank.v1beta1.Query/Balance", height: h },
    ],
    "/cosmos.tx.v1beta1.Service/GetTx": [{ hash: k.sendHash }, { hash: "AB".repeat(32) }],
    "/cosmos.tx.v1beta1.Service/GetBlockWithTxs": [{ height: k.sendHeight }],
    "/cosmos.tx.v1beta1.Service/GetTxsEvent": [
      { query: `message.sender='${k.user}'` },
      { events: [`tx.height=${k.sendHeight}`, `message.sender='${k.user}'`] },
      { query: `tx.height=${k.sendHeight}`, page: "1", limit: "1", order_by: "ORDER_BY_DESC" },
    ],
    // a committed tx again: refused by CheckTx the same way on both doors
    "/cosmos.tx.v1beta1.Service/BroadcastTx": [{ tx_bytes: k.sendTxBase64, mode: "BROADCAST_MODE_SYNC" }],
    "/cosmos.tx.v1beta1.Service/Simulate": [{ tx_bytes: k.sendTxBase64 }],
    "/cosmos.tx.v1beta1.Service/TxDecode": [{ tx_bytes: k.sendTxBase64 }],
    "/cosmos.tx.v1beta1.Service/TxEncode": [{ tx: k.sendTxJson }],
    "/cosmos.tx.v1beta1.Service/TxDecodeAmino": [{ amino_binary: k.sendTxBase64 }],
    "/cosmos.tx.v1beta1.Service/TxEncodeAmino": [{ amino_json: "{}" }],
  };
}

const { INVALID_ARGUMENT, NOT_FOUND, UNIMPLEMENTED, UNKNOWN } = GrpcCode;
/** The requests of the table that must fail, with the gRPC code every door must give and why. */
const EXPECTED_ERRORS: { method: string; where?: (req: JsonObject, k: Known) => boolean; code: number; why: string }[] =
  [
    ...["v1", "v1beta1"].flatMap((v) => [
      {
        method: `/cosmos.gov.${v}.Query/Proposal`,
        where: (r: JsonObject) => r.proposal_id === "999",
        code: NOT_FOUND,
        why: "no such proposal",
      },
      // the SDK answers InvalidArgument for a voter without a vote
      {
        method: `/cosmos.gov.${v}.Query/Vote`,
        where: (r: JsonObject, k: Known) => r.voter !== k.operator,
        code: INVALID_ARGUMENT,
        why: "the user did not vote",
      },
    ]),
    {
      method: "/cosmos.auth.v1beta1.Query/ModuleAccountByName",
      where: (r) => r.name === "nope",
      code: NOT_FOUND,
      why: "no such module",
    },
    ...["DenomMetadata", "DenomMetadataByQueryString"].map((m) => ({
      method: `/cosmos.bank.v1beta1.Query/${m}`,
      where: (r: JsonObject) => r.denom === "ibc/ABC",
      code: NOT_FOUND,
      why: "no metadata",
    })),
    {
      method: "/cosmos.bank.v1beta1.Query/DenomOwnersByQuery",
      where: (r) => r.denom === "",
      code: INVALID_ARGUMENT,
      why: "invalid denom, as sdk.ValidateDenom",
    },
    {
      method: "/cosmos.upgrade.v1beta1.Query/ModuleVersions",
      where: (r) => r.module_name === "nope",
      code: NOT_FOUND,
      why: "no such module (sdk ErrNotFound)",
    },
    { method: "/cosmos.staking.v1beta1.Query/UnbondingDelegation", code: NOT_FOUND, why: "nothing unbonds" },
    {
      method: "/cosmos.staking.v1beta1.Query/HistoricalInfo",
      code: NOT_FOUND,
      why: "not recorded (modules/staking/README.md)",
    },
    {
      method: "/dgrid.inference.v1.Query/Request",
      where: (r) => r.id === "999999",
      code: NOT_FOUND,
      why: "no such request",
    },
    {
      method: "/dgrid.registry.v1.Query/Model",
      where: (r) => r.id !== MODEL_ID,
      code: NOT_FOUND,
      why: "no such model",
    },
    {
      method: "/dgrid.registry.v1.Query/ModelLineage",
      where: (r) => r.id !== MODEL_ID,
      code: NOT_FOUND,
      why: "no such model",
    },
    {
      method: "/dgrid.reputation.v1.Query/ValidatorStats",
      where: (r) => r.validator === "x",
      code: INVALID_ARGUMENT,
      why: "not a valoper address",
    },
    {
      method: "/dgrid.registry.v1.Query/DiscoverModels",
      where: (r) => r.sort === "x",
      code: INVALID_ARGUMENT,
      why: "an unknown sort",
    },
    {
      method: "/cosmos.tx.v1beta1.Service/GetTx",
      where: (r) => r.hash === "AB".repeat(32),
      code: NOT_FOUND,
      why: "no such tx",
    },
    {
      method: "/cosmos.base.tendermint.v1beta1.Service/GetBlockByHeight",
      where: (r) => r.height === "99999999",
      code: INVALID_ARGUMENT,
      why: "above the chain, as the SDK",
    },
    {
      method: "/cosmos.base.tendermint.v1beta1.Service/ABCIQuery",
      where: (r) => !String(r.path).startsWith("/app/"),
      code: INVALID_ARGUMENT,
      why: "only app/ store/ p2p/ custom/ paths, as the SDK",
    },
    {
      method: "/cosmos.tx.v1beta1.Service/Simulate",
      code: UNKNOWN,
      why: "a committed tx: sequence mismatch, as x/auth answers",
    },
    {
      method: "/cosmos.authz.v1beta1.Query/Grants",
      where: (r) => r.msg_type_url !== undefined,
      code: UNKNOWN,
      why: "no grant for that msg type: authz ErrNoAuthorizationFound (registered, so gRPC Unknown), as the SDK",
    },
    {
      method: "/cosmos.feegrant.v1beta1.Query/Allowance",
      code: NOT_FOUND,
      why: "no allowance from that granter: sdk ErrNotFound 'fee-grant not found', as the SDK's keeper",
    },
    {
      method: "/cosmos.authz.v1beta1.Query/GranterGrants",
      where: (r) => r.granter === "dgrid1nope",
      code: INVALID_ARGUMENT,
      why: "not a bech32 address",
    },
    {
      method: "/cosmos.tx.v1beta1.Service/TxDecodeAmino",
      code: UNIMPLEMENTED,
      why: "no legacy amino codec (chain/services/node/README.md)",
    },
    {
      method: "/cosmos.tx.v1beta1.Service/TxEncodeAmino",
      code: UNIMPLEMENTED,
      why: "no legacy amino codec (chain/services/node/README.md)",
    },
  ];

const isNodeServed = (route: Route) => NODE_SERVED.has(route.method.service.typeName);

/** Runs a sign-and-broadcast again while the account's sequence raced another signer of the same key. */
async function withSequenceRetry<T extends { code: number }>(send: () => Promise<T>, tries = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      const res = await send();
      if (res.code !== 32 || i >= tries) return res;
    } catch (e) {
      if (!(e instanceof Error && /account sequence mismatch/.test(e.message)) || i >= tries) throw e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("the doors of a localnet node: REST, gRPC and abci_query", () => {
  let net: TestLocalnet | undefined;
  let node: RunningNode | undefined;
  let client: SigningDGridClient | undefined;
  let operatorClient: SigningDGridClient | undefined;
  let comet: Comet38Client | undefined;
  let grpcClient: GrpcReflectionClient | undefined;
  let known: Known;

  before(async () => {
    net = await createTestLocalnet({ validators: 2, timeoutCommitMs: 400 });
    net.start(0);
    net.start(1);
    node = net.nodes[0];
    const home = node.home;
    // the localnet genesis funds the development account (DEVNET_MNEMONIC, first HD path: devnet "user")
    const user = await devnetAccountAddress();
    const operator = node.operatorAddress;
    assert.ok(operator, "node 0 is a validator with an operator account");
    const ring = new Keyring({ backend: "test", dir: home });
    await waitAllHeight(net.nodes, 2, 60_000);
    comet = await Comet38Client.connect(node.rpcUrl);
    grpcClient = new GrpcReflectionClient({ address: node.grpcAddress });
    client = await DGridClient.connectWithSigner(node.rpcUrl, await devnetWallet("user"), {
      broadcastPollIntervalMs: 100,
    });
    operatorClient = await DGridClient.connectWithSigner(node.rpcUrl, await ring.signer(LOCALNET_OPERATOR_KEY), {
      broadcastPollIntervalMs: 100,
    });
    const other = await DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, {
      prefix: "dgrid",
      hdPaths: [stringToPath("m/44'/118'/0'/0/9")],
    });
    const [{ address: recipient }] = await other.getAccounts();

    // 1. a bank send
    const send = await client.signing.signAndBroadcast(
      user,
      [
        {
          typeUrl: MsgSend.typeUrl,
          value: MsgSend.fromPartial({
            fromAddress: user,
            toAddress: recipient,
            amount: [{ denom: DENOM, amount: "12345" }],
          }),
        },
      ],
      "auto",
    );
    assert.equal(send.code, 0, send.rawLog);
    const sendTx = await comet.tx({ hash: Buffer.from(send.transactionHash, "hex") });
    const txSchema = catalog.registry.getMessage("cosmos.tx.v1beta1.Tx");
    assert.ok(txSchema);

    // 2. a gov v1 proposal (the inference params as they are) with the min deposit, voted by the validator
    const params = QueryParamsResponse.decode(
      (
        await comet.abciQuery({
          path: "/dgrid.inference.v1.Query/Params",
          data: QueryParamsRequest.encode({}).finish(),
        })
      ).value,
    ).params;
    assert.ok(params);
    const submit = await client.signing.signAndBroadcast(
      user,
      [
        {
          typeUrl: MsgSubmitProposal.typeUrl,
          value: MsgSubmitProposal.fromPartial({
            messages: [
              {
                typeUrl: "/dgrid.inference.v1.MsgUpdateParams",
                value: InferenceMsgUpdateParams.encode({ authority: moduleAddress("gov"), params }).finish(),
              },
            ],
            initialDeposit: [{ denom: DENOM, amount: "10000000" }],
            proposer: user,
            metadata: "",
            title: "keep the inference params",
            summary: "doors e2e",
          }),
        },
      ],
      "auto",
    );
    assert.equal(submit.code, 0, submit.rawLog);
    const proposalId = submit.events
      .find((e) => e.type === "submit_proposal")
      ?.attributes.find((a) => a.key === "proposal_id")?.value;
    assert.ok(proposalId);
    // the operator's own node signs txs with the same key (MsgServeModel, conformance reports), so a
    // vote can race it for the account sequence: sign again with the fresh sequence (code 32)
    const vote = await withSequenceRetry(() =>
      operatorClient!.signing.signAndBroadcast(
        operator,
        [
          {
            typeUrl: MsgVote.typeUrl,
            value: MsgVote.fromPartial({
              proposalId: BigInt(proposalId),
              voter: operator,
              option: VoteOption.VOTE_OPTION_YES,
              metadata: "",
            }),
          },
        ],
        "auto",
      ),
    );
    assert.equal(vote.code, 0, vote.rawLog);

    // 3. an inference request on the demo model (in the localnet genesis), finalized once both
    // validators serve it (each sends MsgServeModel after checking its golden vectors)
    const servers = async () => (await client!.query.registry.modelServers(MODEL_ID)).servers.length;
    await waitFor("both validators serve the demo model", async () => (await servers()) === 2, 60_000);
    const { requestId } = await client.requestInference(
      MODEL_ID,
      { input: tensorFromArray(seededFloats(13, 16), [1, 16]) },
      { maxFee: "10000udgrid" },
    );
    await client.waitForResult(requestId, { timeoutMs: 60_000 });

    const height = BigInt((await comet.status()).syncInfo.latestBlockHeight);
    known = {
      user,
      recipient,
      operator,
      valoper: addressToString(addressFromString(operator), Bech32PrefixValAddr),
      valcons: addressToString(loadPrivValidatorKey(privValidatorKeyPath(home)).address, "dgridvalcons"),
      proposalId,
      requestId: requestId.toString(),
      sendHash: send.transactionHash,
      sendHeight: String(send.height),
      sendTxBase64: Buffer.from(sendTx.tx).toString("base64"),
      sendTxJson: toJson(txSchema, fromBinary(txSchema, sendTx.tx), {
        registry: catalog.registry,
        useProtoFieldName: true,
      }),
      height,
    };
  });

  after(async () => {
    client?.disconnect();
    operatorClient?.disconnect();
    comet?.disconnect();
    grpcClient?.close();
    await net?.cleanup();
  });

  /** Calls `route` with `request` through every door; resolves to the difference found, or undefined. */
  async function compare(route: Route, request: JsonObject): Promise<string | undefined> {
    const { method } = route;
    const output = method.desc.output;
    const bytes = requestBytes(method.desc.input, request, catalog.registry);
    const rest = UNREACHABLE_OVER_REST[method.path]
      ? undefined
      : await callRest(node!.apiUrl, route.binding.method, restRequest(route, request), known.height);
    const grpcAnswer = await callGrpc(grpcClient!, method.path, bytes, known.height);
    const abci: DoorAnswer<Uint8Array> | undefined = isNodeServed(route)
      ? undefined
      : abciAnswer(await comet!.abciQuery({ path: method.path, data: bytes, height: Number(known.height) }));
    const shown = JSON.stringify({ rest, grpc: grpcAnswer.ok ? "ok" : grpcAnswer, abci: abci?.ok ? "ok" : abci });
    if (!grpcAnswer.ok) {
      if (rest && (rest.ok || rest.code !== grpcAnswer.code || rest.message !== grpcAnswer.message))
        return `REST and gRPC disagree: ${shown}`;
      if (rest && !rest.ok && rest.httpStatus !== httpStatusOf(rest.code))
        return `HTTP status of code ${rest.code}: ${shown}`;
      if (abci && (abci.ok || abci.code !== grpcAnswer.code)) return `abci_query and gRPC disagree: ${shown}`;
      return undefined;
    }
    if (rest) {
      if (!rest.ok) return `REST failed where gRPC answered: ${shown}`;
      const fromGrpc = gatewayJson.write(output, fromBinary(output, grpcAnswer.value));
      try {
        assert.deepStrictEqual(rest.value, fromGrpc);
      } catch (e) {
        return `REST JSON differs from gRPC's answer: ${(e as Error).message.slice(0, 1500)}`;
      }
    }
    if (abci) {
      if (!abci.ok) return `abci_query failed where gRPC answered: ${shown}`;
      if (!Buffer.from(reencode(output, abci.value)).equals(Buffer.from(reencode(output, grpcAnswer.value))))
        return "abci_query bytes differ from gRPC's";
      // the app's answers say the height they read, the same on every door
      const h = known.height.toString();
      if (abci.height !== h || grpcAnswer.height !== h || (rest?.ok && rest.height !== h))
        return `heights differ from ${h}: rest ${rest?.ok && rest.height} grpc ${grpcAnswer.height} abci ${abci.height}`;
    }
    return undefined;
  }

  it("every route of the table gives the same data (or the same gRPC code) over REST, gRPC and abci_query", async () => {
    const requests = requestsFor(known);
    for (const path of Object.keys(requests)) assert.ok(catalog.method(path), `${path} is not a catalog method`);
    const problems: string[] = [];
    let ok = 0;
    let errors = 0;
    const seen = new Set<(typeof EXPECTED_ERRORS)[number]>();
    for (const route of table.routes) {
      const path = route.method.path;
      const reqs = requests[path] ?? [{}];
      if (route.template.variables.length > 0)
        assert.ok(requests[path], `${route.binding.path} has path variables: give ${path} a request`);
      for (const req of reqs) {
        if (!UNREACHABLE_OVER_REST[path]) {
          // the request reaches its own route (no other template shadows it)
          const { path: url } = restRequest(route, req);
          const found = table.match(route.binding.method, url.split("?")[0]!);
          assert.equal(found.match?.route.method.path, path, `${url} routes to ${found.match?.route.method.path}`);
        }
        // node-served answers about "the latest" block may move between two doors: retry those
        let problem = await compare(route, req);
        for (let i = 0; problem && isNodeServed(route) && i < 3; i++) problem = await compare(route, req);
        if (problem) problems.push(`${path} ${JSON.stringify(req)}: ${problem}`);
        const g = await callGrpc(
          grpcClient!,
          path,
          requestBytes(route.method.desc.input, req, catalog.registry),
          known.height,
        );
        const expected = EXPECTED_ERRORS.find((e) => e.method === path && (e.where?.(req, known) ?? true));
        if (expected) seen.add(expected);
        if (g.ok) {
          ok++;
          if (expected)
            problems.push(`${path} ${JSON.stringify(req)}: answered, expected code ${expected.code} (${expected.why})`);
        } else {
          errors++;
          if (!expected) problems.push(`${path} ${JSON.stringify(req)}: unexpected error ${g.code} ${g.message}`);
          else if (expected.code !== g.code)
            problems.push(`${path} ${JSON.stringify(req)}: code ${g.code} (${g.message}), expected ${expected.code}`);
        }
      }
    }
    assert.deepEqual(problems, [], problems.join("\n"));
    const unused = EXPECTED_ERRORS.filter((e) => !seen.has(e)).map((e) => `${e.method} (${e.why})`);
    assert.deepEqual(unused, [], "every expected error is met by a request of the table");
    assert.ok(ok > 90, `${ok} answers, ${errors} errors`);
  });

  /** A REST GET at the pinned height; its JSON. */
  async function restJson(path: string): Promise<JsonValue> {
    const res = await fetch(`${node!.apiUrl}${path}`, {
      headers: { "x-cosmos-block-height": known.height.toString() },
    });
    const text = await res.text();
    assert.equal(res.status, 200, `${path}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }

  it("the REST JSON of balances, validators, gov v1 proposals, tx by hash and the latest block has the SDK v0.50 gateway's shape", async () => {
    assertSameShape(await restJson(`/cosmos/bank/v1beta1/balances/${known.user}`), fixture("bank-balances"));
    assertSameShape(await restJson("/cosmos/staking/v1beta1/validators"), fixture("staking-validators"));
    const proposals = (await restJson("/cosmos/gov/v1/proposals")) as { proposals: unknown[] };
    assert.equal(proposals.proposals.length, 1);
    assertSameShape(proposals, fixture("gov-proposals"));
    const tx = (await restJson(`/cosmos/tx/v1beta1/txs/${known.sendHash}`)) as { tx_response: { txhash: string } };
    assert.equal(tx.tx_response.txhash, known.sendHash);
    assertSameShape(tx, fixture("tx-by-hash"));
    assertSameShape(await restJson("/cosmos/base/tendermint/v1beta1/blocks/latest"), fixture("latest-block"));
  });

  it("a gRPC client without protos lists the services through reflection and reads the balance REST reads", async () => {
    const bare = new GrpcReflectionClient({ address: node!.grpcAddress });
    try {
      const services = await bare.listServices();
      for (const s of ["cosmos.bank.v1beta1.Query", "dgrid.registry.v1.Query", "cosmos.tx.v1beta1.Service"])
        assert.ok(services.includes(s), `${s} in ${services.join(", ")}`);
      const answer = await bare.call(
        "/cosmos.bank.v1beta1.Query/Balance",
        { address: known.user, denom: DENOM },
        { height: known.height },
      );
      assert.equal(answer.height, known.height.toString());
      const rest = (await restJson(`/cosmos/bank/v1beta1/balances/${known.user}/by_denom?denom=${DENOM}`)) as {
        balance: { amount: string };
      };
      assert.deepEqual(answer.json, { balance: { denom: DENOM, amount: rest.balance.amount } });
      assert.ok(BigInt(rest.balance.amount) > 0n);
    } finally {
      bare.close();
    }
  });

  it("bad input: 4xx with {code, message} over REST, INVALID_ARGUMENT over gRPC; the node keeps serving every door", async () => {
    const api = node!.apiUrl;
    const expectError = async (res: Response, status: number, code: number, what: string) => {
      const text = await res.text();
      assert.equal(res.status, status, `${what}: ${text.slice(0, 300)}`);
      const body = JSON.parse(text) as { code: unknown; message: unknown };
      assert.equal(body.code, code, `${what}: ${text.slice(0, 300)}`);
      assert.equal(typeof body.message, "string", what);
      assert.ok((body.message as string).length > 0, what);
      return body.message as string;
    };
    await expectError(await fetch(`${api}/cosmos/nothing/v1/here`), 404, NOT_FOUND, "unknown route");
    await expectError(
      await fetch(`${api}/cosmos/bank/v1beta1/balances/notanaddress`),
      400,
      INVALID_ARGUMENT,
      "bad address",
    );
    await expectError(await fetch(`${api}/cosmos/gov/v1/proposals/abc`), 400, INVALID_ARGUMENT, "proposal id");
    await expectError(
      await fetch(`${api}/cosmos/bank/v1beta1/balances/${known.user}?pagination.limit=ten`),
      400,
      INVALID_ARGUMENT,
      "pagination.limit",
    );
    await expectError(
      await fetch(`${api}/cosmos/bank/v1beta1/supply`, { headers: { "x-cosmos-block-height": "-1" } }),
      400,
      INVALID_ARGUMENT,
      "negative height header",
    );
    const limit = loadConfig(node!.home).api.maxBodyBytes;
    const big = JSON.stringify({ tx_bytes: "A".repeat(limit + 1000), mode: "BROADCAST_MODE_SYNC" });
    await expectError(
      await fetch(`${api}/cosmos/tx/v1beta1/txs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: big,
      }),
      413,
      GrpcCode.RESOURCE_EXHAUSTED,
      "body over api.rpc-max-body-bytes",
    );
    await expectError(
      await fetch(`${api}/cosmos/tx/v1beta1/simulate`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "{}",
      }),
      415,
      INVALID_ARGUMENT,
      "wrong content type",
    );
    await expectError(
      await fetch(`${api}/cosmos/tx/v1beta1/simulate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{not json",
      }),
      400,
      INVALID_ARGUMENT,
      "malformed JSON body",
    );

    // a request whose bytes do not decode as the method's input (a length past the end)
    for (const path of ["/cosmos.bank.v1beta1.Query/Balance", "/cosmos.tx.v1beta1.Service/GetTx"]) {
      const res = await callGrpc(grpcClient!, path, Uint8Array.from([0x0a, 0x7f, 0x01]));
      assert.ok(!res.ok && res.code === grpc.status.INVALID_ARGUMENT, `${path}: ${JSON.stringify(res)}`);
    }

    // still serving: REST, gRPC and JSON-RPC
    const nodeInfo = await fetch(`${api}/cosmos/base/tendermint/v1beta1/node_info`);
    assert.equal(nodeInfo.status, 200);
    const latest = await callGrpc(
      grpcClient!,
      "/cosmos.base.tendermint.v1beta1.Service/GetLatestBlock",
      new Uint8Array(),
    );
    assert.ok(latest.ok, JSON.stringify(latest));
    const status = await comet!.status();
    assert.ok(status.syncInfo.latestBlockHeight > Number(known.height));
  });
});
