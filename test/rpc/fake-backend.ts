// An in-memory RpcBackend over a small but real-looking chain: blocks with correct header/data/commit
// hashes, signed commits from two ed25519 validators, tx results with events, an indexer that
// matches CometBFT queries, and a mempool list.
import { toHex } from "@cosmjs/encoding";
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import {
  type Event,
  ExecTxResult,
  type RequestQuery,
  ResponseCheckTx,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseQuery,
} from "cosmjs-types/tendermint/abci/types";
import { Block } from "cosmjs-types/tendermint/types/block";
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import { type BlockID, type Commit, type Header, SignedMsgType } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag, type Validator } from "cosmjs-types/tendermint/types/validator";
import { type EventAttributes, type EventBus, flattenEvents } from "../../chain/events/event-bus.ts";
import type { BlockMeta, IndexedTx, NodeInfo, RpcBackend, SearchOptions } from "../../chain/rpc/backend.ts";
import { matchQuery, parseQuery } from "../../chain/txindex/query.ts";
import { defaultConsensusParams } from "../../chain/types/genesis.ts";
import {
  commitHash,
  consensusParamsHash,
  dataHash,
  evidenceHash,
  headerHash,
  lastResultsHash,
  txHash,
  validatorSetHash,
} from "../../chain/types/hash.ts";
import { Ed25519Key } from "../../chain/types/keys.ts";
import { makePartSet } from "../../chain/types/part-set.ts";
import { voteSignBytes } from "../../chain/types/vote.ts";

export const CHAIN_ID = "dgrid-test-1";
const GENESIS_SECONDS = 1_700_000_000n;

export function makeTx(n: number): Uint8Array {
  return new TextEncoder().encode(`tx-${n}-${"x".repeat(n % 7)}`);
}

function txEvents(tx: Uint8Array, n: number): Event[] {
  return [
    {
      type: "message",
      attributes: [
        { key: "action", value: "/cosmos.bank.v1beta1.MsgSend", index: true },
        { key: "sender", value: `dgrid1sender${n % 2}`, index: true },
      ],
    },
    {
      type: "transfer",
      attributes: [
        { key: "recipient", value: `dgrid1recipient${n}`, index: true },
        { key: "amount", value: `${n * 100}udgrid`, index: true },
      ],
    },
    { type: "tx", attributes: [{ key: "size", value: String(tx.length), index: false }] },
  ];
}

export function txAttributes(height: number, tx: Uint8Array, result: ExecTxResult): EventAttributes {
  const attrs = flattenEvents(result.events);
  attrs.set("tm.event", ["Tx"]);
  attrs.set("tx.hash", [toHex(txHash(tx)).toUpperCase()]);
  attrs.set("tx.height", [String(height)]);
  return attrs;
}

interface StoredBlock {
  block: Block;
  meta: BlockMeta;
  seenCommit: Commit;
  results: ResponseFinalizeBlock;
}

export class FakeBackend implements RpcBackend {
  readonly keys = [Ed25519Key.fromSeed(new Uint8Array(32).fill(1)), Ed25519Key.fromSeed(new Uint8Array(32).fill(2))];
  readonly validators: Validator[] = this.keys.map((k, i) => ({
    address: k.address,
    pubKey: { ed25519: k.pubKey },
    votingPower: BigInt(10 - i),
    proposerPriority: BigInt(i === 0 ? -5 : 5),
  }));
  readonly params: ConsensusParams = defaultConsensusParams();
  readonly blocks: StoredBlock[] = [];
  readonly txIndex = new Map<string, IndexedTx & { attributes: EventAttributes }>();
  mempool: Uint8Array[] = [];
  /** Set by tests: what broadcastTx / checkTx answer. */
  checkTxCode = 0;
  private txCounter = 0;

  constructor(
    heights = 5,
    private readonly eventBus?: EventBus,
  ) {
    for (let h = 1; h <= heights; h++) this.produceBlock(h === 3 ? 3 : h === 1 ? 0 : 1);
  }

  height(): number {
    return this.blocks.length;
  }

  private time(h: number): Timestamp {
    return Timestamp.fromPartial({ seconds: GENESIS_SECONDS + BigInt(h * 5), nanos: (h * 123456789) % 1e9 });
  }

  private signCommit(height: number, blockId: BlockID): Commit {
    const signatures = this.keys.map((k, i) => {
      const timestamp = this.time(height + 1);
      const vote = {
        type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
        height: BigInt(height),
        round: 0,
        blockId,
        timestamp,
        validatorAddress: k.address,
        validatorIndex: i,
        signature: new Uint8Array(0),
        extension: new Uint8Array(0),
        extensionSignature: new Uint8Array(0),
      };
      return {
        blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
        validatorAddress: k.address,
        timestamp,
        signature: k.sign(voteSignBytes(CHAIN_ID, vote)),
      };
    });
    return { height: BigInt(height), round: 0, blockId, signatures };
  }

  /** Appends a block with `numTxs` txs; publishes NewBlock / NewBlockHeader / Tx when an event bus is set. */
  produceBlock(numTxs: number, txs?: Uint8Array[]): StoredBlock {
    const h = this.blocks.length + 1;
    const prev = this.blocks[h - 2];
    const blockTxs = txs ?? Array.from({ length: numTxs }, () => makeTx(++this.txCounter));
    const txResults = blockTxs.map((tx, i) =>
      ExecTxResult.fromPartial({
        code: 0,
        data: new Uint8Array([1, 2, 3, i]),
        log: "",
        gasWanted: 200000n,
        gasUsed: BigInt(50000 + i),
        events: txEvents(tx, this.txCounter + i),
      }),
    );
    const lastCommit: Commit = prev
      ? this.signCommit(h - 1, prev.meta.blockId)
      : {
          height: 0n,
          round: 0,
          blockId: { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } },
          signatures: [],
        };
    const header: Header = {
      version: { block: 11n, app: 0n },
      chainId: CHAIN_ID,
      height: BigInt(h),
      time: this.time(h),
      lastBlockId: prev?.meta.blockId ?? {
        hash: new Uint8Array(0),
        partSetHeader: { total: 0, hash: new Uint8Array(0) },
      },
      lastCommitHash: commitHash(lastCommit),
      dataHash: dataHash(blockTxs),
      validatorsHash: validatorSetHash(this.validators),
      nextValidatorsHash: validatorSetHash(this.validators),
      consensusHash: consensusParamsHash(this.params),
      appHash: new Uint8Array(32).fill(h),
      lastResultsHash: lastResultsHash(prev?.results.txResults ?? []),
      evidenceHash: evidenceHash([]),
      proposerAddress: this.keys[h % 2]!.address,
    };
    const block = Block.fromPartial({ header, data: { txs: blockTxs }, evidence: { evidence: [] }, lastCommit });
    const bytes = Block.encode(block).finish();
    const blockId: BlockID = { hash: headerHash(header), partSetHeader: makePartSet(bytes).header };
    const results = ResponseFinalizeBlock.fromPartial({
      events: [
        { type: "coin_received", attributes: [{ key: "receiver", value: "dgrid1fee", index: true }] },
        { type: "mint", attributes: [{ key: "amount", value: String(h * 1000), index: true }] },
      ],
      txResults,
      validatorUpdates: h === 2 ? [{ pubKey: { ed25519: this.keys[1]!.pubKey }, power: 9n }] : [],
      consensusParamUpdates: h === 2 ? { block: { maxBytes: 2_000_000n, maxGas: -1n } } : undefined,
      appHash: new Uint8Array(32).fill(h + 1),
    });
    const stored: StoredBlock = {
      block,
      meta: { blockId, blockSize: bytes.length, header, numTxs: blockTxs.length },
      seenCommit: this.signCommit(h, blockId),
      results,
    };
    this.blocks.push(stored);
    blockTxs.forEach((tx, index) => {
      const result = txResults[index]!;
      const attributes = txAttributes(h, tx, result);
      this.txIndex.set(toHex(txHash(tx)), { height: h, index, tx, result, attributes });
    });
    this.mempool = this.mempool.filter((m) => !blockTxs.some((t) => toHex(t) === toHex(m)));
    if (this.eventBus) {
      const blockAttrs = flattenEvents(results.events);
      blockAttrs.set("block.height", [String(h)]);
      this.eventBus.publish({ type: "NewBlock", block, blockId, resultFinalizeBlock: results }, new Map(blockAttrs));
      this.eventBus.publish({ type: "NewBlockHeader", header }, new Map(blockAttrs));
      blockTxs.forEach((tx, index) => {
        const result = txResults[index]!;
        this.eventBus!.publish({ type: "Tx", height: h, index, tx, result }, txAttributes(h, tx, result));
      });
    }
    return stored;
  }

  nodeInfo(): NodeInfo {
    return {
      protocol_version: { p2p: "8", block: "11", app: "0" },
      id: toHex(this.keys[0]!.address),
      listen_addr: "tcp://0.0.0.0:26656",
      network: CHAIN_ID,
      version: "0.38.17",
      channels: "40202122233038606100",
      moniker: "fake-node",
      other: { tx_index: "on", rpc_address: "tcp://127.0.0.1:26657" },
    };
  }
  validatorInfo() {
    return { address: this.keys[0]!.address, pubKey: this.keys[0]!.pubKey, votingPower: 10n };
  }
  isCatchingUp() {
    return false;
  }
  netInfo() {
    return { listening: true, listeners: ["Listener(@tcp://0.0.0.0:26656)"], peers: [] };
  }
  genesisJson(): string {
    return JSON.stringify({
      genesis_time: "2023-11-14T22:13:20.123456789Z",
      chain_id: CHAIN_ID,
      initial_height: "1",
      consensus_params: {
        block: { max_bytes: "22020096", max_gas: "-1" },
        evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
        validator: { pub_key_types: ["ed25519"] },
        version: { app: "0" },
        abci: { vote_extensions_enable_height: "0" },
      },
      validators: this.keys.map((k, i) => ({
        address: toHex(k.address).toUpperCase(),
        pub_key: { type: "tendermint/PubKeyEd25519", value: Buffer.from(k.pubKey).toString("base64") },
        power: String(10 - i),
        name: `val${i}`,
      })),
      app_hash: "",
      app_state: { bank: { balances: [{ address: "dgrid1x", coins: [{ denom: "udgrid", amount: "1000" }] }] } },
    });
  }
  blockStoreBase() {
    return this.blocks.length > 0 ? 1 : 0;
  }
  blockStoreHeight() {
    return this.blocks.length;
  }
  loadBlock(h: number) {
    return this.blocks[h - 1]?.block;
  }
  loadBlockByHash(hash: Uint8Array) {
    return this.blocks.find((b) => toHex(b.meta.blockId.hash) === toHex(hash))?.block;
  }
  loadBlockMeta(h: number) {
    return this.blocks[h - 1]?.meta;
  }
  loadBlockCommit(h: number) {
    return this.blocks[h]?.block.lastCommit;
  }
  loadSeenCommit(h: number) {
    return this.blocks[h - 1]?.seenCommit;
  }
  loadFinalizeBlockResponse(h: number) {
    return this.blocks[h - 1]?.results;
  }
  validatorsAt(h: number) {
    return h >= 1 && h <= this.blocks.length + 1 ? this.validators : undefined;
  }
  consensusParamsAt(h: number) {
    return h >= 1 && h <= this.blocks.length + 1 ? this.params : undefined;
  }
  async abciInfo() {
    return ResponseInfo.fromPartial({
      data: "dgrid",
      version: "0.1.0",
      appVersion: 1n,
      lastBlockHeight: BigInt(this.blocks.length),
      lastBlockAppHash: new Uint8Array(32).fill(this.blocks.length + 1),
    });
  }
  async abciQuery(req: RequestQuery) {
    if (req.path === "/fail")
      return ResponseQuery.fromPartial({ code: 6, log: "unknown query path", codespace: "sdk" });
    return ResponseQuery.fromPartial({
      key: req.data,
      value: new TextEncoder().encode(`value-of-${new TextDecoder().decode(req.data)}`),
      height: req.height === 0n ? BigInt(this.blocks.length) : req.height,
      proofOps: req.prove
        ? { ops: [{ type: "ics23:iavl", key: req.data, data: new Uint8Array([9, 9, 9]) }] }
        : undefined,
    });
  }
  async checkTx(tx: Uint8Array) {
    return ResponseCheckTx.fromPartial({
      code: this.checkTxCode,
      log: this.checkTxCode === 0 ? "" : "insufficient fee",
      codespace: this.checkTxCode === 0 ? "" : "sdk",
      gasWanted: 200000n,
      gasUsed: BigInt(tx.length * 10),
    });
  }
  async broadcastTx(tx: Uint8Array) {
    if (this.mempool.some((m) => toHex(m) === toHex(tx))) throw new Error("tx already exists in cache");
    const res = await this.checkTx(tx);
    if (res.code === 0) this.mempool.push(tx);
    return res;
  }
  getTx(hash: Uint8Array) {
    return this.txIndex.get(toHex(hash));
  }
  searchTxs(query: string, o: SearchOptions) {
    const q = parseQuery(query);
    const all = [...this.txIndex.values()]
      .filter((t) => matchQuery(q, t.attributes))
      .sort((a, b) => a.height - b.height || a.index - b.index);
    if (o.orderBy === "desc") all.reverse();
    return { txs: all.slice((o.page - 1) * o.perPage, o.page * o.perPage), totalCount: all.length };
  }
  searchBlocks(query: string, o: SearchOptions) {
    const q = parseQuery(query);
    const heights = this.blocks
      .map((b, i) => {
        const attrs = flattenEvents(b.results.events);
        attrs.set("block.height", [String(i + 1)]);
        return { h: i + 1, attrs };
      })
      .filter((x) => matchQuery(q, x.attrs))
      .map((x) => x.h);
    if (o.orderBy === "desc") heights.reverse();
    return { heights: heights.slice((o.page - 1) * o.perPage, o.page * o.perPage), totalCount: heights.length };
  }
  mempoolSize() {
    return this.mempool.length;
  }
  mempoolSizeBytes() {
    return this.mempool.reduce((n, t) => n + t.length, 0);
  }
  unconfirmedTxs(limit: number) {
    return this.mempool.slice(0, limit);
  }
}
