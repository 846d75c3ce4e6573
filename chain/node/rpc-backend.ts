// The RPC server's view of a running node (chain/rpc/backend.ts), implemented over the real
// components. Each method is a thin read; none of them changes consensus state.
import { CheckTxType, type RequestQuery } from "cosmjs-types/tendermint/abci/types";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import type { Application } from "../abci/application.ts";
import type { BlockStore } from "../blockstore/block-store.ts";
import type { ConsensusState } from "../consensus/consensus-state.ts";
import type { PrivValidator } from "../consensus/privval.ts";
import type { State, StateStore } from "../consensus/state.ts";
import type { Mempool } from "../mempool/mempool.ts";
import type { IndexedTx, NodeInfo, PeerInfo, RpcBackend, SearchOptions, ValidatorInfo } from "../rpc/backend.ts";
import type { TxIndexer } from "../txindex/tx-indexer.ts";

export interface NodeRpcBackendOptions {
  chainId: string;
  moniker: string;
  version: string;
  rpcLaddr: string;
  p2pLaddr: string;
  nodeId: string;
  genesisJson: string;
}

export interface NodeRpcBackendDeps {
  app: Application;
  blockStore: BlockStore;
  stateStore: StateStore;
  /** absent with config tx_index.indexer = "null": tx, tx_search and block_search answer an error */
  txIndexer?: TxIndexer;
  mempool: Mempool;
  consensus: ConsensusState;
  privValidator: PrivValidator;
  /** the latest state (during block sync the consensus engine has not started yet) */
  currentState?: () => State;
  /** extra `node_info.other` fields of `status` (the node's services: e.g. the URL of an endpoint they run) */
  otherInfo?: () => Record<string, string>;
  /** the p2p layer: peers for net_info, whether block sync runs, tx gossip */
  p2p?: { peers(): PeerInfo[]; catchingUp(): boolean; txAccepted(tx: Uint8Array): void };
}

/** CometBFT's p2p channel ids, as its node_info reports them (hex). */
const CHANNELS = "40202122233038606100";

export class NodeRpcBackend implements RpcBackend {
  constructor(
    private readonly options: NodeRpcBackendOptions,
    private readonly deps: NodeRpcBackendDeps,
  ) {}

  nodeInfo(): NodeInfo {
    const o = this.options;
    return {
      protocol_version: { p2p: "8", block: "11", app: "0" },
      id: o.nodeId,
      listen_addr: o.p2pLaddr,
      network: o.chainId,
      version: o.version,
      channels: CHANNELS,
      moniker: o.moniker,
      // CometBFT's own keys win over a service's
      other: { ...this.deps.otherInfo?.(), tx_index: this.deps.txIndexer ? "on" : "off", rpc_address: o.rpcLaddr },
    };
  }

  validatorInfo(): ValidatorInfo {
    const pv = this.deps.privValidator;
    const state = this.deps.currentState?.() ?? this.deps.consensus.getState();
    const found = state.validators.getByAddress(pv.address);
    return { address: pv.address, pubKey: pv.pubKey, votingPower: found?.validator.votingPower ?? 0n };
  }

  isCatchingUp(): boolean {
    return this.deps.p2p?.catchingUp() ?? false;
  }

  netInfo() {
    return { listening: true, listeners: [this.options.p2pLaddr], peers: this.deps.p2p?.peers() ?? [] };
  }

  genesisJson(): string {
    return this.options.genesisJson;
  }

  blockStoreBase(): number {
    return this.deps.blockStore.base();
  }
  blockStoreHeight(): number {
    return this.deps.blockStore.height();
  }
  loadBlock(height: number) {
    return this.deps.blockStore.loadBlock(height);
  }
  loadBlockByHash(hash: Uint8Array) {
    return this.deps.blockStore.loadBlockByHash(hash);
  }
  async loadBlockMeta(height: number) {
    const meta = await this.deps.blockStore.loadBlockMeta(height);
    if (!meta?.blockId || !meta.header) return undefined;
    return {
      blockId: meta.blockId,
      blockSize: Number(meta.blockSize),
      header: meta.header,
      numTxs: Number(meta.numTxs),
    };
  }
  loadBlockCommit(height: number) {
    return this.deps.blockStore.loadBlockCommit(height);
  }
  loadSeenCommit(height: number) {
    return this.deps.blockStore.loadSeenCommit(height);
  }
  loadFinalizeBlockResponse(height: number) {
    return this.deps.blockStore.loadFinalizeBlockResponse(height);
  }

  async validatorsAt(height: number) {
    const set = await this.deps.stateStore.loadValidators(BigInt(height));
    return set?.toProto().validators;
  }

  consensusParamsAt(height: number) {
    return this.deps.stateStore.loadConsensusParams(BigInt(height));
  }

  abciInfo() {
    return this.deps.app.info({
      version: this.options.version,
      blockVersion: 11n,
      p2pVersion: 8n,
      abciVersion: "2.0.0",
    });
  }

  abciQuery(req: RequestQuery) {
    return this.deps.app.query(req);
  }

  checkTx(tx: Uint8Array) {
    return this.deps.app.checkTx({ tx, type: CheckTxType.NEW });
  }

  async broadcastTx(tx: Uint8Array) {
    const res = await this.deps.mempool.checkTx(tx);
    if (res.code === 0) this.deps.p2p?.txAccepted(tx);
    return res;
  }

  async broadcastEvidence(evidence: Evidence): Promise<void> {
    await this.deps.consensus.submitEvidence(evidence);
  }

  // CometBFT's answers when its indexer is "null"
  async getTx(hash: Uint8Array): Promise<IndexedTx | undefined> {
    if (!this.deps.txIndexer) throw new Error("transaction indexing is disabled");
    return this.deps.txIndexer.getTx(hash);
  }

  async searchTxs(query: string, options: SearchOptions) {
    if (!this.deps.txIndexer) throw new Error("transaction indexing is disabled");
    return this.deps.txIndexer.searchTxs(query, options);
  }

  async searchBlocks(query: string, options: SearchOptions) {
    if (!this.deps.txIndexer) throw new Error("block indexing is disabled");
    return this.deps.txIndexer.searchBlocks(query, options);
  }

  mempoolSize(): number {
    return this.deps.mempool.size();
  }
  mempoolSizeBytes(): number {
    return this.deps.mempool.sizeBytes();
  }
  unconfirmedTxs(limit: number): Uint8Array[] {
    return this.deps.mempool.txs(limit);
  }
}
