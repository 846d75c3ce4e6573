// A missed-block bitmap chunk in the binary form of github.com/bits-and-blooms/bitset
// (BitSet.MarshalBinary, as the SDK stores it): uint64 big-endian bit length, then the 64-bit words
// big-endian; bit i lives in word i/64 at position i%64 (least significant first).
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { MissedBlockBitmapChunkSize } from "./keys.ts";

const BITS = Number(MissedBlockBitmapChunkSize);
const WORDS = BITS / 64;

export class BitmapChunk {
  private constructor(private readonly words: BigUint64Array) {}

  static empty(): BitmapChunk {
    return new BitmapChunk(new BigUint64Array(WORDS));
  }

  static decode(b: Uint8Array): BitmapChunk {
    if (b.length < 8 || (b.length - 8) % 8 !== 0) throw ErrInvalidRequest.wrap("invalid bitmap chunk length");
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const n = dv.getBigUint64(0);
    if (n > MissedBlockBitmapChunkSize) throw ErrInvalidRequest.wrap(`bitmap chunk has ${n} bits`);
    const words = new BigUint64Array(WORDS);
    const count = (b.length - 8) / 8;
    for (let i = 0; i < Math.min(count, WORDS); i++) words[i] = dv.getBigUint64(8 + i * 8);
    return new BitmapChunk(words);
  }

  encode(): Uint8Array {
    const out = new Uint8Array(8 + WORDS * 8);
    const dv = new DataView(out.buffer);
    dv.setBigUint64(0, MissedBlockBitmapChunkSize);
    for (let i = 0; i < WORDS; i++) dv.setBigUint64(8 + i * 8, this.words[i]);
    return out;
  }

  test(bit: number): boolean {
    return ((this.words[bit >> 6] >> BigInt(bit & 63)) & 1n) === 1n;
  }

  set(bit: number, value: boolean): void {
    const m = 1n << BigInt(bit & 63);
    if (value) this.words[bit >> 6] |= m;
    else this.words[bit >> 6] &= ~m;
  }

  isEmpty(): boolean {
    return this.words.every((w) => w === 0n);
  }

  count(): number {
    let c = 0;
    for (let i = 0; i < BITS; i++) if (this.test(i)) c++;
    return c;
  }
}
