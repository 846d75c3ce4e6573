// ABCI socket addresses as CometBFT writes them (libs/net ProtocolAndAddress): "tcp://host:port",
// "unix:///absolute/path.sock" (or "unix://relative.sock"); a bare "host:port" is tcp.

export type SocketAddress = { kind: "tcp"; host: string; port: number } | { kind: "unix"; path: string };

export function parseSocketAddress(addr: string): SocketAddress {
  const text = addr.trim();
  if (text.startsWith("unix://")) {
    const path = text.slice("unix://".length);
    if (path === "") throw new Error(`invalid ABCI address "${addr}": empty unix socket path`);
    return { kind: "unix", path };
  }
  const m = /^(?:tcp:\/\/)?\[?([^\]]*?)\]?:(\d+)$/.exec(text);
  if (!m) throw new Error(`invalid ABCI address "${addr}" (expected tcp://HOST:PORT or unix:///PATH)`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`invalid port in ABCI address "${addr}"`);
  return { kind: "tcp", host: m[1] || "0.0.0.0", port };
}

export function formatSocketAddress(a: SocketAddress): string {
  if (a.kind === "unix") return `unix://${a.path}`;
  return `tcp://${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
}
