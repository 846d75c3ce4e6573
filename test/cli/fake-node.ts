// A minimal CometBFT JSON-RPC server for CLI tests: `status`, `abci_query` (answered by a handler)
// and `broadcast_tx_sync` (recorded; refused when a CheckTx handler refuses it). Just enough of the v0.38 JSON for CosmJS to decode.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";

export interface FakeNode {
  url: string;
  /** every RPC call, with when it arrived (Date.now()) */
  calls: { method: string; params: any; at: number }[];
  broadcast: Uint8Array[];
  /** When set, the next broadcast_tx_sync is rejected with this CheckTx result. */
  rejectNext?: { code: number; codespace: string; log: string };
  close(): Promise<void>;
}

export type AbciHandler = (
  path: string,
  data: Uint8Array,
  height: number | undefined,
) => AbciAnswer | Promise<AbciAnswer>;

export interface AbciAnswer {
  code?: number;
  /** default "sdk" for a non-zero code */
  codespace?: string;
  log?: string;
  value?: Uint8Array;
  height?: number;
}

/** CheckTx of a broadcast tx (a real app's, for tests of how the CLI reports refusals). */
export type CheckTxHandler = (tx: Uint8Array) => Promise<{ code: number; codespace: string; log: string }>;

export async function startFakeNode(
  chainId: string,
  abci: AbciHandler,
  opts: { checkTx?: CheckTxHandler; statusOther?: Record<string, string> } = {},
): Promise<FakeNode> {
  const calls: FakeNode["calls"] = [];
  const broadcast: Uint8Array[] = [];
  const fake: FakeNode = {
    url: "",
    calls,
    broadcast,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections(); // keep-alive sockets would otherwise hold close() for seconds
      }),
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      const { id, method, params } = JSON.parse(body);
      calls.push({ method, params, at: Date.now() });
      let result: unknown;
      if (method === "status") {
        result = {
          node_info: {
            protocol_version: { p2p: "8", block: "11", app: "0" },
            id: "ab".repeat(20),
            listen_addr: "tcp://127.0.0.1:26656",
            network: chainId,
            version: "0.38.12",
            channels: "40202122233038606100",
            moniker: "fake",
            other: { ...opts.statusOther, tx_index: "on", rpc_address: "tcp://127.0.0.1:26657" },
          },
          sync_info: {
            latest_block_hash: "AA".repeat(32),
            latest_app_hash: "BB".repeat(32),
            latest_block_height: "42",
            latest_block_time: "2026-01-01T00:00:00.5Z",
            earliest_block_hash: "CC".repeat(32),
            earliest_app_hash: "DD".repeat(32),
            earliest_block_height: "1",
            earliest_block_time: "2026-01-01T00:00:00Z",
            catching_up: false,
          },
          validator_info: {
            address: "EE".repeat(20),
            pub_key: { type: "tendermint/PubKeyEd25519", value: Buffer.alloc(32, 7).toString("base64") },
            voting_power: "10",
          },
        };
      } else if (method === "abci_query") {
        const h = params.height && params.height !== "0" ? Number(params.height) : undefined;
        const r = await abci(params.path, Buffer.from(params.data, "hex"), h);
        result = {
          response: {
            code: r.code ?? 0,
            log: r.log ?? "",
            info: "",
            index: "0",
            key: null,
            value: r.value ? Buffer.from(r.value).toString("base64") : null,
            proofOps: null,
            height: String(r.height ?? h ?? 42),
            codespace: r.codespace ?? (r.code ? "sdk" : ""),
          },
        };
      } else if (method === "broadcast_tx_sync") {
        const tx = Buffer.from(params.tx, "base64");
        let reject = fake.rejectNext;
        fake.rejectNext = undefined;
        if (!reject && opts.checkTx) {
          const r = await opts.checkTx(tx);
          if (r.code !== 0) reject = r;
        }
        if (reject) result = { ...reject, data: "", hash: txHash(tx) };
        else {
          broadcast.push(tx);
          result = { code: 0, data: "", log: "", codespace: "", hash: txHash(tx) };
        }
      } else if (method === "tx" || method === "tx_search") {
        const want =
          method === "tx"
            ? Buffer.from(params.hash, "base64").toString("hex").toUpperCase()
            : (/tx\.hash\s*=\s*'([0-9A-Fa-f]+)'/.exec(params.query)?.[1] ?? "").toUpperCase();
        const i = broadcast.findIndex((tx) => txHash(tx) === want);
        const found = i < 0 ? undefined : txResponse(broadcast[i]);
        if (method === "tx_search") result = { txs: found ? [found] : [], total_count: found ? "1" : "0" };
        else if (found) result = found;
        else {
          res.end(
            JSON.stringify({
              jsonrpc: "2.0",
              id,
              error: { code: -32603, message: "Internal error", data: `tx (${want}) not found` },
            }),
          );
          return;
        }
      } else {
        res.end(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } }));
        return;
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ jsonrpc: "2.0", id, result }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  fake.url = `http://127.0.0.1:${port}`;
  return fake;
}

function txHash(tx: Uint8Array): string {
  return createHash("sha256").update(tx).digest("hex").toUpperCase();
}

/** The indexed form of a broadcast tx: included at height 43 with a transfer event. */
function txResponse(tx: Uint8Array) {
  return {
    hash: txHash(tx),
    height: "43",
    index: 0,
    tx_result: {
      code: 0,
      data: "",
      log: "",
      info: "",
      gas_wanted: "150000",
      gas_used: "70000",
      events: [{ type: "transfer", attributes: [{ key: "amount", value: "1udgrid", index: true }] }],
      codespace: "",
    },
    tx: Buffer.from(tx).toString("base64"),
  };
}
