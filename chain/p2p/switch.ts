// The p2p switch: a libp2p host (TCP, noise, yamux) whose identity is the node key, the set of
// connected peers, persistent peers redialled with backoff, and framed messages to and from peers.
// Each connected peer gets one outbound stream on DGRID_PROTOCOL that we write to and one inbound
// stream that we read; the first frame each way is the sender's NodeInfo, checked against the chain
// id and the node id its noise key proves. Reactors (consensus, mempool, block sync) subscribe to
// peers and messages; the switch owns no protocol logic beyond that handshake.
import "./node20.ts";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import type { Connection, Libp2p, PeerId, Stream } from "@libp2p/interface";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";
import type { Logger } from "pino";
import type { Ed25519Key } from "../types/keys.ts";
import { nodeIdOfPubKey, type PeerAddress, parseListenAddr } from "./addr.ts";
import type { PeerGate } from "./peer-gate.ts";
import {
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  frame,
  MsgType,
  WireError,
  type WireMessage,
  type WireNodeInfo,
} from "./wire.ts";

export const DGRID_PROTOCOL = "/dgrid/p2p/1.0.0";

export interface SwitchOptions {
  chainId: string;
  moniker: string;
  version: string;
  /** p2p listen address (tcp://host:port or /ip4/host/tcp/port) */
  laddr: string;
  rpcLaddr: string;
  persistentPeers: PeerAddress[];
  /** dialled until the first successful connection (no address exchange yet) */
  seeds: PeerAddress[];
  /** largest frame accepted from a peer (default 32 MiB) */
  maxFrameBytes?: number;
  /** a peer whose unsent data exceeds this is disconnected (default 64 MiB) */
  maxSendBufferBytes?: number;
  maxPeers?: number;
  /** redial backoff for persistent peers (defaults 250 ms doubling to 5 s) */
  dialBackoffMinMs?: number;
  dialBackoffMaxMs?: number;
}

export interface SwitchDeps {
  nodeKey: Ed25519Key;
  logger: Logger;
  /** test seam (peer-gate.ts): peers to cut off, for a partition; never set in production */
  gate?: PeerGate;
}

export class Peer {
  info?: WireNodeInfo;
  private out?: Stream;
  private queue: Uint8Array[] = [];
  private closed = false;
  readonly connectedAtMs = Date.now();
  sentBytes = 0;
  recvBytes = 0;

  constructor(
    /** CometBFT node id (from the noise-authenticated public key) */
    readonly id: string,
    readonly peerId: PeerId,
    readonly isOutbound: boolean,
    readonly remoteIp: string,
    private readonly maxSendBufferBytes: number,
    private readonly onOverflow: (p: Peer) => void,
  ) {}

  /** Sends one message (queued until the outbound stream is open). */
  send(msg: WireMessage | Uint8Array): void {
    if (this.closed) return;
    const data = msg instanceof Uint8Array ? msg : encodeMessage(msg);
    const f = frame(data);
    if (!this.out) {
      this.queue.push(f);
      return;
    }
    this.write(f);
  }

  setOutbound(stream: Stream): void {
    this.out = stream;
    const q = this.queue;
    this.queue = [];
    for (const f of q) this.write(f);
  }

  private write(f: Uint8Array): void {
    const s = this.out;
    if (s?.status !== "open") return;
    try {
      s.send(f);
      this.sentBytes += f.length;
    } catch {
      return;
    }
    if (s.writeBufferLength > this.maxSendBufferBytes) this.onOverflow(this);
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.out?.abort(new Error("peer closed"));
  }
}

/** `raw` is the message's encoding as received (type byte + body), for dedupe and forwarding. */
export type PeerMessageHandler = (peer: Peer, msg: WireMessage, raw: Uint8Array) => void;

export class P2PSwitch {
  private node?: Libp2p;
  /** ready peers by CometBFT id (NodeInfo received and checked) */
  readonly peers = new Map<string, Peer>();
  /** peers by libp2p peer id string (connected, maybe not ready yet) */
  private byPeerId = new Map<string, Peer>();
  private readonly log: Logger;
  private handlers: PeerMessageHandler[] = [];
  private peerAdded: ((p: Peer) => void)[] = [];
  private peerRemoved: ((p: Peer) => void)[] = [];
  private dialTimer?: NodeJS.Timeout;
  private dialState = new Map<string, { nextMs: number; backoffMs: number; dialing: boolean; done: boolean }>();
  private stopped = false;
  readonly nodeId: string;
  private readonly maxFrameBytes: number;
  listenAddrs: string[] = [];

  constructor(
    readonly options: SwitchOptions,
    private readonly deps: SwitchDeps,
  ) {
    this.nodeId = nodeIdOfPubKey(deps.nodeKey.pubKey);
    this.log = deps.logger.child({ module: "p2p", nodeId: this.nodeId });
    this.maxFrameBytes = options.maxFrameBytes ?? 32 << 20;
    deps.gate?.subscribe(() => this.enforceGate());
  }

  private allowed(id: string): boolean {
    return this.deps.gate?.allows(id) ?? true;
  }

  /** Disconnects every peer the gate now refuses (they are not redialled while it does). */
  private enforceGate(): void {
    for (const p of this.byPeerId.values()) if (!this.allowed(p.id)) this.dropPeer(p, "refused by the peer gate");
  }

  nodeInfo(): WireNodeInfo {
    return {
      id: this.nodeId,
      network: this.options.chainId,
      moniker: this.options.moniker,
      version: this.options.version,
      listen_addr: this.options.laddr,
      rpc_address: this.options.rpcLaddr,
    };
  }

  onMessage(fn: PeerMessageHandler): void {
    this.handlers.push(fn);
  }
  onPeerAdded(fn: (p: Peer) => void): void {
    this.peerAdded.push(fn);
  }
  onPeerRemoved(fn: (p: Peer) => void): void {
    this.peerRemoved.push(fn);
  }

  broadcast(msg: WireMessage | Uint8Array): void {
    const data = msg instanceof Uint8Array ? msg : encodeMessage(msg);
    for (const p of this.peers.values()) p.send(data);
  }

  async start(): Promise<void> {
    const { multiaddr: listen } = parseListenAddr(this.options.laddr);
    // The libp2p identity is the node key itself, so the node id stays the same across restarts.
    const privateKey = await generateKeyPairFromSeed("Ed25519", this.deps.nodeKey.seed);
    const node = await createLibp2p({
      privateKey,
      addresses: { listen: [listen] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { maxConnections: this.options.maxPeers ?? 50, dialTimeout: 5_000 },
      start: false,
    });
    this.node = node;
    await node.handle(DGRID_PROTOCOL, (stream, connection) => this.handleInbound(stream, connection), {
      maxInboundStreams: 4,
      maxOutboundStreams: 4,
    });
    node.addEventListener("peer:connect", (e) => this.handleConnect(e.detail));
    node.addEventListener("peer:disconnect", (e) => this.handleDisconnect(e.detail));
    await node.start();
    this.listenAddrs = node.getMultiaddrs().map((m) => m.toString());
    for (const a of [...this.options.persistentPeers, ...this.options.seeds]) {
      if (a.id === this.nodeId) continue;
      this.dialState.set(`${a.id}@${a.host}:${a.port}`, { nextMs: 0, backoffMs: 0, dialing: false, done: false });
    }
    this.dialTimer = setInterval(() => this.dialPeers(), 250);
    this.dialPeers();
    this.log.info({ listen: this.listenAddrs }, "p2p listening");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.dialTimer) clearInterval(this.dialTimer);
    for (const p of this.byPeerId.values()) p.close();
    await this.node?.stop();
  }

  private dialPeers(): void {
    if (this.stopped || !this.node) return;
    const now = Date.now();
    const min = this.options.dialBackoffMinMs ?? 250;
    const max = this.options.dialBackoffMaxMs ?? 5_000;
    const isSeed = (id: string) => this.options.seeds.some((s) => s.id === id);
    const isPersistent = (id: string) => this.options.persistentPeers.some((s) => s.id === id);
    for (const [key, st] of this.dialState) {
      const [id, hostPort] = key.split("@");
      if (st.dialing || st.done || now < st.nextMs || this.isConnected(id) || !this.allowed(id)) continue;
      const i = hostPort.lastIndexOf(":");
      const addr = parseListenAddr(`${hostPort.slice(0, i)}:${hostPort.slice(i + 1)}`);
      st.dialing = true;
      this.node
        .dial(multiaddr(addr.multiaddr), { signal: AbortSignal.timeout(5_000) })
        .then(
          (conn) => {
            const got = nodeIdOfPubKey(publicKeyOf(conn.remotePeer));
            if (got !== id) {
              this.log.warn({ expected: id, got, addr: addr.multiaddr }, "peer has another node id; disconnecting");
              void conn.close().catch(() => {});
              st.backoffMs = max;
            } else {
              st.backoffMs = 0;
              if (isSeed(id) && !isPersistent(id)) st.done = true;
            }
          },
          (err) => {
            st.backoffMs = Math.min(max, st.backoffMs === 0 ? min : st.backoffMs * 2);
            this.log.debug({ peer: id, err: (err as Error).message, retryMs: st.backoffMs }, "dial failed");
          },
        )
        .finally(() => {
          st.dialing = false;
          st.nextMs = Date.now() + st.backoffMs;
        });
    }
  }

  private isConnected(id: string): boolean {
    for (const p of this.byPeerId.values()) if (p.id === id) return true;
    return false;
  }

  private handleConnect(peerId: PeerId): void {
    if (this.stopped || !this.node) return;
    const key = peerId.toString();
    if (this.byPeerId.has(key)) return;
    let id: string;
    try {
      id = nodeIdOfPubKey(publicKeyOf(peerId));
    } catch {
      void this.node.hangUp(peerId).catch(() => {});
      return;
    }
    if (!this.allowed(id)) {
      void this.node.hangUp(peerId).catch(() => {});
      return;
    }
    const conn = this.node.getConnections(peerId)[0];
    const peer = new Peer(
      id,
      peerId,
      conn?.direction === "outbound",
      remoteIpOf(conn),
      this.options.maxSendBufferBytes ?? 64 << 20,
      (p) => this.dropPeer(p, "send buffer overflow"),
    );
    this.byPeerId.set(key, peer);
    peer.send({ type: MsgType.NodeInfo, info: this.nodeInfo() });
    this.node
      .dialProtocol(peerId, DGRID_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
      .then((stream) => {
        if (this.byPeerId.get(key) !== peer) {
          stream.abort(new Error("peer gone"));
          return;
        }
        peer.setOutbound(stream);
      })
      .catch((err) => {
        this.log.debug({ peer: id, err: (err as Error).message }, "could not open a stream to the peer");
        this.dropPeer(peer, "no stream");
      });
  }

  private handleDisconnect(peerId: PeerId): void {
    const key = peerId.toString();
    const peer = this.byPeerId.get(key);
    if (!peer) return;
    this.byPeerId.delete(key);
    peer.close();
    if (this.peers.get(peer.id) === peer) {
      this.peers.delete(peer.id);
      this.log.info({ peer: peer.id, moniker: peer.info?.moniker }, "peer disconnected");
      for (const f of this.peerRemoved) f(peer);
    }
  }

  /** Disconnects a misbehaving or stuck peer (a persistent peer is redialled later). */
  dropPeer(peer: Peer, reason: string): void {
    this.log.warn({ peer: peer.id, reason }, "dropping peer");
    void this.node?.hangUp(peer.peerId).catch(() => {});
  }

  private async handleInbound(stream: Stream, connection: Connection): Promise<void> {
    const key = connection.remotePeer.toString();
    const decoder = new FrameDecoder(this.maxFrameBytes);
    let peer: Peer | undefined;
    try {
      for await (const chunk of stream) {
        if (this.stopped) break;
        const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
        for (const f of decoder.push(bytes)) {
          peer ??= this.byPeerId.get(key);
          if (!peer) {
            // peer:connect has not fired yet for this connection (rare): make it so
            this.handleConnect(connection.remotePeer);
            peer = this.byPeerId.get(key);
            if (!peer) return;
          }
          peer.recvBytes += f.length + 4;
          this.handleFrame(peer, f);
        }
      }
    } catch (err) {
      if (err instanceof WireError && peer) this.dropPeer(peer, err.message);
      else this.log.debug({ err: (err as Error).message }, "inbound stream ended");
    }
  }

  private handleFrame(peer: Peer, data: Uint8Array): void {
    // frames already in flight when the gate closed
    if (!this.allowed(peer.id)) return;
    let msg: WireMessage;
    try {
      msg = decodeMessage(data);
    } catch (e) {
      this.log.debug({ peer: peer.id, err: (e as Error).message }, "dropped malformed message");
      return;
    }
    if (!peer.info) {
      if (msg.type !== MsgType.NodeInfo) {
        this.dropPeer(peer, "first message is not node info");
        return;
      }
      if (msg.info.network !== this.options.chainId) {
        this.dropPeer(peer, `peer is on another network (${msg.info.network})`);
        return;
      }
      if (msg.info.id !== peer.id) {
        this.dropPeer(peer, "node info id does not match the peer's key");
        return;
      }
      if (peer.id === this.nodeId) {
        this.dropPeer(peer, "connected to self");
        return;
      }
      const existing = this.peers.get(peer.id);
      if (existing && existing !== peer) {
        this.dropPeer(peer, "duplicate connection");
        return;
      }
      peer.info = msg.info;
      this.peers.set(peer.id, peer);
      this.log.info({ peer: peer.id, moniker: peer.info.moniker, outbound: peer.isOutbound }, "peer connected");
      for (const f of this.peerAdded) f(peer);
      return;
    }
    if (msg.type === MsgType.NodeInfo) return;
    for (const h of this.handlers) {
      try {
        h(peer, msg, data);
      } catch (e) {
        this.log.warn({ peer: peer.id, err: (e as Error).message }, "reactor failed on a peer message");
      }
    }
  }
}

function publicKeyOf(peerId: PeerId): Uint8Array {
  const pk = peerId.publicKey;
  if (!pk || peerId.type !== "Ed25519") throw new Error("peer key is not ed25519");
  return pk.raw;
}

function remoteIpOf(conn: Connection | undefined): string {
  if (!conn) return "";
  const m = /^\/(?:ip4|ip6|dns4|dns)\/([^/]+)/.exec(conn.remoteAddr.toString());
  return m ? m[1] : "";
}
