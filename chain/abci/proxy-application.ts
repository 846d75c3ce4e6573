// The Application of an app in another process, over CometBFT's socket protocol (proxy/
// multi_app_conn.go): four connections as CometBFT opens them — consensus (InitChain, the proposal
// and vote-extension methods, FinalizeBlock, Commit), mempool (CheckTx), query (Info, Query) and
// snapshot (unused by this engine, opened so the app sees what CometBFT would open). When any of them
// fails the app is unreachable: every call rejects with that first error and `onFailure` listeners
// hear it once, so the node can stop instead of running consensus without its app.
import type {
  Request,
  RequestCheckTx,
  RequestCommit,
  RequestExtendVote,
  RequestFinalizeBlock,
  RequestInfo,
  RequestInitChain,
  RequestPrepareProposal,
  RequestProcessProposal,
  RequestQuery,
  RequestVerifyVoteExtension,
  Response,
  ResponseCheckTx,
  ResponseCommit,
  ResponseExtendVote,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseInitChain,
  ResponsePrepareProposal,
  ResponseProcessProposal,
  ResponseQuery,
  ResponseVerifyVoteExtension,
} from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import type { Application } from "./application.ts";
import { AbciConnectionError, AbciSocketClient } from "./client.ts";
import type { RequestKind } from "./messages.ts";

export const CONNECTION_NAMES = ["consensus", "mempool", "query", "snapshot"] as const;
type ConnName = (typeof CONNECTION_NAMES)[number];

export interface ProxyApplicationOptions {
  /** the app's ABCI address: "tcp://127.0.0.1:26658" or "unix:///path/app.sock" */
  address: string;
  /** how long `start` waits for the app to listen (default 60 s; CometBFT waits for ever) */
  connectTimeoutMs?: number;
  maxMessageBytes?: number;
}

type Variant<K extends RequestKind> = NonNullable<Response[K]>;

export class ProxyApplication implements Application {
  /** the first connection failure (undefined while the app is reachable) */
  failure?: Error;
  private readonly conns: Record<ConnName, AbciSocketClient>;
  private readonly listeners: ((err: Error) => void)[] = [];
  private readonly log: Logger;

  constructor(
    readonly options: ProxyApplicationOptions,
    deps: { logger: Logger },
  ) {
    this.log = deps.logger.child({ module: "proxy-app" });
    const make = (name: ConnName) =>
      new AbciSocketClient({ address: options.address, name, maxMessageBytes: options.maxMessageBytes }, deps);
    this.conns = {
      consensus: make("consensus"),
      mempool: make("mempool"),
      query: make("query"),
      snapshot: make("snapshot"),
    };
    for (const c of Object.values(this.conns)) c.onFailure((err) => this.fail(err));
  }

  /** Opens the four connections (waiting for the app to listen) and checks each with an echo. */
  async start(): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? 60_000;
    try {
      await Promise.all(
        CONNECTION_NAMES.map(async (name) => {
          const c = this.conns[name];
          await c.connect({ timeoutMs });
          const echo = await c.echo(name);
          if (echo !== name) throw new AbciConnectionError(`ABCI ${name} connection: echo answered "${echo}"`);
        }),
      );
    } catch (e) {
      this.close();
      throw e;
    }
    this.log.info({ address: this.options.address }, "connected to the ABCI application");
  }

  /** Called once with the first connection failure (not after `close()`); at once if it already failed. */
  onFailure(fn: (err: Error) => void): void {
    const failure = this.failure;
    if (failure) queueMicrotask(() => fn(failure));
    else this.listeners.push(fn);
  }

  close(): void {
    for (const c of Object.values(this.conns)) c.close(this.failure);
  }

  info(req: RequestInfo): Promise<ResponseInfo> {
    return this.call("query", "info", { info: req });
  }
  query(req: RequestQuery): Promise<ResponseQuery> {
    return this.call("query", "query", { query: req });
  }
  checkTx(req: RequestCheckTx): Promise<ResponseCheckTx> {
    return this.call("mempool", "checkTx", { checkTx: req });
  }
  initChain(req: RequestInitChain): Promise<ResponseInitChain> {
    return this.call("consensus", "initChain", { initChain: req });
  }
  prepareProposal(req: RequestPrepareProposal): Promise<ResponsePrepareProposal> {
    return this.call("consensus", "prepareProposal", { prepareProposal: req });
  }
  processProposal(req: RequestProcessProposal): Promise<ResponseProcessProposal> {
    return this.call("consensus", "processProposal", { processProposal: req });
  }
  extendVote(req: RequestExtendVote): Promise<ResponseExtendVote> {
    return this.call("consensus", "extendVote", { extendVote: req });
  }
  verifyVoteExtension(req: RequestVerifyVoteExtension): Promise<ResponseVerifyVoteExtension> {
    return this.call("consensus", "verifyVoteExtension", { verifyVoteExtension: req });
  }
  finalizeBlock(req: RequestFinalizeBlock): Promise<ResponseFinalizeBlock> {
    return this.call("consensus", "finalizeBlock", { finalizeBlock: req });
  }
  commit(req: RequestCommit): Promise<ResponseCommit> {
    return this.call("consensus", "commit", { commit: req });
  }

  private async call<K extends RequestKind>(conn: ConnName, kind: K, req: Partial<Request>): Promise<Variant<K>> {
    if (this.failure) throw this.failure;
    const res = await this.conns[conn].call(req, kind);
    return res[kind] as Variant<K>;
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = new AbciConnectionError(
      `the ABCI application at ${this.options.address} is unreachable (${err.message}); ` +
        "consensus cannot continue without it",
    );
    // the other connections are of no use without this one: close them, failing their pending calls
    this.close();
    for (const fn of this.listeners) fn(this.failure);
  }
}
