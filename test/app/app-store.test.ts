// DGridApp over chain/store's CommitMultiStore on LevelDB: restart from disk, ICS-23 proofs for
// /store/<name>/key verified against the committed app hash, determinism across two databases.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { iavlSpec, ics23, tendermintSpec, verifyExistence, verifyNonExistence } from "@confio/ics23";
import { ClassicLevel } from "classic-level";
import pino from "pino";
import { DGridApp } from "../../app/app.ts";
import { addressFromString } from "../../chain/types/address.ts";
import { balanceKey } from "../../modules/bank/keys.ts";
import { block, CHAIN_ID, genesis, initApp, send, signTx, testKey } from "./helpers.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function openDb() {
  const dir = mkdtempSync(join(tmpdir(), "dgrid-app-"));
  dirs.push(dir);
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
  const state = db.sublevel<Uint8Array, Uint8Array>("state", { keyEncoding: "view", valueEncoding: "view" });
  return { db, state };
}

function appOn(state: ReturnType<typeof openDb>["state"]) {
  return new DGridApp(
    { chainId: CHAIN_ID, minGasPrices: "0.025udgrid" },
    { db: state, logger: pino({ level: "silent" }) },
  );
}

const infoReq = { version: "", blockVersion: 0n, p2pVersion: 0n, abciVersion: "" };

describe("DGridApp on the LevelDB store", () => {
  it("restarts from disk, proves balances, and matches a second node's hashes", async () => {
    const alice = await testKey("alice");
    const bob = await testKey("bob");
    const g = genesis([{ address: alice.address, coins: [{ denom: "udgrid", amount: "1000000" }] }]);
    const n1 = openDb();
    const n2 = openDb();
    const a1 = appOn(n1.state);
    const a2 = appOn(n2.state);
    await initApp(a1, g);
    await initApp(a2, g);
    const tx = await signTx(alice, [send(alice.address, bob.address, "42")], { accountNumber: 0n, sequence: 0n });
    for (const [h, txs] of [
      [1, []],
      [2, [tx]],
      [3, []],
    ] as [number, Uint8Array[]][]) {
      const r1 = await block(a1, h, txs);
      const r2 = await block(a2, h, txs);
      assert.deepEqual(r1.appHash, r2.appHash);
      if (h === 2) assert.equal(r1.txResults[0].code, 0, r1.txResults[0].log);
    }
    const info = await a1.info(infoReq);
    assert.equal(info.lastBlockHeight, 3n);
    assert.deepEqual(await a1.checkInvariants(), []);

    // restart node 1 from its database
    await n1.db.close();
    const again = new ClassicLevel<Uint8Array, Uint8Array>(n1.db.location, {
      keyEncoding: "view",
      valueEncoding: "view",
    });
    const state = again.sublevel<Uint8Array, Uint8Array>("state", { keyEncoding: "view", valueEncoding: "view" });
    const restarted = appOn(state);
    const info2 = await restarted.info(infoReq);
    assert.equal(info2.lastBlockHeight, 3n);
    assert.deepEqual(info2.lastBlockAppHash, info.lastBlockAppHash);

    // proof of bob's balance and of a missing key, against the app hash of height 3
    const key = balanceKey(addressFromString(bob.address), "udgrid");
    const q = await restarted.query({ path: "/store/bank/key", data: key, height: 0n, prove: true });
    assert.equal(q.code, 0, q.log);
    assert.equal(new TextDecoder().decode(q.value), "42");
    assert.equal(q.height, 3n);
    const ops = q.proofOps?.ops ?? [];
    assert.deepEqual(
      ops.map((o) => o.type),
      ["ics23:iavl", "ics23:simple"],
    );
    const sub = ics23.CommitmentProof.decode(ops[0].data);
    const top = ics23.CommitmentProof.decode(ops[1].data);
    assert.ok(sub.exist && top.exist?.value);
    verifyExistence(sub.exist, iavlSpec, top.exist.value, key, q.value);
    verifyExistence(
      top.exist,
      tendermintSpec,
      info.lastBlockAppHash,
      new TextEncoder().encode("bank"),
      top.exist.value,
    );
    const missing = balanceKey(addressFromString(bob.address), "uzzz");
    const q2 = await restarted.query({ path: "/store/bank/key", data: missing, height: 0n, prove: true });
    assert.equal(q2.value.length, 0);
    const sub2 = ics23.CommitmentProof.decode(q2.proofOps?.ops[0].data ?? new Uint8Array());
    const top2 = ics23.CommitmentProof.decode(q2.proofOps?.ops[1].data ?? new Uint8Array());
    assert.ok(sub2.nonexist && top2.exist?.value);
    verifyNonExistence(sub2.nonexist, iavlSpec, top2.exist.value, missing);

    // the restarted node continues in step with node 2
    const tx2 = await signTx(alice, [send(alice.address, bob.address, "1")], { accountNumber: 0n, sequence: 1n });
    const r1 = await block(restarted, 4, [tx2]);
    const r2 = await block(a2, 4, [tx2]);
    assert.equal(r1.txResults[0].code, 0, r1.txResults[0].log);
    assert.deepEqual(r1.appHash, r2.appHash);
    await again.close();
    await n2.db.close();
  });
});
