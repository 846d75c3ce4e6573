// The node-served Cosmos services (chain/services/node) against a real single-validator DGrid node
// running in this process: each handler is called with encoded requests, its decoded answer is
// checked against the JSON-RPC answer of the same node (blocks, validators, status, a bank send's tx
// and its search), and bad requests get INVALID_ARGUMENT / NOT_FOUND while the node keeps serving.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fromBase64, fromHex, toBech32, toHex } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { coins, GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import {
  ConfigRequest,
  ConfigResponse,
  StatusRequest,
  StatusResponse,
} from "cosmjs-types/cosmos/base/node/v1beta1/query";
import {
  ABCIQueryRequest,
  ABCIQueryResponse,
  GetBlockByHeightRequest,
  GetBlockByHeightResponse,
  GetLatestBlockRequest,
  GetLatestBlockResponse,
  GetLatestValidatorSetRequest,
  GetLatestValidatorSetResponse,
  GetNodeInfoRequest,
  GetNodeInfoResponse,
  GetSyncingRequest,
  GetSyncingResponse,
  GetValidatorSetByHeightRequest,
  GetValidatorSetByHeightResponse,
} from "cosmjs-types/cosmos/base/tendermint/v1beta1/query";
import { PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import {
  BroadcastMode,
  BroadcastTxRequest,
  BroadcastTxResponse,
  GetBlockWithTxsRequest,
  GetBlockWithTxsResponse,
  GetTxRequest,
  GetTxResponse,
  GetTxsEventRequest,
  GetTxsEventResponse,
  OrderBy,
  SimulateRequest,
  SimulateResponse,
  TxDecodeAminoRequest,
  TxDecodeRequest,
  TxDecodeResponse,
  TxEncodeRequest,
  TxEncodeResponse,
} from "cosmjs-types/cosmos/tx/v1beta1/service";
import { Tx, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import pino from "pino";
import { DGridNode } from "../../app/node.ts";
import { loadConfig, writeConfig } from "../../chain/node/config.ts";
import type { RpcBackend } from "../../chain/rpc/backend.ts";
import { GrpcCode, type MethodHandler, ServiceError } from "../../chain/services/dispatcher.ts";
import { nodeServiceHandlers } from "../../chain/services/node/index.ts";
import { formatDecCoins } from "../../chain/services/node/node-service.ts";
import { formatRfc3339 } from "../../chain/types/time.ts";
import { createTestNode, rpcCall, waitForHeight } from "../support/node-process.ts";

const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art";
const VALCONS = "dgridvalcons";

interface Codec<T> {
  encode(m: T): { finish(): Uint8Array };
  decode(b: Uint8Array): T;
  fromPartial(o: object): T;
}

describe("node-served Cosmos services on a single-validator node", { timeout: 180_000 }, () => {
  let node: DGridNode;
  let handlers: Map<string, MethodHandler>;
  let rpcUrl: string;
  let client: SigningStargateClient;
  let alice: string;
  let bob: string;

  const rpc = async (method: string, params: Record<string, unknown> = {}) => {
    const r = await rpcCall(rpcUrl, method, params);
    if (r.error) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.result;
  };
  const raw = (path: string, bytes: Uint8Array, height?: bigint) => {
    const h = handlers.get(path);
    assert.ok(h, `no handler for ${path}`);
    return h(bytes, { height });
  };
  async function call<Req, Res>(path: string, req: Codec<Req>, res: Codec<Res>, value: object): Promise<Res> {
    return res.decode(await raw(path, req.encode(req.fromPartial(value)).finish()));
  }
  async function refused(p: Promise<unknown>, code: GrpcCode, text: RegExp): Promise<void> {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof ServiceError, String(e));
      assert.equal(e.code, code, e.message);
      assert.match(e.message, text);
      return true;
    });
  }
  const tx = (m: string) => `/cosmos.tx.v1beta1.Service/${m}`;
  const tm = (m: string) => `/cosmos.base.tendermint.v1beta1.Service/${m}`;
  const nd = (m: string) => `/cosmos.base.node.v1beta1.Service/${m}`;

  before(async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix: "dgrid" });
    alice = (await wallet.getAccounts())[0].address;
    bob = (await (await DirectSecp256k1HdWallet.generate(12, { prefix: "dgrid" })).getAccounts())[0].address;
    const t = await createTestNode({ accounts: [{ address: alice, coins: "1000000000udgrid" }] });
    const config = loadConfig(t.home);
    config.inference.enabled = false; // no model store / onnxruntime workers: this test is about the services
    config.instrumentation.prometheus = false;
    config.app.haltHeight = 1_000_000;
    writeConfig(t.home, config);
    node = new DGridNode({ home: t.home, config }, { logger: pino({ level: "silent" }) });
    await node.start();
    rpcUrl = node.rpcUrl;
    await waitForHeight(rpcUrl, 2);
    // the Node does not expose its RpcBackend (the wiring that will pass it is not here yet): read it
    // from the RPC server it was given to
    const backend = (node as unknown as { rpc: { ctx: { backend: RpcBackend } } }).rpc.ctx.backend;
    handlers = nodeServiceHandlers(
      {
        consensusAddressPrefix: VALCONS,
        applicationVersion: {
          name: "dgrid",
          appName: "dgrid",
          version: "0.1.0",
          gitCommit: "",
          buildTags: "",
          runtimeVersion: `node ${process.version}`,
          buildDeps: [{ path: "cosmjs-types", version: "0.11.0", sum: "" }],
          cosmosSdkVersion: "v0.50.0",
        },
        appConfig: {
          minimumGasPrices: config.app.minimumGasPrices,
          pruningKeepRecent: config.app.pruningKeepRecent,
          pruningInterval: 0,
          haltHeight: config.app.haltHeight,
        },
      },
      { backend },
    );
    client = await SigningStargateClient.connectWithSigner(rpcUrl, wallet, {
      gasPrice: GasPrice.fromString("0.025udgrid"),
    });
  });

  after(async () => {
    client?.disconnect();
    await node?.stop();
  });

  it("serves every method of the three services", () => {
    for (const m of ["Simulate", "GetTx", "BroadcastTx", "GetTxsEvent", "GetBlockWithTxs", "TxDecode", "TxEncode"])
      assert.ok(handlers.has(tx(m)), m);
    for (const m of ["GetNodeInfo", "GetSyncing", "GetLatestBlock", "GetBlockByHeight", "ABCIQuery"])
      assert.ok(handlers.has(tm(m)), m);
    for (const m of ["GetLatestValidatorSet", "GetValidatorSetByHeight"]) assert.ok(handlers.has(tm(m)), m);
    assert.ok(handlers.has(nd("Config")) && handlers.has(nd("Status")));
  });

  it("GetNodeInfo and GetSyncing match status", async () => {
    const status = await rpc("status");
    const info = await call(tm("GetNodeInfo"), GetNodeInfoRequest, GetNodeInfoResponse, {});
    const n = info.defaultNodeInfo!;
    assert.equal(n.defaultNodeId, status.node_info.id);
    assert.equal(n.network, status.node_info.network);
    assert.equal(n.moniker, status.node_info.moniker);
    assert.equal(n.version, status.node_info.version);
    assert.equal(n.listenAddr, status.node_info.listen_addr);
    assert.equal(toHex(n.channels), status.node_info.channels);
    assert.equal(n.protocolVersion.block, BigInt(status.node_info.protocol_version.block));
    assert.equal(n.other.rpcAddress, status.node_info.other.rpc_address);
    assert.equal(info.applicationVersion?.name, "dgrid");
    assert.equal(info.applicationVersion?.goVersion, `node ${process.version}`);
    assert.equal(info.applicationVersion?.buildDeps[0].path, "cosmjs-types");
    const sync = await call(tm("GetSyncing"), GetSyncingRequest, GetSyncingResponse, {});
    assert.equal(sync.syncing, status.sync_info.catching_up);
  });

  it("GetBlockByHeight and GetLatestBlock match block", async () => {
    const want = await rpc("block", { height: "2" });
    const got = await call(tm("GetBlockByHeight"), GetBlockByHeightRequest, GetBlockByHeightResponse, {
      height: 2n,
    });
    assert.equal(toHex(got.blockId!.hash).toUpperCase(), want.block_id.hash);
    const h = got.block!.header;
    assert.equal(h.height, 2n);
    assert.equal(h.chainId, want.block.header.chain_id);
    assert.equal(formatRfc3339(h.time), want.block.header.time);
    assert.equal(toHex(h.appHash).toUpperCase(), want.block.header.app_hash);
    assert.equal(toHex(h.proposerAddress).toUpperCase(), want.block.header.proposer_address);
    assert.equal(got.block!.lastCommit?.height, BigInt(want.block.last_commit.height));
    const sdk = got.sdkBlock!.header;
    assert.equal(sdk.proposerAddress, toBech32(VALCONS, fromHex(want.block.header.proposer_address)));
    assert.deepEqual(sdk.appHash, h.appHash);
    assert.equal(sdk.height, 2n);

    const latest = await call(tm("GetLatestBlock"), GetLatestBlockRequest, GetLatestBlockResponse, {});
    const latestHeight = latest.block!.header.height;
    const again = await rpc("block", { height: String(latestHeight) });
    assert.equal(toHex(latest.blockId!.hash).toUpperCase(), again.block_id.hash);
    assert.ok(latest.sdkBlock?.header.proposerAddress.startsWith(`${VALCONS}1`));
  });

  it("validator sets match validators", async () => {
    const latest = await call(
      tm("GetLatestValidatorSet"),
      GetLatestValidatorSetRequest,
      GetLatestValidatorSetResponse,
      {},
    );
    const want = await rpc("validators", { height: String(latest.blockHeight) });
    assert.equal(latest.validators.length, 1);
    assert.equal(latest.pagination?.total, BigInt(want.total));
    const v = latest.validators[0];
    const w = want.validators[0];
    assert.equal(v.address, toBech32(VALCONS, fromHex(w.address)));
    assert.equal(v.pubKey?.typeUrl, "/cosmos.crypto.ed25519.PubKey");
    assert.deepEqual(PubKey.decode(v.pubKey!.value).key, fromBase64(w.pub_key.value));
    assert.equal(v.votingPower, BigInt(w.voting_power));
    assert.equal(v.proposerPriority, BigInt(w.proposer_priority));

    const at2 = await call(
      tm("GetValidatorSetByHeight"),
      GetValidatorSetByHeightRequest,
      GetValidatorSetByHeightResponse,
      { height: 2n, pagination: { limit: 10n } },
    );
    assert.equal(at2.blockHeight, 2n);
    assert.equal(at2.validators[0].address, v.address);
    await refused(
      raw(
        tm("GetValidatorSetByHeight"),
        GetValidatorSetByHeightRequest.encode(
          GetValidatorSetByHeightRequest.fromPartial({ height: 2n, pagination: { offset: 5n, limit: 1n } }),
        ).finish(),
      ),
      GrpcCode.INVALID_ARGUMENT,
      /page should be within \[1, 1\] range, given 6/,
    );
  });

  it("node Config and Status", async () => {
    const config = await call(nd("Config"), ConfigRequest, ConfigResponse, {});
    assert.equal(config.minimumGasPrice, "0.002500000000000000udgrid");
    assert.equal(config.pruningKeepRecent, "0");
    assert.equal(config.pruningInterval, "0");
    assert.equal(config.haltHeight, 1_000_000n);

    const st = await call(nd("Status"), StatusRequest, StatusResponse, {});
    const block = await rpc("block", { height: String(st.height) });
    assert.equal(toHex(st.appHash).toUpperCase(), block.block.header.app_hash);
    assert.equal(toHex(st.validatorHash).toUpperCase(), block.block.header.next_validators_hash);
    assert.equal(formatRfc3339(st.timestamp!), block.block.header.time);
    const at2 = StatusResponse.decode(await raw(nd("Status"), StatusRequest.encode({}).finish(), 2n));
    assert.equal(at2.height, 2n);
    await refused(raw(nd("Status"), new Uint8Array(), 10_000_000n), GrpcCode.INVALID_ARGUMENT, /future/);
  });

  it("simulates, broadcasts, finds and searches a bank send as tx, tx_search and block show it", async () => {
    const msg = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: alice, toAddress: bob, amount: coins(4242, "udgrid") },
    };
    const fee = { amount: coins(5000, "udgrid"), gas: "200000" };
    const signed = TxRaw.encode(await client.sign(alice, [msg], fee, "node services")).finish();

    const sim = await call(tx("Simulate"), SimulateRequest, SimulateResponse, { txBytes: signed });
    assert.ok((sim.gasInfo?.gasUsed ?? 0n) > 0n);
    assert.ok((sim.result?.events.length ?? 0) > 0);
    // the deprecated `tx` field simulates the same transaction
    const decoded = await call(tx("TxDecode"), TxDecodeRequest, TxDecodeResponse, { txBytes: signed });
    const sim2 = await call(tx("Simulate"), SimulateRequest, SimulateResponse, { tx: decoded.tx });
    assert.equal(sim2.gasInfo?.gasUsed, sim.gasInfo?.gasUsed);
    const encoded = await call(tx("TxEncode"), TxEncodeRequest, TxEncodeResponse, { tx: decoded.tx });
    assert.deepEqual(encoded.txBytes, signed);

    const b = await call(tx("BroadcastTx"), BroadcastTxRequest, BroadcastTxResponse, {
      txBytes: signed,
      mode: BroadcastMode.BROADCAST_MODE_SYNC,
    });
    const hash = b.txResponse!.txhash;
    assert.equal(b.txResponse?.code, 0, b.txResponse?.rawLog);
    assert.match(hash, /^[0-9A-F]{64}$/);
    // the same tx again: the mempool cache refusal as a TxResponse (sdk 19), not a failed call
    const dup = await call(tx("BroadcastTx"), BroadcastTxRequest, BroadcastTxResponse, {
      txBytes: signed,
      mode: BroadcastMode.BROADCAST_MODE_SYNC,
    });
    assert.equal(dup.txResponse?.code, 19);
    assert.equal(dup.txResponse?.codespace, "sdk");
    assert.equal(dup.txResponse?.txhash, hash);

    let want: any;
    for (let i = 0; i < 100 && !want; i++) {
      const r = await rpcCall(rpcUrl, "tx", { hash: Buffer.from(hash, "hex").toString("base64") });
      if (r.result) want = r.result;
      else await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(want, "the tx was committed");

    const got = await call(tx("GetTx"), GetTxRequest, GetTxResponse, { hash: hash.toLowerCase() });
    const r = got.txResponse!;
    assert.equal(r.txhash, want.hash);
    assert.equal(r.height, BigInt(want.height));
    assert.equal(r.code, want.tx_result.code);
    assert.equal(r.gasWanted, BigInt(want.tx_result.gas_wanted));
    assert.equal(r.gasUsed, BigInt(want.tx_result.gas_used));
    assert.equal(r.rawLog, want.tx_result.log);
    assert.equal(r.data, toHex(fromBase64(want.tx_result.data ?? "")).toUpperCase());
    assert.deepEqual(
      r.events.map((e) => e.type),
      want.tx_result.events.map((e: { type: string }) => e.type),
    );
    assert.equal(r.tx?.typeUrl, "/cosmos.tx.v1beta1.Tx");
    assert.deepEqual(Tx.decode(r.tx!.value), decoded.tx);
    assert.deepEqual(got.tx, decoded.tx);
    const block = await rpc("block", { height: want.height });
    assert.equal(r.timestamp, block.block.header.time.replace(/\.\d+Z$/, "Z"));
    assert.match(r.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // search: `query`, and the deprecated `events` joined with AND, as tx_search finds them
    const search = await rpc("tx_search", { query: `transfer.recipient='${bob}'` });
    const byQuery = await call(tx("GetTxsEvent"), GetTxsEventRequest, GetTxsEventResponse, {
      query: `transfer.recipient='${bob}'`,
    });
    assert.equal(byQuery.total, BigInt(search.total_count));
    assert.deepEqual(
      byQuery.txResponses.map((t) => t.txhash),
      search.txs.map((t: { hash: string }) => t.hash),
    );
    assert.deepEqual(byQuery.txs[0], decoded.tx);
    const byEvents = await call(tx("GetTxsEvent"), GetTxsEventRequest, GetTxsEventResponse, {
      events: [`transfer.recipient='${bob}'`, `tx.height=${want.height}`],
      orderBy: OrderBy.ORDER_BY_DESC,
      limit: 5n,
    });
    assert.deepEqual(
      byEvents.txResponses.map((t) => t.txhash),
      [hash],
    );
    await refused(
      call(tx("GetTxsEvent"), GetTxsEventRequest, GetTxsEventResponse, { query: `tx.height=${want.height}`, page: 9n }),
      GrpcCode.INVALID_ARGUMENT,
      /page should be within \[1, 1\] range, given 9/,
    );

    // the block with its txs decoded
    const bw = await call(tx("GetBlockWithTxs"), GetBlockWithTxsRequest, GetBlockWithTxsResponse, {
      height: BigInt(want.height),
    });
    assert.equal(toHex(bw.blockId!.hash).toUpperCase(), block.block_id.hash);
    assert.equal(bw.block?.data.txs.length, block.block.data.txs.length);
    assert.equal(bw.pagination?.total, BigInt(block.block.data.txs.length));
    assert.deepEqual(bw.txs[Number(want.index)], decoded.tx);
    await refused(
      call(tx("GetBlockWithTxs"), GetBlockWithTxsRequest, GetBlockWithTxsResponse, {
        height: BigInt(want.height),
        pagination: { offset: 50n },
      }),
      GrpcCode.INVALID_ARGUMENT,
      /out of range: cannot paginate 1 txs with offset 50/,
    );
  });

  it("forwards ABCIQuery for app/store paths and refuses gRPC paths", async () => {
    const want = await rpc("abci_query", { path: "/app/version" });
    const got = await call(tm("ABCIQuery"), ABCIQueryRequest, ABCIQueryResponse, { path: "/app/version" });
    assert.equal(got.code, 0);
    assert.deepEqual(got.value, fromBase64(want.response.value));
    await refused(
      call(tm("ABCIQuery"), ABCIQueryRequest, ABCIQueryResponse, { path: "/cosmos.bank.v1beta1.Query/Balance" }),
      GrpcCode.INVALID_ARGUMENT,
      /unsupported ABCI query path: \/cosmos.bank.v1beta1.Query\/Balance/,
    );
    await refused(
      call(tm("ABCIQuery"), ABCIQueryRequest, ABCIQueryResponse, { path: "" }),
      GrpcCode.INVALID_ARGUMENT,
      /empty query path/,
    );
  });

  it("refuses bad requests with INVALID_ARGUMENT / NOT_FOUND and keeps serving", async () => {
    const truncated = Uint8Array.from([0x0a, 0x05, 0x01]); // field 1 claims 5 bytes, has 1
    for (const path of handlers.keys())
      await refused(raw(path, truncated), GrpcCode.INVALID_ARGUMENT, /^invalid \w+Request: /);

    const latest = BigInt(await rpc("status").then((s) => s.sync_info.latest_block_height));
    await refused(
      call(tm("GetBlockByHeight"), GetBlockByHeightRequest, GetBlockByHeightResponse, { height: -1n }),
      GrpcCode.INVALID_ARGUMENT,
      /height must be greater than 0, but got -1/,
    );
    await refused(
      call(tm("GetBlockByHeight"), GetBlockByHeightRequest, GetBlockByHeightResponse, { height: latest + 1000n }),
      GrpcCode.INVALID_ARGUMENT,
      /requested block height is bigger then the chain length/,
    );
    await refused(
      call(tm("GetValidatorSetByHeight"), GetValidatorSetByHeightRequest, GetValidatorSetByHeightResponse, {
        height: 0n,
      }),
      GrpcCode.INVALID_ARGUMENT,
      /height must be greater than 0/,
    );
    await refused(
      call(tx("GetBlockWithTxs"), GetBlockWithTxsRequest, GetBlockWithTxsResponse, { height: 0n }),
      GrpcCode.INVALID_ARGUMENT,
      /requested height 0 but height must not be less than 1 or greater than the current height/,
    );
    await refused(
      call(tx("GetTx"), GetTxRequest, GetTxResponse, { hash: "0xnothex" }),
      GrpcCode.INVALID_ARGUMENT,
      /invalid tx hash/,
    );
    await refused(
      call(tx("GetTx"), GetTxRequest, GetTxResponse, { hash: "" }),
      GrpcCode.INVALID_ARGUMENT,
      /tx hash cannot be empty/,
    );
    const missing = "AB".repeat(32);
    await refused(
      call(tx("GetTx"), GetTxRequest, GetTxResponse, { hash: missing }),
      GrpcCode.NOT_FOUND,
      new RegExp(`^tx not found: ${missing}$`),
    );
    await refused(
      call(tx("GetTxsEvent"), GetTxsEventRequest, GetTxsEventResponse, {}),
      GrpcCode.INVALID_ARGUMENT,
      /query cannot be empty/,
    );
    await refused(
      call(tx("GetTxsEvent"), GetTxsEventRequest, GetTxsEventResponse, { query: "tx.height >>> 1" }),
      GrpcCode.INVALID_ARGUMENT,
      /failed to search for txs/,
    );
    await refused(
      call(tx("BroadcastTx"), BroadcastTxRequest, BroadcastTxResponse, {
        txBytes: Uint8Array.from([1, 2, 3]),
        mode: BroadcastMode.BROADCAST_MODE_BLOCK,
      }),
      GrpcCode.INVALID_ARGUMENT,
      /unsupported return type unspecified; supported types: sync, async/,
    );
    await refused(
      call(tx("BroadcastTx"), BroadcastTxRequest, BroadcastTxResponse, { mode: BroadcastMode.BROADCAST_MODE_SYNC }),
      GrpcCode.INVALID_ARGUMENT,
      /invalid empty tx/,
    );
    await refused(
      call(tx("Simulate"), SimulateRequest, SimulateResponse, {}),
      GrpcCode.INVALID_ARGUMENT,
      /empty txBytes is not allowed/,
    );
    await refused(
      call(tx("TxDecode"), TxDecodeRequest, TxDecodeResponse, { txBytes: Uint8Array.from([0x0a, 0x01, 0xff]) }),
      GrpcCode.INVALID_ARGUMENT,
      /tx parse error/,
    );
    await refused(
      raw(tx("TxDecodeAmino"), TxDecodeAminoRequest.encode({ aminoBinary: Uint8Array.from([1]) }).finish()),
      GrpcCode.UNIMPLEMENTED,
      /TxDecodeAmino is not supported/,
    );
    // a tx that is not one fails simulation with the app's decode error, as UNKNOWN (x/auth/tx's
    // Simulate wraps every simulation error in codes.Unknown "... With gas wanted: ...")
    await refused(
      call(tx("Simulate"), SimulateRequest, SimulateResponse, { txBytes: Uint8Array.from([0xff, 0xff]) }),
      GrpcCode.UNKNOWN,
      /tx parse error With gas wanted/,
    );
    // still serving
    const after = await call(tm("GetLatestBlock"), GetLatestBlockRequest, GetLatestBlockResponse, {});
    assert.ok(after.block!.header.height >= latest);
  });

  it("formats minimum gas prices as sdk.DecCoins.String()", () => {
    assert.equal(formatDecCoins(""), "");
    assert.equal(formatDecCoins("0udgrid"), "");
    assert.equal(formatDecCoins("1.5uatom,0.025udgrid"), "1.500000000000000000uatom,0.025000000000000000udgrid");
    assert.equal(formatDecCoins("0.025udgrid,2uatom"), "2.000000000000000000uatom,0.025000000000000000udgrid");
  });
});
