// The same bank balance query through the node's three doors, each one call that checks its answer:
// REST (GET .../balances/{address}/by_denom, keep-alive HTTP through node's fetch), gRPC
// (/cosmos.bank.v1beta1.Query/Balance, raw bytes over one @grpc/grpc-js channel) and CometBFT
// JSON-RPC abci_query (POST, the same gRPC path and request bytes: the baseline).
import * as grpc from "@grpc/grpc-js";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";

export const BALANCE_PATH = "/cosmos.bank.v1beta1.Query/Balance";

export interface BalanceQuery {
  address: string;
  denom: string;
  /** the amount every answer must carry */
  expected: bigint;
}

export interface Endpoints {
  rpcUrl: string;
  apiUrl: string;
  /** host:port */
  grpcAddress: string;
}

export interface Door {
  name: "rest" | "grpc" | "abci_query";
  /** one query; rejects when the call fails or the answer is not the expected balance */
  query(): Promise<void>;
  close(): void;
}

function check(door: string, denom: string | undefined, amount: string | undefined, q: BalanceQuery): void {
  if (denom !== q.denom || amount === undefined || BigInt(amount) !== q.expected) {
    throw new Error(`${door}: expected ${q.expected}${q.denom}, got ${amount}${denom}`);
  }
}

export function restDoor(ep: Endpoints, q: BalanceQuery): Door {
  const url = `${ep.apiUrl}/cosmos/bank/v1beta1/balances/${q.address}/by_denom?denom=${encodeURIComponent(q.denom)}`;
  return {
    name: "rest",
    async query() {
      const res = await fetch(url);
      const body = (await res.json()) as { balance?: { denom?: string; amount?: string }; message?: string };
      if (!res.ok) throw new Error(`rest: HTTP ${res.status} ${body.message ?? ""}`);
      check("rest", body.balance?.denom, body.balance?.amount, q);
    },
    close() {},
  };
}

const identity = (b: Buffer): Buffer => b;

export function grpcDoor(ep: Endpoints, q: BalanceQuery): Door {
  const client = new grpc.Client(ep.grpcAddress, grpc.credentials.createInsecure());
  const request = Buffer.from(QueryBalanceRequest.encode({ address: q.address, denom: q.denom }).finish());
  return {
    name: "grpc",
    query() {
      return new Promise<void>((resolve, reject) => {
        client.makeUnaryRequest(BALANCE_PATH, identity, identity, request, (err, value) => {
          if (err || !value) return reject(err ?? new Error("grpc: empty answer"));
          try {
            const { balance } = QueryBalanceResponse.decode(value);
            check("grpc", balance?.denom, balance?.amount, q);
            resolve();
          } catch (e) {
            reject(e);
          }
        });
      });
    },
    close() {
      client.close();
    },
  };
}

export function abciQueryDoor(ep: Endpoints, q: BalanceQuery): Door {
  const data = Buffer.from(QueryBalanceRequest.encode({ address: q.address, denom: q.denom }).finish()).toString("hex");
  let id = 0;
  return {
    name: "abci_query",
    async query() {
      const res = await fetch(ep.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method: "abci_query", params: { path: BALANCE_PATH, data } }),
      });
      const body = (await res.json()) as {
        result?: { response: { code?: number; log?: string; value?: string | null } };
        error?: { message: string; data?: string };
      };
      if (body.error) throw new Error(`abci_query: ${body.error.message} ${body.error.data ?? ""}`);
      const r = body.result?.response;
      if (!r || (r.code ?? 0) !== 0) throw new Error(`abci_query: code ${r?.code} ${r?.log ?? ""}`);
      const { balance } = QueryBalanceResponse.decode(Buffer.from(r.value ?? "", "base64"));
      check("abci_query", balance?.denom, balance?.amount, q);
    },
    close() {},
  };
}

/** The three doors, the baseline (abci_query) last. */
export function balanceDoors(ep: Endpoints, q: BalanceQuery): Door[] {
  return [restDoor(ep, q), grpcDoor(ep, q), abciQueryDoor(ep, q)];
}
