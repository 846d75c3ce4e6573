// What the RPC server needs from the node, in cosmjs-types structures and plain values. The node wiring
// implements it over the block store, state store, app, tx indexer and mempool; tests use a fake.
// Any method may return a promise; errors thrown here become JSON-RPC "Internal error" responses
// whose `data` is the error message (as CometBFT reports method errors).
import type {
  ExecTxResult,
  RequestQuery,
  ResponseCheckTx,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseQuery,
} from "cosmjs-types/tendermint/abci/types";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { BlockID, Commit, Header } from "cosmjs-types/tendermint/types/types";
import type { Validator } from "cosmjs-types/tendermint/types/validator";

export type Awaitable<T> = T | Promise<T>;

export interface BlockMeta {
  blockId: BlockID;
  blockSize: number;
  header: Header;
  numTxs: number;
}

/** p2p DefaultNodeInfo exactly as CometBFT's JSON (uint64 as strings, channels as hex). */
export interface NodeInfo {
  protocol_version: { p2p: string; block: string; app: string };
  id: string;
  listen_addr: string;
  network: string;
  /** CometBFT version this node speaks; must start with "0.38." for CosmJS' comet38 client. */
  version: string;
  channels: string;
  moniker: string;
  /** CometBFT's tx_index and rpc_address, plus whatever the node's services add (string values) */
  other: { tx_index: string; rpc_address: string } & Record<string, string>;
}

export interface PeerInfo {
  node_info: NodeInfo;
  is_outbound: boolean;
  /** p2p.ConnectionStatus as JSON; passed through unchanged. */
  connection_status: unknown;
  remote_ip: string;
}

export interface ValidatorInfo {
  address: Uint8Array;
  /** ed25519 public key (32 bytes). */
  pubKey: Uint8Array;
  votingPower: bigint;
}

export interface IndexedTx {
  height: number;
  index: number;
  tx: Uint8Array;
  result: ExecTxResult;
}

export interface SearchOptions {
  /** 1-based. */
  page: number;
  perPage: number;
  orderBy: "asc" | "desc";
}

export interface RpcBackend {
  nodeInfo(): NodeInfo;
  validatorInfo(): ValidatorInfo;
  isCatchingUp(): boolean;
  netInfo(): { listening: boolean; listeners: string[]; peers: PeerInfo[] };
  /** genesis.json text as stored on disk (served verbatim inside the `genesis` result). */
  genesisJson(): string;

  /** Lowest / highest stored block height (0 when the store is empty). */
  blockStoreBase(): number;
  blockStoreHeight(): number;
  loadBlock(height: number): Awaitable<Block | undefined>;
  loadBlockByHash(hash: Uint8Array): Awaitable<Block | undefined>;
  loadBlockMeta(height: number): Awaitable<BlockMeta | undefined>;
  /** Canonical commit for `height` (block height+1's last_commit). */
  loadBlockCommit(height: number): Awaitable<Commit | undefined>;
  /** The commit this node saw for `height` (used for the latest height). */
  loadSeenCommit(height: number): Awaitable<Commit | undefined>;
  loadFinalizeBlockResponse(height: number): Awaitable<ResponseFinalizeBlock | undefined>;
  /** Validator set that signs block `height` (known up to blockStoreHeight()+1). */
  validatorsAt(height: number): Awaitable<Validator[] | undefined>;
  consensusParamsAt(height: number): Awaitable<ConsensusParams | undefined>;

  abciInfo(): Promise<ResponseInfo>;
  abciQuery(req: RequestQuery): Promise<ResponseQuery>;
  /** CheckTx against the app without adding the tx to the mempool (`check_tx`). */
  checkTx(tx: Uint8Array): Promise<ResponseCheckTx>;
  /** Submits through the mempool (CheckTx, added if code 0); throws for duplicates / full mempool. */
  broadcastTx(tx: Uint8Array): Promise<ResponseCheckTx>;
  /** Verifies evidence and adds it to the evidence pool (`broadcast_evidence`); throws when invalid. */
  broadcastEvidence?(evidence: Evidence): Promise<void>;

  getTx(hash: Uint8Array): Awaitable<IndexedTx | undefined>;
  searchTxs(query: string, options: SearchOptions): Awaitable<{ txs: IndexedTx[]; totalCount: number }>;
  searchBlocks(query: string, options: SearchOptions): Awaitable<{ heights: number[]; totalCount: number }>;

  mempoolSize(): number;
  mempoolSizeBytes(): number;
  unconfirmedTxs(limit: number): Uint8Array[];
}
