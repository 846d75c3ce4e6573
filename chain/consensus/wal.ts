// Consensus write-ahead log (cometbft consensus/wal.go): every message the state machine handles is
// appended; the node's own proposals and votes are fsynced before they are sent. An EndHeight(h)
// record marks that block h was committed, so replay starts after the last EndHeight(height-1).
// Record: uint32 BE length | uint32 BE crc32 | JSON payload. A torn tail is ignored on read.
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { crc32 } from "node:zlib";
import { Proposal, Vote } from "cosmjs-types/tendermint/types/types";

export type WalMessage =
  | { type: "proposal"; proposal: Proposal }
  | { type: "block"; height: bigint; round: number; block: Uint8Array }
  | { type: "vote"; vote: Vote }
  | { type: "timeout"; height: bigint; round: number; step: number }
  | { type: "endHeight"; height: bigint };

/** Where the engine logs; `NullWal` for tests that need no persistence. */
export interface Wal {
  write(msg: WalMessage): void;
  writeSync(msg: WalMessage): void;
  /** Messages after EndHeight(height-1), or undefined when that marker is absent. */
  searchForEndHeight(height: bigint): WalMessage[] | undefined;
  close(): void;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

export function encodeWalMessage(m: WalMessage): Uint8Array {
  let j: Record<string, unknown>;
  switch (m.type) {
    case "proposal":
      j = { t: m.type, p: b64(Proposal.encode(m.proposal).finish()) };
      break;
    case "block":
      j = { t: m.type, h: m.height.toString(), r: m.round, b: b64(m.block) };
      break;
    case "vote":
      j = { t: m.type, v: b64(Vote.encode(m.vote).finish()) };
      break;
    case "timeout":
      j = { t: m.type, h: m.height.toString(), r: m.round, s: m.step };
      break;
    case "endHeight":
      j = { t: m.type, h: m.height.toString() };
      break;
  }
  return Buffer.from(JSON.stringify(j));
}

export function decodeWalMessage(bytes: Uint8Array): WalMessage {
  const j = JSON.parse(Buffer.from(bytes).toString("utf8"));
  switch (j.t) {
    case "proposal":
      return { type: "proposal", proposal: Proposal.decode(unb64(j.p)) };
    case "block":
      return { type: "block", height: BigInt(j.h), round: j.r, block: unb64(j.b) };
    case "vote":
      return { type: "vote", vote: Vote.decode(unb64(j.v)) };
    case "timeout":
      return { type: "timeout", height: BigInt(j.h), round: j.r, step: j.s };
    case "endHeight":
      return { type: "endHeight", height: BigInt(j.h) };
    default:
      throw new Error(`unknown WAL record type ${j.t}`);
  }
}

function frame(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(8 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  out.set(payload, 8);
  return out;
}

/** Reads all intact records; stops at the first torn or corrupt one and reports its offset. */
export function readWalRecords(data: Uint8Array): { messages: WalMessage[]; validLength: number } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const messages: WalMessage[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const sum = buf.readUInt32BE(off + 4);
    if (off + 8 + len > buf.length) break;
    const payload = buf.subarray(off + 8, off + 8 + len);
    if (crc32(payload) !== sum) break;
    try {
      messages.push(decodeWalMessage(payload));
    } catch {
      break;
    }
    off += 8 + len;
  }
  return { messages, validLength: off };
}

export class FileWal implements Wal {
  private fd: number;

  constructor(readonly options: { path: string; maxSizeBytes?: number }) {
    mkdirSync(dirname(options.path), { recursive: true });
    this.fd = openSync(options.path, existsSync(options.path) ? "r+" : "w+");
    // Drop a torn tail left by a crash so new records follow intact ones.
    const { validLength } = readWalRecords(readFileSync(options.path));
    if (validLength !== fstatSync(this.fd).size) ftruncateSync(this.fd, validLength);
    this.position = validLength;
  }

  private position: number;

  write(msg: WalMessage): void {
    const rec = frame(encodeWalMessage(msg));
    writeSync(this.fd, rec, 0, rec.length, this.position);
    this.position += rec.length;
    if (msg.type === "endHeight") this.maybeRotate(msg);
  }

  writeSync(msg: WalMessage): void {
    this.write(msg);
    fsyncSync(this.fd);
  }

  /** Keeps the log small: once over the limit, restart it from the EndHeight just written. */
  private maybeRotate(end: WalMessage): void {
    const max = this.options.maxSizeBytes ?? 16 * 1024 * 1024;
    if (this.position <= max) return;
    const rec = frame(encodeWalMessage(end));
    ftruncateSync(this.fd, 0);
    writeSync(this.fd, rec, 0, rec.length, 0);
    this.position = rec.length;
    fsyncSync(this.fd);
  }

  searchForEndHeight(height: bigint): WalMessage[] | undefined {
    const { messages } = readWalRecords(readFileSync(this.options.path));
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i];
      if (m.type === "endHeight" && m.height === height - 1n) return messages.slice(i + 1);
    }
    return undefined;
  }

  close(): void {
    if (this.fd >= 0) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** An in-memory WAL (tests, or nodes that accept losing in-progress rounds on a crash). */
export class MemoryWal implements Wal {
  readonly messages: WalMessage[] = [];
  write(msg: WalMessage): void {
    this.messages.push(msg);
  }
  writeSync(msg: WalMessage): void {
    this.messages.push(msg);
  }
  searchForEndHeight(height: bigint): WalMessage[] | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i];
      if (m.type === "endHeight" && m.height === height - 1n) return this.messages.slice(i + 1);
    }
    return undefined;
  }
  close(): void {}
}
