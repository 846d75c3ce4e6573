// Connecting to a node's CometBFT RPC for `query`, `status` and `tx`, with errors a user can act on.
import { toBase64 } from "@cosmjs/encoding";
import type { Command } from "commander";
import { CliError, type CliIO } from "./context.ts";

export const DEFAULT_NODE = "http://127.0.0.1:26657";

export function addNodeOption(cmd: Command): Command {
  return cmd.option("--node <url>", `CometBFT RPC endpoint (default ${DEFAULT_NODE}; env DGRID_NODE)`);
}

/** "tcp://host:port" (the SDK's form) or "host:port" -> "http://host:port". */
export function nodeUrl(cmd: Command, io: CliIO): string {
  const raw = ((cmd.opts() as { node?: string }).node ?? io.env.DGRID_NODE ?? DEFAULT_NODE).trim();
  let url = raw.replace(/^tcp:\/\//, "http://");
  if (!/^[a-z]+:\/\//.test(url)) url = `http://${url}`;
  try {
    const u = new URL(url);
    if (!["http:", "https:", "ws:", "wss:"].includes(u.protocol)) throw new Error(`unsupported scheme ${u.protocol}`);
  } catch (e) {
    throw new CliError(`invalid --node "${raw}": ${(e as Error).message}`);
  }
  return url.replace(/\/+$/, "");
}

/** Turns network failures and CosmJS query errors into CliErrors naming the node. */
export function nodeError(err: unknown, url: string): Error {
  if (err instanceof CliError) return err;
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const msg = e?.message ?? String(err);
  if (e?.cause?.code === "ECONNREFUSED" || /fetch failed|ECONNREFUSED|socket hang up|ENOTFOUND/.test(msg)) {
    return new CliError(`cannot connect to node ${url}: ${e.cause?.message ?? msg} (is it running? see --node)`);
  }
  return new CliError(msg);
}

/** Runs `fn`, reporting node failures as CliErrors. */
export async function withNode<T>(url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw nodeError(e, url);
  }
}

/** A raw CometBFT JSON-RPC call, for answers printed exactly as the node gives them. */
export async function rpcCall(url: string, method: string, params: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(url.replace(/^ws/, "http"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { code: number; message: string; data?: string } };
  if (body.error)
    throw new CliError(`node ${url}: ${body.error.message}${body.error.data ? `: ${body.error.data}` : ""}`);
  return body.result;
}

/** JSON.stringify replacer: bigint -> string, bytes -> base64. */
export function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return toBase64(value);
  return value;
}
