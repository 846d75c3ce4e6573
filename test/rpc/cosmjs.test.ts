// The RPC server driven by CosmJS' own Comet38 client: its decoders validate every field we send.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { toHex } from "@cosmjs/encoding";
import { Comet38Client, connectComet, HttpClient } from "@cosmjs/tendermint-rpc";
import { pino } from "pino";
import { EventBus } from "../../chain/events/event-bus.ts";
import { RpcServer } from "../../chain/rpc/server.ts";
import { headerHash, txHash } from "../../chain/types/hash.ts";
import { verifyProof } from "../../chain/types/merkle.ts";
import { CHAIN_ID, FakeBackend, makeTx } from "./fake-backend.ts";

const logger = pino({ level: "silent" });

describe("rpc server with CosmJS Comet38Client", { timeout: 60_000 }, () => {
  const bus = new EventBus();
  const backend = new FakeBackend(5, bus);
  const server = new RpcServer(
    { laddr: "tcp://127.0.0.1:0", timeoutBroadcastTxCommitMs: 2000 },
    { backend, eventBus: bus, logger },
  );
  let client: Comet38Client;

  before(async () => {
    await server.start();
    client = Comet38Client.create(new HttpClient(server.url));
  });
  after(async () => {
    client.disconnect();
    await server.close();
  });

  test("connectComet detects a 0.38 node", async () => {
    const c = await connectComet(server.url);
    assert.ok(c instanceof Comet38Client);
    c.disconnect();
  });

  test("status", async () => {
    const s = await client.status();
    assert.equal(s.nodeInfo.network, CHAIN_ID);
    assert.ok(s.nodeInfo.version.startsWith("0.38."));
    assert.equal(s.syncInfo.latestBlockHeight, 5);
    assert.equal(s.syncInfo.earliestBlockHeight, 1);
    assert.equal(toHex(s.syncInfo.latestBlockHash), toHex(backend.blocks[4]!.meta.blockId.hash));
    assert.equal(s.syncInfo.catchingUp, false);
    assert.equal(s.validatorInfo.pubkey?.algorithm, "ed25519");
    assert.equal(s.validatorInfo.votingPower, 10n);
  });

  test("health, abciInfo, genesis, numUnconfirmedTxs", async () => {
    assert.equal(await client.health(), null);
    const info = await client.abciInfo();
    assert.equal(info.lastBlockHeight, 5);
    assert.equal(info.data, "dgrid");
    const g = await client.genesis();
    assert.equal(g.chainId, CHAIN_ID);
    assert.equal(g.validators.length, 2);
    assert.equal(g.consensusParams.block?.maxBytes, 22020096);
    assert.equal(g.genesisTime.toISOString(), "2023-11-14T22:13:20.123Z");
    assert.deepEqual((g.appState as any).bank.balances[0].coins[0], { denom: "udgrid", amount: "1000" });
    const n = await client.numUnconfirmedTxs();
    assert.equal(n.total, 0);
  });

  test("block (latest, by height, height 1 without last commit)", async () => {
    const latest = await client.block();
    assert.equal(latest.block.header.height, 5);
    assert.equal(latest.block.header.chainId, CHAIN_ID);
    assert.deepEqual(latest.blockId.hash, headerHash(backend.blocks[4]!.meta.header));
    assert.equal(latest.block.lastCommit?.height, 4);
    assert.equal(latest.block.lastCommit?.signatures.length, 2);
    assert.equal(latest.block.lastCommit?.signatures[0]?.blockIdFlag, 2);
    const b3 = await client.block(3);
    assert.equal(b3.block.txs.length, 3);
    assert.deepEqual(b3.block.txs[0], backend.blocks[2]!.block.data!.txs[0]);
    assert.equal(b3.block.header.time.getTime(), Number(backend.blocks[2]!.meta.header.time.seconds) * 1000 + 370);
    const b1 = await client.block(1);
    assert.equal(b1.block.lastCommit, null);
    assert.equal(b1.block.header.lastBlockId, null);
    assert.equal(b1.block.txs.length, 0);
  });

  test("blockResults", async () => {
    const r = await client.blockResults(3);
    assert.equal(r.height, 3);
    assert.equal(r.results.length, 3);
    assert.equal(r.results[0]!.gasWanted, 200000n);
    assert.equal(r.results[1]!.gasUsed, 50001n);
    assert.deepEqual(r.results[0]!.data, new Uint8Array([1, 2, 3, 0]));
    assert.equal(r.results[0]!.events[1]!.type, "transfer");
    assert.equal(r.finalizeBlockEvents[1]!.attributes[0]!.value, "3000");
    const r2 = await client.blockResults(2);
    assert.equal(r2.validatorUpdates.length, 1);
    assert.equal(r2.validatorUpdates[0]!.votingPower, 9n);
    assert.equal(r2.validatorUpdates[0]!.pubkey.algorithm, "ed25519");
    assert.equal(r2.consensusUpdates?.block?.maxBytes, 2_000_000);
  });

  test("blockchain", async () => {
    const bc = await client.blockchain(2, 4);
    assert.equal(bc.lastHeight, 5);
    assert.deepEqual(
      bc.blockMetas.map((m) => m.header.height),
      [4, 3, 2],
    );
    assert.equal(bc.blockMetas[1]!.numTxs, 3);
    assert.ok(bc.blockMetas[0]!.blockSize > 0);
  });

  test("commit: canonical for old heights, seen commit for the latest", async () => {
    const c = await client.commit(3);
    assert.equal(c.canonical, true);
    assert.equal(c.commit.height, 3);
    assert.deepEqual(c.commit.blockId.hash, backend.blocks[2]!.meta.blockId.hash);
    assert.equal(c.header.height, 3);
    const latest = await client.commit();
    assert.equal(latest.canonical, false);
    assert.equal(latest.commit.height, 5);
  });

  test("validators with pagination", async () => {
    const all = await client.validators({});
    assert.equal(all.total, 2);
    assert.equal(all.count, 2);
    assert.equal(all.blockHeight, 6);
    assert.equal(all.validators[0]!.votingPower, 10n);
    assert.equal(all.validators[1]!.proposerPriority, 5);
    const p2 = await client.validators({ height: 2, page: 2, per_page: 1 });
    assert.equal(p2.count, 1);
    assert.deepEqual(p2.validators[0]!.address, backend.keys[1]!.address);
    await assert.rejects(client.validators({ page: 3, per_page: 1 }), /page should be within \[1, 2\] range/);
  });

  test("tx with proof, txSearch", async () => {
    const stored = backend.blocks[2]!;
    const tx = stored.block.data!.txs[1]!;
    const r = await client.tx({ hash: txHash(tx), prove: true });
    assert.equal(r.height, 3);
    assert.equal(r.index, 1);
    assert.deepEqual(r.tx, tx);
    assert.equal(r.result.gasUsed, 50001n);
    assert.ok(r.proof);
    assert.deepEqual(r.proof.rootHash, stored.meta.header.dataHash);
    assert.ok(verifyProof(r.proof.proof as any, r.proof.rootHash, txHash(tx)));

    const s = await client.txSearch({ query: "tx.height=3", per_page: 2, page: 1 });
    assert.equal(s.totalCount, 3);
    assert.equal(s.txs.length, 2);
    const desc = await client.txSearch({ query: "tx.height >= 2", order_by: "desc" });
    assert.equal(desc.totalCount, 6);
    assert.equal(desc.txs[0]!.height, 5);
    const bySender = await client.txSearchAll({ query: "message.sender='dgrid1sender0'" });
    assert.ok(bySender.txs.length > 0);
    for (const t of bySender.txs) assert.equal(t.result.events[0]!.attributes[1]!.value, "dgrid1sender0");
    await assert.rejects(client.tx({ hash: new Uint8Array(32) }), /not found/);
  });

  test("blockSearch", async () => {
    const r = await client.blockSearch({ query: "block.height >= 4" });
    assert.equal(r.totalCount, 2);
    assert.deepEqual(
      r.blocks.map((b) => b.block.header.height),
      [4, 5],
    );
  });

  test("abciQuery with and without proof", async () => {
    const q = await client.abciQuery({ path: "/store/bank/key", data: new TextEncoder().encode("k1"), prove: true });
    assert.equal(new TextDecoder().decode(q.value), "value-of-k1");
    assert.equal(q.height, 5);
    assert.equal(q.code, 0);
    assert.equal(q.proof?.ops[0]?.type, "ics23:iavl");
    const fail = await client.abciQuery({ path: "/fail", data: new Uint8Array(0) });
    assert.equal(fail.code, 6);
    assert.equal(fail.codespace, "sdk");
  });

  test("broadcastTxSync / Async and duplicates", async () => {
    const tx = makeTx(1001);
    const r = await client.broadcastTxSync({ tx });
    assert.equal(r.code, 0);
    assert.deepEqual(r.hash, txHash(tx));
    assert.equal(r.gasWanted, 0n); // ResultBroadcastTx carries no gas fields
    assert.equal((await client.numUnconfirmedTxs()).total, 1);
    await assert.rejects(client.broadcastTxSync({ tx }), /already exists/);
    backend.checkTxCode = 13;
    const bad = await client.broadcastTxSync({ tx: makeTx(1002) });
    assert.equal(bad.code, 13);
    assert.equal(bad.codespace, "sdk");
    backend.checkTxCode = 0;
    const a = await client.broadcastTxAsync({ tx: makeTx(1003) });
    assert.deepEqual(a.hash, txHash(makeTx(1003)));
  });

  test("broadcastTxCommit waits for the Tx event", async () => {
    const tx = makeTx(2001);
    const pending = client.broadcastTxCommit({ tx });
    setTimeout(() => backend.produceBlock(0, [tx]), 50);
    const r = await pending;
    assert.equal(r.height, backend.height());
    assert.equal(r.checkTx.code, 0);
    assert.equal(r.txResult?.code, 0);
    assert.deepEqual(r.hash, txHash(tx));
  });

  test("broadcastTxCommit returns the CheckTx failure at once", async () => {
    backend.checkTxCode = 5;
    try {
      const r = await client.broadcastTxCommit({ tx: makeTx(3001) });
      assert.equal(r.checkTx.code, 5);
      assert.equal(r.height, 0);
    } finally {
      backend.checkTxCode = 0;
    }
  });
});
