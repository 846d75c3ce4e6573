// End to end: a real single-validator node process started from the CLI, driven by unmodified CosmJS.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { calculateExistenceRoot, iavlSpec, ics23, tendermintSpec, verifyMembership } from "@confio/ics23";
import { fromBech32, toAscii, toHex } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { calculateFee, coins, GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { Comet38Client, WebsocketClient } from "@cosmjs/tendermint-rpc";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { headerHash } from "../../chain/types/hash.ts";
import { balanceKey } from "../../modules/bank/keys.ts";
import { protoHeaderFromCosmjs } from "../support/cosmjs-header.ts";
import { disconnectForGood } from "../support/cosmjs-ws.ts";
import { createTestNode, dgrid, repoRoot, rpcCall, type TestNode, waitForHeight } from "../support/node-process.ts";

// CosmJS's own hashers (not re-exported by the package entry point). Its hashTx is the contract for tx
// hashes. Its hashBlock encodes header fields the Tendermint 0.33 (amino) way, so it cannot reproduce
// any CometBFT >= 0.34 block id; header hashes are checked with CometBFT's algorithm instead (pinned
// to CometBFT's own test vector and a real v0.38 block in test/types/hash.test.ts).
const require = createRequire(import.meta.url);
const { hashBlock, hashTx } = require(
  join(repoRoot, "node_modules/@cosmjs/tendermint-rpc/build/comet38/hasher.js"),
) as {
  hashBlock(h: unknown): Uint8Array;
  hashTx(tx: Uint8Array): Uint8Array;
};

const mnemonicA =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art";

describe("chain core end to end (single validator)", { timeout: 240_000 }, () => {
  let node: TestNode;
  let wallet: DirectSecp256k1HdWallet;
  let alice: string;
  let bob: string;
  let client: SigningStargateClient;

  before(async () => {
    wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonicA, { prefix: "dgrid" });
    const other = await DirectSecp256k1HdWallet.generate(12, { prefix: "dgrid" });
    alice = (await wallet.getAccounts())[0].address;
    bob = (await other.getAccounts())[0].address;
    node = await createTestNode({ accounts: [{ address: alice, coins: "1000000000udgrid" }] });
    await node.start();
    client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
      gasPrice: GasPrice.fromString("0.025udgrid"),
    });
  });

  after(async () => {
    client?.disconnect();
    await node?.stop();
  });

  it("reads chain id, height, account and balances", async () => {
    assert.equal(await client.getChainId(), node.chainId);
    assert.ok((await client.getHeight()) >= 2);
    const acc = await client.getAccount(alice);
    assert.ok(acc);
    assert.equal(acc.address, alice);
    assert.deepEqual(await client.getAllBalances(alice), coins(1_000_000_000, "udgrid"));
    assert.equal(await client.getAccount(bob), null);
  });

  it("simulates, sends with signAndBroadcast, and finds the tx with getTx / searchTx", async () => {
    const msg = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: alice, toAddress: bob, amount: coins(12345, "udgrid") },
    };
    const gas = await client.simulate(alice, [msg], "");
    assert.ok(gas > 50_000 && gas < 500_000, `simulated gas ${gas}`);
    const res = await client.signAndBroadcast(alice, [msg], "auto", "e2e send");
    assert.equal(res.code, 0, res.rawLog);
    assert.deepEqual(await client.getAllBalances(bob), coins(12345, "udgrid"));
    const found = await client.getTx(res.transactionHash);
    assert.ok(found);
    assert.equal(found.height, res.height);
    assert.equal(found.code, 0);
    const toBob = found.events.filter(
      (e) => e.type === "transfer" && e.attributes.some((a) => a.key === "recipient" && a.value === bob),
    );
    assert.equal(toBob.length, 1, "one transfer event to the recipient");
    const bySender = await client.searchTx(`message.sender='${alice}'`);
    assert.ok(bySender.some((t) => t.hash === res.transactionHash));
    const byRecipient = await client.searchTx(`transfer.recipient='${bob}' AND tx.height>=${res.height}`);
    assert.deepEqual(
      byRecipient.map((t) => t.hash),
      [res.transactionHash],
    );
  });

  it("block ids are CometBFT header hashes of what CosmJS reads, blocks chain up, and CosmJS hashTx finds every tx", async () => {
    const comet = await Comet38Client.connect(node.rpcUrl);
    try {
      const tip = (await comet.status()).syncInfo.latestBlockHeight;
      let txCount = 0;
      let prevId: Uint8Array | undefined;
      for (let h = 1; h <= tip; h++) {
        const { block, blockId } = await comet.block(h);
        const proto = protoHeaderFromCosmjs(block.header);
        assert.equal(toHex(headerHash(proto)), toHex(blockId.hash), `block ${h}`);
        if (prevId) assert.equal(toHex(block.header.lastBlockId!.hash), toHex(prevId), `block ${h} links to ${h - 1}`);
        if (h > 1)
          assert.notEqual(toHex(hashBlock(block.header)), toHex(blockId.hash), "CosmJS hashBlock is amino-era");
        prevId = blockId.hash;
        const results = await comet.blockResults(h);
        assert.equal(results.results.length, block.txs.length);
        for (const tx of block.txs) {
          const got = await comet.tx({ hash: hashTx(tx) });
          assert.equal(got.height, h);
          txCount++;
        }
      }
      assert.ok(txCount >= 1, "at least one tx seen");
    } finally {
      comet.disconnect();
    }
  });

  it("delivers consecutive heights to a websocket NewBlock subscriber", async () => {
    const ws = new WebsocketClient(node.rpcUrl.replace("http", "ws"));
    const comet = await Comet38Client.create(ws);
    try {
      const heights = await new Promise<number[]>((resolve, reject) => {
        const seen: number[] = [];
        const sub = comet.subscribeNewBlock().subscribe({
          next: (ev) => {
            seen.push(ev.header.height);
            if (seen.length === 3) {
              sub.unsubscribe();
              resolve(seen);
            }
          },
          error: reject,
        });
        setTimeout(() => reject(new Error(`only got ${seen}`)), 20_000);
      });
      assert.deepEqual(heights, [heights[0], heights[0] + 1, heights[0] + 2]);
    } finally {
      disconnectForGood(ws);
    }
  });

  async function signedSend(overrides: { sequence?: number; chainId?: string; feeAmount?: number }) {
    const acc = await client.getAccount(alice);
    const msg = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: alice, toAddress: bob, amount: coins(1, "udgrid") },
    };
    const fee = { amount: coins(overrides.feeAmount ?? 5000, "udgrid"), gas: "200000" };
    return client.sign(alice, [msg], fee, "", {
      accountNumber: acc!.accountNumber,
      sequence: overrides.sequence ?? acc!.sequence,
      chainId: overrides.chainId ?? node.chainId,
    });
  }

  async function expectRejected(raw: TxRaw, code: number) {
    const bytes = TxRaw.encode(raw).finish();
    await assert.rejects(client.broadcastTxSync(bytes), (err: any) => {
      assert.equal(err.code, code, String(err.message));
      assert.equal(err.codespace, "sdk");
      return true;
    });
  }

  it("rejects bad signature (4), wrong sequence (32), low fee (13), wrong chain id (4) and changes no balance", async () => {
    const before = { a: await client.getAllBalances(alice), b: await client.getAllBalances(bob) };
    const seq = (await client.getAccount(alice))!.sequence;

    const bad = await signedSend({});
    const sig = Uint8Array.from(bad.signatures[0]);
    sig[5] ^= 0xff;
    await expectRejected({ ...bad, signatures: [sig] }, 4);
    await expectRejected(await signedSend({ sequence: seq + 7 }), 32);
    await expectRejected(await signedSend({ feeAmount: 1 }), 13);
    await expectRejected(await signedSend({ chainId: "some-other-chain" }), 4);

    const h = await client.getHeight();
    await waitForHeight(node.rpcUrl, h + 2);
    assert.deepEqual(await client.getAllBalances(alice), before.a);
    assert.deepEqual(await client.getAllBalances(bob), before.b);
    assert.equal((await client.getAccount(alice))!.sequence, seq);
  });

  it("refuses a relayer's re-encoding of a signed tx (ADR-027), and the signer's own bytes then commit and are found", async () => {
    // issue 15's reproduction: the same TxRaw with authInfo before body is the same signed content
    // under a new hash; the node used to commit it, leaving the signer's broadcastTx waiting forever
    const signed = await signedSend({});
    const original = TxRaw.encode(signed).finish();
    const field = (n: number, bytes: Uint8Array) => {
      const len: number[] = [];
      for (let v = bytes.length; ; v >>>= 7) {
        if (v < 0x80) {
          len.push(v);
          break;
        }
        len.push((v & 0x7f) | 0x80);
      }
      return Buffer.concat([Buffer.from([(n << 3) | 2, ...len]), bytes]);
    };
    const reordered = Buffer.concat([
      field(2, signed.authInfoBytes),
      field(1, signed.bodyBytes),
      ...signed.signatures.map((sig) => field(3, sig)),
    ]);
    assert.notDeepEqual(new Uint8Array(reordered), original);
    const r = await rpcCall(node.rpcUrl, "broadcast_tx_sync", { tx: reordered.toString("base64") });
    assert.equal(r.result.code, 2, JSON.stringify(r.result));
    assert.match(r.result.log, /TxRaw is not in canonical protobuf encoding \(ADR-027\): field 1 after field 2/);
    // trailing bytes and an unknown field are refused the same way
    for (const mutant of [
      Buffer.concat([original, Buffer.from([0])]),
      Buffer.concat([original, field(9, Buffer.from("x"))]),
    ]) {
      const m = await rpcCall(node.rpcUrl, "broadcast_tx_sync", { tx: mutant.toString("base64") });
      assert.equal(m.result.code, 2, JSON.stringify(m.result));
    }
    const res = await client.broadcastTx(original);
    assert.equal(res.code, 0, res.rawLog);
    assert.equal(res.transactionHash, toHex(hashTx(original)).toUpperCase());
    assert.equal((await client.getTx(res.transactionHash))?.code, 0);
  });

  it("answers malformed tx bytes and malformed JSON-RPC with errors and keeps running", async () => {
    const garbage = await rpcCall(node.rpcUrl, "broadcast_tx_sync", { tx: Buffer.from("not a tx").toString("base64") });
    assert.ok(garbage.error || garbage.result.code !== 0, JSON.stringify(garbage));
    if (garbage.result) assert.equal(garbage.result.code, 2);

    const bad = await fetch(node.rpcUrl, { method: "POST", body: "{this is not json" });
    const badBody = (await bad.json()) as { error: { code: number } };
    assert.equal(badBody.error.code, -32700);
    const unknown = await rpcCall(node.rpcUrl, "no_such_method");
    assert.equal(unknown.error.code, -32601);
    const badParams = await rpcCall(node.rpcUrl, "block", { height: "minus one" });
    assert.ok(badParams.error);
    const h = await client.getHeight();
    await waitForHeight(node.rpcUrl, h + 1);
  });

  it("abci_query with prove returns ICS-23 proofs that verify against the next header's app hash", async () => {
    const comet = await Comet38Client.connect(node.rpcUrl);
    try {
      const { data: addrBytes } = fromBech32(alice, 90);
      const key = balanceKey(addrBytes, "udgrid");
      const res = await comet.abciQuery({ path: "/store/bank/key", data: key, prove: true });
      assert.equal(res.code, 0, res.log);
      assert.ok(res.value.length > 0);
      assert.ok(res.proof && res.proof.ops.length === 2, "two proof ops");
      const [iavlOp, simpleOp] = res.proof.ops;
      assert.equal(iavlOp.type, "ics23:iavl");
      assert.equal(simpleOp.type, "ics23:simple");
      const iavlProof = ics23.CommitmentProof.decode(iavlOp.data);
      assert.ok(iavlProof.exist);
      const storeRoot = calculateExistenceRoot(iavlProof.exist);
      assert.ok(verifyMembership(iavlProof, iavlSpec, storeRoot, key, res.value));
      const height = res.height!;
      await waitForHeight(node.rpcUrl, height + 1);
      const header = (await comet.block(height + 1)).block.header;
      const simpleProof = ics23.CommitmentProof.decode(simpleOp.data);
      assert.ok(verifyMembership(simpleProof, tendermintSpec, header.appHash, toAscii("bank"), storeRoot));
      // and a tampered value does not verify
      const tampered = Uint8Array.from(res.value);
      tampered[tampered.length - 1] ^= 1;
      assert.equal(verifyMembership(iavlProof, iavlSpec, storeRoot, key, tampered), false);
    } finally {
      comet.disconnect();
    }
  });

  it("serves Prometheus metrics with units in their names", async () => {
    const h = await client.getHeight();
    await waitForHeight(node.rpcUrl, h + 1);
    const text = await (await fetch(node.metricsUrl)).text();
    const height = Number(/^dgrid_consensus_height\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
    assert.ok(height >= h, `metrics height ${height} >= ${h}`);
    assert.match(text, /^dgrid_consensus_txs_total\{[^}]*\} [1-9]/m);
    assert.match(text, /^dgrid_consensus_block_interval_seconds_count/m);
    assert.match(text, /^dgrid_mempool_size_bytes/m);
  });

  it("the CLI recovers a key, sends with --gas auto (fee metered in the estimate) and queries balances", async () => {
    const cli = ["--home", node.home, "--keyring-backend", "test"];
    await dgrid(["keys", "add", "alice", "--recover", ...cli], { input: `${mnemonicA}\n` });
    const before = BigInt((await client.getBalance(bob, "udgrid")).amount);
    const { stdout } = await dgrid([
      "tx",
      "bank",
      "send",
      "alice",
      bob,
      "777udgrid",
      ...cli,
      "--node",
      node.rpcUrl,
      "--chain-id",
      node.chainId,
      "--gas",
      "auto",
      "--gas-adjustment",
      "1.05",
      "--broadcast-mode",
      "block",
      "-y",
      "--output",
      "json",
    ]);
    const res = JSON.parse(stdout);
    assert.equal(res.code, 0, stdout);
    assert.ok(Number(res.gas_used) <= Number(res.gas_wanted), `used ${res.gas_used} of ${res.gas_wanted}`);
    const q = await dgrid(["query", "bank", "balances", bob, "--node", node.rpcUrl, "--output", "json"]);
    const udgrid = JSON.parse(q.stdout).balances.find((c: { denom: string }) => c.denom === "udgrid");
    assert.equal(BigInt(udgrid.amount), before + 777n);
  });

  it("keeps height, balances and app hash across a stop and restart, and goes on making blocks", async () => {
    const reader = await Comet38Client.connect(node.rpcUrl);
    const stargate = await StargateClient.create(reader);
    const balances = { a: await stargate.getAllBalances(alice), b: await stargate.getAllBalances(bob) };
    const before = await reader.abciInfo();
    const beforeHeight = before.lastBlockHeight!;
    const beforeBlock = await reader.block(beforeHeight);
    stargate.disconnect();
    client.disconnect();
    await node.stop();
    await assert.rejects(rpcCall(node.rpcUrl, "status"), "node is down");

    await node.start();
    const comet = await Comet38Client.connect(node.rpcUrl);
    // the block we saw before the stop is unchanged, and the app hash it led to is the one the next header commits to
    assert.equal(toHex((await comet.block(beforeHeight)).blockId.hash), toHex(beforeBlock.blockId.hash));
    await waitForHeight(node.rpcUrl, beforeHeight + 1);
    const next = await comet.block(beforeHeight + 1);
    assert.equal(toHex(next.block.header.appHash), toHex(before.lastBlockAppHash!));
    const tip = (await comet.status()).syncInfo.latestBlockHeight;
    await waitForHeight(node.rpcUrl, tip + 2);
    comet.disconnect();
    client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
      gasPrice: GasPrice.fromString("0.025udgrid"),
    });
    assert.deepEqual(await client.getAllBalances(alice), balances.a);
    assert.deepEqual(await client.getAllBalances(bob), balances.b);
    const res = await client.sendTokens(alice, bob, coins(1, "udgrid"), calculateFee(200_000, "0.025udgrid"));
    assert.equal(res.code, 0);
  });
});
