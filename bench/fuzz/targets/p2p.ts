// Peer wire input through the p2p layer: a byte stream cut into chunks -> FrameDecoder -> decodeMessage
// -> the ConsensusReactor's message handling (status and catch-up, tx gossip into a mempool, consensus
// message caching, gossip and delivery), as P2PSwitch.handleFrame runs it, with a fake switch, peers
// and block store. Each delivered consensus message is also written and read back through the WAL
// record encoding, as the consensus engine does before handling it.
// Crash: FrameDecoder or decodeMessage throwing anything but WireError, the reactor throwing out of
// its handler (the switch would only log it), a rejected promise nobody handles, or a delivered
// message whose WAL record does not encode or decode back.
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { Block } from "cosmjs-types/tendermint/types/block";
import { Evidence } from "cosmjs-types/tendermint/types/evidence";
import { Commit, Proposal, SignedMsgType, Vote } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import fc from "fast-check";
import pino from "pino";
import type { ConsensusMessage } from "../../../chain/consensus/transport.ts";
import { decodeWalMessage, encodeWalMessage } from "../../../chain/consensus/wal.ts";
import { ConsensusReactor } from "../../../chain/p2p/consensus-reactor.ts";
import type { P2PSwitch, Peer } from "../../../chain/p2p/switch.ts";
import {
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  frame,
  MsgType,
  WireError,
  type WireMessage,
} from "../../../chain/p2p/wire.ts";
import { applyByteOps, bytesInput, concat, toHex } from "../mutate.ts";
import { Counters, describeError, FuzzCrash, type FuzzInstance, type FuzzTarget } from "../target.ts";

const HEIGHT = 5n; // the fake node works on height 5: messages of heights 4..6 are kept and delivered
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const time = Timestamp.fromPartial({ seconds: 1_700_000_000n, nanos: 5 });
const blockId = { hash: bytes(32, 0xaa), partSetHeader: { total: 1, hash: bytes(32, 0xbb) } };

function vote(type: SignedMsgType, height: bigint, extension = new Uint8Array()): Vote {
  return Vote.fromPartial({
    type,
    height,
    round: 0,
    blockId,
    timestamp: time,
    validatorAddress: bytes(20, 0x11),
    validatorIndex: 0,
    signature: bytes(64, 0x22),
    extension,
    extensionSignature: extension.length > 0 ? bytes(64, 0x33) : new Uint8Array(),
  });
}

function block(height: bigint): Uint8Array {
  return Block.encode(
    Block.fromPartial({
      header: { chainId: "fuzz-1", height, time, lastBlockId: blockId, proposerAddress: bytes(20, 0x11) },
      data: { txs: [bytes(10, 1), bytes(3, 2)] },
      lastCommit: { height: height - 1n, round: 0, blockId, signatures: [] },
    }),
  ).finish();
}

const commit = (height: bigint): Commit =>
  Commit.fromPartial({
    height,
    round: 0,
    blockId,
    signatures: [
      {
        blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
        validatorAddress: bytes(20, 0x11),
        timestamp: time,
        signature: bytes(64, 0x22),
      },
      { blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_ABSENT },
    ],
  });

/** One valid message of every type, at the heights the fake node is interested in. */
function seedMessages(): Uint8Array[] {
  const msgs: WireMessage[] = [
    {
      type: MsgType.NodeInfo,
      info: {
        id: "a".repeat(40),
        network: "fuzz-1",
        moniker: "m",
        version: "1",
        listen_addr: "tcp://1.2.3.4:26656",
        rpc_address: "",
      },
    },
    { type: MsgType.Status, status: { height: 3n, round: 0, step: 1, base: 1n } },
    { type: MsgType.Status, status: { height: HEIGHT, round: 1, step: 3, base: 0n } },
    { type: MsgType.Tx, tx: bytes(40, 7) },
    { type: MsgType.BlockRequest, height: 4n },
    { type: MsgType.NoBlockResponse, height: 9n },
    { type: MsgType.BlockResponse, response: { height: 4n, block: block(4n), commit: commit(4n) } },
    {
      type: MsgType.Proposal,
      consensus: {
        type: "proposal",
        proposal: Proposal.fromPartial({
          type: SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL,
          height: HEIGHT,
          round: 0,
          polRound: -1,
          blockId,
          timestamp: time,
          signature: bytes(64, 0x44),
        }),
      },
    },
    { type: MsgType.Block, consensus: { type: "block", height: HEIGHT, round: 0, block: block(HEIGHT) } },
    { type: MsgType.Vote, consensus: { type: "vote", vote: vote(SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, HEIGHT) } },
    {
      type: MsgType.Vote,
      consensus: { type: "vote", vote: vote(SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, HEIGHT - 1n, bytes(50, 9)) },
    },
    {
      type: MsgType.Evidence,
      consensus: {
        type: "evidence",
        evidence: Evidence.fromPartial({
          duplicateVoteEvidence: {
            voteA: vote(SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, 4n),
            voteB: {
              ...vote(SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, 4n),
              blockId: { hash: bytes(32, 0xcc), partSetHeader: undefined },
            },
            totalVotingPower: 10n,
            validatorPower: 10n,
            timestamp: time,
          },
        }),
      },
    },
  ];
  return msgs.map(encodeMessage);
}

interface P2PInput {
  /** which fake peer sends it */
  peer: number;
  /** messages (type byte + body), each framed unless `raw` */
  messages: Uint8Array[];
  /** a raw byte stream appended after the framed messages (bad lengths, partial frames) */
  raw: Uint8Array;
  /** where the stream is cut into chunks (fractions of its length, in 1/1000) */
  cuts: number[];
}

/** Messages: a seed whose body was mutated (its type byte kept, or sometimes changed), or random. */
function messageArb(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const bodies = seeds.map((s) => s.subarray(1));
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.nat({ max: seeds.length - 1 }), bytesInput(bodies, 256))
        .map(([i, body]) => concat(seeds[i].subarray(0, 1), body)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 0, max: 12 }), bytesInput(bodies, 64))
        .map(([t, body]) => concat(Uint8Array.of(t), body)),
    },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
  );
}

let seedCache: Uint8Array[] | undefined;
const seeds = () => (seedCache ??= seedMessages());

const MAX_FRAME = 1 << 20;

class FakePeer {
  sent = 0;
  info = { id: "", network: "fuzz-1", moniker: "", version: "", listen_addr: "", rpc_address: "" };
  constructor(readonly id: string) {}
  send(m: WireMessage | Uint8Array): void {
    // the switch frames what it sends: encoding must work for every message the reactor builds
    frame(m instanceof Uint8Array ? m : encodeMessage(m));
    this.sent++;
  }
}

export const p2pTarget: FuzzTarget<P2PInput> = {
  name: "p2p",
  description:
    "peer byte streams -> FrameDecoder, decodeMessage, ConsensusReactor: WireError or handled, never a throw",
  arbitrary() {
    return fc.record({
      peer: fc.nat({ max: 1 }),
      messages: fc.array(messageArb(seeds()), { minLength: 1, maxLength: 6 }),
      raw: fc.oneof(
        { weight: 4, arbitrary: fc.constant(new Uint8Array()) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 32 }) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              fc.nat(),
              fc.array(
                fc.record({
                  kind: fc.constantFrom("set" as const, "insert" as const, "truncate" as const),
                  a: fc.nat(),
                  b: fc.nat({ max: 8 }),
                  bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
                }),
                { maxLength: 2 },
              ),
            )
            .map(([len, ops]) =>
              applyByteOps(Uint8Array.of(len >>> 24, len >>> 16, len >>> 8, len, 1, 2), ops, new Uint8Array()),
            ),
        },
      ),
      cuts: fc.array(fc.nat({ max: 1000 }), { maxLength: 4 }),
    });
  },
  async open(): Promise<FuzzInstance<P2PInput>> {
    const logger = pino({ level: "silent" });
    const handlers: ((p: Peer, m: WireMessage, raw: Uint8Array) => void)[] = [];
    const added: ((p: Peer) => void)[] = [];
    const sw = {
      onPeerAdded: (f: (p: Peer) => void) => added.push(f),
      onPeerRemoved: () => {},
      onMessage: (f: (p: Peer, m: WireMessage, raw: Uint8Array) => void) => handlers.push(f),
      broadcast: () => {},
    } as unknown as P2PSwitch;
    const storedBlock = block(3n);
    const reactor = new ConsensusReactor(
      { maxMessagesPerHeight: 200, catchupEveryMs: 0 },
      {
        sw,
        position: () => ({ height: HEIGHT, round: 0, step: 1 }),
        blockStore: {
          base: () => 1,
          height: () => 4,
          loadBlockBytes: async () => storedBlock,
          loadSeenCommit: async (h) => commit(BigInt(h)),
          loadExtendedCommit: async () => undefined,
        },
        mempool: {
          checkTx: async (tx) => ({
            code: tx[0] % 2,
            data: new Uint8Array(),
            log: "",
            info: "",
            gasWanted: 0n,
            gasUsed: 0n,
            events: [],
            codespace: "",
          }),
          txs: () => [],
        },
        logger,
      },
    );
    const counters = new Counters();
    let walProblem: string | undefined;
    reactor.onMessage((msg: ConsensusMessage) => {
      counters.add(`delivered ${msg.type}`);
      if (msg.type === "evidence") return; // evidence goes to the pool, not the WAL
      try {
        const back = decodeWalMessage(encodeWalMessage(msg));
        if (back.type !== msg.type) walProblem = `WAL record of a ${msg.type} reads back as ${back.type}`;
      } catch (e) {
        walProblem = `WAL record of a delivered ${msg.type}: ${describeError(e)}`;
      }
    });
    const peers = [new FakePeer("b".repeat(40)), new FakePeer("c".repeat(40))];
    for (const p of peers) for (const f of added) f(p as unknown as Peer);
    return {
      async run(input) {
        const peer = peers[input.peer] as unknown as Peer;
        const stream = concat(...input.messages.map(frame), input.raw);
        const cuts = [...new Set(input.cuts.map((c) => Math.floor((c / 1000) * stream.length)))].sort((a, b) => a - b);
        const decoder = new FrameDecoder(MAX_FRAME);
        let from = 0;
        for (const cut of [...cuts, stream.length]) {
          let frames: Uint8Array[];
          try {
            frames = decoder.push(stream.subarray(from, cut));
          } catch (e) {
            if (e instanceof WireError) {
              counters.add("peer dropped");
              return;
            }
            throw new FuzzCrash(`FrameDecoder threw ${describeError(e)}`, { cause: e });
          }
          from = cut;
          for (const data of frames) {
            let msg: WireMessage;
            try {
              msg = decodeMessage(data);
            } catch (e) {
              if (e instanceof WireError) {
                counters.add("malformed");
                continue;
              }
              throw new FuzzCrash(`decodeMessage threw ${describeError(e)}`, { cause: e });
            }
            counters.add(`type ${msg.type}`);
            if (msg.type === MsgType.NodeInfo) continue; // the switch keeps it (handshake), reactors never see it
            for (const h of handlers) {
              try {
                h(peer, msg, data);
              } catch (e) {
                throw new FuzzCrash(`the reactor threw on a ${MsgType[msg.type]} message: ${describeError(e)}`, {
                  cause: e,
                });
              }
            }
          }
        }
        // let the reactor's async work (catch-up, tx checks, delivery) finish
        await new Promise<void>((r) => setImmediate(r));
        await new Promise<void>((r) => setImmediate(r));
        if (walProblem) {
          const why = walProblem;
          walProblem = undefined;
          throw new FuzzCrash(why);
        }
      },
      stats: () => ({ ...counters.toJSON(), sent: peers.reduce((n, p) => n + p.sent, 0) }),
      async close() {
        reactor.stop();
      },
    };
  },
  toJson: (input) => ({ ...input, messages: input.messages.map(toHex), raw: toHex(input.raw) }),
};
