// cosmjs-types' BinaryWriter.alloc makes a fresh 8 KiB pool for every finish() and returns a view into
// it, so each small encoded message costs (and keeps alive) 8 KiB: slow to allocate, heavy on the GC,
// and copied whole by structured clone. Importing this module makes finish() allocate exactly the
// encoded length instead (same bytes, a standalone Uint8Array). Idempotent.
import { BinaryWriter } from "cosmjs-types/binary";

const writer = BinaryWriter as unknown as { alloc(size: number): Uint8Array; dgridExactAlloc?: boolean };
if (!writer.dgridExactAlloc) {
  writer.alloc = (size: number) => new Uint8Array(size);
  writer.dgridExactAlloc = true;
}

export const protoExactAlloc = true;
