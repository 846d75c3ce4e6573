import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CheckTxType, ExecTxResult, type RequestCheckTx, ResponseCheckTx } from "cosmjs-types/tendermint/abci/types";
import { Data } from "cosmjs-types/tendermint/types/types";
import fc from "fast-check";
import { pino } from "pino";
import { MempoolFullError, TxInCacheError, TxTooLargeError } from "../../chain/mempool/errors.ts";
import { Mempool, protoSizeOfTx } from "../../chain/mempool/mempool.ts";
import { txHash } from "../../chain/types/hash.ts";

const logger = pino({ level: "silent" });
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Fake app: txs are "name:gas"; names starting with "bad" fail; `invalid` set fails on recheck. */
class FakeApp {
  calls: RequestCheckTx[] = [];
  invalid = new Set<string>();
  delay = 0;
  async checkTx(req: RequestCheckTx): Promise<ResponseCheckTx> {
    this.calls.push(req);
    if (this.delay) await new Promise((r) => setTimeout(r, this.delay));
    const [name = "", gas = "1"] = dec.decode(req.tx).split(":");
    if (name.startsWith("throw")) throw new Error("app exploded");
    const bad = name.startsWith("bad") || this.invalid.has(name);
    return ResponseCheckTx.fromPartial({ code: bad ? 5 : 0, gasWanted: BigInt(gas), log: bad ? "bad tx" : "" });
  }
}

const make = (opts = {}) => {
  const app = new FakeApp();
  return { app, mp: new Mempool({ recheck: true, ...opts }, { app, logger }) };
};
const t = (s: string) => enc.encode(s);

describe("Mempool", () => {
  it("adds accepted txs in FIFO order and rejects failing ones", async () => {
    const { mp } = make();
    assert.equal((await mp.checkTx(t("a:10"))).code, 0);
    assert.equal((await mp.checkTx(t("bad:1"))).code, 5);
    assert.equal((await mp.checkTx(t("b:20"))).code, 0);
    assert.deepEqual(
      mp.txs().map((x) => dec.decode(x)),
      ["a:10", "b:20"],
    );
    assert.equal(mp.size(), 2);
    assert.equal(mp.sizeBytes(), 8);
    assert.ok(mp.has(txHash(t("a:10"))));
    assert.ok(!mp.has(txHash(t("bad:1"))));
    assert.equal(mp.get(txHash(t("b:20")))?.gasWanted, 20n);
    assert.deepEqual(
      mp.txs(1).map((x) => dec.decode(x)),
      ["a:10"],
    );
    // a failed tx is not cached: it may be resubmitted
    assert.equal((await mp.checkTx(t("bad:1"))).code, 5);
  });

  it("rejects duplicates, oversize txs and a full pool with clear errors", async () => {
    const { mp, app } = make({ maxTxs: 2, maxTxBytes: 10, maxTxsBytes: 100 });
    await mp.checkTx(t("a:1"));
    await assert.rejects(mp.checkTx(t("a:1")), TxInCacheError);
    await assert.rejects(
      mp.checkTx(t("waytoolong:1")),
      (e: Error) =>
        e instanceof TxTooLargeError && /Max size is 10, but got 12 \(the mempool.max_tx_bytes limit\)/.test(e.message),
    );
    await mp.checkTx(t("b:1"));
    await assert.rejects(
      mp.checkTx(t("c:1")),
      (e: Error) => e instanceof MempoolFullError && /mempool is full: number of txs 2 \(max: 2\)/.test(e.message),
    );
    assert.equal(app.calls.length, 2, "rejections never reach the app");
    const bytes = make({ maxTxsBytes: 7 }).mp;
    await bytes.checkTx(t("abcd:1"));
    await assert.rejects(bytes.checkTx(t("e:1")), MempoolFullError);
  });

  it("app exceptions propagate and do not poison the cache", async () => {
    const { mp } = make();
    await assert.rejects(mp.checkTx(t("throw:1")), /app exploded/);
    await assert.rejects(mp.checkTx(t("throw:1")), /app exploded/);
    assert.equal(mp.size(), 0);
  });

  it("reaps by proto bytes and gas, stopping at the first tx over a limit", async () => {
    const { mp } = make();
    for (const s of ["a:10", "b:20", "c:30", "d:5"]) await mp.checkTx(t(s));
    const names = (txs: Uint8Array[]) => txs.map((x) => dec.decode(x));
    assert.deepEqual(names(mp.reapMaxBytesMaxGas(-1, -1)), ["a:10", "b:20", "c:30", "d:5"]);
    assert.deepEqual(names(mp.reapMaxBytesMaxGas(-1, 35)), ["a:10", "b:20"]);
    assert.deepEqual(names(mp.reapMaxBytesMaxGas(12, -1)), ["a:10", "b:20"]); // each tx costs 6 bytes in Data
    assert.deepEqual(names(mp.reapMaxBytesMaxGas(0, -1)), []);
    assert.equal(protoSizeOfTx(t("a:10")), 6);
  });

  it("protoSizeOfTx equals the Data encoding size", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 }), (txs) => {
        const total = txs.reduce((n, tx) => n + protoSizeOfTx(tx), 0);
        assert.equal(total, Data.encode({ txs }).finish().length);
      }),
    );
  });

  it("update removes committed txs, rechecks the rest and keeps committed txs cached", async () => {
    const { mp, app } = make();
    for (const s of ["a:1", "b:1", "c:1", "d:1"]) await mp.checkTx(t(s));
    app.invalid.add("c");
    app.calls = [];
    await mp.lock();
    await mp.update(
      5,
      [t("a:1"), t("x:1")],
      [ExecTxResult.fromPartial({ code: 0 }), ExecTxResult.fromPartial({ code: 3 })],
    );
    mp.unlock();
    assert.deepEqual(
      mp.txs().map((x) => dec.decode(x)),
      ["b:1", "d:1"],
    );
    assert.ok(app.calls.every((c) => c.type === CheckTxType.RECHECK));
    assert.equal(app.calls.length, 3);
    await assert.rejects(mp.checkTx(t("a:1")), TxInCacheError); // committed: stays cached
    assert.equal((await mp.checkTx(t("x:1"))).code, 0); // failed in block: may come back
    app.invalid.delete("c");
    assert.equal((await mp.checkTx(t("c:1"))).code, 0); // dropped on recheck: may come back
  });

  it("without recheck, update only removes committed txs", async () => {
    const { mp, app } = make({ recheck: false });
    await mp.checkTx(t("a:1"));
    await mp.checkTx(t("b:1"));
    app.calls = [];
    await mp.update(1, [t("a:1")], [ExecTxResult.fromPartial({ code: 0 })]);
    assert.equal(app.calls.length, 0);
    assert.equal(mp.size(), 1);
  });

  it("lock holds CheckTx until unlock and waits for in-flight calls", async () => {
    const { mp, app } = make();
    app.delay = 20;
    const first = mp.checkTx(t("a:1"));
    await mp.lock(); // waits for the in-flight CheckTx
    assert.equal(mp.size(), 1);
    let done = false;
    const second = mp.checkTx(t("b:1")).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(done, false, "CheckTx must wait while locked");
    mp.unlock();
    await Promise.all([first, second]);
    assert.equal(done, true);
    assert.equal(mp.size(), 2);
  });

  it("notifies once per height when txs become available", async () => {
    const { mp } = make();
    let n = 0;
    const off = mp.onTxAvailable(() => n++);
    await mp.checkTx(t("a:1"));
    await mp.checkTx(t("b:1"));
    assert.equal(n, 1);
    await mp.update(1, [t("a:1")], [ExecTxResult.fromPartial({})]);
    assert.equal(n, 2, "txs remain after update");
    await mp.update(2, [t("b:1")], [ExecTxResult.fromPartial({})]);
    assert.equal(n, 2, "empty after update");
    await mp.checkTx(t("c:1"));
    assert.equal(n, 3);
    off();
    await mp.update(3, [], []);
    assert.equal(n, 3);
  });

  it("flush and removeTxByHash", async () => {
    const { mp } = make();
    await mp.checkTx(t("a:1"));
    await mp.checkTx(t("b:1"));
    assert.ok(mp.removeTxByHash(txHash(t("a:1"))));
    assert.equal(mp.sizeBytes(), 3);
    mp.flush();
    assert.equal(mp.size(), 0);
    assert.equal((await mp.checkTx(t("b:1"))).code, 0);
  });
});
