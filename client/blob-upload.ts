// Inputs by content hash, client side (modules/inference/README.md#blobs): every input tensor with
// more data bytes than the chain's blob_threshold_bytes param is uploaded to a node's blob endpoint
// (PUT <models_url>/blobs/<sha256>, the node answers 409 when the bytes do not hash to the name and
// 413 over its blobs.max-bytes) and replaced in the message by an InputBlob{name, sha256, size_bytes}
// with empty data. The endpoint is the one the node advertises in its status
// (node_info.other.models_url) unless the caller names one.
import { sha256 } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";
import type { InputBlob } from "../proto/gen/dgrid/inference/v1/inference.ts";
import type { NamedTensor } from "../proto/gen/dgrid/registry/v1/registry.ts";

/** The status key under which a node advertises its model and blob endpoint (app/node-status.ts). */
export const BLOB_ENDPOINT_STATUS_KEY = "models_url";

/**
 * Where a client reaches the endpoint a node advertises: a node listening on every interface
 * advertises 0.0.0.0 (or [::]), which is no address to connect to, so it is reached at the host of
 * the RPC URL the client used. Any other URL is kept; a trailing slash is dropped.
 */
export function reachableEndpoint(advertised: string, rpcUrl: string): string {
  const u = new URL(advertised);
  if (u.hostname === "0.0.0.0" || u.hostname === "[::]") u.hostname = new URL(rpcUrl).hostname;
  return u.toString().replace(/\/+$/, "");
}

/** A blob the endpoint refused: HTTP status plus the node's {codespace, code, message}. */
export class BlobUploadError extends Error {
  constructor(
    readonly status: number,
    readonly codespace: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "BlobUploadError";
  }
}

/** Uploads `bytes` as a blob; returns its reference (sha256 + size). */
export async function uploadBlob(
  baseUrl: string,
  bytes: Uint8Array,
  doFetch: typeof fetch = fetch,
): Promise<InputBlob> {
  const hash = sha256(bytes);
  const res = await doFetch(`${baseUrl.replace(/\/+$/, "")}/blobs/${toHex(hash)}`, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream" },
    body: bytes as unknown as Blob,
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { codespace?: string; code?: number; message?: string };
    throw new BlobUploadError(
      res.status,
      body.codespace ?? "",
      body.code ?? 0,
      `blob upload to ${baseUrl} refused (HTTP ${res.status}): ${body.message ?? res.statusText}`,
    );
  }
  return { name: "", sha256: hash, sizeBytes: BigInt(bytes.length) };
}

/**
 * One input set with its tensors above `thresholdBytes` uploaded: the tensors (those data emptied)
 * and their blobs. Nothing over the threshold: the input set unchanged and no blobs.
 */
export async function offloadLargeInputs(
  inputs: readonly NamedTensor[],
  thresholdBytes: bigint,
  upload: (bytes: Uint8Array) => Promise<InputBlob>,
): Promise<{ inputs: NamedTensor[]; blobs: InputBlob[] }> {
  const blobs: InputBlob[] = [];
  const out: NamedTensor[] = [];
  for (const t of inputs) {
    if (thresholdBytes > 0n && BigInt(t.data.length) > thresholdBytes) {
      const ref = await upload(t.data);
      blobs.push({ ...ref, name: t.name });
      out.push({ ...t, data: new Uint8Array() });
    } else out.push(t);
  }
  return { inputs: out, blobs };
}
