// Follows every block of one node from a start height: which of our txs went in (by hash, with their
// result code), which requests they created (`request_created`), and when each request settled
// (`request_finalized` or `request_refunded` in the block's finalize events; time = when the bench
// first saw that block).
import { createHash } from "node:crypto";
import { rpc } from "../follow.ts";

type Ev = { type: string; attributes: { key: string; value: string }[] };
const attr = (e: Ev, k: string) => e.attributes.find((a) => a.key === k)?.value;

export interface SeenBlock {
  height: number;
  /** header time, ms */
  time: number;
  /** requests created in it */
  requests: number;
}

export class Follower {
  /** tx hash -> inclusion */
  readonly txs = new Map<string, { height: number; ms: number; code: number }>();
  /** tx hash -> the request it created */
  readonly created = new Map<string, { id: string; height: number }>();
  readonly idToHash = new Map<string, string>();
  /** request id -> settlement */
  readonly settled = new Map<string, { ms: number; height: number; refunded: boolean; reason?: string }>();
  readonly blocks: SeenBlock[] = [];
  tip: number;
  private following = true;
  private loop?: Promise<void>;

  constructor(
    private readonly options: { rpcUrl: string; startHeight: number; pollMs?: number },
    private readonly deps: { done: (f: Follower) => boolean },
  ) {
    this.tip = options.startHeight;
  }

  static async fromTip(rpcUrl: string, done: (f: Follower) => boolean): Promise<Follower> {
    const tip = Number((await rpc(rpcUrl, "status")).sync_info.latest_block_height);
    return new Follower({ rpcUrl, startHeight: tip }, { done });
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.following = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    const url = this.options.rpcUrl;
    let next = this.options.startHeight + 1;
    while (this.following) {
      try {
        const latest = Number((await rpc(url, "status")).sync_info.latest_block_height);
        const seenAt = performance.now();
        for (; next <= latest; next++) {
          const [b, res] = await Promise.all([
            rpc(url, "block", { height: String(next) }),
            rpc(url, "block_results", { height: String(next) }),
          ]);
          this.block(next, seenAt, b.block, res);
        }
      } catch {
        // status may list a height a moment before its results are stored: retry
      }
      if (this.deps.done(this)) break;
      await new Promise((res) => setTimeout(res, this.options.pollMs ?? 20));
    }
  }

  private block(
    height: number,
    seenAt: number,
    block: { header: { time: string }; data: { txs?: string[] } },
    res: { txs_results?: { code: number; events: Ev[] }[]; finalize_block_events?: Ev[] },
  ): void {
    const blockTxs = block.data.txs ?? [];
    let requests = 0;
    (res.txs_results ?? []).forEach((tr, i) => {
      const hash = createHash("sha256").update(Buffer.from(blockTxs[i], "base64")).digest("hex").toUpperCase();
      this.txs.set(hash, { height, ms: seenAt, code: tr.code });
      const ev = tr.events.find((e) => e.type === "request_created");
      const id = ev && attr(ev, "request_id");
      if (!id) return;
      this.created.set(hash, { id, height });
      this.idToHash.set(id, hash);
      requests++;
    });
    for (const e of res.finalize_block_events ?? []) {
      if (e.type !== "request_finalized" && e.type !== "request_refunded") continue;
      const id = attr(e, "request_id");
      if (id && this.idToHash.has(id) && !this.settled.has(id))
        this.settled.set(id, {
          ms: seenAt,
          height,
          refunded: e.type === "request_refunded",
          reason: e.type === "request_refunded" ? attr(e, "reason") : undefined,
        });
    }
    this.blocks.push({ height, time: Date.parse(block.header.time), requests });
    this.tip = height;
  }
}
