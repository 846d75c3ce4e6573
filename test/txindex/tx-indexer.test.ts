import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { toHex } from "@cosmjs/encoding";
import { ClassicLevel } from "classic-level";
import { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { QuerySyntaxError } from "../../chain/txindex/query.ts";
import { TxIndexError, TxIndexer } from "../../chain/txindex/tx-indexer.ts";
import { txHash } from "../../chain/types/hash.ts";
import { testTempDir } from "../support/temp-dir.ts";

const enc = new TextEncoder();
const transfer = (sender: string, amount: string) =>
  ExecTxResult.fromPartial({
    code: 0,
    gasUsed: 50n,
    events: [
      { type: "message", attributes: [{ key: "action", value: "/cosmos.bank.v1beta1.MsgSend", index: true }] },
      {
        type: "transfer",
        attributes: [
          { key: "sender", value: sender, index: true },
          { key: "amount", value: amount, index: true },
          // not marked for indexing (app.toml index-events without it): stored with the tx, never searched
          { key: "memo", value: `memo ${amount}`, index: false },
        ],
      },
    ],
  });

describe("TxIndexer", () => {
  let db: ClassicLevel<Uint8Array, Uint8Array>;
  let idx: TxIndexer;
  const tx = (h: number, i: number) => enc.encode(`tx-${h}-${i}`);

  before(async () => {
    db = new ClassicLevel<Uint8Array, Uint8Array>(join(testTempDir("dgrid-ti-"), "db"), {
      keyEncoding: "view",
      valueEncoding: "view",
    });
    await db.open();
    idx = new TxIndexer(
      {},
      { db: db.sublevel<Uint8Array, Uint8Array>("txindex", { keyEncoding: "view", valueEncoding: "view" }) },
    );
    // heights 1..10; height h has h % 3 txs; alice sends at even heights, bob at odd.
    for (let h = 1; h <= 10; h++) {
      const n = h % 3;
      const txs = Array.from({ length: n }, (_, i) => tx(h, i));
      const results = txs.map((_, i) => transfer(h % 2 === 0 ? "dgrid1alice" : "dgrid1bob", `${h * 10 + i}udgrid`));
      const blockEvents =
        h % 5 === 0
          ? [
              {
                type: "mint",
                attributes: [
                  { key: "amount", value: String(h * 100), index: true },
                  { key: "minter", value: "dgrid1mint", index: false },
                ],
              },
            ]
          : [];
      await idx.indexBlock(h, txs, results, blockEvents);
    }
  });
  after(() => db.close());

  it("gets a tx by hash", async () => {
    const got = await idx.getTx(txHash(tx(4, 0)));
    assert.equal(got?.height, 4);
    assert.equal(got?.index, 0);
    assert.deepEqual(got?.tx, tx(4, 0));
    assert.equal(got?.result.events[1]?.attributes[0]?.value, "dgrid1alice");
    assert.equal(await idx.getTx(new Uint8Array(32)), undefined);
    assert.equal(await idx.getTx(new Uint8Array(3)), undefined);
  });

  it("searches by tx.hash", async () => {
    const h = toHex(txHash(tx(7, 0))).toUpperCase();
    const r = await idx.searchTxs(`tx.hash = '${h}'`);
    assert.equal(r.totalCount, 1);
    assert.equal(r.txs[0]?.height, 7);
    assert.equal((await idx.searchTxs(`tx.hash = '${h}' AND tx.height = 8`)).totalCount, 0);
  });

  it("searches by height ranges", async () => {
    const r = await idx.searchTxs("tx.height >= 4 AND tx.height < 8");
    // heights 4 (1 tx), 5 (2), 7 (1); 6 has none
    assert.deepEqual(
      r.txs.map((t) => [t.height, t.index]),
      [
        [4, 0],
        [5, 0],
        [5, 1],
        [7, 0],
      ],
    );
    assert.equal((await idx.searchTxs("tx.height = 5")).totalCount, 2);
  });

  it("searches by event attributes, combined with other conditions", async () => {
    const alice = await idx.searchTxs("tm.event = 'Tx' AND transfer.sender = 'dgrid1alice'");
    assert.ok(alice.totalCount > 0);
    assert.ok(alice.txs.every((t) => t.height % 2 === 0));
    const all = await idx.searchTxs("message.action = '/cosmos.bank.v1beta1.MsgSend'", { perPage: 100 });
    assert.equal(all.totalCount, 10); // sum of h % 3 for h = 1..10
    const bobLate = await idx.searchTxs("transfer.sender = 'dgrid1bob' AND tx.height > 5");
    assert.deepEqual(
      bobLate.txs.map((t) => t.height),
      [7],
    ); // 9 has no txs
    const contains = await idx.searchTxs("transfer.amount CONTAINS '51'");
    assert.deepEqual(
      contains.txs.map((t) => [t.height, t.index]),
      [[5, 1]],
    );
    assert.equal((await idx.searchTxs("transfer.recipient EXISTS")).totalCount, 0);
    assert.equal((await idx.searchTxs("transfer.sender EXISTS")).totalCount, 10);
  });

  it("finds nothing by an attribute the app did not mark for indexing, and keeps it in the tx", async () => {
    assert.equal((await idx.searchTxs("transfer.memo EXISTS")).totalCount, 0);
    assert.equal((await idx.searchTxs("transfer.memo = 'memo 51udgrid'")).totalCount, 0);
    // a height scan re-checks the conditions on the stored events: still only the indexed attributes
    assert.equal((await idx.searchTxs("tx.height = 5 AND transfer.memo EXISTS")).totalCount, 0);
    assert.equal((await idx.searchBlocks("mint.minter EXISTS")).totalCount, 0);
    assert.equal((await idx.searchBlocks("block.height = 5 AND mint.minter = 'dgrid1mint'")).totalCount, 0);
    const got = await idx.getTx(txHash(tx(5, 1)));
    const memo = got?.result.events.flatMap((e) => e.attributes).find((a) => a.key === "memo");
    assert.equal(memo?.value, "memo 51udgrid");
  });

  it("paginates and orders", async () => {
    const asc = await idx.searchTxs("tx.height > 0", { perPage: 4, page: 1 });
    const asc3 = await idx.searchTxs("tx.height > 0", { perPage: 4, page: 3 });
    const desc = await idx.searchTxs("tx.height > 0", { perPage: 4, page: 1, orderBy: "desc" });
    assert.equal(asc.totalCount, 10);
    assert.equal(asc.txs.length, 4);
    assert.equal(asc3.txs.length, 2);
    assert.deepEqual([asc.txs[0]?.height, asc.txs[0]?.index], [1, 0]);
    assert.deepEqual([desc.txs[0]?.height, desc.txs[0]?.index], [10, 0]);
    await assert.rejects(idx.searchTxs("tx.height > 0", { perPage: 4, page: 4 }), TxIndexError);
    await assert.rejects(idx.searchTxs("tx.height >"), QuerySyntaxError);
    assert.equal((await idx.searchTxs("tx.height > 100")).totalCount, 0);
  });

  it("searches blocks by height and finalize-block events", async () => {
    assert.deepEqual((await idx.searchBlocks("mint.amount EXISTS")).heights, [5, 10]);
    assert.deepEqual((await idx.searchBlocks("mint.amount > 600")).heights, [10]);
    assert.deepEqual((await idx.searchBlocks("block.height >= 3 AND block.height <= 5")).heights, [3, 4, 5]);
    const r = await idx.searchBlocks("block.height > 0", { orderBy: "desc", perPage: 2 });
    assert.deepEqual(r, { heights: [10, 9], totalCount: 10 });
  });

  it("rejects mismatched tx/result counts", async () => {
    await assert.rejects(idx.indexBlock(11, [tx(11, 0)], [], []), TxIndexError);
  });
});

describe("TxIndexer event keys", () => {
  it("writes exactly the keys of keys.ts (eventGroupKey, one per distinct value per block)", async () => {
    const { eventGroupKey, heightKey, txKey } = await import("../../chain/txindex/keys.ts");
    const db = new ClassicLevel<Uint8Array, Uint8Array>(join(testTempDir("dgrid-tk-"), "db"), {
      keyEncoding: "view",
      valueEncoding: "view",
    });
    await db.open();
    try {
      const sub = db.sublevel<Uint8Array, Uint8Array>("txindex", { keyEncoding: "view", valueEncoding: "view" });
      const idx = new TxIndexer({}, { db: sub });
      const t = enc.encode("tx-ü");
      const result = ExecTxResult.fromPartial({
        events: [
          { type: "transfer", attributes: [{ key: "sender", value: "dgrid1ä€", index: true }] },
          { type: "transfer", attributes: [{ key: "sender", value: "dgrid1ä€", index: true }] },
          { type: "coin", attributes: [{ key: "amount", value: "", index: true }] },
        ],
      });
      const t2 = enc.encode("tx-2");
      const result2 = ExecTxResult.fromPartial({
        events: [{ type: "transfer", attributes: [{ key: "sender", value: "dgrid1ä€", index: true }] }],
      });
      await idx.indexBlock(300_000, [t, t2], [result, result2], []);
      const keys: string[] = [];
      for await (const k of sub.keys()) if ([0x45, 0x47, 0x54, 0x48].includes(k[0] as number)) keys.push(toHex(k));
      const want = [
        eventGroupKey("transfer.sender", "dgrid1ä€", 300_000),
        eventGroupKey("coin.amount", "", 300_000),
        txKey(txHash(t)),
        txKey(txHash(t2)),
        heightKey(300_000, 0),
        heightKey(300_000, 1),
      ].map(toHex);
      assert.deepEqual(keys.sort(), want.sort());
      // the shared value lists both txs (index u32, hash) in index order; a value repeated in one tx once
      const ref = (i: number, tx: Uint8Array) => toHex(Uint8Array.from([0, 0, 0, i, ...txHash(tx)]));
      const senders = await sub.get(eventGroupKey("transfer.sender", "dgrid1ä€", 300_000));
      assert.equal(toHex(senders as Uint8Array), ref(0, t) + ref(1, t2));
      const amounts = await sub.get(eventGroupKey("coin.amount", "", 300_000));
      assert.equal(toHex(amounts as Uint8Array), ref(0, t));
      // found by search: the grouped entry gives both txs; an entry in the earlier per-tx layout too
      const { eventKey } = await import("../../chain/txindex/keys.ts");
      const old = enc.encode("tx-old");
      const oldHash = txHash(old);
      await idx.indexBlock(300_001, [old], [result2], []);
      await sub.del(eventGroupKey("transfer.sender", "dgrid1ä€", 300_001));
      await sub.put(eventKey("transfer.sender", "dgrid1ä€", 300_001, 0), oldHash);
      const found = await idx.searchTxs("transfer.sender = 'dgrid1ä€'");
      assert.deepEqual(
        found.txs.map((x) => [x.height, x.index, toHex(x.hash)]),
        [
          [300_000, 0, toHex(txHash(t))],
          [300_000, 1, toHex(txHash(t2))],
          [300_001, 0, toHex(oldHash)],
        ],
      );
      assert.equal((await idx.searchTxs("transfer.sender EXISTS AND tx.height < 300001")).totalCount, 2);
    } finally {
      await db.close();
    }
  });
});
