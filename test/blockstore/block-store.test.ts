import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ClassicLevel } from "classic-level";
import { ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import { Block } from "cosmjs-types/tendermint/types/block";
import { type BlockID, type Commit, SignedMsgType } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import { BlockStore, BlockStoreError } from "../../chain/blockstore/block-store.ts";
import { commitHash, dataHash, headerHash, validatorSetHash } from "../../chain/types/hash.ts";
import { Ed25519Key } from "../../chain/types/keys.ts";
import { makePartSet } from "../../chain/types/part-set.ts";
import { voteSignBytes } from "../../chain/types/vote.ts";
import { testTempDir } from "../support/temp-dir.ts";

const key = Ed25519Key.fromSeed(new Uint8Array(32).fill(9));
const vals = [{ address: key.address, pubKey: { ed25519: key.pubKey }, votingPower: 10n, proposerPriority: 0n }];
const CHAIN = "dgrid-test";

function commitFor(height: number, blockId: BlockID): Commit {
  const timestamp = { seconds: BigInt(1_700_000_000 + height), nanos: 0 };
  const signature = key.sign(
    voteSignBytes(CHAIN, {
      type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
      height: BigInt(height),
      round: 0,
      blockId,
      timestamp,
      validatorAddress: key.address,
      validatorIndex: 0,
      signature: new Uint8Array(0),
      extension: new Uint8Array(0),
      extensionSignature: new Uint8Array(0),
    }),
  );
  return {
    height: BigInt(height),
    round: 0,
    blockId,
    signatures: [
      { blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_COMMIT, validatorAddress: key.address, timestamp, signature },
    ],
  };
}

/** Builds a chain of real blocks: each with correct data/last-commit hashes and linked block ids. */
function buildChain(n: number): { block: Block; blockId: BlockID; seen: Commit }[] {
  const out: { block: Block; blockId: BlockID; seen: Commit }[] = [];
  let lastId: BlockID = { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } };
  let lastCommit: Commit | undefined;
  for (let h = 1; h <= n; h++) {
    const txs = Array.from({ length: h % 3 }, (_, i) => new TextEncoder().encode(`tx-${h}-${i}`));
    const lc: Commit = lastCommit ?? { height: 0n, round: 0, blockId: lastId, signatures: [] };
    const header = {
      version: { block: 11n, app: 0n },
      chainId: CHAIN,
      height: BigInt(h),
      time: { seconds: BigInt(1_700_000_000 + h), nanos: 0 },
      lastBlockId: lastId,
      lastCommitHash: commitHash(lc),
      dataHash: dataHash(txs),
      validatorsHash: validatorSetHash(vals),
      nextValidatorsHash: validatorSetHash(vals),
      consensusHash: new Uint8Array(32),
      appHash: new Uint8Array(32).fill(h),
      lastResultsHash: new Uint8Array(32),
      evidenceHash: dataHash([]),
      proposerAddress: key.address,
    };
    const block = Block.fromPartial({ header, data: { txs }, evidence: { evidence: [] }, lastCommit: lc });
    const parts = makePartSet(Block.encode(block).finish());
    const blockId: BlockID = { hash: headerHash(header), partSetHeader: parts.header };
    const seen = commitFor(h, blockId);
    out.push({ block, blockId, seen });
    lastId = blockId;
    lastCommit = seen;
  }
  return out;
}

describe("BlockStore", () => {
  let db: ClassicLevel<Uint8Array, Uint8Array>;
  before(async () => {
    db = new ClassicLevel<Uint8Array, Uint8Array>(join(testTempDir("dgrid-bs-"), "db"), {
      keyEncoding: "view",
      valueEncoding: "view",
    });
    await db.open();
  });
  after(() => db.close());

  const sub = (name: string) =>
    db.sublevel<Uint8Array, Uint8Array>(name, { keyEncoding: "view", valueEncoding: "view" });

  it("saves and loads blocks by height and hash, with metas and commits", async () => {
    const store = new BlockStore({}, { db: sub("blocks1") });
    assert.equal(store.height(), 0);
    assert.equal(store.base(), 0);
    const chain = buildChain(5);
    for (const { block, blockId, seen } of chain) await store.saveBlock(block, blockId, seen);
    assert.equal(store.height(), 5);
    assert.equal(store.base(), 1);
    for (const [i, { block, blockId, seen }] of chain.entries()) {
      const h = i + 1;
      assert.deepEqual(await store.loadBlock(h), Block.fromPartial(block));
      assert.deepEqual((await store.loadBlockByHash(blockId.hash))?.header?.height, BigInt(h));
      const meta = await store.loadBlockMeta(h);
      assert.deepEqual(meta?.blockId, blockId);
      assert.equal(meta?.numTxs, BigInt(h % 3));
      assert.equal(meta?.blockSize, BigInt(Block.encode(block).finish().length));
      assert.deepEqual(headerHash(meta!.header), blockId.hash);
      assert.deepEqual(await store.loadSeenCommit(h), seen);
      if (h < 5) {
        const c = await store.loadBlockCommit(h);
        assert.deepEqual(c, seen); // block h+1 carried it as last_commit
        assert.deepEqual(commitHash(c!), chain[h]!.block.header!.lastCommitHash);
      } else {
        assert.equal(await store.loadBlockCommit(h), undefined);
      }
    }
    assert.equal(await store.loadBlock(6), undefined);
    assert.equal(await store.loadBlock(0), undefined);
    assert.equal(await store.loadBlockByHash(new Uint8Array(32)), undefined);

    // A fresh instance reads the same state from disk (sync and async).
    const again = new BlockStore({}, { db: sub("blocks1") });
    assert.equal(again.height(), 5);
    const again2 = new BlockStore({}, { db: sub("blocks1") });
    await again2.load();
    assert.equal(again2.base(), 1);
  });

  it("rejects gaps and mismatched commits", async () => {
    const store = new BlockStore({}, { db: sub("blocks2") });
    const chain = buildChain(3);
    await store.saveBlock(chain[0]!.block, chain[0]!.blockId, chain[0]!.seen);
    await assert.rejects(store.saveBlock(chain[2]!.block, chain[2]!.blockId, chain[2]!.seen), BlockStoreError);
    await assert.rejects(store.saveBlock(chain[1]!.block, chain[1]!.blockId, chain[0]!.seen), /seen commit height/);
    assert.equal(store.height(), 1);
  });

  it("stores extended commits and finalize-block responses", async () => {
    const store = new BlockStore({}, { db: sub("blocks3") });
    const [{ block, blockId, seen }] = buildChain(1) as [{ block: Block; blockId: BlockID; seen: Commit }];
    const ext = {
      height: 1n,
      round: 0,
      blockId,
      extendedSignatures: [
        { ...seen.signatures[0]!, extension: Uint8Array.of(1, 2), extensionSignature: new Uint8Array(64).fill(5) },
      ],
    };
    await store.saveBlock(block, blockId, seen, ext);
    assert.deepEqual(await store.loadExtendedCommit(1), ext);
    const resp = ResponseFinalizeBlock.fromPartial({
      events: [{ type: "mint", attributes: [{ key: "amount", value: "5", index: true }] }],
      txResults: [{ code: 0, gasUsed: 5n, gasWanted: 10n }],
      appHash: Uint8Array.of(7),
    });
    await store.saveFinalizeBlockResponse(1, resp);
    assert.deepEqual(await store.loadFinalizeBlockResponse(1), resp);
    assert.equal(await store.loadFinalizeBlockResponse(2), undefined);
  });

  it("can start at a later height and prune", async () => {
    const store = new BlockStore({}, { db: sub("blocks4") });
    const chain = buildChain(6);
    for (const c of chain.slice(2)) await store.saveBlock(c.block, c.blockId, c.seen);
    assert.equal(store.base(), 3);
    assert.equal(await store.pruneBlocks(5), 2);
    assert.equal(store.base(), 5);
    assert.equal(await store.loadBlock(4), undefined);
    assert.equal(await store.loadBlockByHash(chain[3]!.blockId.hash), undefined);
    assert.ok(await store.loadBlock(5));
    await assert.rejects(store.pruneBlocks(7), BlockStoreError);
  });
});
