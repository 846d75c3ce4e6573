// Where the page finds the chain. Served by a node at /ui, it reads ./config.json (the node's RPC URL,
// chain id and, on a dev chain, the public dev mnemonic) and uses the page's own origin as the REST
// base. Hosted apart, ?rpc=...&rest=... name the node (and config.json is not asked for).
export interface Endpoints {
  rpc: string;
  rest: string;
  chainId: string;
  /** the dev chain's public mnemonic (absent on other chains) */
  devMnemonic?: string;
}

interface NodeConfig {
  rpc?: string;
  chainId?: string;
  devMnemonic?: string;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "0.0.0.0", "[::1]", "[::]"]);

/** The node's RPC URL as this browser reaches it: a loopback host becomes the page's host. */
export function reachable(url: string, page: Location): string {
  const u = new URL(url);
  if (LOOPBACK.has(u.hostname) && !LOOPBACK.has(page.hostname)) u.hostname = page.hostname;
  return u.href.replace(/\/$/, "");
}

export async function loadEndpoints(page: Location = location): Promise<Endpoints> {
  const params = new URLSearchParams(page.search);
  const rpcParam = params.get("rpc");
  const restParam = params.get("rest");
  let cfg: NodeConfig = {};
  if (!rpcParam || !restParam) {
    const res = await fetch(new URL("config.json", page.href), { cache: "no-cache" });
    if (!res.ok) throw new Error(`config.json: HTTP ${res.status} (hosted apart? pass ?rpc=...&rest=...)`);
    cfg = (await res.json()) as NodeConfig;
  }
  const rpc = rpcParam ?? cfg.rpc;
  if (!rpc) throw new Error("no RPC URL: config.json names none and no ?rpc= is given");
  // served at <REST>/ui/: the REST base is the page's origin
  const rest = (restParam ?? new URL("../", page.href).href).replace(/\/$/, "");
  let chainId = cfg.chainId ?? "";
  if (!chainId) {
    const status = await fetch(`${rpc}/status`).then((r) => r.json());
    chainId = status.result.node_info.network;
  }
  return { rpc: reachable(rpc, page), rest, chainId, devMnemonic: cfg.devMnemonic };
}
