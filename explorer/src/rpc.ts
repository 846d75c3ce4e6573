// CometBFT JSON-RPC over HTTP GET (the URI form), typed for what the pages read.
export interface BlockHeader {
  height: string;
  time: string;
  chain_id: string;
  proposer_address: string;
  app_hash: string;
  data_hash: string;
  last_block_id: { hash: string };
}
export interface BlockMeta {
  block_id: { hash: string };
  header: BlockHeader;
  num_txs: string;
}
export interface AbciEvent {
  type: string;
  attributes: { key: string; value: string }[] | null;
}
export interface TxResult {
  code: number;
  log: string;
  gas_wanted: string;
  gas_used: string;
  events: AbciEvent[] | null;
}
export interface TxSearchItem {
  hash: string;
  height: string;
  index: number;
  tx_result: TxResult;
  tx: string;
}
export interface Status {
  node_info: { network: string; moniker: string; version: string };
  sync_info: { latest_block_height: string; latest_block_time: string; catching_up: boolean };
}
export interface RpcValidator {
  address: string;
  pub_key: { type: string; value: string };
  voting_power: string;
  proposer_priority: string;
}
export interface BlockResults {
  height: string;
  txs_results: TxResult[] | null;
  finalize_block_events: AbciEvent[] | null;
}

export class Rpc {
  constructor(readonly url: string) {}

  async call<T>(method: string, params: Record<string, string | number> = {}): Promise<T> {
    const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    const res = await fetch(`${this.url}/${method}${q.size ? `?${q}` : ""}`);
    const body = (await res.json()) as { result?: T; error?: { message: string; data?: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message} ${body.error.data ?? ""}`.trim());
    return body.result as T;
  }

  status(): Promise<Status> {
    return this.call("status");
  }

  /** Headers of [minHeight, maxHeight], newest first (at most 20 a call, as CometBFT answers). */
  blockchain(minHeight: number, maxHeight: number): Promise<{ last_height: string; block_metas: BlockMeta[] }> {
    return this.call("blockchain", { minHeight, maxHeight });
  }

  block(
    height: number,
  ): Promise<{ block_id: { hash: string }; block: { header: BlockHeader; data: { txs: string[] | null } } }> {
    return this.call("block", { height });
  }

  blockResults(height: number): Promise<BlockResults> {
    return this.call("block_results", { height });
  }

  /** The txs of one block with their hashes and results. */
  async txsAt(height: number): Promise<TxSearchItem[]> {
    const r = await this.call<{ txs: TxSearchItem[] }>("tx_search", { query: `"tx.height=${height}"`, per_page: 100 });
    return r.txs;
  }

  tx(hash: string): Promise<TxSearchItem> {
    return this.call("tx", { hash: `0x${hash}` });
  }

  validators(height?: number): Promise<{ validators: RpcValidator[]; total: string }> {
    return this.call("validators", height ? { height, per_page: 100 } : { per_page: 100 });
  }
}

/** The value of attribute `key` of an event. */
export function attr(e: AbciEvent, key: string): string | undefined {
  return e.attributes?.find((a) => a.key === key)?.value;
}
