// Commitments of the commit/reveal protocol: an executor first publishes
//
//   commitment = sha256(u64be(request id) | consensus address (20 bytes) | salt (32 bytes) | canonical)
//
// and later reveals the outputs and the salt; `canonical` is the tensor library's canonical output
// encoding (chain/tensor/canonical.ts). The validator's duties compute it, the keeper checks it.
import { createHash } from "node:crypto";
import { u64be } from "../../chain/types/bytes.ts";

/** sha256 over the parts, one after the other (no copy into one buffer: outputs may be large). */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** sha256(u64be(requestId) | consAddress | salt | canonical). */
export function commitmentHash(
  requestId: bigint,
  consAddress: Uint8Array,
  salt: Uint8Array,
  canonical: Uint8Array,
): Uint8Array {
  return sha256(u64be(requestId), consAddress, salt, canonical);
}
