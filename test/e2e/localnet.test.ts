// End to end over real p2p: a 4-validator localnet (plus one full node started late) as separate
// `dgrid start` processes on 127.0.0.1. One network serves every step, in order, to keep the suite
// short: agreement on block and app hashes, CosmJS on any node, liveness with 1 of 4 down, no blocks
// with 2 of 4 down and recovery, a late node syncing from genesis, and kill -9 crash recovery without
// double signing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { coins, GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { Vote } from "cosmjs-types/tendermint/types/types";
import { DEVNET_MNEMONIC } from "../../app/devnet.ts";
import { ed25519Verify } from "../../chain/consensus/crypto.ts";
import { pubKeyFromJson } from "../../chain/types/keys.ts";
import { voteSignBytes } from "../../chain/types/vote.ts";
import {
  assertSameChain,
  blockAt,
  createTestLocalnet,
  heightOf,
  isRunning,
  type RunningNode,
  type TestLocalnet,
  waitAllHeight,
  waitSignedBy,
} from "../support/localnet.ts";
import { rpcCall } from "../support/node-process.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function maxHeight(nodes: RunningNode[]): Promise<number> {
  let m = 0;
  for (const n of nodes) if (isRunning(n)) m = Math.max(m, await heightOf(n).catch(() => 0));
  return m;
}

describe("localnet: 4 validators over libp2p", { timeout: 600_000 }, () => {
  let net: TestLocalnet;
  let validators: RunningNode[];

  before(async () => {
    // a long signed-blocks window: the validators stopped and killed here must not be jailed meanwhile
    net = await createTestLocalnet({
      validators: 4,
      fullNodes: 1,
      params: { slashing: { signed_blocks_window: "1000" } },
    });
    validators = net.nodes.slice(0, 4);
    for (let i = 0; i < 4; i++) net.start(i);
    await waitAllHeight(validators, 3, 150_000);
  });

  after(async () => {
    if (net) await net.cleanup();
  });

  it("makes progress and every validator reports the same block and app hash at every height", async () => {
    const h = Math.min(...(await Promise.all(validators.map(heightOf))));
    assert.ok(h >= 3);
    await assertSameChain(validators, h);
    // every validator signs commits: they all take part (a commit needs only +2/3, so a validator slowed
    // by a loaded machine may be absent from a few; look at later heights until all four appear)
    const signers = new Set<string>();
    const deadline = Date.now() + 120_000;
    for (let k = 2; signers.size < 4 && Date.now() < deadline; k++) {
      while ((await heightOf(validators[0])) <= k && Date.now() < deadline) await sleep(200);
      const c = await rpcCall(validators[0].rpcUrl, "commit", { height: String(k) });
      for (const s of c.result.signed_header.commit.signatures)
        if (s.block_id_flag === 2) signers.add(s.validator_address);
    }
    assert.equal(signers.size, 4);
    const ni = await rpcCall(validators[0].rpcUrl, "net_info");
    assert.equal(ni.result.n_peers, "3");
    assert.deepEqual(
      ni.result.peers.map((p: any) => p.node_info.id).sort(),
      validators
        .slice(1)
        .map((v) => v.nodeId)
        .sort(),
    );
    assert.equal(ni.result.peers[0].remote_ip, "127.0.0.1");
    const metrics = await (await fetch(`http://127.0.0.1:${validators[0].metricsPort}/metrics`)).text();
    assert.match(metrics, /^dgrid_p2p_peers\{[^}]*\} 3$/m);
    const st = await rpcCall(validators[2].rpcUrl, "status");
    assert.equal(st.result.node_info.id, validators[2].nodeId);
    assert.equal(st.result.sync_info.catching_up, false);
  });

  it("CosmJS works against any node: a send through one is seen on another", async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, { prefix: "dgrid" });
    const [{ address: from }] = await wallet.getAccounts();
    const to = (await (await DirectSecp256k1HdWallet.generate(12, { prefix: "dgrid" })).getAccounts())[0].address;
    const signer = await SigningStargateClient.connectWithSigner(validators[1].rpcUrl, wallet, {
      gasPrice: GasPrice.fromString("0.025udgrid"),
    });
    const reader = await StargateClient.connect(validators[3].rpcUrl);
    try {
      assert.equal(await reader.getChainId(), net.chainId);
      const res = await signer.sendTokens(from, to, coins(12345, "udgrid"), "auto");
      assert.equal(res.code, 0);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const bal = await reader.getBalance(to, "udgrid");
        if (bal.amount === "12345") break;
        assert.ok(Date.now() < deadline, "the other node never saw the transfer");
        await sleep(200);
      }
      const tx = await reader.getTx(res.transactionHash);
      assert.equal(tx?.height, res.height);
    } finally {
      signer.disconnect();
      reader.disconnect();
    }
  });

  it("a tx broadcast to one node is gossiped and committed by the others' proposals", async () => {
    // Sent through validator 2 only; it is committed whoever proposes (the proposer reaps its own mempool).
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, { prefix: "dgrid" });
    const [{ address: from }] = await wallet.getAccounts();
    const signer = await SigningStargateClient.connectWithSigner(validators[2].rpcUrl, wallet, {
      gasPrice: GasPrice.fromString("0.025udgrid"),
    });
    try {
      const res = await signer.sendTokens(from, from, coins(1, "udgrid"), "auto");
      assert.equal(res.code, 0);
      const b = await blockAt(validators[0], res.height);
      assert.ok(b.block.data.txs.length >= 1);
    } finally {
      signer.disconnect();
    }
  });

  it("stop 1 of 4: blocks continue", async () => {
    await net.stop(3);
    const live = validators.slice(0, 3);
    const h = await maxHeight(live);
    await waitAllHeight(live, h + 3, 90_000);
  });

  it("stop 2 of 4: no block is committed; restart one: blocks resume", async () => {
    await net.stop(2);
    const live = validators.slice(0, 2);
    await sleep(1500); // a block already decided may still be committed
    const h = await maxHeight(live);
    await sleep(5000);
    assert.equal(await maxHeight(live), h, "a block was committed by half of the voting power");
    net.start(2);
    await waitAllHeight(validators.slice(0, 3), h + 2, 120_000);
    net.start(3);
    await waitAllHeight(validators, h + 3, 120_000);
  });

  it("a fifth node started late syncs from genesis to the tip and follows", async () => {
    const late = net.nodes[4];
    const tip = await maxHeight(validators);
    net.start(4);
    await waitAllHeight([late], tip, 120_000);
    // block sync ends (catching_up false) and the node then follows the chain through consensus
    const deadline = Date.now() + 60_000;
    for (;;) {
      const st = await rpcCall(late.rpcUrl, "status");
      if (st.result.sync_info.catching_up === false) break;
      assert.ok(Date.now() < deadline, "still catching up");
      await sleep(200);
    }
    // its log line travels through a pipe, the status answer through a socket: either may come first
    const logDeadline = Date.now() + 15_000;
    while (!late.logs.join("").includes("block sync done")) {
      assert.ok(Date.now() < logDeadline, "the late node used block sync");
      await sleep(100);
    }
    const h = await heightOf(late);
    await waitAllHeight([late], h + 2, 60_000);
    await assertSameChain([validators[0], late], h + 2);
  });

  it("kill -9 a validator mid-round, repeatedly: it restarts, replays its WAL, catches up, signs commits again, never double-signs", async () => {
    const victim = 1;
    const from = Math.max(1, (await maxHeight(validators)) - 2);
    const restart = () => {
      net.start(victim);
      const seen = { replayed: false };
      validators[victim].process?.stdout?.on("data", (d: Buffer) => {
        if (String(d).includes("replaying consensus WAL")) seen.replayed = true;
      });
      return seen;
    };
    // 1. While the chain runs: killed somewhere inside a round, it comes back (replaying what it logged
    //    of the current height, or block-syncing past it when the others moved on) and signs again.
    for (let k = 0; k < 2; k++) {
      await sleep(300 + k * 370);
      await net.stop(victim, "SIGKILL");
      restart();
      const h = await maxHeight(validators.filter((_, i) => i !== victim));
      await waitAllHeight([validators[victim]], h + 1, 120_000);
      await waitSignedBy(validators[0], validators[victim], h, 90_000);
    }
    // 2. With two others stopped the chain halts at some height H, where the victim and validator 0 go
    //    through rounds (proposals, votes, timeouts: all in the victim's WAL, its own votes fsynced).
    //    Killed there and restarted, nobody is ahead, so it must resume H from its WAL; when the others
    //    return it must sign H's commit without contradicting what it signed before the kill.
    await net.stop(2);
    await net.stop(3);
    await sleep(2_500);
    await net.stop(victim, "SIGKILL");
    const seen = restart();
    const deadline = Date.now() + 120_000;
    while (!seen.replayed) {
      assert.ok(Date.now() < deadline, "the restarted validator did not replay its consensus WAL");
      await sleep(200);
    }
    net.start(2);
    net.start(3);
    const h = await maxHeight([validators[0]]);
    await waitAllHeight(validators, h + 2, 180_000);
    await waitSignedBy(validators[0], validators[victim], h - 1, 90_000);
    const tip = Math.min(...(await Promise.all(validators.map(heightOf))));
    await assertSameChain([...validators, net.nodes[4]].filter(isRunning), tip);
    // No node ever saw two conflicting votes, and every commit signature of every validator verifies.
    for (const n of net.nodes)
      assert.ok(!n.logs.join("").includes("conflicting votes"), `${n.name} saw conflicting votes`);
    const vals = (await rpcCall(validators[0].rpcUrl, "validators", { height: "1", per_page: "100" })).result
      .validators;
    const pubKeys = new Map<string, Uint8Array>(
      vals.map((v: any) => [v.address, pubKeyFromJson({ type: "tendermint/PubKeyEd25519", value: v.pub_key.value })]),
    );
    const chainId = net.chainId;
    for (let h = from; h < tip; h++) {
      const c = (await rpcCall(validators[0].rpcUrl, "commit", { height: String(h) })).result.signed_header.commit;
      for (const [i, s] of c.signatures.entries()) {
        if (s.block_id_flag === 1) continue;
        const vote = Vote.fromPartial({
          type: 2,
          height: BigInt(c.height),
          round: c.round,
          blockId:
            s.block_id_flag === 2
              ? {
                  hash: Buffer.from(c.block_id.hash, "hex"),
                  partSetHeader: {
                    total: c.block_id.parts.total,
                    hash: Buffer.from(c.block_id.parts.hash, "hex"),
                  },
                }
              : undefined,
          timestamp: { seconds: BigInt(Math.floor(Date.parse(s.timestamp) / 1000)), nanos: nanosOf(s.timestamp) },
          validatorAddress: Buffer.from(s.validator_address, "hex"),
          validatorIndex: i,
        });
        const pk = pubKeys.get(s.validator_address);
        assert.ok(pk, `unknown signer at ${h}`);
        assert.ok(
          ed25519Verify(pk, voteSignBytes(chainId, vote), Buffer.from(s.signature, "base64")),
          `bad commit signature at height ${h} index ${i}`,
        );
      }
    }
  });
});

function nanosOf(rfc3339: string): number {
  const m = /\.(\d+)Z$/.exec(rfc3339);
  return m ? Number(m[1].padEnd(9, "0").slice(0, 9)) : 0;
}
