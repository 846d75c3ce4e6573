// Small protobuf helpers for CometBFT hashing and signing: gogoproto wrapper values (cdcEncode in
// cometbft types/encoding_helper.go), Go's zero time, and the canonical sign-bytes messages that
// cosmjs-types does not ship (tendermint/types/canonical.proto), written with cosmjs-types' BinaryWriter.
import "./binary-writer.ts";
import { BinaryWriter } from "cosmjs-types/binary";
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { Event as AbciEvent, ExecTxResult, ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
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

/**
 * ExecTxResult proto bytes, encoded once per result object: the block store (ResponseFinalizeBlock)
 * and the tx indexer (TxResult) both store every result of a block, events and all. Results are not
 * modified once FinalizeBlock returned them.
 */
const execTxResultBytes = new WeakMap<ExecTxResult, Uint8Array>();

export function encodeExecTxResult(r: ExecTxResult): Uint8Array {
  let b = execTxResultBytes.get(r);
  if (!b) {
    b = ExecTxResult.encode(r).finish();
    execTxResultBytes.set(r, b);
  }
  return b;
}

/** ResponseFinalizeBlock.encode(resp).finish(), byte for byte, with the tx results from encodeExecTxResult. */
export function encodeFinalizeBlockResponse(resp: ResponseFinalizeBlock): Uint8Array {
  const w = BinaryWriter.create();
  for (const e of resp.events) AbciEvent.encode(e, w.uint32(10).fork()).ldelim();
  for (const r of resp.txResults) w.uint32(18).bytes(encodeExecTxResult(r));
  // fields 3.. (validator updates, param updates, app hash) in field order after these
  return ResponseFinalizeBlock.encode({ ...resp, events: [], txResults: [] }, w).finish();
}

/** TxResult.encode({height, index, tx, result}).finish(), byte for byte, with the result from encodeExecTxResult. */
export function encodeTxResult(height: bigint, index: number, tx: Uint8Array, result: ExecTxResult): Uint8Array {
  const w = BinaryWriter.create();
  if (height !== 0n) w.uint32(8).int64(height);
  if (index !== 0) w.uint32(16).uint32(index);
  if (tx.length !== 0) w.uint32(26).bytes(tx);
  w.uint32(34).bytes(encodeExecTxResult(result));
  return w.finish();
}
