// Transactions as the SDK's tx service answers them: the decoded cosmos.tx.v1beta1.Tx and the
// TxResponse that sdk.NewResponseResultTx builds from an indexed tx and its block's time.
import { toHex } from "@cosmjs/encoding";
import type { ABCIMessageLog, TxResponse } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { AuthInfo, Tx, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { IndexedTx, RpcBackend } from "../../rpc/backend.ts";
import { txHash } from "../../types/hash.ts";
import { formatRfc3339 } from "../../types/time.ts";

export const TX_TYPE_URL = "/cosmos.tx.v1beta1.Tx";

/** Upper-case hex, "" for no bytes (CometBFT HexBytes.String). */
export const upperHex = (b: Uint8Array): string => toHex(b).toUpperCase();

/** The Tx inside raw TxRaw bytes; throws when they are not one. */
export function decodeTx(raw: Uint8Array): Tx {
  const r = TxRaw.decode(raw);
  return { body: TxBody.decode(r.bodyBytes), authInfo: AuthInfo.decode(r.authInfoBytes), signatures: r.signatures };
}

/** decodeTx, or undefined for bytes that are not a Tx (a block may hold any bytes a proposer put in it). */
export function tryDecodeTx(raw: Uint8Array): Tx | undefined {
  try {
    return decodeTx(raw);
  } catch {
    return undefined;
  }
}

export function txAny(tx: Tx): Any {
  return { typeUrl: TX_TYPE_URL, value: Tx.encode(tx).finish() };
}

/**
 * sdk.ParseABCILogs: a raw_log that is the JSON of []ABCIMessageLog gives its logs; any other text
 * (v0.50 leaves successful logs empty, failures are plain text) gives none.
 */
export function parseAbciLogs(rawLog: string): ABCIMessageLog[] {
  if (!rawLog.startsWith("[")) return [];
  try {
    const parsed: unknown = JSON.parse(rawLog);
    if (!Array.isArray(parsed)) return [];
    return parsed.map((l) => ({
      msgIndex: Number(l?.msg_index ?? 0),
      log: String(l?.log ?? ""),
      events: (Array.isArray(l?.events) ? l.events : []).map((e: any) => ({
        type: String(e?.type ?? ""),
        attributes: (Array.isArray(e?.attributes) ? e.attributes : []).map((a: any) => ({
          key: String(a?.key ?? ""),
          value: String(a?.value ?? ""),
        })),
      })),
    }));
  } catch {
    return [];
  }
}

/** Go's time.RFC3339 (whole seconds, "Z"), as mkTxResult formats the block time. */
export function rfc3339Seconds(ts: { seconds: bigint }): string {
  return formatRfc3339({ seconds: ts.seconds, nanos: 0 });
}

/** sdk.NewResponseResultTx for an indexed tx. */
export function txResponse(r: IndexedTx, tx: Tx | undefined, timestamp: string): TxResponse {
  const res = r.result;
  return {
    height: BigInt(r.height),
    txhash: upperHex(txHash(r.tx)),
    codespace: res.codespace,
    code: res.code,
    data: upperHex(res.data),
    rawLog: res.log,
    logs: parseAbciLogs(res.log),
    info: res.info,
    gasWanted: res.gasWanted,
    gasUsed: res.gasUsed,
    tx: tx ? txAny(tx) : undefined,
    timestamp,
    events: res.events,
  };
}

/** Block times by height, each loaded once per request (txs of one block share it). */
export class BlockTimes {
  private readonly cache = new Map<number, Promise<string>>();
  constructor(private readonly backend: RpcBackend) {}

  get(height: number): Promise<string> {
    let t = this.cache.get(height);
    if (!t) {
      t = Promise.resolve(this.backend.loadBlockMeta(height)).then((m) => (m ? rfc3339Seconds(m.header.time) : ""));
      this.cache.set(height, t);
    }
    return t;
  }
}
