// Small protobuf helpers for CometBFT hashing and signing: gogoproto wrapper values (cdcEncode in
// cometbft types/encoding_helper.go), Go's zero time, and the canonical sign-bytes messages that
// cosmjs-types does not ship (tendermint/types/canonical.proto), written with cosmjs-types' BinaryWriter.
import { BinaryWriter } from "cosmjs-types/binary";
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { BlockID, PartSetHeader } from "cosmjs-types/tendermint/types/types";

/** Go's `time.Time{}` (0001-01-01T00:00:00Z) as a protobuf Timestamp: what CometBFT encodes for an unset time. */
export const GO_ZERO_TIME: Timestamp = Object.freeze({ seconds: -62135596800n, nanos: 0 }) as Timestamp;

/** A timestamp as Go would encode it: undefined means Go's zero time (non-nullable stdtime fields). */
export function goTime(ts: Timestamp | undefined): Timestamp {
  return ts ?? GO_ZERO_TIME;
}

export function encodeTimestamp(ts: Timestamp | undefined): Uint8Array {
  return Timestamp.encode(goTime(ts)).finish();
}

/** gogotypes.StringValue{Value: s}.Marshal() */
export function encodeStringValue(s: string): Uint8Array {
  const w = BinaryWriter.create();
  if (s.length > 0) w.uint32(10).string(s);
  return w.finish();
}

/** gogotypes.Int64Value{Value: n}.Marshal() */
export function encodeInt64Value(n: bigint): Uint8Array {
  const w = BinaryWriter.create();
  if (n !== 0n) w.uint32(8).int64(n);
  return w.finish();
}

/** gogotypes.BytesValue{Value: b}.Marshal() */
export function encodeBytesValue(b: Uint8Array | undefined): Uint8Array {
  const w = BinaryWriter.create();
  if (b && b.length > 0) w.uint32(10).bytes(b);
  return w.finish();
}

export function isZeroPartSetHeader(p: PartSetHeader | undefined): boolean {
  return !p || (p.total === 0 && p.hash.length === 0);
}

export function isZeroBlockId(id: BlockID | undefined): boolean {
  return !id || (id.hash.length === 0 && isZeroPartSetHeader(id.partSetHeader));
}

/** tendermint.types.BlockID with the non-nullable part_set_header always written (gogoproto). */
export function encodeBlockId(id: BlockID | undefined, w: BinaryWriter = BinaryWriter.create()): BinaryWriter {
  if (id && id.hash.length > 0) w.uint32(10).bytes(id.hash);
  w.uint32(18).fork();
  encodePartSetHeaderFields(id?.partSetHeader, w);
  w.ldelim();
  return w;
}

function encodePartSetHeaderFields(p: PartSetHeader | undefined, w: BinaryWriter): void {
  if (p && p.total !== 0) w.uint32(8).uint32(p.total);
  if (p && p.hash.length > 0) w.uint32(18).bytes(p.hash);
}

/** CanonicalBlockID (same field layout as BlockID; CanonicalPartSetHeader like PartSetHeader). */
export function writeCanonicalBlockId(id: BlockID, w: BinaryWriter): void {
  encodeBlockId(id, w);
}

/** protoio.MarshalDelimited: uvarint length prefix followed by the message. */
export function delimited(message: Uint8Array): Uint8Array {
  const w = BinaryWriter.create();
  w.bytes(message);
  return w.finish();
}
