// CometBFT's ABCI socket server (abci/server/socket_server.go): serves one Application to the
// connections of a consensus engine (CometBFT opens four: consensus, mempool, query, snapshot). Each
// connection's requests are handled in order; like socket_server.go's app mutex, one request at a time
// reaches the app across all connections, so the app never sees two calls at once.
import { existsSync, lstatSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { Request, Response } from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import { formatSocketAddress, parseSocketAddress, type SocketAddress } from "./address.ts";
import type { Application } from "./application.ts";
import { dispatch } from "./dispatch.ts";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./framing.ts";
import type { RequestKind } from "./messages.ts";
import { ServerConnection } from "./server-connection.ts";

export interface AbciSocketServerOptions {
  /** "tcp://127.0.0.1:26658" (port 0: any free port, see `address`) or "unix:///path/app.sock" */
  laddr: string;
  maxMessageBytes?: number;
}

export interface AbciSocketServerDeps {
  app: Application;
  logger: Logger;
}

export class AbciSocketServer {
  /** the bound address once started ("tcp://127.0.0.1:<port>" or "unix://<path>") */
  address = "";
  private server?: Server;
  private readonly conns = new Set<ServerConnection>();
  private nextConnId = 0;
  private appTail: Promise<unknown> = Promise.resolve();
  private closing?: Promise<void>;
  private readonly log: Logger;

  constructor(
    readonly options: AbciSocketServerOptions,
    private readonly deps: AbciSocketServerDeps,
  ) {
    this.log = deps.logger.child({ module: "abci-server" });
  }

  async start(): Promise<void> {
    const addr = parseSocketAddress(this.options.laddr);
    if (addr.kind === "unix") await removeStaleSocket(addr.path);
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      const ready = () => {
        server.off("error", reject);
        resolve();
      };
      if (addr.kind === "unix") server.listen(addr.path, ready);
      else server.listen(addr.port, addr.host, ready);
    });
    server.on("error", (err) => this.log.error({ err }, "ABCI listener error"));
    const bound = server.address();
    const actual: SocketAddress =
      addr.kind === "tcp" && bound && typeof bound === "object" ? { ...addr, port: bound.port } : addr;
    this.address = formatSocketAddress(actual);
    this.log.info({ address: this.address }, "ABCI server listening");
  }

  /** Stops listening, drops every connection, and waits for the request the app is handling. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const server = this.server;
      const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      for (const c of this.conns) c.destroy();
      await closed;
      await this.appTail.catch(() => {});
    })();
    return this.closing;
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    socket.setNoDelay?.(true);
    const id = this.nextConnId++;
    this.log.debug({ conn: id }, "ABCI connection accepted");
    const conn = new ServerConnection(
      { id, maxMessageBytes: this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES },
      {
        socket,
        logger: this.log,
        handle: (req, kind) => this.handle(req, kind),
        onClose: () => {
          this.conns.delete(conn);
          this.log.debug({ conn: id }, "ABCI connection closed");
        },
      },
    );
    this.conns.add(conn);
  }

  private handle(req: Request, kind: RequestKind): Promise<Partial<Response>> {
    // echo and flush never reach the app; everything else waits for the app to be free
    if (kind === "echo" || kind === "flush") return dispatch(this.deps.app, req, kind);
    const run = this.appTail.then(() => dispatch(this.deps.app, req, kind));
    this.appTail = run.catch(() => {});
    return run;
  }
}

/**
 * A unix socket file left by a process that was killed refuses a new listener (EADDRINUSE). It is
 * removed when nothing answers on it; a live listener there is an error.
 */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new Error(`ABCI address ${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (live) throw new Error(`ABCI address unix://${path} is in use by another process`);
  unlinkSync(path);
}
