// The ABCI socket framing: uvarint length prefixes as Go's encoding/binary writes them, and random
// Request / Response messages that survive encoding, concatenation and delivery in arbitrary chunks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeepPartial } from "cosmjs-types/helpers";
import { CheckTxType, Request, Response } from "cosmjs-types/tendermint/abci/types";
import fc from "fast-check";
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeUvarint,
  encodeFrame,
  encodeUvarint,
  FrameDecoder,
  FrameError,
} from "../../chain/abci/framing.ts";
import { requestFrame, requestKind, responseFrame, responseKind } from "../../chain/abci/messages.ts";

const bytes = (max = 64) => fc.uint8Array({ maxLength: max });
const u64 = fc.bigInt({ min: 0n, max: (1n << 63n) - 1n });
const time = fc.record({
  seconds: fc.bigInt({ min: 0n, max: 1n << 40n }),
  nanos: fc.integer({ min: 0, max: 999_999_999 }),
});
const event = fc.record({
  type: fc.string({ maxLength: 12 }),
  attributes: fc.array(fc.record({ key: fc.string(), value: fc.string(), index: fc.boolean() }), { maxLength: 3 }),
});

/** A random Request: one variant of each shape the engine sends, with random fields. */
const requestArb: fc.Arbitrary<DeepPartial<Request>> = fc.oneof(
  fc.record({ echo: fc.record({ message: fc.string() }) }),
  fc.constant({ flush: {} }),
  fc.record({
    info: fc.record({ version: fc.string(), blockVersion: u64, p2pVersion: u64, abciVersion: fc.string() }),
  }),
  fc.record({
    initChain: fc.record({
      time,
      chainId: fc.string(),
      validators: fc.array(fc.record({ pubKey: fc.record({ ed25519: bytes(32) }), power: u64 }), { maxLength: 4 }),
      appStateBytes: bytes(256),
      initialHeight: u64,
    }),
  }),
  fc.record({ query: fc.record({ data: bytes(), path: fc.string(), height: u64, prove: fc.boolean() }) }),
  fc.record({ checkTx: fc.record({ tx: bytes(512), type: fc.constantFrom(CheckTxType.NEW, CheckTxType.RECHECK) }) }),
  fc.constant({ commit: {} }),
  fc.record({
    prepareProposal: fc.record({
      maxTxBytes: u64,
      txs: fc.array(bytes(), { maxLength: 5 }),
      localLastCommit: fc.record({
        round: fc.integer({ min: 0, max: 100 }),
        votes: fc.array(
          fc.record({
            validator: fc.record({ address: bytes(20), power: u64 }),
            voteExtension: bytes(),
            extensionSignature: bytes(64),
            blockIdFlag: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 4 },
        ),
      }),
      height: u64,
      time,
      proposerAddress: bytes(20),
    }),
  }),
  fc.record({
    processProposal: fc.record({ txs: fc.array(bytes(), { maxLength: 5 }), hash: bytes(32), height: u64, time }),
  }),
  fc.record({ extendVote: fc.record({ hash: bytes(32), height: u64, txs: fc.array(bytes(), { maxLength: 3 }) }) }),
  fc.record({
    verifyVoteExtension: fc.record({
      hash: bytes(32),
      validatorAddress: bytes(20),
      height: u64,
      voteExtension: bytes(),
    }),
  }),
  fc.record({
    finalizeBlock: fc.record({
      txs: fc.array(bytes(300), { maxLength: 8 }),
      decidedLastCommit: fc.record({
        round: fc.integer({ min: 0, max: 100 }),
        votes: fc.array(
          fc.record({
            validator: fc.record({ address: bytes(20), power: u64 }),
            blockIdFlag: fc.integer({ min: 0, max: 3 }),
          }),
          {
            maxLength: 4,
          },
        ),
      }),
      hash: bytes(32),
      height: u64,
      time,
      nextValidatorsHash: bytes(32),
      proposerAddress: bytes(20),
    }),
  }),
  fc.constant({ listSnapshots: {} }),
  fc.record({
    loadSnapshotChunk: fc.record({
      height: u64,
      format: fc.integer({ min: 0, max: 5 }),
      chunk: fc.integer({ min: 0, max: 5 }),
    }),
  }),
);

const responseArb: fc.Arbitrary<DeepPartial<Response>> = fc.oneof(
  fc.record({ exception: fc.record({ error: fc.string() }) }),
  fc.record({ echo: fc.record({ message: fc.string() }) }),
  fc.constant({ flush: {} }),
  fc.record({
    info: fc.record({
      data: fc.string(),
      version: fc.string(),
      appVersion: u64,
      lastBlockHeight: u64,
      lastBlockAppHash: bytes(32),
    }),
  }),
  fc.record({
    checkTx: fc.record({
      code: fc.integer({ min: 0, max: 40 }),
      data: bytes(),
      log: fc.string(),
      gasWanted: u64,
      gasUsed: u64,
      events: fc.array(event, { maxLength: 3 }),
      codespace: fc.string(),
    }),
  }),
  fc.record({ commit: fc.record({ retainHeight: u64 }) }),
  fc.record({ prepareProposal: fc.record({ txs: fc.array(bytes(), { maxLength: 5 }) }) }),
  fc.record({ processProposal: fc.record({ status: fc.integer({ min: 0, max: 2 }) }) }),
  fc.record({ extendVote: fc.record({ voteExtension: bytes(128) }) }),
  fc.record({ verifyVoteExtension: fc.record({ status: fc.integer({ min: 0, max: 2 }) }) }),
  fc.record({
    finalizeBlock: fc.record({
      events: fc.array(event, { maxLength: 3 }),
      txResults: fc.array(
        fc.record({
          code: fc.integer({ min: 0, max: 40 }),
          data: bytes(),
          log: fc.string(),
          gasWanted: u64,
          gasUsed: u64,
          events: fc.array(event, { maxLength: 2 }),
        }),
        { maxLength: 4 },
      ),
      validatorUpdates: fc.array(fc.record({ pubKey: fc.record({ ed25519: bytes(32) }), power: u64 }), {
        maxLength: 2,
      }),
      appHash: bytes(32),
    }),
  }),
  fc.record({
    query: fc.record({
      code: fc.integer({ min: 0, max: 40 }),
      key: bytes(),
      value: bytes(256),
      height: u64,
      codespace: fc.string(),
    }),
  }),
);

/** Splits `data` at the given (sorted, deduplicated) cut points. */
function chunked(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, data.length]) {
    out.push(data.subarray(prev, p));
    prev = p;
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

describe("abci framing: uvarint", () => {
  it("matches Go's binary.PutUvarint on known values", () => {
    assert.deepEqual([...encodeUvarint(0)], [0]);
    assert.deepEqual([...encodeUvarint(1)], [1]);
    assert.deepEqual([...encodeUvarint(127)], [0x7f]);
    assert.deepEqual([...encodeUvarint(128)], [0x80, 0x01]);
    assert.deepEqual([...encodeUvarint(300)], [0xac, 0x02]);
    assert.deepEqual([...encodeUvarint(2 ** 31 - 1)], [0xff, 0xff, 0xff, 0xff, 0x07]);
  });

  it("round-trips every safe integer, and says when the varint is incomplete", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const enc = encodeUvarint(n);
        assert.deepEqual(decodeUvarint(enc), { value: n, length: enc.length });
        assert.equal(decodeUvarint(enc.subarray(0, enc.length - 1)), undefined);
      }),
    );
  });

  it("refuses an over-long varint and one beyond 2^53", () => {
    assert.throws(() => decodeUvarint(new Uint8Array(11).fill(0x80)), FrameError);
    assert.throws(
      () => decodeUvarint(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])),
      FrameError,
    );
  });
});

describe("abci framing: int64 fields", () => {
  it("heights, gas and timestamps in that range cross the socket unchanged", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 31n, max: 2n ** 32n - 1n }), (v) => {
        const req = { finalizeBlock: { height: v, time: { seconds: v, nanos: 1 } } };
        const [frame] = new FrameDecoder({ maxMessageBytes: 1 << 20 }).push(requestFrame(req));
        assert.deepEqual(Request.decode(frame), Request.fromPartial(req));
        const res = { checkTx: { gasWanted: v, gasUsed: v } };
        const [rframe] = new FrameDecoder({ maxMessageBytes: 1 << 20 }).push(responseFrame(res));
        assert.deepEqual(Response.decode(rframe), Response.fromPartial(res));
      }),
    );
  });
});

describe("abci framing: messages in chunks", () => {
  it("random Requests survive framing and any chunking", () => {
    fc.assert(
      fc.property(
        fc.array(requestArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (reqs, cuts) => {
          const stream = concat(reqs.map(requestFrame));
          const dec = new FrameDecoder({ maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES });
          const frames = chunked(stream, cuts).flatMap((c) => dec.push(c));
          assert.equal(frames.length, reqs.length);
          assert.equal(dec.pendingBytes, 0);
          frames.forEach((f, i) => {
            const got = Request.decode(f);
            assert.deepEqual(got, Request.fromPartial(reqs[i]));
            assert.equal(requestKind(got), Object.keys(reqs[i])[0]);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("random Responses survive framing and any chunking", () => {
    fc.assert(
      fc.property(
        fc.array(responseArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (ress, cuts) => {
          const stream = concat(ress.map(responseFrame));
          const dec = new FrameDecoder({ maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES });
          const frames = chunked(stream, cuts).flatMap((c) => dec.push(c));
          assert.equal(frames.length, ress.length);
          frames.forEach((f, i) => {
            const got = Response.decode(f);
            assert.deepEqual(got, Response.fromPartial(ress[i]));
            assert.equal(responseKind(got), Object.keys(ress[i])[0]);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("delivers a large message fed one byte at a time, and an empty message", () => {
    const payload = new Uint8Array(70_000).map((_, i) => i & 0xff);
    const stream = concat([encodeFrame(payload), encodeFrame(new Uint8Array())]);
    const dec = new FrameDecoder({ maxMessageBytes: 1 << 20 });
    const got: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i += 1) got.push(...dec.push(stream.subarray(i, i + 1)));
    assert.equal(got.length, 2);
    assert.deepEqual(got[0], payload);
    assert.equal(got[1].length, 0);
  });

  it("refuses a length over the limit before the message arrives, after the frames before it", () => {
    const dec = new FrameDecoder({ maxMessageBytes: 1000 });
    const got = dec.push(concat([encodeFrame(Uint8Array.from([1, 2])), encodeUvarint(1001)]));
    assert.deepEqual(got, [Uint8Array.from([1, 2])]);
    assert.match(dec.error?.message ?? "", /exceeds max size \(1001 > 1000\)/);
    assert.deepEqual(dec.push(encodeFrame(new Uint8Array([0]))), [], "nothing after the error");
  });

  it("tells no variant and several variants apart from one", () => {
    assert.deepEqual(requestKind(Request.decode(new Uint8Array())), { error: "no known variant set" });
    const both = Request.fromPartial({ echo: { message: "x" }, flush: {} });
    assert.match((requestKind(both) as { error: string }).error, /several variants/);
  });
});
