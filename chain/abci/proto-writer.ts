// The protobuf writer for socket messages. cosmjs-types 0.11.0's BinaryWriter.int64 / uint64 encode
// every value in [2^31, 2^32) wrongly (the low word is kept as a signed 32-bit number, so 2^31 goes
// out as 0 and 2^31 + 1 as bytes a reader rejects), which over a socket would change a gas amount,
// a power or a 2038+ timestamp, or break the stream. Such a value's varint is its uint32 varint.
import { BinaryWriter } from "cosmjs-types/binary";

type Int64 = string | number | bigint;

export class ProtoWriter extends BinaryWriter {
  // the base class assigns uint64 = int64 as an instance field; point it at the corrected method
  override uint64 = (value: Int64): BinaryWriter => this.int64(value);

  override int64(value: Int64): BinaryWriter {
    const v = BigInt(value);
    if (v >= 0x8000_0000n && v <= 0xffff_ffffn) return this.uint32(Number(v));
    return super.int64(value);
  }
}
