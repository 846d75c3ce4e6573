// What `dgrid start`, `dgrid devnet` and `dgrid localnet` print once a node's RPC answers: where to
// reach each node (RPC, REST, the explorer, gRPC, model uploads, metrics, p2p), so nobody has to find a port in a log line.

export interface NodeEndpoints {
  name: string;
  rpc: string;
  /** the REST (LCD) gateway's URL ("" = off) */
  api: string;
  /** whether the REST server serves the explorer at /ui (api.explorer) */
  explorer: boolean;
  /** the gRPC server's host:port ("" = off) */
  grpc: string;
  /** the model endpoint's base URL ("" = none) */
  models: string;
  /** the metrics URL ("" = off) */
  metrics: string;
  /** "<node id>@<host>:<port>" */
  p2p: string;
}

/** The endpoint lines of one node, indented under a banner's title. */
export function endpointLines(n: NodeEndpoints, indent = "  "): string[] {
  return [
    `${indent}RPC:      ${n.rpc}`,
    `${indent}REST:     ${n.api ? `${n.api} (Swagger UI: ${n.api}/swagger)` : "(off)"}`,
    ...(n.api && n.explorer ? [`${indent}explorer: ${n.api}/ui/`] : []),
    `${indent}gRPC:     ${n.grpc ? `${n.grpc} (server reflection on)` : "(off)"}`,
    `${indent}models:   ${n.models ? `${n.models} (uploads: dgrid tx registry register-model)` : "(no endpoint)"}`,
    `${indent}metrics:  ${n.metrics || "(off)"}`,
    `${indent}p2p:      ${n.p2p}`,
  ];
}

/** "tcp://0.0.0.0:26656" -> "127.0.0.1:26656" (where a local client reaches it) */
export function localHostPort(laddr: string): string {
  const m = /(?:\/ip4\/([^/]+)\/tcp\/(\d+))|(?:^(?:tcp:\/\/)?([^:/]+):(\d+)$)/.exec(laddr.trim());
  if (!m) return laddr;
  const host = m[1] ?? m[3];
  const port = m[2] ?? m[4];
  return `${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
}
