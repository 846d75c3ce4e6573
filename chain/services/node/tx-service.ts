// cosmos.tx.v1beta1.Service as the node serves it (SDK v0.50 x/auth/tx/service.go and
// client/broadcast.go): simulation through the app's ABCI query, txs by hash and by event query from
// the tx indexer, blocks with their decoded txs, broadcast through the mempool, proto encode/decode.
import { fromHex } from "@cosmjs/encoding";
import type { TxResponse } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
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
  TxDecodeAminoResponse,
  TxDecodeRequest,
  TxDecodeResponse,
  TxEncodeAminoRequest,
  TxEncodeAminoResponse,
  TxEncodeRequest,
  TxEncodeResponse,
} from "cosmjs-types/cosmos/tx/v1beta1/service";
import { AuthInfo, Tx, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { RpcBackend } from "../../rpc/backend.ts";
import { MAX_QUERY_LENGTH, validatePerPage } from "../../rpc/methods.ts";
import { parseQuery } from "../../txindex/query.ts";
import { txHash } from "../../types/hash.ts";
import { GrpcCode, type MethodHandler, ServiceError, serviceErrorOfAbci } from "../dispatcher.ts";
import { loadBlockWithId } from "./blocks.ts";
import { DEFAULT_LIMIT, errorMessage, invalid, method, notFound, safeNumber } from "./common.ts";
import { BlockTimes, decodeTx, parseAbciLogs, tryDecodeTx, txResponse, upperHex } from "./tx-response.ts";

export const TX_SERVICE = "/cosmos.tx.v1beta1.Service/";
const SIMULATE = `${TX_SERVICE}Simulate`;

/** The sdk errors client.CheckCometError turns into a TxResponse instead of a failed call. */
const MEMPOOL_REFUSALS: { match: string; code: number }[] = [
  { match: "tx already exists in cache", code: 19 }, // ErrTxInMempoolCache
  { match: "mempool is full", code: 20 }, // ErrMempoolIsFull
  { match: "tx too large", code: 21 }, // ErrTxTooLarge
];

function emptyTxResponse(): TxResponse {
  return {
    height: 0n,
    txhash: "",
    codespace: "",
    code: 0,
    data: "",
    rawLog: "",
    logs: [],
    info: "",
    gasWanted: 0n,
    gasUsed: 0n,
    tx: undefined,
    timestamp: "",
    events: [],
  };
}

export function txServiceHandlers(backend: RpcBackend): [string, MethodHandler][] {
  const simulate = method("SimulateRequest", SimulateRequest, SimulateResponse, async (req) => {
    let txBytes = req.txBytes;
    // the deprecated `tx` field: its encoding is wire-compatible with TxRaw (x/auth/tx does the same)
    if (txBytes.length === 0 && req.tx) txBytes = Tx.encode(req.tx).finish();
    if (txBytes.length === 0) throw invalid("empty txBytes is not allowed");
    const data = SimulateRequest.encode(SimulateRequest.fromPartial({ txBytes })).finish();
    const res = await backend.abciQuery({ path: SIMULATE, data, height: 0n, prove: false });
    if (res.code !== 0) throw serviceErrorOfAbci(res.code, res.codespace, res.log);
    return SimulateResponse.decode(res.value);
  });

  const getTx = method("GetTxRequest", GetTxRequest, GetTxResponse, async (req) => {
    if (req.hash.length === 0) throw invalid("tx hash cannot be empty");
    if (!/^([0-9a-fA-F]{2})+$/.test(req.hash)) throw invalid(`invalid tx hash ${JSON.stringify(req.hash)}: not hex`);
    const hash = fromHex(req.hash);
    const found = hash.length === 32 ? await backend.getTx(hash) : undefined;
    if (!found) throw notFound(`tx not found: ${req.hash}`);
    const tx = tryDecodeTx(found.tx);
    return { tx, txResponse: txResponse(found, tx, await new BlockTimes(backend).get(found.height)) };
  });

  const getTxsEvent = method("GetTxsEventRequest", GetTxsEventRequest, GetTxsEventResponse, async (req) => {
    // v0.50 reads `query`; the deprecated `events` list (the older REST `events=` form) is its AND
    const query = req.query !== "" ? req.query : req.events.join(" AND ");
    if (query === "") throw invalid("query cannot be empty");
    if (query.length > MAX_QUERY_LENGTH) throw invalid("maximum query length exceeded");
    try {
      parseQuery(query);
    } catch (e) {
      throw invalid(`failed to search for txs: ${errorMessage(e)}`);
    }
    // QueryTxsByEvents: page <= 0 → 1, limit <= 0 → 100; CometBFT's tx_search caps per_page at 100
    const page = req.page > 0n ? safeNumber(req.page, "page") : 1;
    const perPage = validatePerPage(req.limit > 0n ? safeNumber(req.limit, "limit") : DEFAULT_LIMIT);
    const orderBy = req.orderBy === OrderBy.ORDER_BY_DESC ? "desc" : "asc";
    let found: Awaited<ReturnType<RpcBackend["searchTxs"]>>;
    try {
      found = await backend.searchTxs(query, { page, perPage, orderBy });
    } catch (e) {
      // the indexer refuses a page past the results (CometBFT's validatePage); anything else is ours
      const text = `failed to search for txs: ${errorMessage(e)}`;
      throw /page should be within/.test(text) ? invalid(text) : new ServiceError(GrpcCode.INTERNAL, text);
    }
    const { txs, totalCount } = found;
    const times = new BlockTimes(backend);
    const decoded = txs.map((t) => tryDecodeTx(t.tx));
    const responses: TxResponse[] = [];
    for (const [i, t] of txs.entries()) responses.push(txResponse(t, decoded[i], await times.get(t.height)));
    return {
      txs: decoded.map((t) => t ?? Tx.fromPartial({})),
      txResponses: responses,
      pagination: undefined,
      total: BigInt(totalCount),
    };
  });

  const getBlockWithTxs = method(
    "GetBlockWithTxsRequest",
    GetBlockWithTxsRequest,
    GetBlockWithTxsResponse,
    async (req) => {
      const current = backend.blockStoreHeight();
      if (req.height < 1n || req.height > BigInt(current))
        throw invalid(
          `requested height ${req.height} but height must not be less than 1 or greater than the current height ${current}: invalid height`,
        );
      const base = backend.blockStoreBase();
      if (req.height < BigInt(base)) throw notFound(`height ${req.height} is not available, lowest height is ${base}`);
      const { blockId, block } = await loadBlockWithId(backend, Number(req.height));
      const p = req.pagination;
      const offset = p ? safeNumber(p.offset, "pagination offset") : 0;
      // a page request without a limit means the default, not "no txs" (as the SDK's loop reads it)
      const limit = p && p.limit > 0n ? safeNumber(p.limit, "pagination limit") : DEFAULT_LIMIT;
      const all = block.data.txs;
      if (offset >= all.length && all.length !== 0)
        throw invalid(
          `out of range: cannot paginate ${all.length} txs with offset ${offset} and limit ${limit}: invalid request`,
        );
      // reverse: the same window counted from the block's last tx
      const ordered = p?.reverse ? [...all].reverse() : all;
      const txs: Tx[] = [];
      // as v0.50, a tx that does not decode is left out (the SDK logs it) rather than failing the block
      for (const raw of ordered.slice(offset, offset + limit)) {
        const tx = tryDecodeTx(raw);
        if (tx) txs.push(tx);
      }
      return {
        txs,
        blockId,
        block,
        pagination: { nextKey: new Uint8Array(), total: BigInt(all.length) },
      };
    },
  );

  const broadcastTx = method("BroadcastTxRequest", BroadcastTxRequest, BroadcastTxResponse, async (req) => {
    if (req.txBytes.length === 0) throw invalid("invalid empty tx");
    const hash = upperHex(txHash(req.txBytes));
    if (req.mode === BroadcastMode.BROADCAST_MODE_ASYNC) {
      // CometBFT's broadcast_tx_async: the caller learns the hash, CheckTx runs on
      backend.broadcastTx(req.txBytes).catch(() => {});
      return { txResponse: { ...emptyTxResponse(), txhash: hash } };
    }
    if (req.mode !== BroadcastMode.BROADCAST_MODE_SYNC)
      // v0.50 has no BLOCK mode: anything but sync/async is "unspecified"
      throw invalid("unsupported return type unspecified; supported types: sync, async");
    let res: Awaited<ReturnType<RpcBackend["broadcastTx"]>>;
    try {
      res = await backend.broadcastTx(req.txBytes);
    } catch (e) {
      const text = errorMessage(e).toLowerCase();
      const refusal = MEMPOOL_REFUSALS.find((r) => text.includes(r.match));
      if (!refusal) throw e;
      return { txResponse: { ...emptyTxResponse(), code: refusal.code, codespace: "sdk", txhash: hash } };
    }
    return {
      txResponse: {
        ...emptyTxResponse(),
        code: res.code,
        codespace: res.codespace,
        data: upperHex(res.data),
        rawLog: res.log,
        logs: parseAbciLogs(res.log),
        txhash: hash,
      },
    };
  });

  const txDecode = method("TxDecodeRequest", TxDecodeRequest, TxDecodeResponse, async (req) => {
    if (req.txBytes.length === 0) throw invalid("invalid empty tx bytes");
    try {
      return { tx: decodeTx(req.txBytes) };
    } catch (e) {
      throw invalid(`tx parse error: ${errorMessage(e)}`);
    }
  });

  const txEncode = method("TxEncodeRequest", TxEncodeRequest, TxEncodeResponse, async (req) => {
    if (!req.tx) throw invalid("invalid empty tx");
    const raw = TxRaw.encode({
      bodyBytes: TxBody.encode(req.tx.body ?? TxBody.fromPartial({})).finish(),
      authInfoBytes: AuthInfo.encode(req.tx.authInfo ?? AuthInfo.fromPartial({})).finish(),
      signatures: req.tx.signatures,
    }).finish();
    return { txBytes: raw };
  });

  // Legacy amino binary (StdTx) needs the amino codec of every message type; this node has none.
  const aminoUnimplemented = (name: string) => async () => {
    throw new ServiceError(GrpcCode.UNIMPLEMENTED, `${name} is not supported: this node has no legacy amino codec`);
  };
  const txEncodeAmino = method(
    "TxEncodeAminoRequest",
    TxEncodeAminoRequest,
    TxEncodeAminoResponse,
    aminoUnimplemented("TxEncodeAmino"),
  );
  const txDecodeAmino = method(
    "TxDecodeAminoRequest",
    TxDecodeAminoRequest,
    TxDecodeAminoResponse,
    aminoUnimplemented("TxDecodeAmino"),
  );

  return [
    [SIMULATE, simulate],
    [`${TX_SERVICE}GetTx`, getTx],
    [`${TX_SERVICE}BroadcastTx`, broadcastTx],
    [`${TX_SERVICE}GetTxsEvent`, getTxsEvent],
    [`${TX_SERVICE}GetBlockWithTxs`, getBlockWithTxs],
    [`${TX_SERVICE}TxDecode`, txDecode],
    [`${TX_SERVICE}TxEncode`, txEncode],
    [`${TX_SERVICE}TxEncodeAmino`, txEncodeAmino],
    [`${TX_SERVICE}TxDecodeAmino`, txDecodeAmino],
  ];
}
