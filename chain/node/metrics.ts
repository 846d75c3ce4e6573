// Prometheus metrics of a running node (prom-client), served at http://<laddr>/metrics like CometBFT's
// instrumentation.prometheus_listen_addr. Names carry their units; one registry per node, no globals.
import { createServer, type Server } from "node:http";
import type { Block } from "cosmjs-types/tendermint/types/block";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { parseLaddr } from "./config.ts";

export interface NodeMetricsDeps {
  mempool: { size(): number; sizeBytes(): number };
  /** the p2p layer, when the node has one */
  p2p?: { peers(): number; catchingUp(): boolean };
  /** the node's registry when other components registered into it already (default: a new one) */
  registry?: Registry;
}

export class NodeMetrics {
  readonly registry: Registry;
  private readonly height: Gauge;
  private readonly blockInterval: Histogram;
  private readonly blockTxs: Histogram;
  private readonly txsTotal: Counter;
  private readonly blockSizeBytes: Gauge;
  private lastBlockTimeMs: number | undefined;
  private server?: Server;

  constructor(
    readonly options: { chainId: string },
    deps: NodeMetricsDeps,
  ) {
    this.registry = deps.registry ?? new Registry();
    this.registry.setDefaultLabels({ chain_id: options.chainId });
    collectDefaultMetrics({ register: this.registry, prefix: "dgrid_process_" });
    const registers = [this.registry];
    this.height = new Gauge({ name: "dgrid_consensus_height", help: "Last committed block height", registers });
    this.blockInterval = new Histogram({
      name: "dgrid_consensus_block_interval_seconds",
      help: "Time between consecutive blocks (block header times)",
      buckets: [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30],
      registers,
    });
    this.blockTxs = new Histogram({
      name: "dgrid_consensus_block_txs",
      help: "Transactions per committed block",
      buckets: [0, 1, 10, 100, 500, 1000, 2000, 5000, 10000],
      registers,
    });
    this.txsTotal = new Counter({ name: "dgrid_consensus_txs_total", help: "Committed transactions", registers });
    this.blockSizeBytes = new Gauge({
      name: "dgrid_consensus_block_size_bytes",
      help: "Size of the last committed block's transactions",
      registers,
    });
    const p2p = deps.p2p;
    if (p2p) {
      new Gauge({
        name: "dgrid_p2p_peers",
        help: "Connected peers",
        registers,
        collect() {
          this.set(p2p.peers());
        },
      });
      new Gauge({
        name: "dgrid_blocksync_syncing",
        help: "1 while the node fetches blocks from peers (block sync), else 0",
        registers,
        collect() {
          this.set(p2p.catchingUp() ? 1 : 0);
        },
      });
    }
    new Gauge({
      name: "dgrid_mempool_txs",
      help: "Transactions waiting in the mempool",
      registers,
      collect() {
        this.set(deps.mempool.size());
      },
    });
    new Gauge({
      name: "dgrid_mempool_size_bytes",
      help: "Total size of the transactions in the mempool",
      registers,
      collect() {
        this.set(deps.mempool.sizeBytes());
      },
    });
  }

  /** Records one committed block. */
  observeBlock(block: Block): void {
    const header = block.header!;
    this.height.set(Number(header.height));
    const timeMs = Number(header.time.seconds) * 1000 + Math.floor(header.time.nanos / 1e6);
    if (this.lastBlockTimeMs !== undefined) this.blockInterval.observe((timeMs - this.lastBlockTimeMs) / 1000);
    this.lastBlockTimeMs = timeMs;
    const txs = block.data?.txs ?? [];
    this.blockTxs.observe(txs.length);
    this.txsTotal.inc(txs.length);
    this.blockSizeBytes.set(txs.reduce((n, tx) => n + tx.length, 0));
  }

  /** Serves GET /metrics on `laddr` ("tcp://127.0.0.1:26660"); resolves to the bound URL. */
  async listen(laddr: string): Promise<string> {
    const { host, port } = parseLaddr(laddr);
    const server = createServer((req, res) => {
      if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") {
        res.writeHead(404).end("not found\n");
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": this.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500).end(`${err.message}\n`),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address();
    return `http://${host}:${typeof addr === "object" && addr ? addr.port : port}/metrics`;
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
