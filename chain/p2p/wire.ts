// The wire format between DGrid peers: length-prefixed frames (4-byte big-endian length, then a
// one-byte message type and its body). Bodies of consensus messages are the CometBFT protobufs
// (cosmjs-types); the others are small protobuf-style records. Decoding never trusts the peer: a
// frame over the size limit, an unknown type or a malformed body raises WireError, which the switch
// answers by dropping the message (and, for framing errors, the peer).
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { Evidence } from "cosmjs-types/tendermint/types/evidence";
import { Commit, ExtendedCommit, Proposal, Vote } from "cosmjs-types/tendermint/types/types";
import type { ConsensusMessage } from "../consensus/transport.ts";
import { concat } from "../types/bytes.ts";

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

export enum MsgType {
  NodeInfo = 1,
  Status = 2,
  Proposal = 3,
  Block = 4,
  Vote = 5,
  Evidence = 6,
  Tx = 7,
  BlockRequest = 8,
  BlockResponse = 9,
  NoBlockResponse = 10,
}

/** What a peer says about itself in its first frame (the shape of CometBFT's DefaultNodeInfo). */
export interface WireNodeInfo {
  id: string;
  network: string;
  moniker: string;
  version: string;
  listen_addr: string;
  rpc_address: string;
}

/** A peer's consensus position: the height it works on (last block + 1), round and step. */
export interface PeerStatus {
  height: bigint;
  round: number;
  step: number;
  /** lowest stored block height (0: none) */
  base: bigint;
}

export interface BlockResponse {
  height: bigint;
  block: Uint8Array;
  /** the commit that the serving node saw for this block */
  commit: Commit;
  extendedCommit?: ExtendedCommit;
}

export type WireMessage =
  | { type: MsgType.NodeInfo; info: WireNodeInfo }
  | { type: MsgType.Status; status: PeerStatus }
  | { type: MsgType.Tx; tx: Uint8Array }
  | { type: MsgType.BlockRequest; height: bigint }
  | { type: MsgType.BlockResponse; response: BlockResponse }
  | { type: MsgType.NoBlockResponse; height: bigint }
  | { type: MsgType.Proposal | MsgType.Block | MsgType.Vote | MsgType.Evidence; consensus: ConsensusMessage };

const u8 = (w: BinaryWriter) => w.finish();

export function encodeMessage(m: WireMessage): Uint8Array {
  let body: Uint8Array;
  switch (m.type) {
    case MsgType.NodeInfo:
      body = new TextEncoder().encode(JSON.stringify(m.info));
      break;
    case MsgType.Status: {
      const w = new BinaryWriter();
      w.uint32(8).uint64(m.status.height);
      w.uint32(16).uint32(m.status.round);
      w.uint32(24).uint32(m.status.step);
      w.uint32(32).uint64(m.status.base);
      body = u8(w);
      break;
    }
    case MsgType.Tx:
      body = m.tx;
      break;
    case MsgType.BlockRequest:
    case MsgType.NoBlockResponse:
      body = u8(new BinaryWriter().uint32(8).uint64(m.height));
      break;
    case MsgType.BlockResponse: {
      const w = new BinaryWriter();
      w.uint32(8).uint64(m.response.height);
      w.uint32(18).bytes(m.response.block);
      w.uint32(26).bytes(Commit.encode(m.response.commit).finish());
      if (m.response.extendedCommit) w.uint32(34).bytes(ExtendedCommit.encode(m.response.extendedCommit).finish());
      body = u8(w);
      break;
    }
    default:
      return encodeConsensus(m.consensus);
  }
  return withType(m.type, body);
}

export function encodeConsensus(c: ConsensusMessage): Uint8Array {
  switch (c.type) {
    case "proposal":
      return withType(MsgType.Proposal, Proposal.encode(c.proposal).finish());
    case "vote":
      return withType(MsgType.Vote, Vote.encode(c.vote).finish());
    case "evidence":
      return withType(MsgType.Evidence, Evidence.encode(c.evidence).finish());
    case "block": {
      const w = new BinaryWriter();
      w.uint32(8).uint64(c.height);
      w.uint32(16).uint32(c.round);
      w.uint32(26).bytes(c.block);
      return withType(MsgType.Block, u8(w));
    }
  }
}

function withType(type: MsgType, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = type;
  out.set(body, 1);
  return out;
}

/** Decodes one message (type byte + body); throws WireError on anything malformed. */
export function decodeMessage(data: Uint8Array): WireMessage {
  if (data.length < 1) throw new WireError("empty message");
  const type = data[0] as MsgType;
  const body = data.subarray(1);
  try {
    switch (type) {
      case MsgType.NodeInfo: {
        const j = JSON.parse(new TextDecoder().decode(body));
        const str = (k: string) => {
          if (typeof j?.[k] !== "string" || j[k].length > 256) throw new WireError(`node info: bad ${k}`);
          return j[k] as string;
        };
        return {
          type,
          info: {
            id: str("id"),
            network: str("network"),
            moniker: str("moniker"),
            version: str("version"),
            listen_addr: str("listen_addr"),
            rpc_address: str("rpc_address"),
          },
        };
      }
      case MsgType.Status: {
        const r = new BinaryReader(body);
        const s: PeerStatus = { height: 0n, round: 0, step: 0, base: 0n };
        while (r.pos < r.len) {
          const tag = r.uint32();
          if (tag === 8) s.height = r.uint64();
          else if (tag === 16) s.round = r.uint32();
          else if (tag === 24) s.step = r.uint32();
          else if (tag === 32) s.base = r.uint64();
          else r.skipType(tag & 7);
        }
        return { type, status: s };
      }
      case MsgType.Tx:
        if (body.length === 0) throw new WireError("empty tx");
        return { type, tx: body.slice() };
      case MsgType.BlockRequest:
      case MsgType.NoBlockResponse: {
        const r = new BinaryReader(body);
        let height = 0n;
        while (r.pos < r.len) {
          const tag = r.uint32();
          if (tag === 8) height = r.uint64();
          else r.skipType(tag & 7);
        }
        return { type, height };
      }
      case MsgType.BlockResponse: {
        const r = new BinaryReader(body);
        let height = 0n;
        let block: Uint8Array | undefined;
        let commit: Commit | undefined;
        let extendedCommit: ExtendedCommit | undefined;
        while (r.pos < r.len) {
          const tag = r.uint32();
          if (tag === 8) height = r.uint64();
          else if (tag === 18) block = r.bytes();
          else if (tag === 26) commit = Commit.decode(r.bytes());
          else if (tag === 34) extendedCommit = ExtendedCommit.decode(r.bytes());
          else r.skipType(tag & 7);
        }
        if (!block || !commit) throw new WireError("block response without block or commit");
        return { type, response: { height, block, commit, extendedCommit } };
      }
      case MsgType.Proposal:
        return { type, consensus: { type: "proposal", proposal: Proposal.decode(body) } };
      case MsgType.Vote:
        return { type, consensus: { type: "vote", vote: Vote.decode(body) } };
      case MsgType.Evidence:
        return { type, consensus: { type: "evidence", evidence: Evidence.decode(body) } };
      case MsgType.Block: {
        const r = new BinaryReader(body);
        let height = 0n;
        let round = 0;
        let block: Uint8Array | undefined;
        while (r.pos < r.len) {
          const tag = r.uint32();
          if (tag === 8) height = r.uint64();
          else if (tag === 16) round = r.uint32();
          else if (tag === 26) block = r.bytes();
          else r.skipType(tag & 7);
        }
        if (!block) throw new WireError("block message without block");
        return { type, consensus: { type: "block", height, round, block } };
      }
      default:
        throw new WireError(`unknown message type ${type}`);
    }
  } catch (e) {
    if (e instanceof WireError) throw e;
    throw new WireError(`malformed message of type ${type}: ${(e as Error).message}`);
  }
}

/** Height a consensus message belongs to (evidence: the height of its votes). */
export function consensusHeight(c: ConsensusMessage): bigint {
  switch (c.type) {
    case "proposal":
      return c.proposal.height;
    case "vote":
      return c.vote.height;
    case "block":
      return c.height;
    case "evidence":
      return c.evidence.duplicateVoteEvidence?.voteA?.height ?? 0n;
  }
}

/** Prefixes a message with its 4-byte big-endian length. */
export function frame(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + data.length);
  new DataView(out.buffer).setUint32(0, data.length);
  out.set(data, 4);
  return out;
}

/**
 * Splits a byte stream into frames. push() returns the complete frames so far; a frame over
 * `maxFrameBytes` throws WireError (the stream cannot be resynchronised: the caller drops the peer).
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Uint8Array): Uint8Array[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.buffered < 4) return out;
      const head = this.peek(4);
      const len = new DataView(head.buffer, head.byteOffset, 4).getUint32(0);
      if (len > this.maxFrameBytes) throw new WireError(`frame of ${len} bytes exceeds ${this.maxFrameBytes}`);
      if (this.buffered < 4 + len) return out;
      const all = this.take(4 + len);
      out.push(all.subarray(4));
    }
  }

  private peek(n: number): Uint8Array {
    if (this.chunks[0].length >= n) return this.chunks[0];
    this.chunks = [concat(...this.chunks)];
    return this.chunks[0];
  }

  private take(n: number): Uint8Array {
    if (this.chunks[0].length < n) this.chunks = [concat(...this.chunks)];
    const first = this.chunks[0];
    const head = first.slice(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return head;
  }
}
