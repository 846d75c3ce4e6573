// Peer addresses as CometBFT writes them ("<node id>@host:port") and listen addresses
// ("tcp://host:port", or a libp2p multiaddr "/ip4/host/tcp/port"), turned into libp2p multiaddrs.
import { createHash } from "node:crypto";

export interface PeerAddress {
  /** CometBFT node id: hex of the first 20 bytes of sha256(ed25519 pubkey) */
  id: string;
  host: string;
  port: number;
}

const isIp6 = (h: string) => h.includes(":");
const isIp4 = (h: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(h);

export function hostPortToMultiaddr(host: string, port: number): string {
  const proto = isIp4(host) ? "ip4" : isIp6(host) ? "ip6" : "dns4";
  return `/${proto}/${host}/tcp/${port}`;
}

/** "tcp://0.0.0.0:26656", "0.0.0.0:26656" or "/ip4/0.0.0.0/tcp/26656" -> host and port */
export function parseListenAddr(laddr: string): { host: string; port: number; multiaddr: string } {
  const s = laddr.trim();
  const ma = /^\/(ip4|ip6|dns4|dns)\/([^/]+)\/tcp\/(\d+)\/?$/.exec(s);
  if (ma) {
    const port = Number(ma[3]);
    if (port > 65535) throw new Error(`invalid port in "${laddr}"`);
    return { host: ma[2], port, multiaddr: hostPortToMultiaddr(ma[2], port) };
  }
  const m = /^(?:tcp:\/\/)?\[?([^\]]*?)\]?:(\d+)$/.exec(s);
  if (!m) throw new Error(`invalid p2p address "${laddr}" (expected tcp://HOST:PORT)`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`invalid port in "${laddr}"`);
  const host = m[1] || "0.0.0.0";
  return { host, port, multiaddr: hostPortToMultiaddr(host, port) };
}

/** "id@host:port" (a leading tcp:// is allowed) */
export function parsePeerAddress(s: string): PeerAddress {
  const m = /^(?:tcp:\/\/)?([0-9a-fA-F]{40})@(.+)$/.exec(s.trim());
  if (!m) throw new Error(`invalid peer address "${s}" (expected <40 hex node id>@host:port)`);
  const { host, port } = parseListenAddr(m[2]);
  return { id: m[1].toLowerCase(), host, port };
}

/** A config list: an array, or one comma-separated string as CometBFT writes it. */
export function parsePeerList(v: string[] | string | undefined): PeerAddress[] {
  const items = Array.isArray(v) ? v : (v ?? "").split(",");
  return items
    .map((x) => x.trim())
    .filter((x) => x.length > 0)
    .map(parsePeerAddress);
}

/** The CometBFT node id of an ed25519 public key. */
export function nodeIdOfPubKey(pubKey: Uint8Array): string {
  return createHash("sha256").update(pubKey).digest().subarray(0, 20).toString("hex");
}
