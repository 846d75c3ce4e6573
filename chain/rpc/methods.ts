// The RPC methods of CometBFT v0.38 (rpc/core/routes.go) over an RpcBackend, returning JSON-ready
// values shaped as rpc/core/types/responses.go encodes them. Checks and error texts follow rpc/core.
import { createHash } from "node:crypto";
import { toBase64 } from "@cosmjs/encoding";
import { RequestQuery } from "cosmjs-types/tendermint/abci/types";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { EventBus } from "../events/event-bus.ts";
import { consensusParamsToJson } from "../types/genesis.ts";
import { evidenceBytes, txHash } from "../types/hash.ts";
import { proofsFromByteSlices } from "../types/merkle.ts";
import type { IndexedTx, RpcBackend, SearchOptions } from "./backend.ts";
import * as enc from "./encode.ts";
import { invalidParams } from "./errors.ts";
import { evidenceFromJson } from "./evidence-json.ts";
import type { ParamSpec, Params } from "./params.ts";

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;
export const MAX_QUERY_LENGTH = 512;
const BLOCKCHAIN_LIMIT = 20;
const GENESIS_CHUNK_SIZE = 16 * 1024 * 1024;

export interface MethodContext {
  backend: RpcBackend;
  eventBus: EventBus;
  timeoutBroadcastTxCommitMs: number;
}

/** A JSON fragment spliced verbatim into the response (the genesis document). */
export class RawJson {
  constructor(readonly text: string) {}
}

export interface RpcMethod {
  params: ParamSpec[];
  /** Only callable over the websocket (subscribe / unsubscribe); handled by the websocket layer. */
  wsOnly?: boolean;
  handler?: (ctx: MethodContext, p: Params) => Promise<unknown>;
}

const int = (name: string): ParamSpec => ({ name, type: "int" });
const str = (name: string): ParamSpec => ({ name, type: "string" });
const bool = (name: string): ParamSpec => ({ name, type: "bool" });
const bytes = (name: string): ParamSpec => ({ name, type: "bytes" });
const hexbytes = (name: string): ParamSpec => ({ name, type: "hexbytes" });

const num = (v: unknown) => v as number | undefined;

function getHeight(backend: RpcBackend, latest: number, height: number | undefined): number {
  if (height === undefined) return latest;
  if (height <= 0) throw new Error(`height must be greater than 0, but got ${height}`);
  if (height > latest)
    throw new Error(`height ${height} must be less than or equal to the current blockchain height ${latest}`);
  const base = backend.blockStoreBase();
  if (height < base) throw new Error(`height ${height} is not available, lowest height is ${base}`);
  return height;
}

export function validatePerPage(perPage: number | undefined): number {
  if (perPage === undefined || perPage < 1) return DEFAULT_PER_PAGE;
  return perPage > MAX_PER_PAGE ? MAX_PER_PAGE : perPage;
}

export function validatePage(page: number | undefined, perPage: number, total: number): number {
  if (page === undefined) return 1;
  const pages = Math.max(1, Math.floor((total - 1) / perPage) + 1);
  if (page <= 0 || page > pages) throw new Error(`page should be within [1, ${pages}] range, given ${page}`);
  return page;
}

function orderBy(v: unknown): "asc" | "desc" {
  if (v === undefined || v === "" || v === "asc") return "asc";
  if (v === "desc") return "desc";
  throw new Error("expected order_by to be either `asc` or `desc` or empty");
}

function checkQuery(q: unknown): string {
  const query = (q as string | undefined) ?? "";
  if (query.length > MAX_QUERY_LENGTH) throw new Error("maximum query length exceeded");
  return query;
}

const EMPTY_BLOCK_RESULT = { block_id: enc.blockId(undefined), block: null };

async function resultBlock(backend: RpcBackend, blk: Block | undefined): Promise<unknown> {
  if (!blk?.header) return EMPTY_BLOCK_RESULT;
  const meta = await backend.loadBlockMeta(Number(blk.header.height));
  if (!meta) return EMPTY_BLOCK_RESULT;
  return { block_id: enc.blockId(meta.blockId), block: enc.block(blk) };
}

async function txProof(backend: RpcBackend, r: IndexedTx): Promise<unknown> {
  const blk = await backend.loadBlock(r.height);
  const txs = blk?.data?.txs ?? [];
  if (r.index >= txs.length) throw new Error(`tx ${r.index} not found in block ${r.height}`);
  const { root, proofs } = proofsFromByteSlices(txs.map((tx) => txHash(tx)));
  const p = proofs[r.index]!;
  return {
    root_hash: enc.hex(root),
    data: toBase64(r.tx),
    proof: {
      total: String(p.total),
      index: String(p.index),
      leaf_hash: toBase64(p.leafHash),
      aunts: p.aunts.map((a) => toBase64(a)),
    },
  };
}

async function resultTx(backend: RpcBackend, r: IndexedTx, prove: boolean): Promise<unknown> {
  const out: Record<string, unknown> = {
    hash: enc.hex(txHash(r.tx)),
    height: String(r.height),
    index: r.index,
    tx_result: enc.execTxResult(r.result),
    tx: toBase64(r.tx),
  };
  if (prove) out.proof = await txProof(backend, r);
  return out;
}

function broadcastResult(res: { code: number; data: Uint8Array; log: string; codespace: string }, tx: Uint8Array) {
  return { code: res.code, data: enc.hex(res.data), log: res.log, codespace: res.codespace, hash: enc.hex(txHash(tx)) };
}

function waitForTx(ctx: MethodContext, hash: Uint8Array): { promise: Promise<IndexedTx>; cancel: () => void } {
  const want = enc.hex(hash);
  let unsubscribe = () => {};
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<IndexedTx>((resolve, reject) => {
    unsubscribe = ctx.eventBus.subscribe(({ event }) => {
      if (event.type !== "Tx" || enc.hex(txHash(event.tx)) !== want) return;
      resolve({ height: event.height, index: event.index, tx: event.tx, result: event.result });
    });
    timer = setTimeout(
      () => reject(new Error("timed out waiting for tx to be included in a block")),
      ctx.timeoutBroadcastTxCommitMs,
    );
  });
  const cancel = () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
  return { promise, cancel };
}

export const METHODS: Record<string, RpcMethod> = {
  subscribe: { params: [str("query")], wsOnly: true },
  unsubscribe: { params: [str("query")], wsOnly: true },
  unsubscribe_all: { params: [], wsOnly: true },

  health: { params: [], handler: async () => ({}) },

  status: {
    params: [],
    handler: async ({ backend }) => {
      const latest = backend.blockStoreHeight();
      const base = backend.blockStoreBase();
      const latestMeta = latest > 0 ? await backend.loadBlockMeta(latest) : undefined;
      const earliestMeta = base > 0 ? await backend.loadBlockMeta(base) : undefined;
      const v = backend.validatorInfo();
      return {
        node_info: backend.nodeInfo(),
        sync_info: {
          latest_block_hash: enc.hex(latestMeta?.blockId.hash),
          latest_app_hash: enc.hex(latestMeta?.header.appHash),
          latest_block_height: String(latest),
          latest_block_time: enc.time(latestMeta?.header.time),
          earliest_block_hash: enc.hex(earliestMeta?.blockId.hash),
          earliest_app_hash: enc.hex(earliestMeta?.header.appHash),
          earliest_block_height: String(base),
          earliest_block_time: enc.time(earliestMeta?.header.time),
          catching_up: backend.isCatchingUp(),
        },
        validator_info: {
          address: enc.hex(v.address),
          pub_key: enc.pubKey(v.pubKey),
          voting_power: String(v.votingPower),
        },
      };
    },
  },

  net_info: {
    params: [],
    handler: async ({ backend }) => {
      const n = backend.netInfo();
      return { listening: n.listening, listeners: n.listeners, n_peers: String(n.peers.length), peers: n.peers };
    },
  },

  genesis: {
    params: [],
    handler: async ({ backend }) => {
      const text = backend.genesisJson();
      if (text.length > GENESIS_CHUNK_SIZE)
        throw new Error("genesis response is large, please use the genesis_chunked API instead");
      return { genesis: new RawJson(text) };
    },
  },

  genesis_chunked: {
    params: [int("chunk")],
    handler: async ({ backend }, p) => {
      const data = Buffer.from(backend.genesisJson(), "utf8");
      const total = Math.max(1, Math.ceil(data.length / GENESIS_CHUNK_SIZE));
      const id = num(p.chunk) ?? 0;
      if (id < 0 || id > total - 1) throw new Error(`there are ${total - 1} chunks, ${id} is invalid`);
      const chunk = data.subarray(id * GENESIS_CHUNK_SIZE, (id + 1) * GENESIS_CHUNK_SIZE);
      return { chunk: String(id), total: String(total), data: chunk.toString("base64") };
    },
  },

  abci_info: {
    params: [],
    handler: async ({ backend }) => ({ response: enc.responseInfo(await backend.abciInfo()) }),
  },

  abci_query: {
    params: [str("path"), hexbytes("data"), int("height"), bool("prove")],
    handler: async ({ backend }, p) => {
      const height = num(p.height) ?? 0;
      if (height < 0) throw new Error(`height must be non-negative, but got ${height}`);
      const req = RequestQuery.fromPartial({
        path: (p.path as string | undefined) ?? "",
        data: (p.data as Uint8Array | undefined) ?? new Uint8Array(0),
        height: BigInt(height),
        prove: (p.prove as boolean | undefined) ?? false,
      });
      return { response: enc.query(await backend.abciQuery(req)) };
    },
  },

  blockchain: {
    params: [int("minHeight"), int("maxHeight")],
    handler: async ({ backend }, p) => {
      const height = backend.blockStoreHeight();
      const base = backend.blockStoreBase();
      let min = num(p.minHeight) ?? 0;
      let max = num(p.maxHeight) ?? 0;
      if (min < 0 || max < 0) throw new Error("heights must be non-negative");
      if (min === 0) min = 1;
      if (max === 0) max = height;
      max = Math.min(height, max);
      min = Math.max(base, min, max - BLOCKCHAIN_LIMIT + 1);
      if (min > max) throw new Error(`min height ${min} can't be greater than max height ${max}`);
      const metas: unknown[] = [];
      for (let h = max; h >= min; h--) {
        const m = await backend.loadBlockMeta(h);
        if (m) metas.push(enc.blockMeta(m));
      }
      return { last_height: String(height), block_metas: metas };
    },
  },

  block: {
    params: [int("height")],
    handler: async ({ backend }, p) => {
      const h = getHeight(backend, backend.blockStoreHeight(), num(p.height));
      return resultBlock(backend, await backend.loadBlock(h));
    },
  },

  block_by_hash: {
    params: [bytes("hash")],
    handler: async ({ backend }, p) => {
      const hash = p.hash as Uint8Array | undefined;
      if (hash?.length !== 32) return EMPTY_BLOCK_RESULT;
      return resultBlock(backend, await backend.loadBlockByHash(hash));
    },
  },

  header: {
    params: [int("height")],
    handler: async ({ backend }, p) => {
      const h = getHeight(backend, backend.blockStoreHeight(), num(p.height));
      const meta = await backend.loadBlockMeta(h);
      return { header: meta ? enc.header(meta.header) : null };
    },
  },

  header_by_hash: {
    params: [hexbytes("hash")],
    handler: async ({ backend }, p) => {
      const hash = p.hash as Uint8Array | undefined;
      const blk = hash && hash.length === 32 ? await backend.loadBlockByHash(hash) : undefined;
      return { header: blk?.header ? enc.header(blk.header) : null };
    },
  },

  block_results: {
    params: [int("height")],
    handler: async ({ backend }, p) => {
      const h = getHeight(backend, backend.blockStoreHeight(), num(p.height));
      const r = await backend.loadFinalizeBlockResponse(h);
      if (!r) throw new Error(`could not find results for height #${h}`);
      return {
        height: String(h),
        txs_results: r.txResults.length > 0 ? r.txResults.map(enc.execTxResult) : null,
        // Go decodes empty repeated fields as nil slices: null, not [].
        finalize_block_events: r.events.length > 0 ? r.events.map(enc.eventCmt) : null,
        validator_updates: r.validatorUpdates.length > 0 ? r.validatorUpdates.map(enc.validatorUpdate) : null,
        consensus_param_updates: enc.consensusParamsProto(r.consensusParamUpdates),
        app_hash: enc.b64(r.appHash),
      };
    },
  },

  commit: {
    params: [int("height")],
    handler: async ({ backend }, p) => {
      const latest = backend.blockStoreHeight();
      const h = getHeight(backend, latest, num(p.height));
      const meta = await backend.loadBlockMeta(h);
      if (!meta) return null;
      const canonical = h !== latest;
      const c = canonical ? await backend.loadBlockCommit(h) : await backend.loadSeenCommit(h);
      if (!c) throw new Error(`commit for height ${h} not found`);
      return { signed_header: { header: enc.header(meta.header), commit: enc.commit(c) }, canonical };
    },
  },

  validators: {
    params: [int("height"), int("page"), int("per_page")],
    handler: async ({ backend }, p) => {
      const h = getHeight(backend, backend.blockStoreHeight() + 1, num(p.height));
      const vals = await backend.validatorsAt(h);
      if (!vals) throw new Error(`could not find validator set for height #${h}`);
      const perPage = validatePerPage(num(p.per_page));
      const page = validatePage(num(p.page), perPage, vals.length);
      const skip = (page - 1) * perPage;
      const slice = vals.slice(skip, skip + perPage);
      return {
        block_height: String(h),
        validators: slice.map(enc.validator),
        count: String(slice.length),
        total: String(vals.length),
      };
    },
  },

  consensus_params: {
    params: [int("height")],
    handler: async ({ backend }, p) => {
      const h = getHeight(backend, backend.blockStoreHeight() + 1, num(p.height));
      const params = await backend.consensusParamsAt(h);
      if (!params) throw new Error(`could not find consensus params for height #${h}`);
      return { block_height: String(h), consensus_params: consensusParamsToJson(params) };
    },
  },

  tx: {
    params: [bytes("hash"), bool("prove")],
    handler: async ({ backend }, p) => {
      const hash = (p.hash as Uint8Array | undefined) ?? new Uint8Array(0);
      const r = hash.length === 32 ? await backend.getTx(hash) : undefined;
      if (!r) throw new Error(`tx (${enc.hex(hash)}) not found`);
      return resultTx(backend, r, p.prove === true);
    },
  },

  tx_search: {
    params: [str("query"), bool("prove"), int("page"), int("per_page"), str("order_by")],
    handler: async ({ backend }, p) => {
      const query = checkQuery(p.query);
      const opts: SearchOptions = {
        page: num(p.page) ?? 1,
        perPage: validatePerPage(num(p.per_page)),
        orderBy: orderBy(p.order_by),
      };
      if (opts.page < 1) validatePage(opts.page, opts.perPage, 0);
      const { txs, totalCount } = await backend.searchTxs(query, opts);
      validatePage(num(p.page), opts.perPage, totalCount);
      const out: unknown[] = [];
      for (const t of txs) out.push(await resultTx(backend, t, p.prove === true));
      return { txs: out, total_count: String(totalCount) };
    },
  },

  block_search: {
    params: [str("query"), int("page"), int("per_page"), str("order_by")],
    handler: async ({ backend }, p) => {
      const query = checkQuery(p.query);
      const opts: SearchOptions = {
        page: num(p.page) ?? 1,
        perPage: validatePerPage(num(p.per_page)),
        orderBy: orderBy(p.order_by),
      };
      if (opts.page < 1) validatePage(opts.page, opts.perPage, 0);
      const { heights, totalCount } = await backend.searchBlocks(query, opts);
      validatePage(num(p.page), opts.perPage, totalCount);
      const blocks: unknown[] = [];
      for (const h of heights) blocks.push(await resultBlock(backend, await backend.loadBlock(h)));
      return { blocks, total_count: String(totalCount) };
    },
  },

  check_tx: {
    params: [bytes("tx")],
    handler: async ({ backend }, p) => enc.checkTx(await backend.checkTx(requireTx(p))),
  },

  broadcast_tx_async: {
    params: [bytes("tx")],
    handler: async ({ backend }, p) => {
      const tx = requireTx(p);
      // Fire and forget, as CometBFT: the caller only learns the hash.
      backend.broadcastTx(tx).catch(() => {});
      return { code: 0, data: "", log: "", codespace: "", hash: enc.hex(txHash(tx)) };
    },
  },

  broadcast_evidence: {
    params: [{ name: "evidence", type: "json" }],
    handler: async ({ backend }, p) => {
      if (p.evidence === undefined) throw invalidParams("evidence is required");
      const ev = evidenceFromJson(p.evidence);
      if (!backend.broadcastEvidence) throw new Error("this node does not accept evidence");
      try {
        await backend.broadcastEvidence(ev);
      } catch (e) {
        throw new Error(`failed to add evidence: ${(e as Error).message}`);
      }
      // Evidence.Hash(): sha256 of the inner evidence message.
      return { hash: enc.hex(new Uint8Array(createHash("sha256").update(evidenceBytes(ev)).digest())) };
    },
  },

  broadcast_tx_sync: {
    params: [bytes("tx")],
    handler: async ({ backend }, p) => {
      const tx = requireTx(p);
      return broadcastResult(await backend.broadcastTx(tx), tx);
    },
  },

  broadcast_tx_commit: {
    params: [bytes("tx")],
    handler: async (ctx, p) => {
      const tx = requireTx(p);
      const hash = txHash(tx);
      // Subscribe before submitting so the Tx event cannot be missed.
      const wait = waitForTx(ctx, hash);
      try {
        const check = await ctx.backend.broadcastTx(tx);
        if (check.code !== 0) {
          return {
            check_tx: enc.checkTx(check),
            tx_result: enc.execTxResult(undefined),
            hash: enc.hex(hash),
            height: "0",
          };
        }
        const r = await wait.promise;
        return {
          check_tx: enc.checkTx(check),
          tx_result: enc.execTxResult(r.result),
          hash: enc.hex(hash),
          height: String(r.height),
        };
      } finally {
        wait.cancel();
        wait.promise.catch(() => {});
      }
    },
  },

  num_unconfirmed_txs: {
    params: [],
    handler: async ({ backend }) => {
      const n = backend.mempoolSize();
      return { n_txs: String(n), total: String(n), total_bytes: String(backend.mempoolSizeBytes()), txs: null };
    },
  },

  unconfirmed_txs: {
    params: [int("limit")],
    handler: async ({ backend }, p) => {
      const txs = backend.unconfirmedTxs(validatePerPage(num(p.limit)));
      return {
        n_txs: String(txs.length),
        total: String(backend.mempoolSize()),
        total_bytes: String(backend.mempoolSizeBytes()),
        txs: txs.map((t) => toBase64(t)),
      };
    },
  },
};

function requireTx(p: Params): Uint8Array {
  const tx = p.tx as Uint8Array | undefined;
  if (!tx || tx.length === 0) throw new Error("tx is empty");
  return tx;
}
