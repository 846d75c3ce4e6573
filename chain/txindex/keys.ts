// Key layout of the `txindex` sublevel.
//   T <hash>                                  -> TxResult proto
//   H <height u64> <index u32>                -> hash
//   G <key> 0x00 <value> 0x00 <height u64>    -> (<index u32> <hash>)*  (every tx event attribute:
//                                                one entry per distinct value per block, listing the
//                                                block's txs that carry it, in index order)
//   E <key> 0x00 <value> 0x00 <height> <index> -> hash    (the same, one entry per tx: written by
//                                                earlier versions, still searched; no longer written)
//   B <height u64>                            -> JSON [[key, values[]], ...] of block events
//   F <key> 0x00 <value> 0x00 <height u64>    -> empty    (every block event attribute)
import { concat, readU32be, readU64beNumber, u32be, u64beNumber } from "../types/bytes.ts";

const enc = new TextEncoder();

export const P = {
  tx: 0x54, // T
  height: 0x48, // H
  event: 0x45, // E (earlier versions)
  eventGroup: 0x47, // G
  block: 0x42, // B
  blockEvent: 0x46, // F
} as const;

export const u64 = u64beNumber;
export const u32 = u32be;
export const readU64 = readU64beNumber;
export const readU32 = readU32be;

export const txKey = (hash: Uint8Array) => concat([P.tx], hash);
export const heightKey = (height: number, index: number) => concat([P.height], u64(height), u32(index));
export const eventPrefix = (key: string, value?: string) =>
  value === undefined
    ? concat([P.event], enc.encode(key), [0])
    : concat([P.event], enc.encode(key), [0], enc.encode(value), [0]);
export const eventGroupPrefix = (key: string, value?: string) =>
  value === undefined
    ? concat([P.eventGroup], enc.encode(key), [0])
    : concat([P.eventGroup], enc.encode(key), [0], enc.encode(value), [0]);
export const eventGroupKey = (key: string, value: string, height: number) =>
  concat(eventGroupPrefix(key, value), u64(height));
export const eventKey = (key: string, value: string, height: number, index: number) =>
  concat(eventPrefix(key, value), u64(height), u32(index));
export const blockKey = (height: number) => concat([P.block], u64(height));
export const blockEventPrefix = (key: string, value?: string) =>
  value === undefined
    ? concat([P.blockEvent], enc.encode(key), [0])
    : concat([P.blockEvent], enc.encode(key), [0], enc.encode(value), [0]);
export const blockEventKey = (key: string, value: string, height: number) =>
  concat(blockEventPrefix(key, value), u64(height));

/** Smallest key greater than every key with this prefix. */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const out = prefix.slice();
  for (let i = out.length - 1; i >= 0; i--) {
    if ((out[i] as number) < 0xff) {
      out[i] = (out[i] as number) + 1;
      return out.slice(0, i + 1);
    }
  }
  return concat(prefix, [0xff, 0xff, 0xff, 0xff]);
}
