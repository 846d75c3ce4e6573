// Inputs by content hash (README.md#blobs). A request input whose data is above the
// blob_threshold_bytes param travels as a blob: its NamedTensor keeps name, dtype and shape with empty
// data, and an InputBlob{name, sha256, size_bytes} beside it names the bytes. The chain checks only
// the reference (sha256 length, size = shape x element size, the blob_max_bytes bound, that every
// inline tensor is at most the threshold); the bytes themselves never enter a block. Pure helpers for
// the keeper, the ante and the validator's duties.
import type { InferenceItem, InputBlob } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import type { NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { ErrInvalidBlob, ErrInvalidInput } from "./errors.ts";

/** What carries blobs: a message or a stored request (single: input_blobs; batch: items[i].blobs). */
export interface BlobsCarrier {
  inputBlobs: InputBlob[];
  items: InferenceItem[];
}

/** One input set's blobs: one list for a single request, one per item for a batch. */
export function itemBlobs(r: BlobsCarrier): InputBlob[][] {
  return r.items.length > 0 ? r.items.map((i) => i.blobs) : [r.inputBlobs];
}

/** Every blob a request names, in item order. */
export function allBlobs(r: BlobsCarrier): InputBlob[] {
  return itemBlobs(r).flat();
}

export function hasBlobs(r: BlobsCarrier): boolean {
  return r.inputBlobs.length > 0 || r.items.some((i) => i.blobs.length > 0);
}

/**
 * Checks one input set's blob references (threshold 0: params from before blobs, no inline bound) against its tensors and returns their sizes by tensor name
 * (for matchSpecs, which then checks each size against the tensor's shape x element size). Throws
 * ErrInvalidBlob for a malformed reference, ErrInvalidInput for an inline tensor over the threshold.
 */
export function checkItemBlobs(
  tensors: readonly NamedTensor[],
  blobs: readonly InputBlob[],
  what: string,
  thresholdBytes: bigint,
): Map<string, number> {
  if (blobs.length > 0 && thresholdBytes === 0n) throw ErrInvalidBlob.wrap(`${what}: blobs are not enabled`);
  const sizes = new Map<string, number>();
  for (const b of blobs) {
    const t = tensors.find((x) => x.name === b.name);
    if (!t) throw ErrInvalidBlob.wrap(`${what}: blob for ${b.name}, which is not an input tensor`);
    if (sizes.has(b.name)) throw ErrInvalidBlob.wrap(`${what}: two blobs for ${b.name}`);
    if (b.sha256.length !== 32) throw ErrInvalidBlob.wrap(`${what}.${b.name}: blob sha256 must be 32 bytes`);
    if (t.data.length !== 0) throw ErrInvalidBlob.wrap(`${what}.${b.name}: a blob input carries no inline data`);
    if (b.sizeBytes < 1n || b.sizeBytes > BigInt(Number.MAX_SAFE_INTEGER))
      throw ErrInvalidBlob.wrap(`${what}.${b.name}: blob size ${b.sizeBytes} out of range`);
    sizes.set(b.name, Number(b.sizeBytes));
  }
  for (const t of tensors) {
    if (thresholdBytes > 0n && !sizes.has(t.name) && BigInt(t.data.length) > thresholdBytes)
      throw ErrInvalidInput.wrap(
        `${what}.${t.name}: ${t.data.length} inline bytes over the blob_threshold_bytes param (${thresholdBytes}): send it as a blob`,
      );
  }
  return sizes;
}

/** Bytes of the blobs of a request, all items together. */
export function blobBytes(r: BlobsCarrier): bigint {
  return allBlobs(r).reduce((n, b) => n + b.sizeBytes, 0n);
}

/** One input set with the blobs' bytes in place (bytesOf: by blob, already checked against its hash). */
export function withBlobData(
  tensors: readonly NamedTensor[],
  blobs: readonly InputBlob[],
  bytesOf: (b: InputBlob) => Uint8Array,
): NamedTensor[] {
  return tensors.map((t) => {
    const b = blobs.find((x) => x.name === t.name);
    return b ? { ...t, data: bytesOf(b) } : t;
  });
}
