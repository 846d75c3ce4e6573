// The p2p wire format: frames split at any chunk boundary, size limits, and decoding that rejects
// malformed input with WireError (never another exception).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseListenAddr, parsePeerAddress, parsePeerList } from "../../chain/p2p/addr.ts";
import {
  decodeMessage,
  encodeConsensus,
  encodeMessage,
  FrameDecoder,
  frame,
  MsgType,
  WireError,
} from "../../chain/p2p/wire.ts";

describe("p2p wire", () => {
  it("frames survive any split of the byte stream", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
        (msgs, cuts) => {
          const stream = Buffer.concat(msgs.map((m) => frame(m)));
          const dec = new FrameDecoder(1000);
          const out: Uint8Array[] = [];
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const n = cuts[i++ % cuts.length];
            out.push(...dec.push(stream.subarray(pos, pos + n)));
            pos += n;
          }
          assert.deepEqual(
            out.map((x) => Buffer.from(x).toString("hex")),
            msgs.map((x) => Buffer.from(x).toString("hex")),
          );
        },
      ),
    );
  });

  it("a frame over the limit is refused before it is buffered", () => {
    const dec = new FrameDecoder(16);
    assert.throws(() => dec.push(frame(new Uint8Array(17)).subarray(0, 6)), WireError);
  });

  it("round-trips every message type", () => {
    const msgs = [
      { type: MsgType.Status, status: { height: 7n, round: 2, step: 4, base: 1n } },
      { type: MsgType.Tx, tx: new Uint8Array([1, 2, 3]) },
      { type: MsgType.BlockRequest, height: 9n },
      { type: MsgType.NoBlockResponse, height: 9n },
      {
        type: MsgType.NodeInfo,
        info: {
          id: "ab".repeat(20),
          network: "c",
          moniker: "m",
          version: "0.38.17",
          listen_addr: "x",
          rpc_address: "y",
        },
      },
    ] as const;
    for (const m of msgs) assert.deepEqual(decodeMessage(encodeMessage(m as any)), m);
    const block = decodeMessage(
      encodeConsensus({ type: "block", height: 3n, round: 1, block: new Uint8Array([9, 9]) }),
    );
    assert.deepEqual((block as any).consensus, { type: "block", height: 3n, round: 1, block: new Uint8Array([9, 9]) });
  });

  it("malformed input only ever raises WireError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeMessage(bytes);
        } catch (e) {
          assert.ok(e instanceof WireError, String(e));
        }
      }),
      { numRuns: 2000 },
    );
    assert.throws(() => decodeMessage(new Uint8Array([99])), WireError);
    assert.throws(() => decodeMessage(new Uint8Array([MsgType.NodeInfo, 0x7b])), WireError);
  });

  it("parses peer and listen addresses", () => {
    const id = "0123456789abcdef0123456789abcdef01234567";
    assert.deepEqual(parsePeerAddress(`${id}@127.0.0.1:26656`), { id, host: "127.0.0.1", port: 26656 });
    assert.equal(parsePeerList(`${id}@a.example:1, ${id}@127.0.0.1:2`).length, 2);
    assert.equal(parseListenAddr("tcp://0.0.0.0:26656").multiaddr, "/ip4/0.0.0.0/tcp/26656");
    assert.equal(parseListenAddr("/ip4/127.0.0.1/tcp/5").port, 5);
    assert.throws(() => parsePeerAddress("nothex@1.2.3.4:5"));
    assert.throws(() => parseListenAddr("tcp://1.2.3.4:99999"));
  });
});
