// toGatewayJson writes what a Cosmos SDK v0.50 node's REST gateway writes. The SDK's gateway marshals
// with github.com/cosmos/gogoproto/jsonpb (OrigName: true, EmitDefaults: true; server/api/server.go)
// over gogoproto Go structs, so each expectation below names the jsonpb / gogoproto / Go rule that
// gives it. Messages are built, encoded and decoded from proto/gen/descriptors.binpb, as the gateway
// gets them (ABCI query or node-served handler bytes).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { create, type DescMessage, fromBinary, type Message, toBinary } from "@bufbuild/protobuf";
import { loadServiceCatalog } from "../../chain/services/catalog.ts";
import { GatewayJsonError, GatewayJsonWriter, toGatewayJson } from "../../chain/services/gateway-json.ts";
import {
  formatCustom,
  formatDuration,
  formatFloat,
  formatTimestamp,
} from "../../chain/services/gateway-json-values.ts";

const { registry } = loadServiceCatalog(readFileSync(new URL("../../proto/gen/descriptors.binpb", import.meta.url)));

function schema(typeName: string): DescMessage {
  const desc = registry.getMessage(typeName);
  assert.ok(desc, `${typeName} is declared`);
  return desc;
}

/** The message as the gateway receives it: encoded by the app, decoded from the wire. */
function wire(typeName: string, init: Record<string, unknown> = {}): Message {
  const desc = schema(typeName);
  return fromBinary(desc, toBinary(desc, create(desc, init as never)));
}

/** A google.protobuf.Any init packing `init` as `typeName`. */
function pack(typeName: string, init: Record<string, unknown> = {}): { typeUrl: string; value: Uint8Array } {
  const desc = schema(typeName);
  return { typeUrl: `/${typeName}`, value: toBinary(desc, create(desc, init as never)) };
}

function gateway(typeName: string, init: Record<string, unknown> = {}) {
  return toGatewayJson(schema(typeName), wire(typeName, init), { registry });
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const ts = (iso: string, nanos = 0) => ({ seconds: BigInt(Date.parse(iso) / 1000), nanos });

test("bank AllBalances: Coins non-nullable, empty next_key is null, uint64 total a string (the SDK's exact text)", () => {
  const json = gateway("cosmos.bank.v1beta1.QueryAllBalancesResponse", {
    balances: [{ denom: "udgrid", amount: "5" }],
    pagination: { total: 1n },
  });
  // jsonpb writes fields in declaration order; bytes through encoding/json: nil []byte → null.
  assert.equal(
    JSON.stringify(json),
    '{"balances":[{"denom":"udgrid","amount":"5"}],"pagination":{"next_key":null,"total":"1"}}',
  );
});

test("nullable message unset is null; non-nullable is its Go zero value, written recursively", () => {
  // QueryBalanceResponse.balance is a *Coin (no gogoproto options): nil pointer → null.
  assert.deepEqual(gateway("cosmos.bank.v1beta1.QueryBalanceResponse"), { balance: null });
  // QueryValidatorResponse.validator is (gogoproto.nullable) = false: a Validator value whose own
  // non-nullable fields are values too; stdtime zero is Go's zero time; customtype Int/LegacyDec
  // zero values marshal as "0" / "0.000000000000000000" (math.Int / math.LegacyDec MarshalJSON).
  assert.deepEqual(gateway("cosmos.staking.v1beta1.QueryValidatorResponse"), {
    validator: {
      operator_address: "",
      consensus_pubkey: null,
      jailed: false,
      status: "BOND_STATUS_UNSPECIFIED",
      tokens: "0",
      delegator_shares: "0.000000000000000000",
      description: { moniker: "", identity: "", website: "", security_contact: "", details: "" },
      unbonding_height: "0",
      unbonding_time: "0001-01-01T00:00:00Z",
      commission: {
        commission_rates: {
          rate: "0.000000000000000000",
          max_rate: "0.000000000000000000",
          max_change_rate: "0.000000000000000000",
        },
        update_time: "0001-01-01T00:00:00Z",
      },
      min_self_delegation: "0",
      unbonding_on_hold_ref_count: "0",
      unbonding_ids: [],
    },
  });
});

test("stdtime / stdduration: nullable unset is null, set values are RFC 3339 and 1.500s", () => {
  // gov v1 Proposal times are *time.Time (stdtime, nullable): nil → null.
  const proposal = gateway("cosmos.gov.v1.QueryProposalResponse", {
    proposal: { id: 3n, submitTime: ts("2024-05-01T12:00:00Z", 120_000_000) },
  }) as { proposal: Record<string, unknown> };
  assert.equal(proposal.proposal.submit_time, "2024-05-01T12:00:00.120Z"); // 0/3/6/9 fraction digits
  assert.equal(proposal.proposal.deposit_end_time, null);
  assert.equal(proposal.proposal.final_tally_result, null); // *TallyResult in gov v1
  assert.deepEqual(proposal.proposal.total_deposit, []);
  // staking Params.unbonding_time is a non-nullable stdduration: zero is "0s".
  assert.deepEqual(gateway("cosmos.staking.v1beta1.QueryParamsResponse"), {
    params: {
      unbonding_time: "0s",
      max_validators: 0,
      max_entries: 0,
      historical_entries: 0,
      bond_denom: "",
      min_commission_rate: "0.000000000000000000",
    },
  });
  const params = gateway("cosmos.staking.v1beta1.QueryParamsResponse", {
    params: { unbondingTime: { seconds: 1n, nanos: 500_000_000 }, maxValidators: 100, bondDenom: "udgrid" },
  }) as { params: Record<string, unknown> };
  assert.equal(params.params.unbonding_time, "1.500s");
  // gov v1 Params.voting_period is a *time.Duration: unset → null.
  const gov = gateway("cosmos.gov.v1.QueryParamsResponse", { params: {} }) as { params: Record<string, unknown> };
  assert.equal(gov.params.voting_period, null);
  assert.deepEqual(gov.params.min_deposit, []);
});

test("timestamps: nanos trimmed to 3, 6 or 9 digits; a stdtime past year 9999 is an error", () => {
  const at = (nanos: number) =>
    (
      gateway("cosmos.base.node.v1beta1.StatusResponse", { timestamp: ts("2024-01-02T03:04:05Z", nanos) }) as {
        timestamp: string;
      }
    ).timestamp;
  assert.equal(at(0), "2024-01-02T03:04:05Z");
  assert.equal(at(1_000), "2024-01-02T03:04:05.000001Z");
  assert.equal(at(123_456_789), "2024-01-02T03:04:05.123456789Z");
  assert.throws(
    () => gateway("cosmos.base.node.v1beta1.StatusResponse", { timestamp: { seconds: 253_402_300_800n } }),
    GatewayJsonError,
  );
});

test("bytes, repeated bytes, enums, 64-bit integers and unknown enum numbers", () => {
  const json = gateway("cosmos.base.node.v1beta1.StatusResponse", {
    earliestStoreHeight: 1n,
    height: 9_007_199_254_740_993n,
    appHash: bytes(3, 0xab),
  });
  // uint64 quoted by jsonpb; []byte base64 (StdEncoding) by encoding/json; nil []byte → null.
  assert.deepEqual(json, {
    earliest_store_height: "1",
    height: "9007199254740993",
    timestamp: null,
    app_hash: "q6ur",
    validator_hash: null,
  });
  // repeated bytes: each element is a decoded, non-nil []byte, so an empty one is "".
  const tx = gateway("cosmos.tx.v1beta1.Tx", { signatures: [new Uint8Array(0), bytes(2, 1)] }) as Record<
    string,
    unknown
  >;
  assert.deepEqual(tx.signatures, ["", "AQE="]);
  // an enum number the enum does not declare is written as a bare number (jsonpb isKnownEnum).
  const v = gateway("cosmos.staking.v1beta1.QueryValidatorResponse", { validator: { status: 7 } }) as {
    validator: Record<string, unknown>;
  };
  assert.equal(v.validator.status, 7);
});

test("oneof: unset is omitted, set is written under the member's proto name", () => {
  assert.deepEqual(gateway("cosmos.tx.v1beta1.ModeInfo"), {});
  assert.deepEqual(gateway("cosmos.tx.v1beta1.ModeInfo", { sum: { case: "single", value: { mode: 1 } } }), {
    single: { mode: "SIGN_MODE_DIRECT" },
  });
});

test("Any: @type plus the packed message by the same rules, nested Any inside, Any of a WKT and of an Any", () => {
  const send = {
    fromAddress: "dgrid1from",
    toAddress: "dgrid1to",
    amount: [{ denom: "udgrid", amount: "7" }],
  };
  const sendJson = {
    "@type": "/cosmos.bank.v1beta1.MsgSend",
    from_address: "dgrid1from",
    to_address: "dgrid1to",
    amount: [{ denom: "udgrid", amount: "7" }],
  };
  const json = gateway("cosmos.base.abci.v1beta1.TxResponse", {
    tx: pack("cosmos.tx.v1beta1.Tx", { body: { messages: [pack("cosmos.bank.v1beta1.MsgSend", send)] } }),
  }) as Record<string, unknown>;
  assert.deepEqual(json.tx, {
    "@type": "/cosmos.tx.v1beta1.Tx",
    body: {
      messages: [sendJson],
      memo: "",
      timeout_height: "0",
      extension_options: [],
      non_critical_extension_options: [],
    },
    auth_info: null,
    signatures: [],
  });
  // jsonpb marshalAny: a well-known type inside an Any is {"@type", "value"}; an Any is one too.
  const anyOfAny = gateway("cosmos.base.abci.v1beta1.TxResponse", {
    tx: pack("google.protobuf.Any", pack("cosmos.bank.v1beta1.MsgSend", send)),
  }) as Record<string, unknown>;
  assert.deepEqual(anyOfAny.tx, { "@type": "/google.protobuf.Any", value: sendJson });
  const anyOfTime = gateway("cosmos.base.abci.v1beta1.TxResponse", {
    tx: pack("google.protobuf.Timestamp", ts("2024-05-01T00:00:00Z")),
  }) as Record<string, unknown>;
  assert.deepEqual(anyOfTime.tx, { "@type": "/google.protobuf.Timestamp", value: "2024-05-01T00:00:00Z" });
});

test("Any of an unknown type is an error, as the SDK InterfaceRegistry resolver makes it", () => {
  assert.throws(
    () =>
      gateway("cosmos.base.abci.v1beta1.TxResponse", { tx: { typeUrl: "/dgrid.nope.v1.Nothing", value: bytes(1, 1) } }),
    (err: unknown) =>
      err instanceof GatewayJsonError && /unable to resolve type URL \/dgrid\.nope\.v1\.Nothing/.test(err.message),
  );
  // an Any set with no type URL cannot be resolved either
  assert.throws(() => gateway("cosmos.base.abci.v1beta1.TxResponse", { tx: {} }), GatewayJsonError);
});

test("LegacyDec customtypes travel as atoms (string or bytes) and are written with 18 decimals", () => {
  const json = gateway("cosmos.slashing.v1beta1.QueryParamsResponse", {
    params: {
      signedBlocksWindow: 100n,
      minSignedPerWindow: new TextEncoder().encode("500000000000000000"),
      downtimeJailDuration: { seconds: 600n },
      slashFractionDoubleSign: new TextEncoder().encode("50000000000000000"),
    },
  });
  assert.deepEqual(json, {
    params: {
      signed_blocks_window: "100",
      min_signed_per_window: "0.500000000000000000",
      downtime_jail_duration: "600s",
      slash_fraction_double_sign: "0.050000000000000000",
      slash_fraction_downtime: "0.000000000000000000",
    },
  });
  // MsgEditValidator.commission_rate is a *LegacyDec (nullable): absent → null.
  assert.deepEqual(gateway("cosmos.staking.v1beta1.MsgEditValidator", { validatorAddress: "v" }), {
    description: { moniker: "", identity: "", website: "", security_contact: "", details: "" },
    validator_address: "v",
    commission_rate: null,
    min_self_delegation: null,
  });
});

test("staking Validators: a bonded validator with consensus key Any, description and commission", () => {
  const key = bytes(32, 7);
  const json = gateway("cosmos.staking.v1beta1.QueryValidatorsResponse", {
    validators: [
      {
        operatorAddress: "dgridvaloper1qqqq",
        consensusPubkey: pack("cosmos.crypto.ed25519.PubKey", { key }),
        status: 3,
        tokens: "1000000",
        delegatorShares: "1000000000000000000000000",
        description: { moniker: "node0", website: "https://dgrid.example" },
        unbondingTime: { seconds: 0n }, // the SDK sets time.Unix(0, 0) when a validator bonds
        commission: {
          commissionRates: {
            rate: "100000000000000000",
            maxRate: "200000000000000000",
            maxChangeRate: "10000000000000000",
          },
          updateTime: ts("2024-05-01T12:00:00Z"),
        },
        minSelfDelegation: "1",
      },
    ],
    pagination: { total: 1n },
  });
  assert.deepEqual(json, {
    validators: [
      {
        operator_address: "dgridvaloper1qqqq",
        consensus_pubkey: { "@type": "/cosmos.crypto.ed25519.PubKey", key: b64(key) },
        jailed: false,
        status: "BOND_STATUS_BONDED",
        tokens: "1000000",
        delegator_shares: "1000000.000000000000000000",
        description: {
          moniker: "node0",
          identity: "",
          website: "https://dgrid.example",
          security_contact: "",
          details: "",
        },
        unbonding_height: "0",
        unbonding_time: "1970-01-01T00:00:00Z",
        commission: {
          commission_rates: {
            rate: "0.100000000000000000",
            max_rate: "0.200000000000000000",
            max_change_rate: "0.010000000000000000",
          },
          update_time: "2024-05-01T12:00:00Z",
        },
        min_self_delegation: "1",
        unbonding_on_hold_ref_count: "0",
        unbonding_ids: [],
      },
    ],
    pagination: { next_key: null, total: "1" },
  });
});

test("tendermint GetLatestBlock: hashes base64, Block/Header/BlockID/Commit values, sdk_block bech32 proposer", () => {
  const h = (fill: number) => bytes(32, fill);
  const blockId = { hash: h(1), partSetHeader: { total: 1, hash: h(2) } };
  const header = {
    version: { block: 11n },
    chainId: "dgrid-1",
    height: 5n,
    time: ts("2024-05-01T12:00:00Z", 123_456_789),
    lastBlockId: blockId,
    appHash: h(3),
  };
  const json = gateway("cosmos.base.tendermint.v1beta1.GetLatestBlockResponse", {
    blockId: { hash: h(4), partSetHeader: { total: 1, hash: h(5) } },
    block: {
      header: { ...header, proposerAddress: bytes(20, 9) },
      data: {},
      lastCommit: {
        height: 4n,
        blockId,
        signatures: [
          { blockIdFlag: 2, validatorAddress: bytes(20, 9), timestamp: ts("2024-05-01T11:59:59Z"), signature: h(6) },
          { blockIdFlag: 1 },
        ],
      },
    },
    sdkBlock: { header: { ...header, proposerAddress: "dgridvalcons1pppp" }, data: {} },
  }) as Record<string, unknown>;
  const blockIdJson = { hash: b64(h(1)), part_set_header: { total: 1, hash: b64(h(2)) } };
  const headerJson = {
    version: { block: "11", app: "0" },
    chain_id: "dgrid-1",
    height: "5",
    time: "2024-05-01T12:00:00.123456789Z",
    last_block_id: blockIdJson,
    last_commit_hash: null,
    data_hash: null,
    validators_hash: null,
    next_validators_hash: null,
    consensus_hash: null,
    app_hash: b64(h(3)),
    last_results_hash: null,
    evidence_hash: null,
  };
  assert.deepEqual(json.block_id, { hash: b64(h(4)), part_set_header: { total: 1, hash: b64(h(5)) } });
  assert.deepEqual(json.block, {
    header: { ...headerJson, proposer_address: b64(bytes(20, 9)) },
    data: { txs: [] },
    // Block.evidence is a non-nullable EvidenceList (CometBFT types/block.proto)
    evidence: { evidence: [] },
    last_commit: {
      height: "4",
      round: 0,
      block_id: blockIdJson,
      signatures: [
        {
          block_id_flag: "BLOCK_ID_FLAG_COMMIT",
          validator_address: b64(bytes(20, 9)),
          timestamp: "2024-05-01T11:59:59Z",
          signature: b64(h(6)),
        },
        // an absent signature: nil address/signature, Go's zero time
        {
          block_id_flag: "BLOCK_ID_FLAG_ABSENT",
          validator_address: null,
          timestamp: "0001-01-01T00:00:00Z",
          signature: null,
        },
      ],
    },
  });
  // sdk_block: the SDK's Block, whose Header carries the bech32 proposer; last_commit is a *Commit.
  assert.deepEqual(json.sdk_block, {
    header: { ...headerJson, proposer_address: "dgridvalcons1pppp" },
    data: { txs: [] },
    evidence: { evidence: [] },
    last_commit: null,
  });
});

test("tx GetTx: tx and tx_response, its tx Any of the Tx, logs [] and the events", () => {
  const pubKey = bytes(33, 2);
  const sig = bytes(64, 3);
  const txInit = {
    body: {
      messages: [
        pack("cosmos.bank.v1beta1.MsgSend", {
          fromAddress: "dgrid1from",
          toAddress: "dgrid1to",
          amount: [{ denom: "udgrid", amount: "1000" }],
        }),
      ],
      memo: "hi",
    },
    authInfo: {
      signerInfos: [
        {
          publicKey: pack("cosmos.crypto.secp256k1.PubKey", { key: pubKey }),
          modeInfo: { sum: { case: "single", value: { mode: 1 } } },
          sequence: 4n,
        },
      ],
      fee: { amount: [{ denom: "udgrid", amount: "200" }], gasLimit: 200_000n },
    },
    signatures: [sig],
  };
  const json = gateway("cosmos.tx.v1beta1.GetTxResponse", {
    tx: txInit,
    txResponse: {
      height: 5n,
      txhash: "A1B2",
      data: "12260A242F636F736D6F732E62616E6B2E763162657461312E4D736753656E64526573706F6E7365",
      gasWanted: 200_000n,
      gasUsed: 51_234n,
      tx: pack("cosmos.tx.v1beta1.Tx", txInit),
      timestamp: "2024-05-01T12:00:00Z",
      events: [
        {
          type: "message",
          attributes: [
            { key: "action", value: "/cosmos.bank.v1beta1.MsgSend", index: true },
            { key: "sender", value: "dgrid1from", index: true },
          ],
        },
      ],
    },
  }) as Record<string, unknown>;
  const txJson = {
    body: {
      messages: [
        {
          "@type": "/cosmos.bank.v1beta1.MsgSend",
          from_address: "dgrid1from",
          to_address: "dgrid1to",
          amount: [{ denom: "udgrid", amount: "1000" }],
        },
      ],
      memo: "hi",
      timeout_height: "0",
      extension_options: [],
      non_critical_extension_options: [],
    },
    auth_info: {
      signer_infos: [
        {
          public_key: { "@type": "/cosmos.crypto.secp256k1.PubKey", key: b64(pubKey) },
          mode_info: { single: { mode: "SIGN_MODE_DIRECT" } },
          sequence: "4",
        },
      ],
      fee: { amount: [{ denom: "udgrid", amount: "200" }], gas_limit: "200000", payer: "", granter: "" },
      tip: null, // *Tip, deprecated and unset
    },
    signatures: [b64(sig)],
  };
  assert.deepEqual(json.tx, txJson);
  assert.deepEqual(json.tx_response, {
    height: "5",
    txhash: "A1B2",
    codespace: "",
    code: 0,
    data: "12260A242F636F736D6F732E62616E6B2E763162657461312E4D736753656E64526573706F6E7365",
    raw_log: "",
    logs: [], // ABCIMessageLogs, non-nullable, empty since v0.50 (events carry the results)
    info: "",
    gas_wanted: "200000",
    gas_used: "51234",
    tx: { "@type": "/cosmos.tx.v1beta1.Tx", ...txJson },
    timestamp: "2024-05-01T12:00:00Z",
    events: [
      {
        type: "message",
        attributes: [
          { key: "action", value: "/cosmos.bank.v1beta1.MsgSend", index: true },
          { key: "sender", value: "dgrid1from", index: true },
        ],
      },
    ],
  });
});

test("the writer is reusable and gives the same JSON as toGatewayJson", () => {
  const writer = new GatewayJsonWriter({ registry });
  const desc = schema("cosmos.bank.v1beta1.QueryAllBalancesResponse");
  const message = wire("cosmos.bank.v1beta1.QueryAllBalancesResponse", { balances: [{ denom: "a", amount: "1" }] });
  assert.deepEqual(writer.write(desc, message), toGatewayJson(desc, message, { registry }));
  assert.deepEqual(writer.write(desc, message), { balances: [{ denom: "a", amount: "1" }], pagination: null });
});

test("leaf values: jsonpb durations with signs, Go floats, customtype errors", () => {
  // jsonpb Duration: "%d.%09d" trimmed, "-" written by hand when only the nanos are negative
  assert.equal(formatDuration(-1n, -500_000_000, false), "-1.500s");
  assert.equal(formatDuration(0n, -1, false), "-0.000000001s");
  assert.equal(formatDuration(0n, 0, true), "0s");
  assert.throws(() => formatDuration(1n, -1, false), GatewayJsonError); // signs must match
  assert.throws(() => formatDuration(9_300_000_000n, 0, true), GatewayJsonError); // beyond time.Duration
  assert.equal(formatDuration(9_300_000_000n, 0, false), "9300000000s"); // a plain Duration may be longer
  // jsonpb names the non-finite floats; a float32 prints at float32 precision (encoding/json)
  assert.equal(formatFloat(Number.NaN, false), "NaN");
  assert.equal(formatFloat(Number.NEGATIVE_INFINITY, true), "-Infinity");
  assert.equal(formatFloat(Math.fround(0.1), true), 0.1);
  assert.equal(formatFloat(0.1, false), 0.1);
  // math.Int / math.LegacyDec Unmarshal reject what is not their text
  assert.throws(() => formatCustom("int", "1.5", false), GatewayJsonError);
  assert.throws(() => formatCustom("dec", "abc", false), GatewayJsonError);
  assert.equal(formatCustom("int", "+007", false), "7");
  assert.equal(formatCustom("dec", "-1", false), "-0.000000000000000001");
  assert.equal(formatTimestamp(-62_135_596_800n, 0, true), "0001-01-01T00:00:00Z");
});
