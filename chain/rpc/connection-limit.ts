// rpc max_open_connections with an answer. CometBFT's netutil.LimitListener stops accepting past the
// limit (clients wait in the kernel's backlog); Node's `server.maxConnections` instead closes new
// connections at once, so a client sees a reset or an empty reply and never learns why. Here a
// connection past the limit is accepted and its first request answered with a 503 JSON-RPC error
// naming the limit, then closed; only past the limit plus REFUSAL_SLOTS does Node drop connections
// unanswered (the hard bound on open sockets).
import type { Server } from "node:http";
import type { Socket } from "node:net";

/** Connections beyond the limit that are still accepted to be answered with a 503. */
export const REFUSAL_SLOTS = 64;

export class ConnectionLimit {
  private open = 0;
  private readonly over = new WeakSet<Socket>();

  /** `max` 0 = unlimited (CometBFT). */
  constructor(
    private readonly options: { max: number },
    deps: { server: Server },
  ) {
    if (options.max <= 0) return;
    deps.server.maxConnections = options.max + REFUSAL_SLOTS;
    deps.server.on("connection", (socket: Socket) => {
      this.open++;
      if (this.open > options.max) this.over.add(socket);
      socket.once("close", () => this.open--);
    });
  }

  /** Whether requests on this socket are to be refused (it was accepted past the limit). */
  refuses(socket: Socket | undefined): boolean {
    return socket !== undefined && this.over.has(socket);
  }

  get max(): number {
    return this.options.max;
  }
}
