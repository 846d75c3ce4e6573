// Mempool rejections, with CometBFT's messages (mempool/errors.go). These are not ABCI codes:
// CometBFT returns them as RPC errors from broadcast_tx_*.
export class MempoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MempoolError";
  }
}

export class TxInCacheError extends MempoolError {
  constructor() {
    super("tx already exists in cache");
    this.name = "TxInCacheError";
  }
}

export class TxTooLargeError extends MempoolError {
  constructor(
    readonly max: number,
    readonly actual: number,
  ) {
    super(`tx too large. Max size is ${max}, but got ${actual} (the mempool.max_tx_bytes limit)`);
    this.name = "TxTooLargeError";
  }
}

export class MempoolFullError extends MempoolError {
  constructor(numTxs: number, maxTxs: number, txsBytes: number, maxTxsBytes: number) {
    super(
      `mempool is full: number of txs ${numTxs} (max: ${maxTxs}), total txs bytes ${txsBytes} (max: ${maxTxsBytes})`,
    );
    this.name = "MempoolFullError";
  }
}
