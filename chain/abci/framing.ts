// CometBFT's length-delimited framing (libs/protoio, the delimited writer and reader used by
// abci/types WriteMessage / ReadMessage): every message is its protobuf bytes prefixed by their
// length as an unsigned varint (LEB128, at most 10 bytes for a uint64).

/** A frame that cannot be read: a bad length prefix or a length over the limit. */
export class FrameError extends Error {
  override name = "FrameError";
}

const MAX_VARINT_BYTES = 10;

/** Largest message accepted by default (a FinalizeBlock request carries a whole block). */
export const DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

/** The unsigned varint encoding of a non-negative safe integer. */
export function encodeUvarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`uvarint: not a non-negative integer: ${value}`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/**
 * Reads an unsigned varint at `offset`: its value and length in bytes, or undefined when `bytes` ends
 * before the varint does. Throws FrameError for an over-long varint or one above 2^53 - 1.
 */
export function decodeUvarint(bytes: Uint8Array, offset = 0): { value: number; length: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (offset + i >= bytes.length) return undefined;
    const b = bytes[offset + i];
    value += (b & 0x7f) * scale;
    if (value > Number.MAX_SAFE_INTEGER) throw new FrameError("varint length prefix overflows");
    if ((b & 0x80) === 0) {
      // a non-minimal encoding (a trailing zero byte) is accepted, as Go's binary.ReadUvarint does
      return { value, length: i + 1 };
    }
    scale *= 0x80;
  }
  throw new FrameError(`varint length prefix longer than ${MAX_VARINT_BYTES} bytes`);
}

/** One message as it goes on the wire: uvarint(length) || payload. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const prefix = encodeUvarint(payload.length);
  const out = new Uint8Array(prefix.length + payload.length);
  out.set(prefix, 0);
  out.set(payload, prefix.length);
  return out;
}

/**
 * Reassembles frames from a byte stream delivered in arbitrary chunks. `push` returns the payloads
 * completed by the chunk, in order (each its own copy). A bad length prefix sets `error` (the frames
 * before it are still returned) and the stream is lost: later pushes return nothing. The buffer grows
 * by doubling, so a large message arriving in many small chunks is copied a bounded number of times.
 */
export class FrameDecoder {
  /** why the stream cannot be read any further */
  error?: FrameError;
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  private end = 0;

  constructor(readonly options: { maxMessageBytes: number }) {}

  /** bytes received but not yet part of a whole frame */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.error) return [];
    this.append(chunk);
    const out: Uint8Array[] = [];
    try {
      for (;;) {
        const view = this.buf.subarray(this.start, this.end);
        const prefix = decodeUvarint(view);
        if (!prefix) break;
        if (prefix.value > this.options.maxMessageBytes)
          throw new FrameError(`message exceeds max size (${prefix.value} > ${this.options.maxMessageBytes})`);
        const frameEnd = prefix.length + prefix.value;
        if (frameEnd > view.length) break;
        out.push(view.slice(prefix.length, frameEnd));
        this.start += frameEnd;
      }
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      this.error = e;
      this.buf = new Uint8Array(0);
      this.start = this.end = 0;
      return out;
    }
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  private append(chunk: Uint8Array): void {
    const pending = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      const needed = pending + chunk.length;
      const next = needed > this.buf.length ? new Uint8Array(Math.max(needed, this.buf.length * 2, 4096)) : this.buf;
      if (next === this.buf) this.buf.copyWithin(0, this.start, this.end);
      else next.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = next;
      this.start = 0;
      this.end = pending;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }
}
