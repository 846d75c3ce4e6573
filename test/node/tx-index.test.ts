// The node's tx index settings, on an in-process single-validator node: app.toml index-events keeps
// only the listed attributes searchable (tx_search by any other finds nothing; the tx by hash is
// whole), and config.toml tx_index.indexer = "null" indexes nothing: tx, tx_search and block_search
// answer CometBFT's "indexing is disabled" errors while the chain goes on.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { coins, GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import pino from "pino";
import { DGridApp } from "../../app/app.ts";
import { DGridNode } from "../../app/node.ts";
import { loadConfig, writeConfig } from "../../chain/node/config.ts";
import { createTestNode, latestHeight, rpcCall, type TestNode, waitForHeight } from "../support/node-process.ts";

const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art";

describe("node: tx index settings", { timeout: 180_000 }, () => {
  let t: TestNode;
  let node: DGridNode | undefined;
  let alice: string;
  let bob: string;
  let wallet: DirectSecp256k1HdWallet;

  async function startWith(edit: (c: ReturnType<typeof loadConfig>) => void): Promise<string> {
    const config = loadConfig(t.home);
    config.inference.enabled = false;
    config.instrumentation.prometheus = false;
    edit(config);
    writeConfig(t.home, config);
    node = new DGridNode({ home: t.home, config }, { logger: pino({ level: "silent" }) });
    await node.start();
    return node.rpcUrl;
  }

  before(async () => {
    wallet = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix: "dgrid" });
    alice = (await wallet.getAccounts())[0].address;
    bob = (await (await DirectSecp256k1HdWallet.generate(12, { prefix: "dgrid" })).getAccounts())[0].address;
    t = await createTestNode({ accounts: [{ address: alice, coins: "1000000000udgrid" }] });
  });

  after(async () => {
    await node?.stop();
  });

  it("index-events: only the listed attributes are searchable; the tx itself is whole", async () => {
    const rpcUrl = await startWith((c) => {
      c.app.indexEvents = ["transfer.recipient"];
    });
    await waitForHeight(rpcUrl, 2);
    const client = await SigningStargateClient.connectWithSigner(rpcUrl, wallet, {
      gasPrice: GasPrice.fromString("0.025udgrid"),
    });
    const sent = await client.sendTokens(alice, bob, coins(1234, "udgrid"), "auto");
    client.disconnect();
    assert.equal(sent.code, 0);
    const search = async (query: string) => (await rpcCall(rpcUrl, "tx_search", { query })).result;
    assert.equal((await search(`transfer.recipient='${bob}'`)).total_count, "1");
    assert.equal((await search(`transfer.sender='${alice}'`)).total_count, "0");
    assert.equal((await search("message.action='/cosmos.bank.v1beta1.MsgSend'")).total_count, "0");
    assert.equal((await search(`tx.height=${sent.height} AND transfer.amount EXISTS`)).total_count, "0");
    const byHash = (await rpcCall(rpcUrl, "tx", { hash: Buffer.from(sent.transactionHash, "hex").toString("base64") }))
      .result;
    const transfer = byHash.tx_result.events.find((e: any) => e.type === "transfer");
    const index = Object.fromEntries(transfer.attributes.map((a: any) => [a.key, a.index]));
    assert.equal(index.recipient, true);
    assert.equal(index.sender, false);
    assert.equal(index.amount, false);
    assert.equal((await rpcCall(rpcUrl, "status")).result.node_info.other.tx_index, "on");
    await node?.stop();
    node = undefined;
  });

  it('tx_index.indexer = "null": the index queries answer an error, the chain goes on', async () => {
    const rpcUrl = await startWith((c) => {
      c.app.indexEvents = [];
      c.txIndex.indexer = "null";
    });
    const h = await waitForHeight(rpcUrl, 1).then(() => latestHeight(rpcUrl));
    await waitForHeight(rpcUrl, h + 2);
    const search = await rpcCall(rpcUrl, "tx_search", { query: `transfer.recipient='${bob}'` });
    assert.equal(search.error?.code, -32603);
    assert.match(String(search.error?.data), /transaction indexing is disabled/);
    const blocks = await rpcCall(rpcUrl, "block_search", { query: "block.height > 0" });
    assert.match(String(blocks.error?.data), /block indexing is disabled/);
    const tx = await rpcCall(rpcUrl, "tx", { hash: Buffer.alloc(32).toString("base64") });
    assert.match(String(tx.error?.data), /transaction indexing is disabled/);
    assert.equal((await rpcCall(rpcUrl, "status")).result.node_info.other.tx_index, "off");
  });

  it("a malformed index-events entry is refused: by the config file and by the app", async () => {
    const config = loadConfig(t.home);
    config.app.indexEvents = ["transfer"];
    writeConfig(t.home, config);
    assert.throws(() => loadConfig(t.home), /index-events[\s\S]*"type.key" event attributes/);
    config.app.indexEvents = [];
    writeConfig(t.home, config);
    assert.throws(
      () =>
        new DGridApp(
          { minGasPrices: "0udgrid", indexEvents: ["transfer"] },
          { db: undefined as never, logger: pino({ level: "silent" }) },
        ),
      /index-events: "transfer" is not an event type and attribute key/,
    );
  });
});
